/**
 * src/timer.ts: timers past setTimeout's limit (2^31-1 ms) are chained, never fired at
 * once; and through the real `weft run`, a task's, a composite's and the workflow's
 * `timeout` of more than 24.8 days, or such a retry delay, hold as written, with no
 * runtime warning on stderr.
 */
import assert from "node:assert/strict";
import { clearLongTimeout, setLongTimeout, TIMER_MAX_MS, TimerChain } from "../src/timer.ts";
import { reportTask, weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/timer/", import.meta.url).pathname;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("setLongTimeout: up to the limit it is one plain timer", () => {
  const timer = setLongTimeout(() => {}, TIMER_MAX_MS);
  assert.ok(!(timer instanceof TimerChain));
  clearLongTimeout(timer);
});

Deno.test("setLongTimeout: past the link length it chains links and fires once, not before its deadline", async () => {
  const start = performance.now();
  let fired = 0;
  let at = 0;
  const done = Promise.withResolvers<void>();
  const timer = setLongTimeout(
    () => {
      fired++;
      at = performance.now();
      done.resolve();
    },
    60,
    20,
  );
  assert.ok(timer instanceof TimerChain);
  const firstLink = timer.link;
  await done.promise;
  assert.notEqual(timer.link, firstLink, "more than one link was set");
  assert.ok(at - start >= 59, `fired after ${at - start} ms, not before the 60 ms deadline`);
  await wait(50);
  assert.equal(fired, 1);
});

Deno.test("clearLongTimeout: stops a chain between links; undefined is a no-op", async () => {
  let fired = false;
  const timer = setLongTimeout(() => fired = true, 60, 20);
  await wait(30); // past the first link
  clearLongTimeout(timer);
  clearLongTimeout(undefined);
  await wait(80);
  assert.equal(fired, false);
});

Deno.test("setLongTimeout: an infinite delay never fires", async () => {
  let fired = false;
  const timer = setLongTimeout(() => fired = true, Infinity, 5);
  await wait(30);
  clearLongTimeout(timer);
  assert.equal(fired, false);
});

Deno.test("cli run: task, composite and workflow timeouts over 24.8 days hold: the tasks end on their own, no warning", async () => {
  const run = await weft(["run", `${FIXTURES}long_timeouts.yml`, "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  for (const id of ["a", "p", "p1"]) assert.equal(reportTask(report, id).status, "success", id);
  assert.doesNotMatch(run.stderr, /TimeoutOverflowWarning|32-bit|Timeout duration/);
});

Deno.test("cli run: a retry delay over 24.8 days is waited, not skipped: attempt 2 never starts", async () => {
  const run = await weft(["run", `${FIXTURES}long_retry_delay.yml`, "-v"]);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr + run.stdout, /attempt 1/);
  assert.doesNotMatch(run.stderr + run.stdout, /attempt 2/);
  assert.match(run.stderr, /the workflow's timeout of 1\.5s/);
  assert.doesNotMatch(run.stderr, /TimeoutOverflowWarning|32-bit|Timeout duration/);
});
