/**
 * What the history verbs (history, status, logs, metrics) share: opening the store
 * (with crash recovery, reported on stderr), `--since` and `--status` parsing, local
 * time display and plain text tables. Light: the store is loaded on demand.
 * @module
 */
import type { RunStatus } from "../engine/events.ts";
import { durationTooLong, formatDuration, parseDuration, TOO_LONG } from "../model/duration.ts";
import { ExitCode, WeftError } from "../model/errors.ts";
import { hostZone, parseZonedTime } from "../schedule/zone.ts";
import type { RunDetails, RunRecord, RunStore } from "../store/run_store.ts";
import { homeFor } from "./home.ts";
import { holderText } from "../store/kv_lock_holder.ts";
import { type CliIO, err } from "./io.ts";
import { terminalSafe } from "../safe_text.ts";
import { padEndCols, textWidth } from "./render/width.ts";

/**
 * The fields a run's entry in `--json` output starts with (history, status, monitor), in
 * this order. `finishedAt`/`durationMs` are null while the run is running.
 */
export function runSummary(run: RunRecord) {
  return {
    id: run.id,
    workflow: run.workflow,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.durationMs,
  };
}

/** Run states a `--status` filter accepts. */
export const RUN_STATUSES: readonly RunStatus[] = [
  "running",
  "success",
  "failed",
  "cancelled",
  "interrupted",
];

/**
 * Opens the store of this invocation's WEFT_HOME (`--home` first), marking runs of
 * dead processes interrupted and saying so on stderr. With `write: false` (the
 * reading verbs) it creates nothing and works on a read-only or full disk: crash
 * recovery that cannot be written is skipped with a warning, and so is it (with a note
 * naming the holder) while another process holds the write lock. Throws StorageError
 * (path, reason, hint) when the home cannot be opened.
 */
export async function openHistory(
  io: CliIO,
  homeOption?: string,
  options: {
    write?: boolean;
    spendReserve?: boolean;
    /** With `write`: a home holding no history is read, not created (openStore). */
    existingOnly?: boolean;
    /** Read from a copy while another process held the lock; `unlocked` as in openStore. */
    onLocked?: (unlocked: Promise<unknown>) => void;
  } = {},
): Promise<RunStore> {
  const home = homeFor(io, homeOption);
  const { openStore } = await import("../store/open.ts");
  const notes: string[] = [];
  const store = await openStore(home, {
    readOnly: options.write === false,
    spendReserve: options.spendReserve,
    existingOnly: options.existingOnly,
    onRecovered: (run, ended, containers) => notes.push(recoveryNote(run, ended, containers, true)),
    // Two commands recovered it at once: what this one ended is said here, not by the other.
    onEndedForOther: (run, ended, containers) =>
      notes.push(recoveryNote(run, ended, containers, false)),
    onLocked: (holder, unlocked) => {
      options.onLocked?.(unlocked);
      notes.push(
        `weft: note: crash recovery skipped: another weft${
          holder ? ` (${holderText(holder)})` : ""
        } holds the history for writing; showing what it has committed\n`,
      );
    },
    onRecoveryFailed: (error) =>
      notes.push(
        `weft: warning: runs whose process died are shown interrupted but cannot be marked so yet: ${error.summary}\n`,
      ),
  });
  for (const note of notes) await err(io, note);
  return store;
}

/**
 * The line crash recovery tells of run `run`: marked interrupted here (`markedHere`), or by
 * another weft recovering it at the same moment, with the `ended` task process groups and
 * the `containers` this command ended and removed.
 */
export function recoveryNote(
  run: RunRecord,
  ended: number,
  containers: string[],
  markedHere: boolean,
): string {
  const gone =
    `weft: run ${run.id} (${run.workflow}) was still marked running but its process ${run.pid} is gone`;
  const groups = ended
    ? `ended its ${ended} task process group${ended === 1 ? "" : "s"} still running`
    : "";
  const removed = containers.length
    ? `; removed its container${containers.length === 1 ? "" : "s"} ${containers.join(", ")}`
    : "";
  const done = markedHere
    ? `marked interrupted${groups ? ` and ${groups}` : ""}`
    : `another weft marked it interrupted${groups ? `; ${groups}` : ""}`;
  return `${gone}; ${done}${removed}\n`;
}

/**
 * Runs `fn` with the store open, closing it afterwards. Read-only unless
 * `options.write` (see {@link openHistory}).
 */
