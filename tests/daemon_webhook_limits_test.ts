/**
 * What a flood of webhook requests meets in a real `weft daemon --listen` (run slots,
 * src/schedule/daemon_slots.ts; the server, src/server/webhook.ts): every wait is bounded
 * and a request that finds it full is told so — 429 with Retry-After when a workflow's
 * wait is full, 503 with Retry-After when too many requests are in flight — never a 202
 * for a run held in memory without end.
 */
import assert from "node:assert/strict";
import { type DaemonProcess, freePort, startDaemon } from "./_daemon.ts";
import { MAX_WAITING_PER_TARGET } from "../src/schedule/daemon_slots.ts";
import { MAX_REQUESTS_AT_ONCE } from "../src/server/webhook.ts";

const FLOWS = new URL("./fixtures/daemon_limits/", import.meta.url).pathname;

/** Waits until `pattern` matched `n` lines of the daemon's log (each comes a moment after its answer). */
async function waitLines(daemon: DaemonProcess, pattern: RegExp, n: number) {
  let from = 0;
  for (let seen = 0; seen < n; seen++) {
    await daemon.waitFor(pattern, { from });
    from = daemon.lines.findIndex((l, i) => i >= from && pattern.test(l)) + 1;
  }
}

async function post(url: string) {
  const res = await fetch(url, { method: "POST", body: "{}" });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.json() };
}

Deno.test("daemon webhook limits: allow, queue and cancel each keep a bounded wait; a full one answers 429 with Retry-After", async () => {
  const port = freePort();
  // One slot: the first run holds it (sleep 60), so every later fire has to wait.
  const daemon = startDaemon([
    "--dir",
    FLOWS,
    "--listen",
    `127.0.0.1:${port}`,
    "--max-runs",
    "1",
    "--grace",
    "1s",
  ]);
  try {
    await daemon.waitFor(/daemon started/);
    const base = `http://127.0.0.1:${port}/limits`;
    const first = await post(`${base}/allow`);
    assert.equal(first.status, 202);
    assert.match(first.body.run_id, /^\d{8}T/);

    // allow: MAX_WAITING_PER_TARGET wait for the slot; the next ones are refused.
    for (let i = 0; i < MAX_WAITING_PER_TARGET; i++) {
      const queued = await post(`${base}/allow`);
      assert.equal(queued.status, 202);
      assert.deepEqual(queued.body, { run_id: null, queued: true });
    }
    for (let i = 0; i < 3; i++) {
      const full = await post(`${base}/allow`);
      assert.equal(full.status, 429);
      assert.equal(full.retryAfter, "30");
      assert.equal(
        full.body.error,
        `not queued: ${MAX_WAITING_PER_TARGET} fires already wait for a free run slot (--max-runs 1)`,
      );
    }
    await daemon.waitFor(/webhook POST \/limits\/allow 429 not queued: .*\(Retry-After 30\.0s\)/);

    // queue: one waits for the slot, one behind it; a third is refused, not skipped silently.
    assert.equal((await post(`${base}/queue`)).status, 202);
    assert.equal((await post(`${base}/queue`)).status, 202);
    const queueFull = await post(`${base}/queue`);
    assert.equal(queueFull.status, 429);
    assert.equal(queueFull.retryAfter, "30");
    assert.match(queueFull.body.error, /another fire already waits for it \(overlap: queue\)/);

    // cancel: the newest replaces the one waiting; each one dropped is said in the log.
    for (let i = 0; i < 10; i++) assert.equal((await post(`${base}/cancel`)).status, 202);
    const dropped =
      /queued webhook run of .*cancel\.yml dropped, not run: a newer fire replaced it/;
    // The first waits for the slot, the last waits behind it: the 8 between are dropped.
    await waitLines(daemon, dropped, 8);
    assert.equal(daemon.count(dropped), 8);

    // A 400 is still a 400: bounds do not hide what was wrong with a request.
    const bad = await fetch(`${base}/allow`, { method: "POST", body: "[" });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    assert.equal(await daemon.stop("SIGTERM"), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon webhook limits: past the requests answered at once, one more gets 503 with Retry-After before its body", async () => {
  const port = freePort();
  const daemon = startDaemon(["--dir", FLOWS, "--listen", `127.0.0.1:${port}`, "--grace", "1s"]);
  const conns: Deno.Conn[] = [];
  try {
    await daemon.waitFor(/daemon started/);
    // Each sends its headers and one byte of a 100-byte body, then nothing: all in flight.
    const head = "POST /limits/allow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{";
    for (let i = 0; i < MAX_REQUESTS_AT_ONCE; i++) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(new TextEncoder().encode(head));
      conns.push(conn);
    }
    // The server has taken them all once the 64th shows in flight: poll with the one
    // extra request until it is refused (a request taken before them all would be let on).
    let busy: Response | undefined;
    for (let tries = 0; tries < 100 && !busy; tries++) {
      const res = await fetch(`http://127.0.0.1:${port}/limits/nothing`, {
        method: "POST",
        body: "{}",
      });
      if (res.status === 503) busy = res;
      else await res.body?.cancel();
    }
    assert.ok(busy, "no 503 while 64 requests were in flight");
    assert.equal(busy.headers.get("retry-after"), "10");
    assert.deepEqual(await busy.json(), {
      error:
        `the daemon is answering ${MAX_REQUESTS_AT_ONCE} webhook requests already; retry later`,
    });
    await daemon.waitFor(/webhook POST \/limits\/nothing 503 .*\(Retry-After 10\.0s\)/);
    // Once they end, requests are answered again.
    for (const conn of conns.splice(0)) conn.close();
    let after = 503;
    for (let tries = 0; tries < 100 && after === 503; tries++) {
      const res = await fetch(`http://127.0.0.1:${port}/limits/nothing`, {
        method: "POST",
        body: "{}",
      });
      after = res.status;
      await res.body?.cancel();
    }
    assert.equal(after, 404);
    assert.equal(await daemon.stop("SIGTERM"), 0);
  } finally {
    for (const conn of conns) conn.close();
    await daemon.stop("SIGKILL");
  }
});
