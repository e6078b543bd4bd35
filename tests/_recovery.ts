/**
 * The check crash-recovery tests share: recovery run on a store that holds one crashed
 * run with one live process group ends that group and marks the run interrupted.
 * @module
 */
import assert from "node:assert/strict";
import { recoverInterrupted } from "../src/store/recovery.ts";
import type { RunStore } from "../src/store/run_store.ts";
import { processesInGroup } from "./_run_cli.ts";

/**
 * Runs crash recovery on `store` and asserts that it reported one run, signalled the
 * group led by `child` (the leader and all its members are gone), and marked run `id`
 * interrupted.
 */
export async function assertRecoversGroup(
  store: RunStore,
  child: Deno.ChildProcess,
  id: string,
): Promise<void> {
  const ended: number[] = [];
  await recoverInterrupted(store, Deno.hostname(), { onRecovered: (_, n) => ended.push(n) });
  assert.deepEqual(ended, [1]);
  assert.notEqual((await child.status).code, 0, "the leader was signalled");
  assert.deepEqual(processesInGroup(child.pid), [], "and its children with it");
  assert.equal((await store.findRun(id))?.status, "interrupted");
}
