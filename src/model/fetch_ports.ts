/**
 * The Fetch standard's "bad ports" (https://fetch.spec.whatwg.org/#port-blocking): a
 * request to one of them is refused by fetch itself, whatever the server ("Requests to
 * port 6000 are blocked"). Weft says so where it knows the port: `weft validate` for a
 * literal port in an http `url` or a webhook URL, and the run before it fetches.
 * @module
 */

/** The list as the standard gives it; the same as Deno's fetch blocks (checked for ports 1-10999). */
const BAD_PORTS: ReadonlySet<number> = new Set([
  1,
  7,
  9,
  11,
  13,
  15,
  17,
  19,
  20,
  21,
  22,
  23,
  25,
  37,
  42,
  43,
  53,
  69,
  77,
  79,
  87,
  95,
  101,
  102,
  103,
  104,
  109,
  110,
  111,
  113,
  115,
  117,
  119,
  123,
  135,
  137,
  139,
  143,
  161,
  179,
  389,
  427,
  465,
  512,
  513,
  514,
  515,
  526,
  530,
  531,
  532,
  540,
  548,
  554,
  556,
  563,
  587,
  601,
  636,
  989,
  990,
  993,
  995,
  1719,
  1720,
  1723,
  2049,
  3659,
  4045,
  4190,
  5060,
  5061,
  6000,
  6566,
  6665,
  6666,
  6667,
  6668,
  6669,
  6679,
  6697,
  10080,
]);

/** Whether fetch refuses requests to `port` (a number, or a URL's `port` text). */
export function isBlockedPort(port: number | string): boolean {
  return BAD_PORTS.has(Number(port));
}

/**
 * Why fetch would refuse `url` for its port, in the words validate and the run both use,
 * or undefined. `url.port` is empty for the scheme's default port (80, 443): never blocked.
 */
export function blockedPortTrouble(url: URL): { message: string; hint: string } | undefined {
  if (url.port === "" || !isBlockedPort(url.port)) return undefined;
  return {
    message:
      `port ${url.port} is one that fetch always blocks (the Fetch standard's "bad ports", ` +
      `https://fetch.spec.whatwg.org/#port-blocking)`,
    hint: "serve the endpoint on another port (8080, 8443, …): no request to this one is ever sent",
  };
}
