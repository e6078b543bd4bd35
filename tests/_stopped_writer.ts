/**
 * A `weft run` stopped (SIGSTOP) while it holds weft.kv's write lock, for tests of what
 * reading commands do meanwhile (store/open.ts, store/kv_copy.ts).
 * @module
 */
import { writeLockHolder } from "../src/store/kv_lock_holder.ts";

/** Writes a workflow of 3,000 short tasks into `dir`: its weft writes weft.kv all the time. */
export function manyTasks(dir: string): string {
  const tasks = Array.from({ length: 3000 }, (_, i) => `  - id: t${i}\n    command: sleep 0.01\n`);
  const file = `${dir}/many.yml`;
  Deno.writeTextFileSync(file, `name: many\ntasks:\n${tasks.join("")}`);
  return file;
}

/**
 * Whether every thread of `pid` is stopped (state T in /proc/<pid>/task/<tid>/stat, see
 * proc(5)). kill(2) returns before a running thread takes the stop: until then it may
 * still let go of the lock.
 */
function allStopped(pid: number): boolean {
  for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/stat`);
    } catch {
      continue; // the thread ended
    }
    // The state follows the command name, which is in parentheses and may hold spaces.
    if (stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "T") return false;
  }
  return true;
}

/**
 * Stops `pid` (SIGSTOP) at a moment it holds the write lock of `kv`, as /proc/locks says
 * once all its threads have stopped; resumes it and tries again while it does not (it
 * holds it for a part of its time).
 */
export async function stopHoldingLock(pid: number, kv: string): Promise<void> {
  for (let tries = 0; tries < 2000; tries++) {
    Deno.kill(pid, "SIGSTOP");
    for (let wait = 0; !allStopped(pid); wait++) {
      if (wait > 1000) throw new Error(`process ${pid} did not stop`);
      await new Promise((r) => setTimeout(r, 1));
    }
    if (writeLockHolder(kv)?.pid === pid) return;
    Deno.kill(pid, "SIGCONT");
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
  }
  throw new Error("the run never held the lock when stopped");
}

/**
 * Writes a workflow into `dir` whose weft writes weft.kv all the time until `open()` is
 * called, then soon ends its run (success): 1,000 tasks, each waiting for the gate file
 * (for at most ten `sleep 0.01`; it succeeds either way). Not opened, it runs about three
 * times as long as the 3,000 tasks of {@link manyTasks} (each task some ten times longer,
 * a third as many); opened, each task left is one short `sh`, where the weft of
 * {@link manyTasks} runs what is left of its 3,000 tasks (some 20 s of CPU time).
 */
export function gatedTasks(dir: string): { file: string; open: () => void } {
  const gate = `${dir}/gate`;
  const wait = `i=0; while [ ! -e ${gate} ] && [ $i -lt 10 ]; do sleep 0.01; i=$((i+1)); done`;
  const tasks = Array.from({ length: 1000 }, (_, i) => `  - id: t${i}\n    command: '${wait}'\n`);
  const file = `${dir}/gated.yml`;
  Deno.writeTextFileSync(file, `name: gated\ntasks:\n${tasks.join("")}`);
  return { file, open: () => Deno.writeTextFileSync(gate, "") };
}
