/**
 * How `weft logs` prints a run's logs (logs.ts parses its arguments): in the run's task
 * order, each line prefixed with its task (and attempt) when several tasks are printed,
 * or headed per attempt; `--follow` polls until the run is no longer running, or until
 * nobody reads its output any more (a closed pipe).
 * @module
 */
import type { OutputStream } from "../engine/events.ts";
import { ExitCode, WeftError } from "../model/errors.ts";
import { describeFault } from "../store/faults.ts";
import { isKeptTask } from "../store/retention.ts";
import type { AttemptRecord, RunStore } from "../store/run_store.ts";
import { runOrLatest } from "./history_shared.ts";
import { type CliIO, err, OutputStreamError } from "./io.ts";
import { FollowStop } from "./follow_stop.ts";
import { openBefore, type PrintCursor, printLogFrom } from "./log_output.ts";
import { LabelWidths } from "./log_labels.ts";
import { keptByOrigin, keptFrom } from "./logs_kept.ts";
import { didYouMean, idList } from "../parse/suggest.ts";

const NEWLINE = new Uint8Array([0x0a]);

/** Task types whose steps run beside each other, their lines interleaved. */
const COMPOSITES = new Set(["loop", "parallel"]);

/** How often `--follow` looks for new output. */
const FOLLOW_POLL_MS = 200;

/** Prints log files incrementally, remembering how far each one was read. */
export class LogPrinter {
  /** Per attempt (`task.attempt`), where its file was read up to. */
  readonly #cursors = new Map<string, PrintCursor>();
  /** Attempts whose header was printed: each gets one, however its lines interleave. */
  readonly #headed = new Set<string>();
  /** Attempts (`task.attempt`) whose log is missing or unreadable: reported once, then skipped. */
  readonly unreadable = new Set<string>();
  /** Attempts whose log lacks lines a fault kept out (AttemptRecord.logLost), told once. */
  readonly lost = new Set<string>();
  /** Attempts found by their log file alone, told once. */
  readonly #noted = new Set<string>();
  /** Per output stream, the attempt whose line was left open there (no newline yet). */
  readonly #openOn: Record<OutputStream, string | null> = { stdout: null, stderr: null };
  /** Ctrl-C or SIGTERM while following: its `exitCode` is the verb's (follow_stop.ts). */
  readonly stop = new FollowStop();
  /** Stdout and stderr reach one screen: a line open on either is open on both. */
  readonly #shared: boolean;

  constructor(
    private readonly io: CliIO,
    private readonly stream: OutputStream | undefined,
    private readonly prefixLines: boolean,
  ) {
    this.#shared = io.outputsShared ?? false;
  }

  /**
   * Prints the logs of run `idOrPrefix` (the latest when undefined; `home` is where
   * history lives), only `task`'s and only attempt `attempt` when given; with `follow`,
   * until the run is no longer running. Throws WeftError (exit 2) for an unknown task or
   * attempt; an unreadable log is reported and added to {@link unreadable}. Following
   * ends early at SIGINT or SIGTERM, after one last pass ({@link stop}).
   */
  async print(
    store: RunStore,
    idOrPrefix: string | undefined,
    home: string,
    task: string | undefined,
    attempt: number | undefined,
    follow: boolean,
  ): Promise<void> {
    const unlisten = follow ? this.stop.listen() : () => {};
    try {
      await this.#print(store, idOrPrefix, home, task, attempt, follow);
    } finally {
      unlisten();
    }
  }

