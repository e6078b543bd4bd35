/**
 * `weft logs [RUN_ID [TASK]]`: the recorded output of a run's tasks (the latest run when
 * no id is given; `weft logs TASK` is that task of the latest run). Stdout lines go to stdout and stderr lines to stderr, each as the
 * task printed it; over several tasks each line is prefixed with its task as
 * `docker compose logs` does (`build | line`, `--no-prefix` turns it off), aligned by the
 * rule of log_labels.ts, the same with `--follow`, which keeps reading until the run is
 * no longer running.
 * @module
 */
import type { OutputStream } from "../engine/events.ts";
import { ExitCode } from "../model/errors.ts";
import { parsePositiveInt } from "./args.ts";
import { HOME_OPTION, typed, type VerbDef } from "./command.ts";
import { withHistory } from "./history_shared.ts";
import { homeFor } from "./home.ts";
import { LogPrinter } from "./logs_printer.ts";

interface LogsOptions {
  follow?: boolean;
  stream?: OutputStream;
  attempt?: string;
  home?: string;
  /** False with `--no-prefix`. */
  prefix: boolean;
}

/** The `logs` verb. */
export const logsVerb: VerbDef = {
  name: "logs",
  summary: "print the recorded output of a run (stdout lines on stdout, stderr on stderr)",
  arguments: [
    {
      name: "run-id",
      description: "run id, or a unique prefix of one (default: the latest run; " +
        "a task id alone means that task of the latest run)",
    },
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
    {
      long: "prefix",
      negatable: true,
      description: "no `task | ` before each line when several tasks are printed",
    },
    HOME_OPTION,
  ],
  examples: `
Over several tasks every line starts with its task (\`build | \`; a later attempt
\`test#2 | \`), padded to the workflow's longest task id (a loop's iterations: to
its longest iteration id when longer), the same with --follow. With --no-prefix a
"==> task (attempt N) <==" header on stderr precedes each attempt's first line.
One task's lines are printed exactly as stored, with no prefix; a header precedes
each attempt after its first (the same with --follow). --follow ends, printing what
it holds, with exit 130 on Ctrl-C and 143 on SIGTERM.

Examples:
  weft logs                                     every task of the latest run
  weft logs build                               task build of the latest run
  weft logs 20261126T002650.123Z-3f9a1c0b7e build
  weft logs 20261126T0026 --follow
  weft logs 20261126T0026 test --stream stderr --attempt 2`,
  run: async (args, options, io) => {
    const given = typed<{ runId?: string; task?: string }>(args);
    // Run ids start with a digit (their date) and task ids never do, so `weft logs build`
    // can only mean the task of the latest run, as `git show` means HEAD.
    const taskOnly = given.task === undefined && given.runId !== undefined &&
      !/^[0-9]/.test(given.runId);
    const runId = taskOnly ? undefined : given.runId;
    const task = taskOnly ? given.runId : given.task;
    const { follow, stream, attempt: attemptText, home, prefix } = typed<LogsOptions>(options);
    const attempt = attemptText === undefined
      ? undefined
      : parsePositiveInt(attemptText, "--attempt");
    const printer = new LogPrinter(io, stream, prefix !== false);
    await withHistory(
      io,
      home,
      (store) => printer.print(store, runId, homeFor(io, home), task, attempt, !!follow),
    );
    // A log that cannot be read (or lacks lines) was reported where it would have been
    // printed; the others were printed all the same.
    // Stopped by Ctrl-C or SIGTERM (what was held printed first): 128 + its number, as a
    // shell reports it.
    if (printer.stop.exitCode !== undefined) return printer.stop.exitCode;
    return printer.unreadable.size + printer.lost.size > 0 ? ExitCode.Failed : ExitCode.Ok;
  },
};
