/**
 * Ending what a task left running outside its process group. The spawners kill a task's
 * group on timeout/cancel and sweep it when its leader exits (_process_group.ts); a
 * background process that left the group — setsid() (the `setsid` program, a daemon's
 * double fork) or setpgid() (`set -m`) — is not in it any more.
 *
 * How such a process is found, without a scan of /proc per task (Linux, FFI allowed):
 * weft makes itself a child subreaper (prctl(2) PR_SET_CHILD_SUBREAPER), so a descendant
 * whose parent dies is reparented to weft instead of init — to weft's main thread, the
 * first live thread of the subreaper (kernel/exit.c find_new_reaper). When a task process
 * ends, ONE file is read: /proc/<weft>/task/<weft>/children (proc(5)), weft's main
 * thread's children. Among them, one that is not a live task leader and is in another
 * session than weft's was left behind by a task: a task's descendants can never join
 * weft's session again, and weft starts nothing else in a session of its own (its other
 * children, like recovery's `kill -0`, stay in weft's session). It is SIGKILLed, its whole
 * group when it leads one, when its environment (/proc/<pid>/environ: as exec'd, which
 * `export` cannot change) names a task attempt (`WEFT_RUN_ID` and `WEFT_OUTPUT`,
 * engine/attempt_context.ts) of a run THIS process started, that has no process starting
 * or running any more; while the attempt runs it is left for the attempt's end. Weft
 * never ends a process that does not carry such a mark: one started with `env -i` is
 * left running, and so is whatever weft inherited (a wrapper that started a program in
 * the background, then `exec`ed weft) — weft ends only what its own tasks started.
 * Children that exit are reaped: at each task's end, and every second while a task runs,
 * so that no zombies pile up under a long task.
 * Its pid cannot be recycled between the read and the kill: it is weft's child, a zombie
 * until weft reaps it — and weft reaps these children itself (waitpid on their pid;
 * nobody else waits for them). When the last task process ends, weft waits (at most
 * {@link SETTLE_MS}) until those it ended are gone, ending the ones orphaned meanwhile.
 *
 * Without FFI (no subreaper), only a task that ends by timeout or cancel is followed by
 * a search of /proc for processes in another session whose environment names its
 * attempt. Never caught: what a task had started by another daemon (a `docker run`
 * container, `systemd-run`, `at`), outside weft's tree.
 * @module
 */
import { cString, declareLibc, declareLibcOnce } from "../libc.ts";
import { environValues, type ProcStat, readProcStat } from "../proc.ts";

/** How long the end of the last task process waits for what it ended to be gone, in ms. */
export const SETTLE_MS = 2_000;

const SYMBOLS = {
  waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32" },
  // One call per task's end where Deno's FsFile took two (seekSync, readSync: ~2 µs more).
  pread: { parameters: ["i32", "buffer", "u64", "i64"], result: "i64" },
} as const satisfies Deno.ForeignLibraryInterface;
/** Bound with the other libc sets, in their one dlopen (libc.ts). */
const bound = declareLibc(SYMBOLS);
/** Called once per process: through dlsym, compiling no trampoline (libc.ts). */
const setUp = declareLibcOnce({
  // Variadic in C; the kernel reads five unsigned longs (prctl(2)).
  prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
  // Variadic in C (a mode follows only with O_CREAT).
  open: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
});
const PR_SET_CHILD_SUBREAPER = 36;
/** From Linux's fcntl.h. */
const O_RDONLY_CLOEXEC = 0o2000000;
const WNOHANG = 1;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

interface Watch {
  libc: Libc;
  /**
   * The fd of /proc/<weft>/task/<weft>/children (O_CLOEXEC), open for weft's life: a
   * pread from offset 0 makes the kernel list them anew (a seq_file), ~1 µs where
   * open+read+close cost ~10-20.
   */
  children: number;
  /** Weft's own session id. */
  session: number;
}

/** undefined: not tried yet; null: no subreaper here. */
let watch: Watch | null | undefined;
/** Runs whose attempts this process started: only their marks may be ended. */
const ownRuns = new Set<string>();
/** Reaps exited children every second while a task runs (unref'd: keeps nothing alive). */
let reaper: ReturnType<typeof setInterval> | undefined;
/** Attempt mark → task processes with it, starting or running. */
const live = new Map<string, number>();
/** Task processes starting or running, marked or not. */
let busy = 0;
/** Pids of the task leaders that are running. */
const leaders = new Set<number>();
/**
 * Task processes whose spawn is in flight: started, perhaps exited already, but not yet
 * known by pid. While there is one, no zombie is reaped here: it may be that task's
 * leader, whose exit status its own watcher (spawn_ffi.ts) must be the one to take — a
 * zombie's environment is gone, so its mark cannot tell it apart. It waits for the
 * next sweep.
 */