  /** {@link print} without the signal listeners. */
  async #print(
    store: RunStore,
    idOrPrefix: string | undefined,
    home: string,
    task: string | undefined,
    attempt: number | undefined,
    follow: boolean,
  ): Promise<void> {
    const details = await runOrLatest(store, idOrPrefix, home);
    const runId = details.run.id;
    // The run's tasks as last read: followed, read again as a loop adds its iterations.
    let known = details.tasks;
    let order = known.map((t) => t.id);
    if (task !== undefined && !order.includes(task)) {
      throw new WeftError(`run ${runId} has no task ${JSON.stringify(task)}`, {
        // A run of thousands of tasks: the near id, then a dozen ids, not all of them.
        hint: [didYouMean(task, order), `its tasks: ${idList(order)}`].filter(Boolean).join(" "),
        exitCode: ExitCode.Invalid,
      });
    }
    const named = task === undefined ? undefined : details.tasks.find((t) => t.id === task);
    if (named && isKeptTask(named) && details.run.resumedFrom) {
      // Kept by --resume: it made no attempt here; its output is in the run it was kept from.
      const origin = await keptFrom(store, details.run, task!);
      await this.#notice(
        `weft: ${task} was kept from run ${origin} by --resume (not run again in ${runId}): ` +
          `showing its log there\n`,
      );
      return this.#print(store, origin, home, task, attempt, false);
    }
    if (task === undefined && details.run.resumedFrom) {
      // Each kept task named with the run its log is in (a resume of a killed resume
      // keeps some from further back than the run it resumed).
      for (const [origin, kept] of await keptByOrigin(store, details.run, details.tasks)) {
        await this.#notice(
          `weft: kept by --resume from run ${origin}, not run again here ` +
            `(\`weft logs ${runId} TASK\` shows one): ${kept.join(", ")}\n`,
        );
      }
    }
    const [{ logFilePath }, { logDirName }, { unrecordedLogs }] = await Promise.all([
      import("../store/log_files.ts"),
      import("../store/log_format.ts"),
      import("../store/log_found.ts"),
    ]);
    // A loop's lines are its iterations' (`LOOP[key]`): naming the loop shows them all.
    const group = task === undefined ? null : new Set([task]);
    // Followed, one plain task's attempts come one after another: nothing comes between
    // the parts of a line, printed as they are written. Where others may (several tasks,
    // a composite's steps), a line is held until it ends (log_hold.ts, tnotify F4).
    const alone = named !== undefined && !COMPOSITES.has(named.type);
    for (;;) {
      // Read the run's state before its files: output written before it finished is then
      // on disk by the time we read, so the last pass misses nothing.
      // After a stop signal, one last pass as if the run had ended: what is held is printed.
      const running = follow && this.stop.signal === undefined &&
        await this.#stillRunning(store, runId);
      if (group && task !== undefined) {
        // Followed, a loop gets iterations as it goes: read them (and their order) anew.
        if (follow) {
          known = (await store.getRun(runId)).tasks;
          order = known.map((t) => t.id);
        }
        for (const t of known) if (t.id.startsWith(`${task}[`)) group.add(t.id);
      }
      const one = group === null || group.size === 1;
      // Positions looked up, not searched for: a loop of 100,000 iterations has as many
      // tasks, and a scan of them per comparison made the sort quadratic (tester8 F5).
      let position = positions(order);
      const recorded = await store.listAttempts(runId, one ? task : undefined);
      if (follow && group === null && recorded.some((a) => !position.has(a.taskId))) {
        // A loop's iterations, recorded (all of them) before the first of these attempts:
        // their ids give their prefixes' width and their place (log_labels.ts).
        known = (await store.getRun(runId)).tasks;
        order = known.map((t) => t.id);
        position = positions(order);
      }
      // Listed after the run's state was read, as the files are read (see above).
      const present = await logNames(`${store.logsDir}/${logDirName(runId)}`);
      // A log file whose attempt has no record (the disk filled as the run ended), told
      // once; none while the run goes on (a file is made before its record is written).
      const found = running || details.run.status === "running" || !present
        ? []
        : unrecordedLogs(runId, present, group ?? order, recorded);
      for (const a of found) {
        if (this.#noted.has(`${a.taskId}.${a.attempt}`)) continue;
        this.#noted.add(`${a.taskId}.${a.attempt}`);
        await this.#notice(
          `weft: ${a.taskId} (attempt ${a.attempt}) has a log file but no record in history ` +
            "(its end was not recorded): showing the file\n",
        );
      }
      const attempts = [...recorded, ...found]
        .filter((a) =>
          (one || group!.has(a.taskId)) &&
          (attempt === undefined || a.attempt === attempt)
        )
        .sort((a, b) => rank(position, a) - rank(position, b) || a.attempt - b.attempt);
      if (attempt !== undefined && attempts.length === 0 && !running && !this.stop.signal) {
        noSuchAttempt(
          runId,
          task,
          attempt,
          [...recorded, ...found].filter((a) => one || group!.has(a.taskId)),
        );
      }
      // One task's attempts: a header before each after the first, none before the
      // first. Whether a first attempt is the only one is not known while it runs, and
      // `--follow` must head it as `weft logs` does afterwards (F11).
      const many = !one || task === undefined;
      // One task's lines stay exactly as stored; several tasks' are told apart by prefix.
      const prefixed = (task === undefined || !one) && this.prefixLines;
      const widths = prefixed ? new LabelWidths(known) : null;
      for (const a of attempts) {
        const path = a.logPath ?? logFilePath(a.runId, a.taskId, a.attempt);
        const key = `${a.taskId}.${a.attempt}`;
        if (this.unreadable.has(key)) continue;
        const from = this.#cursors.get(key);
        // No output recorded and no file: nothing to print, without trying to open it.
        if (a.logBytes === 0 && from === undefined && absent(present, path, logDirName(runId))) {
          await this.#tellLost(key, a);
          continue;
        }
        // `--attempt N` picks one: printed as stored, as one task's lines are.
        const alone1 = !many && (a.attempt === 1 || attempt !== undefined);
        const headed = alone1 || prefixed || this.#headed.has(key);
        const file = `${store.logsDir}/${path}`;
        const cursor = await printLogFrom(
          this.io,
          file,
          from,
          {
            // The recorder creates the file with the attempt's first output: no output, no
            // file. Output was recorded (or already read) yet the file is gone: an error.
            mustExist: a.logBytes > 0 || (from?.offset ?? 0) > 0,
            stream: this.stream,
            // Followed while it goes on: its lines are printed once whole (log_hold.ts).
            hold: running && a.finishedAt === null && !(alone && one),
            endOpen: {
              stdout: this.#openOn.stdout !== null && this.#openOn.stdout !== key,
              stderr: this.#openOn.stderr !== null && this.#openOn.stderr !== key,
            },
            shared: this.#shared,
            prefix: widths ? widths.prefix(a.taskId, a.attempt) : "",
            beforeFirst: headed ? undefined : () => {
              this.#headed.add(key);
              return err(this.io, `==> ${a.taskId} (attempt ${a.attempt}) <==\n`);
            },
          },
        ).catch((e) => this.#unreadable(key, a, file, e));
        if (cursor) {
          for (const stream of cursor.ended ?? []) this.#ended(stream);
          this.#cursors.set(key, cursor);
          for (const [stream, open] of Object.entries(cursor.leftOpen ?? {})) {
            this.#openOn[stream as OutputStream] = open ? key : null;
          }
        }
        await this.#tellLost(key, a);
      }
      if (!running) return;
      // Nobody reads any more (`weft logs -f | grep -m1 ready` found it): stop, as
      // `tail -f` does on EPIPE, with the verb's own exit code (0; see cli/io.ts).
      if (await this.io.stdout.gone?.()) return;
      await this.stop.pause(FOLLOW_POLL_MS);
    }
  }

  /**
   * The line left open in `stream` was ended on screen (by another file's output or a
   * notice): its rest goes on a line of its own (log_output.ts broken).
   */
  #ended(stream: OutputStream): void {
    const owner = this.#openOn[stream];
    this.#openOn[stream] = null;
    const ended = owner === null ? undefined : this.#cursors.get(owner);
    if (!ended) return;
    ended.broken = { ...ended.broken, [stream]: true };
    if (ended.crPending) ended.crPending[stream] = false;
    if (ended.printed) ended.printed[stream] = false;
  }

  /**
   * Writes weft's own message `text` (whole lines) to stderr, after ending a line left
   * open where it shows (as a header ends it: log_output.ts openBefore), so that it
   * never continues a task's line.
   */
  async #notice(text: string): Promise<void> {
    const open = { stdout: this.#openOn.stdout !== null, stderr: this.#openOn.stderr !== null };
    for (const stream of openBefore("stderr", open, this.#shared)) {
      await (stream === "stdout" ? this.io.stdout : this.io.stderr).write(NEWLINE);
      this.#ended(stream);
    }
    await err(this.io, text);
  }

  /** Says once that attempt `a`'s log lacks lines a fault kept out (AttemptRecord.logLost). */
  async #tellLost(key: string, a: AttemptRecord): Promise<void> {
    if (!a.logLost || this.lost.has(key) || this.unreadable.has(key)) return;
    this.lost.add(key);
    await this.#notice(
      `weft: the log of ${a.taskId} (attempt ${a.attempt}) lacks lines the task printed: ${a.logLost}\n`,
    );
  }

  /**
   * Reports, in one line naming its path, a log that is missing or cannot be read for a
   * reason of the machine (a folder in its place, permissions); anything else is rethrown.
   */
  async #unreadable(key: string, a: AttemptRecord, file: string, e: unknown): Promise<undefined> {
    // Writing what was read failed: weft's own output, not the log file (main.ts says so).
    if (e instanceof OutputStreamError) throw e;
    const which = `the log of ${a.taskId} (attempt ${a.attempt})`;
    let line: string;
    if (e instanceof Deno.errors.NotFound) {
      line = `weft: ${which} is missing: ${file} — it was deleted or moved\n`;
    } else {
      const text = describeFault(e);
      if (!text) throw e;
      line = `weft: cannot read ${which}: ${file}: ${text.reason}\n`;
    }
    this.unreadable.add(key);
    await this.#notice(line);
    return undefined;
  }

  /** Whether the run is still going; a run whose process died is marked interrupted. */
  async #stillRunning(store: RunStore, runId: string): Promise<boolean> {
    const run = await store.findRun(runId);
    if (run?.status !== "running") return false;
    const { ownerPlace } = await import("../store/run_owner.ts");
    const place = ownerPlace(run, Deno.hostname());
    if (place === "elsewhere") return true;
    const { isProcessAlive, recoverInterrupted } = await import("../store/recovery.ts");
    if (place === "here" && await isProcessAlive(run.pid, run.pidStartTicks)) return true;
    await recoverInterrupted(store, run.host);
    await this.#notice(`weft: the process of run ${runId} is gone; marked interrupted\n`);
    return false;
  }
}

