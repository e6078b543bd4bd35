/**
 * The event publisher (src/engine/publisher.ts): events reach every listener in the order
 * published, and a listener's failed promise is handled, also when it returns the same
 * promise for several events (the recorder does, for the events of one write).
 */
import assert from "node:assert/strict";
import { EventPublisher } from "../src/engine/publisher.ts";
import { Secrets } from "../src/engine/secrets.ts";
import type { EngineEvent } from "../src/engine/events.ts";

const at = new Date(0).toISOString();
const started = (taskId: string): EngineEvent => ({
  type: "task_started",
  runId: "r",
  taskId,
  attempt: 1,
  at,
});
const processStarted = (pid: number): EngineEvent => ({
  type: "process_started",
  runId: "r",
  taskId: "a",
  attempt: 1,
  pid,
  at,
});

Deno.test("publisher: one promise returned for several events is handled once, rejections included", async () => {
  const seen: string[] = [];
  const failing = Promise.reject(new Error("store failed"));
  const publisher = new EventPublisher([(event) => {
    seen.push(event.type === "task_started" ? event.taskId : event.type);
    return failing; // the same promise for every event
  }], new Secrets());
  const first = publisher.publish(processStarted(1));
  const second = publisher.publish(processStarted(2));
  assert.equal(first.length, 1);
  assert.equal(first[0], second[0], "one handler serves the same promise");
  // Settles (does not reject) although the listener's promise rejected.
  assert.deepEqual(await Promise.all([...first, ...second]), [undefined, undefined]);
  // Events no caller waits on: sent in a later turn, in order, nothing returned.
  assert.deepEqual(publisher.publish(started("a")), []);
  assert.deepEqual(publisher.publish(started("b")), []);
  assert.deepEqual(seen, ["process_started", "process_started"]);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(seen, ["process_started", "process_started", "a", "b"]);
});

Deno.test("publisher: different promises each get their own handler", async () => {
  let n = 0;
  const publisher = new EventPublisher(
    [() => n++ % 2 ? Promise.resolve() : Promise.reject(n)],
    new Secrets(),
  );
  const pending = [1, 2, 3].flatMap((pid) => publisher.publish(processStarted(pid)));
  assert.equal(new Set(pending).size, 3);
  assert.deepEqual(await Promise.all(pending), [undefined, undefined, undefined]);
});
