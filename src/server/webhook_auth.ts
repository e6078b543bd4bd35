/**
 * Authenticating a webhook request against its trigger's secret: an HMAC-SHA256
 * signature of the raw body (`X-Weft-Signature: sha256=<hex>`, or GitHub's own
 * `X-Hub-Signature-256`, the same scheme), `Authorization: Bearer <secret>`, or GitLab's
 * `X-Gitlab-Token: <secret>`. Both compares take
 * the same time whatever the given value is (crypto.subtle.verify for the HMAC; the
 * bearer token is compared as SHA-256 digests, byte by byte without early exit).
 * @module
 */

const encoder = new TextEncoder();

/** True when the headers prove knowledge of `secret` for this body. */
export async function checkSecret(
  headers: Headers,
  body: Uint8Array,
  secret: string,
): Promise<boolean> {
  // GitHub sends its signature as X-Hub-Signature-256 (same scheme), GitLab the secret
  // itself as X-Gitlab-Token: senders that cannot add weft's header are taken as they are.
  const signature = headers.get("x-weft-signature") ?? headers.get("x-hub-signature-256");
  if (signature !== null) return await verifySignature(signature, body, secret);
  const token = headers.get("x-gitlab-token");
  if (token !== null) return await sameDigest(token, secret);
  const authorization = headers.get("authorization");
  const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (bearer !== undefined) return await sameDigest(bearer.trim(), secret);
  return false;
}

/** `sha256=<hex>` checked against HMAC-SHA256(secret, body). */
export async function verifySignature(
  header: string,
  body: Uint8Array,
  secret: string,
): Promise<boolean> {
  const hex = header.trim().match(/^sha256=([0-9a-fA-F]{64})$/)?.[1];
  if (hex === undefined) return false;
  const given = new Uint8Array(32);
  for (let i = 0; i < 32; i++) given[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  const key = await hmacKey(secret, ["verify"]);
  return await crypto.subtle.verify("HMAC", key, given, body as Uint8Array<ArrayBuffer>);
}

/** The `sha256=<hex>` header value for a body (used by tests and the bench as senders). */
export async function signBody(body: Uint8Array, secret: string): Promise<string> {
  const key = await hmacKey(secret, ["sign"]);
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, body as Uint8Array<ArrayBuffer>),
  );
  return "sha256=" + Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

function hmacKey(secret: string, usages: KeyUsage[]): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    usages,
  );
}

/** Compares digests, so neither the length nor a common prefix shows in the timing. */
async function sameDigest(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  const p = new Uint8Array(x);
  const q = new Uint8Array(y);
  let diff = 0;
  for (let i = 0; i < p.length; i++) diff |= p[i] ^ q[i];
  return diff === 0;
}
