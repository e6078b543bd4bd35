/**
 * The webhook server (src/server/webhook.ts) over real HTTP on loopback: every status
 * it answers, and the HMAC and bearer checks. The daemon end to end is in
 * daemon_webhook_test.ts.
 */
import assert from "node:assert/strict";
import {
  MAX_BODY_BYTES,
  startWebhookServer,
  type WebhookBody,
  type WebhookRoute,
} from "../src/server/webhook.ts";
import { signBody } from "../src/server/webhook_auth.ts";
import { routePath } from "../src/schedule/daemon_workflows.ts";

async function withServer(
  routes: Record<string, WebhookRoute>,
  fn: (url: string, lines: string[]) => Promise<void>,
) {
  const lines: string[] = [];
  const server = await startWebhookServer({
    hostname: "127.0.0.1",
    port: 0,
    route: (p) => routes[p],
    log: (l) => lines.push(l),
  });
  try {
    await fn(`http://127.0.0.1:${server.port}`, lines);
  } finally {
    await server.shutdown();
  }
}

function recordingRoute(secret?: string) {
  const calls: Record<string, string>[] = [];
  const bodies: WebhookBody[] = [];
  const route: WebhookRoute = {
    method: "POST",
    secret,
    fire: (params, body) => {
      calls.push(params);
      bodies.push(body);
      if (params.env === "bad") {
        return Promise.reject(Object.assign(new Error('unknown parameter "x"'), { status: 400 }));
      }
      return Promise.resolve({ runId: `run-${calls.length}` });
    },
  };
  return { route, calls, bodies };
}

async function send(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { method: "POST", ...init });
  const body = await res.json();
  return { status: res.status, body, type: res.headers.get("content-type") };
}

Deno.test("webhook server: 202 with the run id and the JSON fields as params; 404, 405, 400", async () => {
  const { route, calls, bodies } = recordingRoute();
  await withServer({ "/trigger/deploy": route }, async (url, lines) => {
    const ok = await send(`${url}/trigger/deploy`, {
      body: JSON.stringify({ env: "prod", replicas: 3, dry: false }),
    });
    assert.equal(ok.status, 202);
    assert.deepEqual(ok.body, { run_id: "run-1" });
    assert.equal(ok.type, "application/json");
    assert.deepEqual(calls[0], { env: "prod", replicas: "3", dry: "false" });

    const empty = await send(`${url}/trigger/deploy`);
    assert.equal(empty.status, 202, "an empty body is no params");

    const missing = await send(`${url}/nope`, { body: "{}" });
    assert.equal(missing.status, 404);
    assert.match(missing.body.error, /no webhook at \/nope/);

    const get = await send(`${url}/trigger/deploy`, { method: "GET" });
    assert.equal(get.status, 405);
    assert.match(get.body.error, /POST only/);

    const bad = await send(`${url}/trigger/deploy`, { body: "{not json" });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /malformed JSON/);
    // Said by position, quoting nothing of the body (it may hold a secret).
    for (
      const [body, error] of [
        ["{not json", "at line 1, column 2 (byte 1): expected a string in double quotes"],
        ['{"é": 1,\n "token": hunter2x}', "at line 2, column 11 (byte 20): unexpected character"],
        [
          "{\"token\": 'hunter2x'}",
          "at line 1, column 11 (byte 10): strings and keys need double quotes in JSON",
        ],
      ]
    ) {
      const answer = await send(`${url}/trigger/deploy`, { body });
      assert.equal(answer.body.error, `malformed JSON ${error}`);
    }

    const array = await send(`${url}/trigger/deploy`, { body: "[1]" });
    assert.equal(array.status, 400);
    // Objects and lists go to the route by name (the daemon refuses them for a declared
    // param only: a GitHub payload is full of them), with the body as sent.
    const nestedBody = '{"a":{"b":1},"l":[1],"n":null,"s":"x"}';
    const nested = await send(`${url}/trigger/deploy`, { body: nestedBody });
    assert.equal(nested.status, 202);
    assert.deepEqual(calls.at(-1), { s: "x" });
    assert.deepEqual(bodies.at(-1), { nested: ["a", "l", "n"], text: nestedBody });

    const refused = await send(`${url}/trigger/deploy`, { body: '{"env":"bad"}' });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error, /unknown parameter/);
    assert.ok(lines.some((l) => l.includes("POST /trigger/deploy 202")));
  });
});

