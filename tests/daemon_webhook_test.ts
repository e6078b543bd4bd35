/**
 * Webhook triggers end to end: a real `weft daemon --listen` on a free loopback port,
 * real HTTP requests, and the runs they start read back with `weft logs`.
 */
import assert from "node:assert/strict";
import { freePort, startDaemon, writeFlow } from "./_daemon.ts";
import { testTempDir } from "./_tmp.ts";
import { weft } from "./_run_cli.ts";
import { signBody } from "../src/server/webhook_auth.ts";

const FLOWS = new URL("./fixtures/daemon/", import.meta.url).pathname;

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: "POST", body, headers });
  return { status: res.status, body: await res.json() };
}

Deno.test("daemon webhook: a malformed body is answered and logged by position, quoting none of it", async () => {
  const port = freePort();
  const daemon = startDaemon(["--dir", FLOWS, "--listen", `127.0.0.1:${port}`]);
  try {
    await daemon.waitFor(/daemon started/);
    const url = `http://127.0.0.1:${port}/trigger/deploy`;
    // An unquoted token: V8's own message would quote `..."i_token": hunter2sec"...`.
    const bad = await post(url, '{"replicas": 1,\n "api_token": hunter2secretZZ}');
    assert.equal(bad.status, 400);
    assert.equal(
      bad.body.error,
      "malformed JSON at line 2, column 15 (byte 30): unexpected character",
    );
    const cut = await post(url, '{"env": "s3cr3t-valu');
    assert.equal(
      cut.body.error,
      "malformed JSON at line 1, column 9 (byte 8): unterminated string",
    );
    await daemon.waitFor(/webhook POST \/trigger\/deploy 400 .*unterminated string/);
    assert.equal(await daemon.stop("SIGTERM"), 0);
    for (const part of ["hunter2", "i_token", "s3cr3t"]) {
      assert.ok(daemon.lines.every((l) => !l.includes(part)), `the daemon logged ${part}`);
    }
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon webhook: every answer, params from the JSON body, HMAC and bearer", async () => {
  const port = freePort();
  const daemon = startDaemon(["--dir", FLOWS, "--listen", `127.0.0.1:${port}`]);
  try {
    await daemon.waitFor(/daemon started/);
    const base = `http://127.0.0.1:${port}`;

    const ok = await post(`${base}/trigger/deploy`, JSON.stringify({ env: "prod", replicas: 3 }));
    assert.equal(ok.status, 202);
    assert.match(ok.body.run_id, /^\d{8}T/);
    await daemon.waitFor(new RegExp(`run ${ok.body.run_id} ended success`));
    const logs = await weft(["logs", ok.body.run_id], { env: { WEFT_HOME: daemon.home } });
    assert.match(logs.stdout, /deploy prod x3 via webhook/);
    const status = await weft(["status", ok.body.run_id, "--json"], {
      env: { WEFT_HOME: daemon.home },
    });
    assert.equal(JSON.parse(status.stdout).status, "success");

    const missing = await post(`${base}/trigger/deploy`, JSON.stringify({ env: "prod" }));
    assert.equal(missing.status, 400);
    assert.match(missing.body.error, /missing required parameter "replicas"/);
    // A field that is no declared param is left out (a GitHub payload's `ref`, `repository`).
    const unknown = await post(
      `${base}/trigger/deploy`,
      JSON.stringify({ replicas: 1, x: 1, repository: { name: "app" } }),
    );
    assert.equal(unknown.status, 202);
    const wrongType = await post(`${base}/trigger/deploy`, '{"replicas": 1, "env": {"a": 1}}');
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.body.error, /param "env" must be a string, number or boolean/);
    const malformed = await post(`${base}/trigger/deploy`, "{");
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.error, /malformed JSON/);
    const notFound = await post(`${base}/trigger/nothing`, "{}");
    assert.equal(notFound.status, 404);
    const get = await fetch(`${base}/trigger/deploy`);
    assert.equal(get.status, 405);
    assert.match((await get.json()).error, /POST only/);
    const big = await post(`${base}/trigger/deploy`, " ".repeat(1024 * 1024 + 1));
    assert.equal(big.status, 413);

    const body = "{}";
    const unsigned = await post(`${base}/trigger/signed`, body);
    assert.equal(unsigned.status, 401);
    const badSig = await post(`${base}/trigger/signed`, body, {
      "X-Weft-Signature": await signBody(new TextEncoder().encode(body), "wrong-secret"),
    });
    assert.equal(badSig.status, 401);
    const goodSig = await post(`${base}/trigger/signed`, body, {
      "X-Weft-Signature": await signBody(new TextEncoder().encode(body), "hook-s3cret-value"),
    });
    assert.equal(goodSig.status, 202);
    const bearer = await post(`${base}/trigger/signed`, body, {
      Authorization: "Bearer hook-s3cret-value",
    });
    assert.equal(bearer.status, 202);
    await daemon.waitFor(new RegExp(`run ${bearer.body.run_id} ended success`));

    assert.equal(await daemon.stop("SIGTERM"), 0);
    assert.equal(daemon.count(/webhook POST \/trigger\/signed 401/), 2);
    assert.ok(daemon.lines.every((l) => !l.includes("\x1b[")), "no ANSI when not a TTY");
    assert.ok(
      daemon.lines.every((l) => /^\d{4}-\d\d-\d\dT/.test(l)),
      "one timestamped line per event",
    );
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon: a triggered run sends its notifications as `weft run` does", async () => {
  const received: unknown[] = [];
  const gotOne = Promise.withResolvers<void>();
  const hookServer = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    received.push(await req.json());
    gotOne.resolve();
    return new Response("ok");
  });
  const dir = testTempDir("daemon-notify-");
  writeFlow(
    dir,
    "notify.yml",
    [
      "name: notified",
      "trigger:",
      "  type: webhook",
      "  config:",
      "    webhook: /trigger/notified",
      "notifications:",
      "  channels: [webhook]",
      "  on_completion: true",
      "  webhook:",
      `    url: http://127.0.0.1:${hookServer.addr.port}/report`,
      "tasks:",
      "  - id: work",
      "    command: echo done",
      "",
    ].join("\n"),
  );
  const port = freePort();
  const daemon = startDaemon(["--dir", dir, "--listen", `127.0.0.1:${port}`]);
  try {
    await daemon.waitFor(/daemon started/);
    const res = await post(`http://127.0.0.1:${port}/trigger/notified`, "{}");
    assert.equal(res.status, 202);
    // Bounded, so a run that never notifies fails instead of hanging (not a timing check).
    const timer = setTimeout(() => gotOne.reject(new Error("no notification in 60 s")), 60_000);
    await gotOne.promise.finally(() => clearTimeout(timer));
    const report = received[0] as { id?: string; status: string; workflow: string };
    assert.equal(report.status, "success");
    assert.equal(report.workflow, "notified");
  } finally {
    await daemon.stop();
    await hookServer.shutdown();
  }
});

