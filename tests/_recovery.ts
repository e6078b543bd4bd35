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

/**
 * Starts `sh -c script` as the leader of a new session (pid = process group id = session
 * id) with `env` added to this process's environment, as weft starts a task; with
 * `uid`, as that user (setpriv, root only).
 */
export function startSession(
  script: string,
  env: Record<string, string> = {},
  uid?: number,
): Deno.ChildProcess {
  const user = uid === undefined
    ? []
    : ["setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups"];
  return new Deno.Command("setsid", {
    args: [...user, "sh", "-c", script],
    env,
    stdout: "null",
  }).spawn();
}

/** Waits until the group `pgid` has at least `size` live processes (all exec'd, for `sh`). */
export async function waitForGroupSize(pgid: number, size: number): Promise<void> {
  while (processesInGroup(pgid).length < size) await new Promise((r) => setTimeout(r, 20));
}

/** SIGKILL to the group of `child` (gone already is fine), then reaps it. */
export async function killSession(child: Deno.ChildProcess): Promise<void> {
  try {
    Deno.kill(-child.pid, "SIGKILL");
  } catch { /* ended, as expected */ }
  await child.status;
}