let starting = 0;

/**
 * Makes this process a child subreaper, once, so that {@link TaskProcess.ended} finds
 * what tasks left behind. False where that cannot work (not Linux, no FFI, no
 * /proc/<pid>/task/<tid>/children): timeouts and cancels then search /proc instead.
 */
export function watchEscapes(): boolean {
  if (watch !== undefined) return watch !== null;
  watch = null;
  const libc = bound();
  const once = setUp();
  const own = statOf(Deno.pid);
  if (!libc || !once || !own) return false;
  const children = once.open(cString(childrenPath()), O_RDONLY_CLOEXEC);
  // Without it weft could not reap the orphans it would be given.
  if (children < 0) return false;
  if (once.prctl(PR_SET_CHILD_SUBREAPER, 1n, 0n, 0n, 0n) !== 0) {
    once.close(children);
    return false;
  }
  watch = { libc, children, session: own.session };
  return true;
}

/**
 * One task process, from before it starts (a child that has exec'd but is not yet
 * known by pid must not look left behind) to after its group is swept.
 */
export class TaskProcess {
  #pid = 0;
  #done = false;
  readonly #mark: string | null;

  /** `env`: the environment it is started with (its attempt's mark is read there). */
  constructor(env: Record<string, string>) {
    this.#mark = markOf(env.WEFT_RUN_ID, env.WEFT_OUTPUT);
    if (env.WEFT_RUN_ID) ownRuns.add(env.WEFT_RUN_ID);
    busy++;
    starting++;
    if (watch && reaper === undefined) {
      reaper = setInterval(() => watch && busy > 0 && reapExited(watch), 1_000);
      Deno.unrefTimer(reaper);
    }
    if (this.#mark !== null) live.set(this.#mark, (live.get(this.#mark) ?? 0) + 1);
  }

  /** It started as `pid` (the leader of its own session). */
  started(pid: number): void {
    this.#pid = pid;
    leaders.add(pid);
    starting--;
  }

  /** It did not start, or has ended: it counts as running no more. */
  release(): void {
    if (this.#done) return;
    this.#done = true;
    busy--;
    if (this.#pid) leaders.delete(this.#pid);
    else starting--; // it never started
    if (this.#mark === null) return;
    const count = (live.get(this.#mark) ?? 1) - 1;
    if (count > 0) live.set(this.#mark, count);
    else live.delete(this.#mark);
  }

  /**
   * Its leader was reaped and its group swept: ends what was left outside the group
   * (see the module comment). A promise when weft waits for them to be gone.
   * `aborted`: it was ended by a timeout or cancel.
   */
  ended(aborted: boolean): Promise<void> | undefined {
    this.release();
    if (watch) {
      // Its group was just swept (_process_group.ts): members still exiting are reaped
      // here, as weft's children once their parents in the group are gone.
      if (this.#pid) killed.add(-this.#pid);
      const left = endLeftBehind(watch);
      return left > 0 && busy === 0 ? settle(watch) : undefined;
    }
    if (aborted && this.#mark !== null && watch === null) endMarked(this.#mark);
    return undefined;
  }
}

/**
 * Targets weft SIGKILLed (a pid, or a group as -pgid) while a child of weft signalled
 * through it is not reaped yet. A process dies some time after kill(2) returns, and while
 * it exits (its memory freed, its children reparented) it is neither a zombie nor
 * readable by its mark any more (its environ reads empty once its mm is gone): only this
 * set tells that it is one weft ended, still to be reaped.
 */
const killed = new Set<number>();

/**
 * Ends the children of weft left behind that may be ended, and reaps those that have
 * exited. Returns how many are still to go: signalled now, or ended earlier and not yet
 * reaped.
 */
function endLeftBehind(w: Watch): number {
  let left = 0;
  const matched = new Set<number>();
  for (const pid of childrenOf(w)) {
    if (leaders.has(pid)) continue;
    const stat = statOf(pid);
    if (stat === null || stat.session === w.session) continue;
    const target = killed.has(pid) ? pid : killed.has(-stat.pgrp) ? -stat.pgrp : 0;
    if (target !== 0) matched.add(target);
    if (stat.state === "Z" || stat.state === "X") {
      // Ours to reap (nobody else waits for it), unless it may be a leader not known yet.
      const reaped = starting === 0 && w.libc.waitpid(pid, null, WNOHANG) === pid;
      if (target !== 0 && !reaped) left++;
      continue;
    }
    if (target !== 0) {
      // SIGKILLed already, still exiting: wait for its zombie. Signalled again (harmless to
      // a dying process; it is weft's child, so its pid is not reused) to tell one weft
      // may not signal (a setuid program left in its task's group): that one never
      // ends, and is not waited for at each task's end.
      if (kill(pid)) left++;
      continue;
    }
    const mark = markIn(pid);
    if (mark === null || !ownRuns.has(mark.slice(0, mark.indexOf("\0"))) || live.has(mark)) {
      continue; // not started by a task of this weft, or its attempt still runs
    }
    const group = stat.pgrp === pid ? -pid : pid;
    if (!kill(group)) continue; // not ours to signal: nothing to wait for either
    killed.add(group);
    matched.add(group);
    left++;
  }
  // A target none of weft's children answers to any more is gone, all reaped.
  for (const target of killed) if (!matched.has(target)) killed.delete(target);
  return left;
}

/** Reaps the children of weft outside its session that have exited (zombies). */
function reapExited(w: Watch): void {
  for (const pid of childrenOf(w)) {
    if (leaders.has(pid)) continue;
    const stat = statOf(pid);
    if (stat === null || stat.session === w.session) continue;
    if ((stat.state === "Z" || stat.state === "X") && starting === 0) {
      w.libc.waitpid(pid, null, WNOHANG);
    }
  }
}

/** Until nothing is left behind (or {@link SETTLE_MS}), ends and reaps what is. */
async function settle(w: Watch): Promise<void> {
  const deadline = Date.now() + SETTLE_MS;
  for (let pause = 1; Date.now() < deadline; pause = Math.min(pause * 2, 50)) {
    await new Promise((resolve) => setTimeout(resolve, pause));
    if (endLeftBehind(w) === 0) return;
  }
}

/**
 * Without a subreaper: SIGKILL to every process of this user in another session than
 * weft's whose environment holds `mark` (a full read of /proc: timeouts and cancels only).
 */
function endMarked(mark: string): void {
  const own = statOf(Deno.pid);
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync("/proc")];
  } catch {
    return; // no /proc: nothing to tell them by
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry.name)) continue;
    const pid = Number(entry.name);
    const stat = statOf(pid);
    if (!own || !stat || stat.session === own.session || stat.state === "Z") continue;
    if (markIn(pid) !== mark) continue;
    // Same start time as when read: the pid was not recycled in between.
    const again = statOf(pid);
    if (again && again.startTicks === stat.startTicks) {
      kill(stat.pgrp === pid ? -pid : pid);
    }
  }
}

/** SIGKILL to `target` (a pid, or a group as -pgid); false when it could not be sent. */
function kill(target: number): boolean {
  try {
    Deno.kill(target, "SIGKILL");
    return true;
  } catch {
    return false; // gone already, or not ours to signal
  }
}

function markOf(run: string | undefined, output: string | undefined): string | null {
  return run && output ? `${run}\0${output}` : null;
}

/** The attempt mark in the environment `pid` was exec'd with; null when none or unreadable. */
function markIn(pid: number): string | null {
  const found = environValues(pid, MARK_NAMES);
  return found && markOf(found.get("WEFT_RUN_ID"), found.get("WEFT_OUTPUT"));
}

/** The variables an attempt's mark is made of (see {@link markOf}). */
const MARK_NAMES = ["WEFT_RUN_ID", "WEFT_OUTPUT"];

/** A process's stat (../proc.ts); null when it is gone or cannot be read. */
function statOf(pid: number): ProcStat | null {
  const stat = readProcStat(pid);
  return stat === "absent" ? null : stat;
}

/** One read serves the children list of a run's few live leaders (read once per task). */
const buffer = new Uint8Array(4096);
const BUFFER_BYTES = BigInt(buffer.length);
const decoder = new TextDecoder();

function childrenPath(): string {
  return `/proc/${Deno.pid}/task/${Deno.pid}/children`;
}

/** Pids of weft's main thread's children ("<pid> " each), parsed from the bytes. */
function childrenOf(w: Watch): number[] {
  const n = Number(w.libc.pread(w.children, buffer, BUFFER_BYTES, 0n));
  if (n <= 0) return []; // none (the usual answer), or it cannot be read
  const text = n < buffer.length ? decoder.decode(buffer.subarray(0, n)) : readMany();
  const pids: number[] = [];
  for (const word of text.split(" ")) if (word !== "") pids.push(Number(word));
  return pids;
}

/** The children list when it does not fit {@link buffer}: read whole. */
function readMany(): string {
  try {
    return Deno.readTextFileSync(childrenPath());
  } catch {
    return "";
  }
}
