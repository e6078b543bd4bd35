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
 * Stops `pid` (SIGSTOP) at a moment it holds the write lock of `kv`, as /proc/locks says;
 * resumes it and tries again while it does not (it holds it for a part of its time).
 */
export async function stopHoldingLock(pid: number, kv: string): Promise<void> {
  for (let tries = 0; tries < 2000; tries++) {
    Deno.kill(pid, "SIGSTOP");
    // The stop is taken at once for a running process; the lock table then stays as is.
    if (writeLockHolder(kv)?.pid === pid) return;
    Deno.kill(pid, "SIGCONT");
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
  }
  throw new Error("the run never held the lock when stopped");
}
