/**
 * The webhook server (src/server/webhook.ts) over real HTTP on loopback: every status
 * it answers, and the HMAC and bearer checks. The daemon end to end is in
 * daemon_webhook_test.ts.
 */
import assert from "node:assert/strict";
import { MAX_BODY_BYTES, startWebhookServer, type WebhookRoute } from "../src/server/webhook.ts";
import { signBody } from "../src/server/webhook_auth.ts";

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
  const route: WebhookRoute = {
    method: "POST",
    secret,
    fire: (params) => {
      calls.push(params);
      if (params.env === "bad") {
        return Promise.reject(Object.assign(new Error('unknown parameter "x"'), { status: 400 }));
      }
      return Promise.resolve({ runId: `run-${calls.length}` });
    },
  };
  return { route, calls };
}

async function send(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { method: "POST", ...init });
  const body = await res.json();
  return { status: res.status, body, type: res.headers.get("content-type") };
}

Deno.test("webhook server: 202 with the run id and the JSON fields as params; 404, 405, 400", async () => {
  const { route, calls } = recordingRoute();
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

    const array = await send(`${url}/trigger/deploy`, { body: "[1]" });
    assert.equal(array.status, 400);
    const nested = await send(`${url}/trigger/deploy`, { body: '{"a":{"b":1}}' });
    assert.equal(nested.status, 400);
    assert.match(nested.body.error, /param "a" must be a string, number or boolean/);

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

    const garbage = await send(`${url}/hook`, { body, headers: { "X-Weft-Signature": "sha256=zz" } });
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
