/**
 * `--resume` applies once to a run, as GitHub's re-run applies to a run's latest attempt:
 * a run already resumed (a run records `resumedFrom`) is refused, naming the run that
 * resumed it (resume that one instead); two resumes started together cannot both go on —
 * each would run again what failed (a deploy twice). The second is told apart by a claim
 * file, `<logsDir>/<run>/resumed-by` (0600), created exclusively (O_EXCL: one creator
 * wins, across processes) by the resume that goes on, holding its pid and start time
 * (/proc/<pid>/stat field 22). A claim whose process is gone while no run records
 * `resumedFrom` (that resume was refused or crashed before its run was recorded) is
 * stale and taken over. The file goes with the run's log folder (retention, deleteRun).
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";
import { logDirName } from "./log_files.ts";
import { isProcessAlive, processStartTicks } from "./recovery.ts";
import type { RunStore } from "./run_store.ts";
import { readSmallText } from "./small_file.ts";

const CLAIM_NAME = "resumed-by";
/** What to do about a claim file that is no regular file. */
const CLAIM_HINT = "remove it: weft writes it while a run is being resumed";

/**
 * Throws WeftError (exit 2) when run `previous` was resumed already or is being resumed
 * now; else, with `claim`, claims it for this process (`weft run --dry-run --resume`
 * checks only). `file` names the workflow file in the message.
 */
export async function claimResume(
  store: RunStore,
  previous: { id: string; workflow: string; startedAt: string },
  file: string,
  claim = true,
): Promise<void> {
  const refuse = (message: string, hint: string): never => {
    throw new WeftError([{ file, message, hint }], { exitCode: ExitCode.Invalid });
  };
  const resumed = async () =>
    (await store.listRuns({ workflow: previous.workflow, since: new Date(previous.startedAt) }))
      .filter((run) => run.resumedFrom === previous.id)
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt))[0];
  const already = async () => {
    const by = await resumed();
    if (by) {
      refuse(
        `run ${previous.id} was already resumed by run ${by.id} (${by.status})`,
        by.status === "success"
          ? "nothing is left to run again; run the workflow without --resume to start over"
          : by.status === "running"
          ? `it is still running: see \`weft status ${by.id}\``
          : `resume that run instead: --resume ${by.id}`,
      );
    }
  };
  /** Refuses while the process named in the claim file (if any) lives. */
  const refuseIfClaimed = async (path: string) => {
    // A FIFO or device in its place is said (small_file.ts), never waited on.
    const text = await readSmallText(path, { limit: 1024, hint: CLAIM_HINT }).catch((e) => {
      if (e instanceof WeftError) throw e;
      return null; // gone meanwhile, or unreadable: no claim to honour
    });
    const [pid, claimTicks] = (text ?? "").trim().split(" ");
    const claimer = Number(pid);
    const alive = Number.isSafeInteger(claimer) && claimer > 0 &&
      await isProcessAlive(claimer, claimTicks ? Number(claimTicks) : null);
    if (alive) {
      refuse(
        `run ${previous.id} is being resumed by another weft (pid ${pid})`,
        "wait for that run to end, then see `weft history`",
      );
    }
  };
  await already();
  if (!store.logsDir) return; // a store without log folders (tests' memory store)
  const dir = `${store.logsDir}/${logDirName(previous.id)}`;
  const path = `${dir}/${CLAIM_NAME}`;
  if (!claim) return await refuseIfClaimed(path);
  const ticks = processStartTicks(Deno.pid);
  const mine = `${Deno.pid} ${ticks ?? ""}\n`;
  for (let tries = 0; tries < 2; tries++) {
    try {
      await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
      await Deno.writeTextFile(path, mine, { createNew: true, mode: 0o600 });
      return;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    await refuseIfClaimed(path);
    // Its process is gone: a run it recorded says so; else the claim is stale.
    await already();
    await Deno.remove(path).catch(() => {});
  }
  refuse(
    `run ${previous.id} is being resumed by another weft`,
    "wait for that run to end, then see `weft history`",
  );
}
