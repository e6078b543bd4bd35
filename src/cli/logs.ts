/**
 * `weft logs RUN_ID [TASK]`: the recorded output of a run's tasks. Stdout lines go to
 * stdout and stderr lines to stderr, each as the task printed it; `--follow` keeps
 * reading until the run is no longer running.
 * @module
 */
import { Command, Option } from "commander";
import type { OutputStream } from "../engine/events.ts";
import { ExitCode, WeftError } from "../model/errors.ts";
import type { AttemptRecord, RunStore } from "../store/run_store.ts";
import { parsePositiveInt } from "./args.ts";
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
export function logsCommand(io: CliIO, done: (code: number) => void): Command {
  return new Command("logs")
    .description("print the recorded output of a run (stdout lines on stdout, stderr on stderr)")
    .argument("<run-id>", "run id, or a unique prefix of one")
    .argument("[task]", "only this task")
    .option("-f, --follow", "keep printing new output until the run finishes")
    .addOption(
      new Option("--stream <name>", "only this stream").choices(["stdout", "stderr"]),
    )
    .option("--attempt <n>", "only this attempt (default: every attempt)")
    .option("--home <dir>", "history folder (default: $WEFT_HOME, else ~/.local/share/weft)")
    .addHelpText(
      "after",
      `
When several task attempts are printed, a "==> task (attempt N) <==" header on stderr
precedes each one.

Examples:
  weft logs 20261126T002650Z-3f9a1c build
  weft logs 20261126T0026 --follow
  weft logs 20261126T0026 test --stream stderr --attempt 2`,
    )
    .action(async (runId: string, task: string | undefined, options: LogsOptions) => {
      const attempt = options.attempt === undefined
        ? undefined
        : parsePositiveInt(options.attempt, "--attempt");
      await withHistory(
        io,
        options.home,
        (store) =>
          new LogPrinter(io, store, options.stream).print(runId, task, attempt, !!options.follow),
      );
      done(ExitCode.Ok);
    });
}

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