Deno.test("daemon webhook: a path with a space or without its leading / is reached as clients send it", async () => {
  const dir = testTempDir("daemon-paths-");
  const flow = (name: string, path: string) =>
    writeFlow(
      dir,
      `${name}.yml`,
      `name: ${name}\ntrigger: { type: webhook, config: { webhook: ${JSON.stringify(path)} } }\n` +
        `tasks: [{ id: a, command: "true" }]\n`,
    );
  flow("spaced", "/trigger/my deploy");
  flow("bare", "trigger/bare");
  const port = freePort();
  const daemon = startDaemon(["--dir", dir, "--listen", `127.0.0.1:${port}`]);
  try {
    await daemon.waitFor(/daemon started/);
    const base = `http://127.0.0.1:${port}`;
    const spaced = await post(`${base}/trigger/my%20deploy`, "{}");
    assert.equal(spaced.status, 202, JSON.stringify(spaced.body));
    const bare = await post(`${base}/trigger/bare`, "{}");
    assert.equal(bare.status, 202, JSON.stringify(bare.body));
    await daemon.waitFor(new RegExp(`run ${spaced.body.run_id} ended success`));
    await daemon.waitFor(new RegExp(`run ${bare.body.run_id} ended success`));
  } finally {
    await daemon.stop();
  }
});

Deno.test("daemon webhook: a body nested 100,000 levels deep is refused as too deep, plainly", async () => {
  const port = freePort();
  const daemon = startDaemon(["--dir", FLOWS, "--listen", `127.0.0.1:${port}`]);
  try {
    await daemon.waitFor(/daemon started/);
    const url = `http://127.0.0.1:${port}/trigger/deploy`;
    const deep = await post(url, `{"env":${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
    assert.equal(deep.status, 400);
    assert.match(deep.body.error, /^the JSON body is nested too deeply: more than 256 levels/);
    assert.match(deep.body.error, /send a flat JSON object/);
    assert.doesNotMatch(deep.body.error, /call stack|malformed/);
    // The daemon still serves.
    const ok = await post(url, JSON.stringify({ env: "prod", replicas: 1 }));
    assert.equal(ok.status, 202);
    await daemon.waitFor(new RegExp(`run ${ok.body.run_id} ended success`));
  } finally {
    await daemon.stop("SIGKILL");
  }
});