export async function withHistory<T>(
  io: CliIO,
  homeOption: string | undefined,
  fn: (store: RunStore) => Promise<T>,
  options: { write?: boolean; spendReserve?: boolean; existingOnly?: boolean } = {},
): Promise<T> {
  const store = await openHistory(io, homeOption, { ...options, write: options.write ?? false });
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/**
 * The run a reading verb shows (`status`, `logs`): the one whose id is `idOrPrefix` or
 * uniquely starts with it, or the latest run when it is undefined (as `git show`
 * means HEAD). Throws WeftError (exit 2): "no runs recorded in <home>" when the
 * history is empty, naming the folder looked in, else the store's error for an unknown
 * or ambiguous id.
 */
export async function runOrLatest(
  store: RunStore,
  idOrPrefix: string | undefined,
  home: string,
): Promise<RunDetails> {
  if (idOrPrefix !== undefined) return await runById(store, idOrPrefix, home);
  // The latest top-level run: a sub-workflow's child run is reached through its parent.
  const [latest] = await store.listRuns({ limit: 1, children: false });
  if (!latest) throw noRuns(home);
  return await store.getRun(latest.id);
}

/**
 * Run `idOrPrefix` of `store` (`home`'s), for every verb that names one (`status`, `logs`,
 * `run --resume`, `history mark-interrupted`). Throws WeftError (exit 2): "no runs
 * recorded in <home>" when the history is empty, else the store's error for an unknown
 * or ambiguous id.
 */
export async function runById(
  store: RunStore,
  idOrPrefix: string,
  home: string,
): Promise<RunDetails> {
  try {
    return await store.getRun(idOrPrefix);
  } catch (e) {
    // "no run with id X" misleads when the folder is simply not the one the runs are in.
    if (await holdsNoRuns(store)) throw noRuns(home);
    throw e;
  }
}

/** Whether `store` holds no run at all: the folder is likely not the one meant. */
export async function holdsNoRuns(store: RunStore): Promise<boolean> {
  return (await store.listRuns({ limit: 1 })).length === 0;
}

/**
 * The one line a reading verb says when `home` holds no runs (that match its `filtered`
 * options), naming the folder it looked in; without a newline.
 */
export function noRunsLine(home: string, filtered = false): string {
  return `no runs recorded in ${home}${filtered ? " that match" : ""}`;
}

/**
 * Says {@link noRunsLine} on stderr: a diagnostic, so that stdout keeps only the verb's
 * output (`--json` stays one JSON document, `weft metrics > report.txt` the report), as
 * `status --json` says it on stderr too.
 */
export async function sayNoRuns(io: CliIO, home: string, filtered = false): Promise<void> {
  await err(io, noRunsLine(home, filtered) + "\n");
}

/** "no runs recorded in <home>" as the error (exit 2) of a verb that needs a run there. */
export function noRuns(home: string): WeftError {
  return new WeftError(noRunsLine(home), {
    hint:
      "runs are recorded by `weft run`; pass --home DIR or set WEFT_HOME to read another folder",
    exitCode: ExitCode.Invalid,
  });
}

/**
 * Parses `--since`: a duration back from now (`24h`, `7d`, `1h30m`) or a date/time
 * (`2026-11-01`, local midnight; `2026-11-01T08:00`, local; `2026-11-01T08:00:00Z`).
 * @example parseSince("24h", new Date("2026-01-02T00:00:00Z")) // 2026-01-01T00:00:00Z
 */
export function parseSince(value: string, now: Date = new Date()): Date {
  const text = value.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) {
    const ms = parseDuration(text);
    if (ms !== undefined) return new Date(now.getTime() - ms);
    if (durationTooLong(text)) {
      throw new WeftError(`--since ${JSON.stringify(value)} ${TOO_LONG}`, {
        hint: "to read every run, leave --since out",
        exitCode: ExitCode.Invalid,
      });
    }
  }
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    // A date alone is local midnight, as a date-time without offset is local time and
    // every time is shown local (`date -d 2026-11-01`); JavaScript would read it as UTC.
    const [year, month, date] = [Number(day[1]), Number(day[2]) - 1, Number(day[3])];
    const local = new Date(year, month, date);
    if (local.getMonth() === month && local.getDate() === date) return local;
  } else {
    // A date-time: ISO 8601 only, naming a day and time that exist, local without an
    // offset (Date.parse read "2026-12-05 junk" as June 12, 2026-04-31 as May 1).
    const time = parseZonedTime(text, hostZone());
    if (time !== undefined) return new Date(time);
  }
  throw new WeftError(`--since ${JSON.stringify(value)}: expected a duration or a date`, {
    hint: "e.g. --since 24h, --since 7d, --since 2026-11-01 or --since 2026-11-01T08:00:00Z",
    exitCode: ExitCode.Invalid,
  });
}

/** Parses `--status`. */
export function parseRunStatus(value: string): RunStatus {
  if ((RUN_STATUSES as readonly string[]).includes(value)) return value as RunStatus;
  throw new WeftError(`--status ${JSON.stringify(value)}: unknown run state`, {
    hint: `use one of: ${RUN_STATUSES.join(", ")}`,
    exitCode: ExitCode.Invalid,
  });
}

/** A UTC ISO time shown in local time for people: `2026-11-26 01:26:50`. */
export function localTime(iso: string | null): string {
  if (!iso) return "-";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${
    p(d.getMinutes())
  }:${p(d.getSeconds())}`;
}

/** A duration for people, or "-" when unknown. */
export function duration(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? "-" : formatDuration(ms);
}

/**
 * Characters (code points) a table cell shows: a longer one is cut, marked with how much
 * was left out. A task's reason can quote kilobytes (a stored error keeps 4 KiB), and a
 * cell of 300 KB made one row flood the terminal; `--json` keeps everything whole.
 */
export const CELL_SHOWN = 1000;

/** `cell` within {@link CELL_SHOWN} characters, no character split. */
export function boundedCell(cell: string): string {
  if (cell.length <= CELL_SHOWN) return cell;
  const chars = [...cell];
  if (chars.length <= CELL_SHOWN) return cell;
  const more = (chars.length - CELL_SHOWN).toLocaleString("en-US");
  return `${chars.slice(0, CELL_SHOWN).join("")}… (${more} more characters; --json shows all)`;
}

/**
 * Lays rows out in columns separated by two spaces; the last column is not padded.
 * Each cell is cut to {@link CELL_SHOWN} characters. Widths are terminal columns
 * (render/width.ts): call it inside measuredText() so that wide characters are measured.
 */
export function table(cells: string[][]): string {
  // Cells are made safe before measuring, so an escaped name (`w\e[2J`) keeps columns.
  const rows = cells.map((row) => row.map((cell) => terminalSafe(boundedCell(cell), false)));
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, textWidth(cell)));
  }
  return rows
    .map((row) =>
      row.map((cell, i) => i === row.length - 1 ? cell : padEndCols(cell, widths[i])).join("  ")
        .trimEnd()
    )
    .join("\n") + "\n";
}
