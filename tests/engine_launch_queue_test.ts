/**
 * The launch queue's `parallel: false` rule (engine/launch_queue.ts): such a task runs
 * alone, but its retry back-off is no run: other tasks start meanwhile (rest), and its
 * next attempt waits until they end, nothing new starting in between (regain).
 */
import assert from "node:assert/strict";
import { AbortScope } from "../src/engine/abort.ts";
import { LaunchQueue } from "../src/engine/launch_queue.ts";
import type { Node } from "../src/engine/nodes.ts";

const node = (id: string, alone = false) => ({ id, alone }) as Node;

/** Takes every task the queue lets start now; returns their ids. */
function startAll(queue: LaunchQueue): string[] {
  const started: string[] = [];
  for (let next = queue.next(); next; next = queue.next()) {
    queue.take(next);
    started.push(next.id);
  }
  return started;
}

Deno.test("launch queue: nothing starts beside a parallel: false task, until it rests for a retry", () => {
  const queue = new LaunchQueue();
  const flaky = node("flaky", true);
  for (const n of [flaky, node("b"), node("c")]) queue.push(n);
  assert.deepEqual(startAll(queue), ["flaky"]);
  queue.rest(flaky);
  assert.deepEqual(startAll(queue), ["b", "c"]);
  assert.equal(queue.inFlight, 3, "a resting task still counts as unfinished");
});

Deno.test("launch queue: a rested task runs alone again once the others ended; none starts meanwhile", async () => {
  const queue = new LaunchQueue();
  const flaky = node("flaky", true);
  const [b, c, d] = [node("b"), node("c"), node("d")];
  for (const n of [flaky, b, c]) queue.push(n);
  startAll(queue);
  queue.rest(flaky);
  startAll(queue);
  let regained = false;
  const back = queue.regain(flaky, new AbortScope()).then((stop) => {
    regained = true;
    return stop;
  });
  queue.push(d);
  assert.deepEqual(startAll(queue), [], "d waits behind the task regaining");
  queue.ended(b);
  await Promise.resolve();
  assert.equal(regained, false, "c still runs");
  queue.ended(c);
  assert.equal(await back, null);
  assert.deepEqual(startAll(queue), [], "the task runs alone again");
  queue.ended(flaky);
  assert.deepEqual(startAll(queue), ["d"]);
});

Deno.test("launch queue: a stop ends the wait to regain with its reason; the queue moves on after", async () => {
  const queue = new LaunchQueue();
  const flaky = node("flaky", true);
  const b = node("b");
  for (const n of [flaky, b]) queue.push(n);
  startAll(queue);
  queue.rest(flaky);
  startAll(queue);
  const scope = new AbortScope();
  const back = queue.regain(flaky, scope);
  scope.abort("workflow_timeout");
  assert.equal(await back, "workflow_timeout");
  queue.ended(flaky);
  queue.ended(b);
  assert.equal(queue.inFlight, 0);
  const later = node("later", true);
  queue.push(later);
  assert.deepEqual(startAll(queue), ["later"], "no alone hold was left behind");
});
