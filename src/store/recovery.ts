/**
 * Crash recovery: nothing stays "running" forever. A run recorded as running by this
 * host whose process is gone (killed with -9, power loss) is marked `interrupted`,
 * with its unfinished tasks `interrupted` (reason "crash"); everything recorded
 * before the crash is kept. Every verb that opens the store runs this first.
 * @module
 */
import type { RunRecord, RunStore } from "./run_store.ts";

/**
 * When a process started, in clock ticks since boot (field 22 of /proc/<pid>/stat),
 * or null where /proc is unavailable. Two processes with the same pid differ here.
 */
export function processStartTicks(pid: number): number | null {
  const stat = readProcStat(pid);
  if (!stat || stat === "absent") return null;
  const ticks = Number(stat.fields[19]);
  return Number.isFinite(ticks) ? ticks : null;
}

interface ProcStat {
  state: string;
  /** Fields after the command name, starting with field 3 (state). */
  fields: string[];
}

function readProcStat(pid: number): ProcStat | null | "absent" {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "absent" as const;
    return null;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
  const fields = text.slice(text.lastIndexOf(")") + 2).trim().split(/\s+/);
  return { state: fields[0], fields };
}

function hasProcfs(): boolean {
  try {
    Deno.statSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the process `pid` is still the one that recorded the run: it exists, is not
 * a zombie, and (when known) started at `startTicks`. Without /proc, asks `kill -0`.
 */
export async function isProcessAlive(pid: number, startTicks: number | null): Promise<boolean> {
  if (pid <= 0) return false;
  if (hasProcfs()) {
    const stat = readProcStat(pid);
    if (stat === "absent") return false;
    if (stat === null) return true; // unreadable: assume alive rather than corrupt a live run
    if (stat.state === "Z" || stat.state === "X") return false;
    if (startTicks !== null && Number(stat.fields[19]) !== startTicks) return false;
    return true;
  }
  try {
    const { code } = await new Deno.Command("kill", {
      args: ["-0", String(pid)],
      stdout: "null",
      stderr: "null",
    }).output();
    return code === 0;
  } catch {
    return true;
  }
}

/** Options of {@link recoverInterrupted}. */
export interface RecoveryOptions {
  /** Called for each run marked interrupted. */
  onRecovered?: (run: RunRecord) => void;
  /** Decides whether a recorded process is alive (tests pass their own). */
  isAlive?: (pid: number, startTicks: number | null) => Promise<boolean>;
}

/**
 * Marks runs of this `host` whose process is gone as interrupted. Runs of other hosts
 * are left alone: their pids mean nothing here. Returns the runs it marked.
 */
export async function recoverInterrupted(
  store: RunStore,
  host: string,
  options: RecoveryOptions = {},
): Promise<RunRecord[]> {
  const isAlive = options.isAlive ?? isProcessAlive;
  const recovered: RunRecord[] = [];
  for (const run of await store.findRunning()) {
    if (run.host !== host) continue;
    if (await isAlive(run.pid, run.pidStartTicks)) continue;
    if (await store.markInterrupted(run.id)) {
      recovered.push(run);
      options.onRecovered?.(run);
    }
  }
  return recovered;
}