Deno.test("webhook server: a body over 1 MiB is 413, also when streamed without Content-Length", async () => {
  const { route, calls } = recordingRoute();
  await withServer({ "/hook": route }, async (url) => {
    const big = await send(`${url}/hook`, { body: "x".repeat(MAX_BODY_BYTES + 1) });
    assert.equal(big.status, 413);
    const chunk = new Uint8Array(64 * 1024).fill(32);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_BODY_BYTES + chunk.length) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const streamed = await send(`${url}/hook`, { body: stream });
    assert.equal(streamed.status, 413);
    assert.match(streamed.body.error, /over 1048576 bytes/);
    const exact = await send(`${url}/hook`, { body: " ".repeat(MAX_BODY_BYTES) });
    assert.equal(exact.status, 202, "exactly 1 MiB is accepted");
    assert.equal(calls.length, 1);
  });
});

Deno.test("webhook server: with a secret, a good HMAC or bearer passes, anything else is 401", async () => {
  const { route, calls } = recordingRoute("s3cret-value");
  await withServer({ "/hook": route }, async (url) => {
    const body = JSON.stringify({ env: "prod" });
    const bytes = new TextEncoder().encode(body);
    const good = await send(`${url}/hook`, {
      body,
      headers: { "X-Weft-Signature": await signBody(bytes, "s3cret-value") },
    });
    assert.equal(good.status, 202);

    const wrongKey = await send(`${url}/hook`, {
      body,
      headers: { "X-Weft-Signature": await signBody(bytes, "other") },
    });
    assert.equal(wrongKey.status, 401);
    assert.match(wrongKey.body.error, /signature/);

    const tampered = await send(`${url}/hook`, {
      body: JSON.stringify({ env: "evil" }),
      headers: { "X-Weft-Signature": await signBody(bytes, "s3cret-value") },
    });
    assert.equal(tampered.status, 401, "the signature covers the body");

    const garbage = await send(`${url}/hook`, {
      body,
      headers: { "X-Weft-Signature": "sha256=zz" },
    });
    assert.equal(garbage.status, 401);

    const none = await send(`${url}/hook`, { body });
    assert.equal(none.status, 401);

    const bearer = await send(`${url}/hook`, {
      body,
      headers: { Authorization: "Bearer s3cret-value" },
    });
    assert.equal(bearer.status, 202);
    const badBearer = await send(`${url}/hook`, {
      body,
      headers: { Authorization: "Bearer s3cret-valuf" },
    });
    assert.equal(badBearer.status, 401);
    assert.equal(calls.length, 2, "only authenticated requests fire");
  });
});

Deno.test("webhook server: numbers become params as the text they were sent as; a bare number is no object", async () => {
  const { route, calls } = recordingRoute();
  await withServer({ "/hook": route }, async (url) => {
    const ok = await send(`${url}/hook`, {
      body: '{"id": 12345678901234567890, "big": 1e999, "price": 1.50, "n": -0}',
    });
    assert.equal(ok.status, 202);
    assert.deepEqual(calls[0], {
      id: "12345678901234567890",
      big: "1e999",
      price: "1.50",
      n: "-0",
    });
    const bare = await send(`${url}/hook`, { body: "5" });
    assert.equal(bare.status, 400);
    assert.match(bare.body.error, /must be a JSON object/);
    assert.equal(calls.length, 1);
  });
});

/** Opens a raw connection and sends the head of a POST whose body never fully arrives. */
async function partialPost(url: string): Promise<Deno.TcpConn> {
  const { port } = new URL(url);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
  const head = "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{";
  await conn.write(new TextEncoder().encode(head));
  return conn;
}

