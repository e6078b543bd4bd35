import assert from "node:assert/strict";
import { parseOutputs } from "../src/engine/outputs.ts";
import { retryDelayMs } from "../src/engine/retry.ts";
import { LineTail } from "../src/engine/tail.ts";
import { Slots } from "../src/engine/slots.ts";
import { AbortScope, childScope, sleepIn } from "../src/engine/abort.ts";
import { newRunId } from "../src/engine/ids.ts";
import { resolveParams } from "../src/engine/params.ts";
import { planRun } from "../src/engine/plan.ts";
import { WeftError } from "../src/model/errors.ts";
import { defaultRegistry } from "../src/tasks/mod.ts";
import { ByteLineSplitter, lineText } from "../src/tasks/byte_lines.ts";
import { parseWorkflow } from "./_engine.ts";

Deno.test("retryDelayMs: fixed delay, exponential backoff, cap, last attempt", () => {
  assert.equal(retryDelayMs(undefined, 1), null);
  assert.equal(retryDelayMs({ attempts: 1 }, 1), null);
  assert.equal(retryDelayMs({ attempts: 3 }, 1), 0);
  assert.equal(retryDelayMs({ attempts: 3, delay: 500 }, 1), 500);
  assert.equal(retryDelayMs({ attempts: 3, delay: 500 }, 2), 500);
  assert.equal(retryDelayMs({ attempts: 3, delay: 500 }, 3), null);
  const exp = { attempts: 6, delay: 100, backoff: "exponential" as const };
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(exp, n)), [
    100,
    200,
    400,
    800,
    1600,
    null,
  ]);
  const capped = { ...exp, max_delay: 500 };
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelayMs(capped, n)), [100, 200, 400, 500, 500]);
});

Deno.test("parseOutputs: KEY=VALUE lines, heredoc values, later keys win, blank lines skipped", () => {
  const text = [
    "a=1",
    "b = spaced = value",
    "empty=",
    "",
    "multi<<EOF",
    "line one",
    "x=not a key",
    "",
    "EOF",
    "a=2",
    "crlf=yes\r",
    "tail<<END",
    "last",
    "END",
  ].join("\n");
  assert.deepEqual(parseOutputs(text), {
    a: "2",
    b: " spaced = value",
    empty: "",
    multi: "line one\nx=not a key\n",
    crlf: "yes",
    tail: "last",
  });
  assert.deepEqual(parseOutputs("url=http://x/?a=b<<c\n"), { url: "http://x/?a=b<<c" });
  assert.deepEqual(parseOutputs(""), {});
});

Deno.test("LineTail keeps lines joined by newlines until they pass its limit", () => {
  const tail = new LineTail(10);
  assert.equal(tail.text(), "");
  tail.push("abc");
  tail.push("def");
  assert.equal(tail.text(), "abc\ndef");
  assert.equal(tail.cut, false);
  for (let i = 0; i < 5000; i++) tail.push(`line${i}`);
  assert.equal(tail.cut, true);
  const big = new LineTail(8);
  big.push("x".repeat(100));
  assert.equal(big.cut, true);
  assert.equal(big.bytes, 100);
});

Deno.test("ByteLineSplitter: chunks, CRLF, partial last line, long lines split", () => {
  const lines: string[] = [];
  const s = new ByteLineSplitter((l) => lines.push(lineText(l)), 5);
  const encode = (text: string) => new TextEncoder().encode(text);
  s.push(encode("ab"));
  s.push(encode("c\r\nde\nfg"));
  s.push(encode("hijklmnop"));
  s.push(encode("\n\nlast"));
  s.flush();
  assert.deepEqual(lines, ["abc", "de", "fghij", "klmno", "p", "", "last"]);
});

Deno.test("Slots: FIFO waiters are served before the scheduler hears of a free slot", async () => {
  let freed = 0;
  const slots = new Slots(2, () => freed++);
  assert.ok(slots.tryAcquire());
  assert.ok(slots.tryAcquire());
  assert.equal(slots.tryAcquire(), false);
  const order: number[] = [];
  const scope = new AbortScope();
  const w1 = slots.acquire(scope).then(() => order.push(1));
  const w2 = slots.acquire(scope).then(() => order.push(2));
  slots.release();
  slots.release();
  await Promise.all([w1, w2]);
  assert.deepEqual(order, [1, 2]);
  assert.equal(freed, 0);
  assert.equal(slots.inUse, 2);
  slots.release();
  assert.equal(freed, 1);
  assert.equal(slots.inUse, 1);
});

Deno.test("Slots: a waiter whose scope stops gives up, holds no slot, and is never served", async () => {
  let freed = 0;
  const slots = new Slots(1, () => freed++);
  assert.ok(slots.tryAcquire());
  const timedOut = new AbortScope();
  const stays = new AbortScope();
  const gaveUp = slots.acquire(timedOut);
  const served = slots.acquire(stays);
  timedOut.abort("parent_timeout");
  assert.equal(await gaveUp, "parent_timeout");
  slots.release(); // goes to the waiter still waiting, not the one that gave up
  assert.equal(await served, null);
  assert.equal(slots.inUse, 1);
  assert.equal(freed, 0);
  slots.release(); // nobody waits: back to the scheduler, nothing held
  assert.equal(slots.inUse, 0);
  assert.equal(freed, 1);
  assert.ok(slots.tryAcquire(), "no slot was lost to the waiter that gave up");
  // A scope already stopped does not wait at all; a free slot is still taken first.
  assert.equal(await slots.acquire(timedOut), "parent_timeout");
  slots.release();
  assert.equal(await slots.acquire(timedOut), null);
  assert.equal(slots.inUse, 1);
});