/**
 * The names in a run's log folder (none when it does not exist), or undefined when it
 * cannot be listed: each file is then opened to find out. An attempt that printed
 * nothing has no file, and a run of 100,000 silent loop iterations was as many failed
 * opens, one after the other (tester8 F5).
 */
async function logNames(dir: string): Promise<Set<string> | undefined> {
  const names = new Set<string>();
  try {
    for await (const entry of Deno.readDir(dir)) names.add(entry.name);
  } catch (e) {
    return e instanceof Deno.errors.NotFound ? names : undefined;
  }
  return names;
}

/** Whether the log at `path` (relative to the logs folder) is known not to exist. */
function absent(present: Set<string> | undefined, path: string, runDir: string): boolean {
  if (present === undefined || !path.startsWith(`${runDir}/`)) return false;
  const name = path.slice(runDir.length + 1);
  return !name.includes("/") && !present.has(name);
}

/** Each task id's place in the run's order (the first place, as `indexOf` finds it). */
function positions(order: string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (let i = 0; i < order.length; i++) if (!map.has(order[i])) map.set(order[i], i);
  return map;
}

/** An attempt's task's place in the run's order; tasks not in it go last. */
function rank(position: Map<string, number>, attempt: AttemptRecord): number {
  return position.get(attempt.taskId) ?? Number.MAX_SAFE_INTEGER;
}

/**
 * Throws the usage error (exit 2) for `--attempt N` that no attempt in scope (`made`: of
 * `task`, or of the whole run) has, as for an unknown task: a script reading
 * `weft logs RUN test --attempt 2` then tells "no such attempt" from "it printed nothing".
 */
function noSuchAttempt(
  runId: string,
  task: string | undefined,
  attempt: number,
  made: readonly { attempt: number }[],
): never {
  const most = made.reduce((m, a) => Math.max(m, a.attempt), 0);
  const whose = task === undefined
    ? `run ${runId}`
    : `task ${JSON.stringify(task)} of run ${runId}`;
  const what = task === undefined ? "its tasks made" : "it made";
  const upTo = task === undefined ? "at most " : "";
  throw new WeftError(`${whose} has no attempt ${attempt}`, {
    hint: most === 0
      ? `${what} no attempt`
      : `${what} ${upTo}${most === 1 ? "1 attempt" : `${most} attempts`}`,
    exitCode: ExitCode.Invalid,
  });
}
