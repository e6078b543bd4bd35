/**
 * `weft logs RUN_ID [TASK]`: the recorded output of a run's tasks. Stdout lines go to
 * stdout and stderr lines to stderr, each as the task printed it; `--follow` keeps
 * reading until the run is no longer running.
 * @module
 */
import type { OutputStream } from "../engine/events.ts";
import { ExitCode, WeftError } from "../model/errors.ts";
import type { AttemptRecord, RunStore } from "../store/run_store.ts";
import { parsePositiveInt } from "./args.ts";
import { HOME_OPTION, typed, type VerbDef } from "./command.ts";
import { withHistory } from "./history_shared.ts";
import { type CliIO, err, out } from "./io.ts";

interface LogsOptions {
  follow?: boolean;
  stream?: OutputStream;
  attempt?: string;
  home?: string;
}

/** How often `--follow` looks for new output. */
const FOLLOW_POLL_MS = 200;

/** The `logs` verb. */
export const logsVerb: VerbDef = {
  name: "logs",
  summary: "print the recorded output of a run (stdout lines on stdout, stderr on stderr)",
  arguments: [
    { name: "run-id", description: "run id, or a unique prefix of one", required: true },
    { name: "task", description: "only this task" },
  ],
  options: [
    {
      long: "follow",
      short: "f",
      description: "keep printing new output until the run finishes",
    },
    {
      long: "stream",
      value: "name",
      choices: ["stdout", "stderr"],
      description: "only this stream",
    },
    { long: "attempt", value: "n", description: "only this attempt (default: every attempt)" },
    HOME_OPTION,
  ],
  examples: `
When several task attempts are printed, a "==> task (attempt N) <==" header on stderr
precedes each one.

Examples:
  weft logs 20261126T002650.123Z-3f9a1c0b7e build
  weft logs 20261126T0026 --follow
  weft logs 20261126T0026 test --stream stderr --attempt 2`,
  run: async (args, options, io) => {
    const { runId, task } = typed<{ runId: string; task?: string }>(args);
    const { follow, stream, attempt: attemptText, home } = typed<LogsOptions>(options);
    const attempt = attemptText === undefined
      ? undefined
      : parsePositiveInt(attemptText, "--attempt");
    await withHistory(
      io,
      home,
      (store) => new LogPrinter(io, store, stream).print(runId, task, attempt, !!follow),
    );
    return ExitCode.Ok;
  },
};

/** Prints log files incrementally, remembering how far each one was read. */
class LogPrinter {
  readonly #offsets = new Map<string, number>();
  #lastHeader = "";

  constructor(
    private readonly io: CliIO,
    private readonly store: RunStore,
    private readonly stream: OutputStream | undefined,
  ) {}

  async print(
    idOrPrefix: string,
    task: string | undefined,
    attempt: number | undefined,
    follow: boolean,
  ) {
    const details = await this.store.getRun(idOrPrefix);
    const runId = details.run.id;
    const order = details.tasks.map((t) => t.id);
    if (task !== undefined && !order.includes(task)) {
      throw new WeftError(`run ${runId} has no task ${JSON.stringify(task)}`, {
        hint: `its tasks: ${order.join(", ")}`,
        exitCode: ExitCode.Invalid,
      });
    }
    const { logFilePath, readLogFrom } = await import("../store/log_files.ts");
    for (;;) {
      // Read the run's state before its files: output written before it finished is then
      // on disk by the time we read, so the last pass misses nothing.
      const running = follow && await this.#stillRunning(runId);
      const attempts = (await this.store.listAttempts(runId, task))
        .filter((a) => attempt === undefined || a.attempt === attempt)
        .sort((a, b) => rank(order, a) - rank(order, b) || a.attempt - b.attempt);
      const many = task === undefined || attempts.length > 1 || follow;
      for (const a of attempts) {
        const path = a.logPath ?? logFilePath(a.runId, a.taskId, a.attempt);
        const key = `${a.taskId}.${a.attempt}`;
        const { lines, nextOffset } = await readLogFrom(
          `${this.store.logsDir}/${path}`,
          this.#offsets.get(key) ?? 0,
        );
        this.#offsets.set(key, nextOffset);
        const shown = lines.filter((l) => !this.stream || l.stream === this.stream);
        if (shown.length === 0) continue;
        if (many && this.#lastHeader !== key) {
          this.#lastHeader = key;
          await err(this.io, `==> ${a.taskId} (attempt ${a.attempt}) <==\n`);
        }
        // Consecutive lines of one stream go out in one write.
        for (let i = 0; i < shown.length;) {
          const stream = shown[i].stream;
          let text = "";
          for (; i < shown.length && shown[i].stream === stream; i++) text += shown[i].text + "\n";
          await (stream === "stderr" ? err : out)(this.io, text);
        }
      }
      if (!running) return;
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
    }
  }

  /** Whether the run is still going; a run whose process died is marked interrupted. */
  async #stillRunning(runId: string): Promise<boolean> {
    const run = await this.store.findRun(runId);
    if (run?.status !== "running") return false;
    if (run.host !== Deno.hostname()) return true;
    const { isProcessAlive, recoverInterrupted } = await import("../store/recovery.ts");
    if (await isProcessAlive(run.pid, run.pidStartTicks)) return true;
    await recoverInterrupted(this.store, run.host);
    await err(this.io, `weft: the process of run ${runId} is gone; marked interrupted\n`);
    return false;
  }
}

function rank(order: string[], attempt: AttemptRecord): number {
  const i = order.indexOf(attempt.taskId);
  return i < 0 ? order.length : i;
}
