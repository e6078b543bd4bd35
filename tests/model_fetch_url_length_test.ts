/**
 * A URL longer than fetch sends (src/model/fetch_url_length.ts): an http task fails
 * before sending, with a reason naming the URL's length, the limit and the `${...}` that
 * holds most of it, rather than fetch's bare "Invalid URL" after a 70 KB request line;
 * a redirect to such a URL says the same. Through the real CLI against a server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { FETCH_URL_MAX, urlLengthTrouble } from "../src/model/fetch_url_length.ts";
import { postJson } from "../src/notify/http_post.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/http_url_length/long_url.yml", import.meta.url).pathname;

/** A loopback server: `/redirect` answers 302 to a URL of `FETCH_URL_MAX + 1` characters. */
function startServer() {
  const paths: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    paths.push(url.pathname);
    if (url.pathname !== "/redirect") return new Response("ok");
    const base = `${url.origin}/far?x=`;
    return new Response(null, {
      status: 302,
      headers: { location: base + "b".repeat(FETCH_URL_MAX + 1 - base.length) },
    });
  });
  return { paths, url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

Deno.test("fetch_url_length: the limit is the one Deno's fetch has", async () => {
  const server = startServer();
  try {
    const at = (n: number) => `${server.url}/ok?x=` + "a".repeat(n - server.url.length - 6);
    // Sent (the server's answer to so long a request line does not matter here).
    const sent = await fetch(at(FETCH_URL_MAX));
    await sent.body?.cancel();
    assert.ok(sent.status > 0);
    await assert.rejects(() => fetch(at(FETCH_URL_MAX + 1)), /Invalid URL/);
    assert.equal(urlLengthTrouble(new URL(at(FETCH_URL_MAX))), undefined);
    assert.match(
      urlLengthTrouble(new URL(at(FETCH_URL_MAX + 1)))!,
      /is 65,535 characters long, over the 65,534/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("fetch_url_length: an http task's too-long URL names its size, the limit and the value", async () => {
  const server = startServer();
  try {
    const home = `${testTempDir("url-length-")}/home`;
    const ran = await weft(["run", FIXTURE, "--json"], {
      env: { WEFT_HOME: home, URL: server.url },
    });
    assert.equal(ran.code, 1, ran.stderr);
    const report = JSON.parse(ran.stdout);
    const error = (id: string) => report.tasks.find((t: { id: string }) => t.id === id).error;
    const length = (server.url + "/bigurl?x=").length + 70_000;
    assert.equal(
      error("u"),
      `url: the URL is ${length.toLocaleString("en-US")} characters long, over the 65,534 that ` +
        "fetch sends (it refuses a longer one as an invalid URL); ${tasks.p.outputs.big} holds " +
        "70,000 characters of it: send a large value in `data` (a POST body), not in the URL",
    );
    assert.ok(!server.paths.includes("/bigurl"), "nothing was sent");
    // A redirect to one: the reason ends with why, after a cut URL.
    assert.match(
      error("r"),
      /^GET \S*\/redirect failed: a redirect to .*b…: its URL is 65,535 characters long, over the 65,534/,
    );
    assert.ok(error("r").length < 2_000, "the reason shows a cut URL");
  } finally {
    await server.close();
  }
});

Deno.test("fetch_url_length: a long URL under the limit is sent", async () => {
  const server = startServer();
  try {
    const home = `${testTempDir("url-length-")}/home`;
    const ran = await weft(["run", FIXTURE, "-p", "size=60000", "--json"], {
      env: { WEFT_HOME: home, URL: server.url },
    });
    const u = JSON.parse(ran.stdout).tasks.find((t: { id: string }) => t.id === "u");
    assert.equal(u.status, "success", ran.stderr);
    assert.ok(server.paths.includes("/bigurl"));
  } finally {
    await server.close();
  }
});

Deno.test("fetch_url_length: a webhook notification's too-long URL says so, not only 'Invalid URL'", async () => {
  const server = startServer();
  try {
    const url = `${server.url}/hook?x=` + "c".repeat(FETCH_URL_MAX);
    await assert.rejects(
      () => postJson(url, { text: "hi" }),
      /the URL is [\d,]+ characters long, over the 65,534/,
    );
    assert.deepEqual(server.paths, [], "nothing was sent");
  } finally {
    await server.close();
  }
});
