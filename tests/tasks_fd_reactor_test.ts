/**
 * The fd reactor's wait on the event loop's own thread (src/tasks/_fd_reactor.ts): while
 * a child is waited for that way, the rest of Deno still runs (timers, file ops, signal
 * listeners), a child that runs longer is still seen to end, and a long chain of short
 * children each gives all its output and its status. While a start is in flight off the
 * event loop, the loop waits for that start instead: exits are still seen, whether the
 * start ends soon or not at all.
 */
import assert from "node:assert/strict";
import { ffiTest, sh } from "./_ffi_spawn.ts";
import { lineText, readByteLines } from "../src/tasks/byte_lines.ts";
import { fdReactor } from "../src/tasks/_fd_reactor.ts";
import type { SpawnedProcess } from "../src/tasks/types.ts";
import { testTempDir } from "./_tmp.ts";

const test = ffiTest("fd reactor");

/** Both outputs line by line and the status, as the shell runner reads them. */
async function finish(child: SpawnedProcess): Promise<{ out: string[]; code: number | null }> {
  const out: string[] = [];
  const push = (line: Uint8Array) => void out.push(lineText(line));
  const [, , status] = await Promise.all([
    readByteLines(child, "stdout", push),
    readByteLines(child, "stderr", push),
    child.status,
  ]);
  return { out, code: status.code };
}

/** Fails instead of hanging: a test whose child waits for Deno to act must not block. */
function guard<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`stuck: ${what}`)), 30_000);
  });
  return Promise.race([work, stuck]).finally(() => clearTimeout(timer));
}

test("a child alone that waits for Deno: a timer and an async file write run meanwhile", async () => {
  const flag = `${testTempDir("reactor-")}/flag`;
  // The child ends only once Deno has written the flag: if the reactor held the event
  // loop until the child ended, neither the timer nor the write would ever run.
  const child = await sh(`while [ ! -e '${flag}' ]; do sleep 0.01; done; echo seen`);
  setTimeout(() => void Deno.writeTextFile(flag, "go"), 20);
  const { out, code } = await guard(finish(child), "the timer or the file write never ran");
  assert.deepEqual(out, ["seen"]);
  assert.equal(code, 0);
});

test("a child alone that signals Deno: the signal listener runs while the child runs", async () => {
  const flag = `${testTempDir("reactor-")}/flag`;
  const onSignal = () => Deno.writeTextFileSync(flag, "go");
  Deno.addSignalListener("SIGUSR1", onSignal);
  try {
    const child = await sh(
      `kill -USR1 ${Deno.pid}; while [ ! -e '${flag}' ]; do sleep 0.01; done; echo seen`,
    );
    const { out, code } = await guard(finish(child), "the signal listener never ran");
    assert.deepEqual(out, ["seen"]);
    assert.equal(code, 0);
  } finally {
    Deno.removeSignalListener("SIGUSR1", onSignal);
  }
});

test("a child that outlives the wait on the event loop's thread is still seen to end", async () => {
  const child = await sh("sleep 0.2; echo late; exit 4");
  const { out, code } = await guard(finish(child), "the exit was missed");
  assert.deepEqual(out, ["late"]);
  assert.equal(code, 4);
});

test("a chain of 300 short children: each gives its lines and its status", async () => {
  for (let i = 0; i < 300; i++) {
    const child = await sh(`echo out-${i}; echo err-${i} >&2; exit ${i % 4}`);
    const { out, code } = await finish(child);
    assert.deepEqual(out.sort(), [`err-${i}`, `out-${i}`]);
    assert.equal(code, i % 4);
  }
});

test("children started while others run, with long outputs: every byte, every status", async () => {
  // Waits move between the event loop's thread and the pool's as children come and go.
  const runs = Array.from({ length: 24 }, async (_, i) => {
    if (i % 3 === 0) await new Promise((resolve) => setTimeout(resolve, i));
    const child = await sh(`seq 1 ${2000 + i * 500}; exit ${i % 3}`);
    const { out, code } = await finish(child);
    assert.equal(out.length, 2000 + i * 500);
    assert.equal(out.at(-1), String(2000 + i * 500));
    assert.equal(code, i % 3);
  });
  await guard(Promise.all(runs), "a child's output or exit was missed");
});

/** An off-loop call (as a child's start is) that stays in flight until `end()`. */
function startInFlight(): { end: () => void; done: Promise<void> } {
  const { promise, resolve } = Promise.withResolvers<void>();
  return { end: () => resolve(), done: fdReactor()!.offLoop(promise) };
}

test("a child that ends while a start is in flight: seen once the start ends", async () => {
  const child = await sh("echo first; exit 3");
  const start = startInFlight();
  const result = finish(child);
  setTimeout(start.end, 50);
  const { out, code } = await guard(result, "the exit was missed");
  await start.done;
  assert.deepEqual(out, ["first"]);
  assert.equal(code, 3);
});

test("a start in flight that does not end does not hold back the other children", async () => {
  const start = startInFlight();
  try {
    const children = await Promise.all([sh("echo a; exit 1"), sh("echo b; exit 2")]);
    const results = await guard(Promise.all(children.map(finish)), "an exit was held back");
    assert.deepEqual(results, [{ out: ["a"], code: 1 }, { out: ["b"], code: 2 }]);
  } finally {
    start.end();
    await start.done;
  }
});