Deno.test("Slots: release(later) gives the slot back only in a later turn", async () => {
  let freed = 0;
  const slots = new Slots(1, () => freed++);
  assert.ok(slots.tryAcquire());
  slots.release(true);
  assert.equal(slots.inUse, 1, "still held in this turn");
  assert.equal(freed, 0);
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(slots.inUse, 0);
  assert.equal(freed, 1);
});

Deno.test("AbortScope: aborts members and children once, late joiners at once", async () => {
  const root = new AbortScope();
  const { scope: child } = childScope(root);
  const controller = new AbortController();
  child.join(controller);
  const sleeping = sleepIn(child, 60_000);
  root.abort("signal");
  root.abort("workflow_timeout");
  assert.equal(child.reason, "signal");
  assert.equal(controller.signal.reason, "signal");
  assert.equal(await sleeping, "signal");
  const late = new AbortController();
  child.join(late);
  assert.equal(late.signal.reason, "signal");
  assert.equal(await sleepIn(new AbortScope(), 1), null);
});

Deno.test("newRunId: UTC stamp to the millisecond, random suffix, sortable by time", () => {
  const a = newRunId(new Date("2026-11-26T00:26:50.123Z"));
  assert.match(a, /^20261126T002650\.123Z-[0-9a-f]{10}$/);
  // Same second, later millisecond: sorts after, whatever the random suffixes.
  for (let i = 0; i < 50; i++) {
    const x = newRunId(new Date("2026-11-26T00:26:50.123Z"));
    const y = newRunId(new Date("2026-11-26T00:26:50.124Z"));
    assert.ok(x < y, `${x} < ${y}`);
  }
  const b = newRunId(new Date("2026-11-26T00:26:51Z"));
  assert.ok(a < b);
  assert.notEqual(newRunId(new Date(0)), newRunId(new Date(0)));
  // Ids of the old format (whole seconds) still compare by time with new ones.
  assert.ok("20261126T002649Z-ffffff" < a);
  assert.ok(a < "20261126T002651Z-000000");
});

Deno.test("resolveParams: defaults, given values, undeclared and missing required → exit 2", () => {
  const wf = parseWorkflow({
    name: "p",
    params: { env: "staging", count: 3, region: { required: true, description: "where" } },
    tasks: [{ id: "a", command: "true" }],
  });
  assert.deepEqual(resolveParams(wf, { region: "eu" }), {
    env: "staging",
    count: "3",
    region: "eu",
  });
  assert.deepEqual(resolveParams(wf, { region: "eu", env: "prod" }).env, "prod");
  assert.throws(() => resolveParams(wf, {}), (e) => {
    assert.ok(e instanceof WeftError);
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /missing required parameter "region"/);
    return true;
  });
  assert.throws(() => resolveParams(wf, { region: "eu", colour: "red" }), (e) => {
    assert.ok(e instanceof WeftError);
    assert.match(e.message, /unknown parameter "colour"/);
    assert.match(e.message, /env, count, region/);
    return true;
  });
});

Deno.test("planRun: waves, alone tasks, conditions, callbacks with their callers", () => {
  const plan = planRun(parseWorkflow({
    name: "plan",
    tasks: [
      { id: "a", command: "true" },
      { id: "b", command: "true" },
      { id: "c", command: "true", depends_on: ["a", "b"], parallel: false },
      {
        id: "d",
        command: "true",
        depends_on: ["c"],
        condition: "${env.X} == 'y'",
        on_failure: ["rb"],
      },
      { id: "e", command: "true", depends_on: ["a"], on_success: ["rb", "n"] },
      { id: "rb", command: "true" },
      { id: "n", command: "true" },
    ],
  }));
  assert.deepEqual(plan.waves.map((w) => w.map((t) => t.id)), [["a", "b"], ["c", "e"], ["d"]]);
  assert.equal(plan.waves[1][0].alone, true);
  assert.equal(plan.waves[2][0].condition, "${env.X} == 'y'");
  assert.deepEqual(plan.callbacks, [
    { id: "rb", calledBy: [{ task: "d", on: "failure" }, { task: "e", on: "success" }] },
    { id: "n", calledBy: [{ task: "e", on: "success" }] },
  ]);
});

Deno.test("checkRunnable: refuses what startRun would, without running anything", async () => {
  const { checkRunnable } = await import("../src/engine/mod.ts");
  checkRunnable(parseWorkflow({ name: "ok", tasks: [{ id: "a", command: "true" }] }), "w.yml");
  assert.throws(
    () =>
      checkRunnable(
        parseWorkflow({
          name: "x",
          tasks: [{ id: "db", type: "database", config: { connection: "c", query: "q" } }],
        }),
        "w.yml",
        // A registry without the type (every type of this version runs).
        new Map([...defaultRegistry].filter(([type]) => type !== "database")),
      ),
    /task "db" has type "database", which this version of weft cannot run yet/,
  );
});