Deno.test("webhook server: a body that stops arriving (slow loris) gets 408 and starts no run", async () => {
  const { route, calls } = recordingRoute();
  const lines: string[] = [];
  const server = await startWebhookServer({
    hostname: "127.0.0.1",
    port: 0,
    route: (p) => (p === "/hook" ? route : undefined),
    log: (l) => lines.push(l),
    bodyTimeoutMs: 300,
  });
  const conn = await partialPost(`http://127.0.0.1:${server.port}`);
  const buf = new Uint8Array(4096);
  const n = await conn.read(buf);
  const answer = new TextDecoder().decode(buf.subarray(0, n ?? 0));
  assert.match(answer, /^HTTP\/1\.1 408/);
  assert.match(answer, /did not arrive within 300ms/);
  assert.equal(calls.length, 0);
  assert.ok(lines.some((l) => l.includes("POST /hook 408")));
  conn.close();
  await server.shutdown();
});

Deno.test("webhook server: shutdown() returns while a client holds a half-sent request open", async () => {
  // Deno.serve's graceful shutdown alone waits for such a client for ever, so the
  // daemon never exited on SIGTERM. This test hangs if shutdown() is not bounded.
  const { route } = recordingRoute();
  const server = await startWebhookServer({
    hostname: "127.0.0.1",
    port: 0,
    route: (p) => (p === "/hook" ? route : undefined),
    log: () => {},
  });
  const conn = await partialPost(`http://127.0.0.1:${server.port}`);
  await new Promise((r) => setTimeout(r, 100)); // let the server take the request in
  await server.shutdown();
  const refused = await fetch(`http://127.0.0.1:${server.port}/hook`, { method: "POST" })
    .then(() => false, () => true);
  assert.ok(refused, "the server no longer accepts connections");
  conn.close();
});

Deno.test("routePath: a configured webhook path in the form a request's URL path takes", () => {
  assert.equal(routePath("/trigger/my deploy"), "/trigger/my%20deploy");
  assert.equal(routePath("trigger/deploy"), "/trigger/deploy");
  assert.equal(routePath("/a/../trigger/x"), "/trigger/x");
  assert.equal(routePath("/hook?x=1#y"), "/hook%3Fx=1%23y");
  assert.equal(routePath("/ü"), "/%C3%BC");
  assert.equal(new URL("http://h/ü").pathname, routePath("/ü"), "as the server reads requests");
});

Deno.test("webhook server: a duplicate key or a lone surrogate escape is a 400 naming it, as in workflow JSON", async () => {
  const { route, calls } = recordingRoute();
  await withServer({ "/trigger/deploy": route }, async (url) => {
    const duplicate = await send(`${url}/trigger/deploy`, {
      body: '{"env": "staging", "n": 1, "env": "production"}',
    });
    assert.equal(duplicate.status, 400);
    assert.equal(
      duplicate.body.error,
      'duplicate key "env" at line 1, column 28 (byte 27): it is already set at line 1, ' +
        "column 2 (byte 1), and a key may appear once per object",
    );
    const nested = await send(`${url}/trigger/deploy`, { body: '{"a": {"b": 1, "b": 2}}' });
    assert.equal(nested.status, 400);
    assert.match(nested.body.error, /^duplicate key "b" at line 1, column 16/);
    const lone = await send(`${url}/trigger/deploy`, { body: '{"env": "a\\ud800b"}' });
    assert.equal(lone.status, 400);
    assert.match(
      lone.body.error,
      /^\\ud800 in the value at "env" is half of a UTF-16 surrogate pair/,
    );
    const loneKey = await send(`${url}/trigger/deploy`, { body: '{"\\udc00": 1}' });
    assert.equal(loneKey.status, 400);
    assert.match(loneKey.body.error, /^\\udc00 in the key at/);
    assert.equal(calls.length, 0, "no run starts");
    // A whole pair, and the same key in two objects, are fine.
    const pair = await send(`${url}/trigger/deploy`, {
      body: '{"env": "a\\ud83d\\ude00b", "x": {"env": 1}}',
    });
    assert.equal(pair.status, 202);
    assert.equal(calls[0].env, "a😀b");
  });
});
