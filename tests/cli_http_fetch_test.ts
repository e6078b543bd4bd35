/**
 * Redirects of http tasks through the real CLI (src/tasks/http_fetch.ts): credential
 * headers are not sent on to another origin, the method and body change as the Fetch
 * Standard says, a 3xx in `expect_status` (or `follow_redirects: false`) judges the
 * redirect itself, and an http task without `timeout` ends after its default 30 s.
 * Two loopback servers on two ports are the two origins.
 */
import assert from "node:assert/strict";
import { historyJson, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/http_redirect/", import.meta.url).pathname;

/** What server B saw of one request. */
interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Starts A (redirects) and B (records, answers) and runs `args` against them. */
async function withServers(
  run: (env: { A: string; B: string }, seenByB: Seen[]) => Promise<void>,
): Promise<void> {
  const seenByB: Seen[] = [];
  const hung = Promise.withResolvers<void>();
  const b = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    seenByB.push({
      method: req.method,
      path: url.pathname,
      headers: Object.fromEntries(req.headers),
      body: await req.text(),
    });
    return new Response(url.pathname === "/missing" ? "gone" : "landed", {
      status: url.pathname === "/missing" ? 404 : 200,
    });
  });
  const bUrl = `http://127.0.0.1:${b.addr.port}`;
  const a = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    await req.arrayBuffer();
    const code = Number(url.searchParams.get("code") ?? "302");
    switch (url.pathname) {
      case "/to-b":
        return new Response(null, { status: code, headers: { location: `${bUrl}/landing` } });
      case "/to-b-missing":
        return new Response(null, { status: 302, headers: { location: `${bUrl}/missing` } });
      case "/to-a":
        return new Response(null, { status: 302, headers: { location: "/here" } });
      case "/here":
        return Response.json(Object.fromEntries(req.headers));
      case "/hang":
        await hung.promise;
        return new Response("late");
    }
    return new Response("?", { status: 500 });
  });
  try {
    await run({ A: `http://127.0.0.1:${a.addr.port}`, B: bUrl }, seenByB);
  } finally {
    hung.resolve();
    await Promise.all([a.shutdown(), b.shutdown()]);
  }
}

Deno.test("cli http redirect: credential headers stop at another origin; 303 makes a GET, 307 keeps the body", async () => {
  await withServers(async (env, seen) => {
    const home = testTempDir("home-");
    const { code, stderr } = await weft(["run", `${FIXTURES}redirects.yml`, "-v"], {
      env: { ...env, WEFT_HOME: home },
    });
    assert.equal(code, 0, stderr);
    assert.equal(seen.length, 3, JSON.stringify(seen));
    const cross = seen.find((s) => s.method === "GET" && s.headers["x-trace"] !== undefined)!;
    assert.equal(cross.headers["x-trace"], "keep-me");
    for (const name of ["x-api-key", "x-auth-token", "cookie", "authorization"]) {
      assert.equal(cross.headers[name], undefined, `${name} reached the other origin`);
    }
    assert.match(stderr, /another origin: .*x-api-key.* not sent on/);
    // 303 after a POST: a GET without the body or its Content-Type.
    const seeOther = seen.find((s) => s.method === "GET" && s.headers["x-trace"] === undefined)!;
    assert.equal(seeOther.body, "");
    assert.equal(seeOther.headers["content-type"], undefined);
    // 307: the PUT again, with its body.
    const temporary = seen.find((s) => s.method === "PUT")!;
    assert.equal(temporary.body, "kept body");
    // Same origin: the key went on to /here, which echoes the headers it got (masked).
    assert.match(stderr, /\[same\] .*"x-api-key":"\*\*\*"/);
  });
});

Deno.test("cli http redirect: a 3xx in expect_status or follow_redirects: false judges the redirect itself", async () => {
  await withServers(async (env, seen) => {
    const home = testTempDir("home-");
    const { code, stderr } = await weft(["run", `${FIXTURES}judged.yml`], {
      env: { ...env, WEFT_HOME: home },
    });
    assert.equal(code, 0, stderr);
    const runs = await historyJson<{ id: string }>(home);
    const status = await weft(["status", runs[0].id, "--json"], { env: { WEFT_HOME: home } });
    const tasks = JSON.parse(status.stdout).tasks as {
      id: string;
      status: string;
      error: string | null;
    }[];
    const byId = Object.fromEntries(tasks.map((t) => [t.id, t]));
    assert.equal(byId.moved.status, "success");
    assert.equal(byId.found.status, "failed");
    assert.match(byId.found.error!, /returned HTTP 302 Found \(expected 2xx\)/);
    // Followed to a 404: the reason names the URL that answered.
    assert.equal(byId["lands-404"].status, "failed");
    assert.match(
      byId["lands-404"].error!,
      new RegExp(`/to-b-missing, redirected to GET ${env.B}/missing returned HTTP 404`),
    );
    // Only lands-404 reached B: the judged redirects were not followed.
    assert.deepEqual(seen.map((s) => s.path), ["/missing"]);
  });
});

Deno.test("cli http redirect: validate refuses a followed redirect status in expect_status", async () => {
  const { code, stderr } = await weft(["validate", `${FIXTURES}followed_3xx.yml`]);
  assert.equal(code, 2, stderr);
  assert.match(
    stderr,
    /followed_3xx\.yml:7:5: follow_redirects in task "check": expect_status 302/,
  );
  assert.match(stderr, /follow_redirects: false/);
});

Deno.test("cli http redirect: an http task without timeout ends after the default 30 s, saying so", async () => {
  await withServers(async (env) => {
    const { code, stderr } = await weft(["run", `${FIXTURES}hang.yml`], { env });
    assert.equal(code, 1, stderr);
    assert.match(
      stderr,
      /hang timed out.*the http task's default timeout of 30\.0s \(set `timeout:` to wait longer\)/,
    );
  });
});
