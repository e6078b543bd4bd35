/**
 * `weft monitor --live`: the full-screen view, redrawn every second from the store and
 * at once on a key or a resize. It draws on the alternate screen with the cursor hidden
 * and reads keys in raw mode, and puts all three back however it ends: `q`, Ctrl-C
 * (the byte 0x03 in raw mode), SIGINT, SIGTERM, SIGHUP (the terminal closed: without a
 * listener it killed weft at once, leaving a private copy of the history behind,
 * store/kv_copy.ts), end of input, or an error.
 * @module
 */
import type { RunStore } from "../../store/run_store.ts";
import type { CliIO } from "../io.ts";
import { paint } from "../render/format.ts";
import { cut } from "../render/board_layout.ts";
import { loadTextWidth } from "../render/width.ts";
import { applyKey, type Key, parseKeys, type Selection, START } from "./keys.ts";
import { buildView, type MonitorView } from "./model.ts";
import { listedRunIds, listedTaskIds, renderScreen, type ScreenSize } from "./screen.ts";
import { LogTailReader } from "../../store/log_tail.ts";
import { readRunDetail, readSnapshot, type RunDetail } from "./snapshot.ts";
import { holdsNoRuns, noRunsLine } from "../history_shared.ts";

/** How often the screen is read from the store and redrawn, in ms (at least once a second). */
export const REFRESH_MS = 1000;

/** Alternate screen on (xterm's 1049: saves the cursor too), cursor hidden. */
const ENTER = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J";
/** Cursor shown, alternate screen off (the shell's screen and cursor come back). */
const LEAVE = "\x1b[?25h\x1b[?1049l";

/** Where the monitor gets its store: reopened when the history first appears. */
export interface StoreSource {
  /** The store to read now. */
  get(): Promise<RunStore>;
}

/** What {@link runLive} needs besides the terminal. */
export interface LiveOptions {
  /** Finished runs listed. */
  limit: number;
  color: boolean;
  /** The folder read, named while it holds no runs (history_shared.ts noRunsLine). */
  home: string;
}

/**
 * Runs the live view on the process's terminal until the user leaves; resolves to
 * the exit code: 0 for `q` or end of input, 130 for Ctrl-C, SIGINT and SIGTERM, 129 for
 * SIGHUP.
 * The caller checks that stdin and stdout are terminals.
 */
export async function runLive(io: CliIO, source: StoreSource, options: LiveOptions) {
  const encoder = new TextEncoder();
  const write = (text: string) => io.stdout.write(encoder.encode(text));
  const p = paint(options.color);
  await loadTextWidth(); // lines are cut to the terminal's width in columns
  let exitCode: number | null = null;
  let wake = () => {};
  const stop = (code: number) => {
    exitCode ??= code;
    wake();
  };
  let selection: Selection = START;
  let view: MonitorView | null = null;
  let detail: RunDetail | null = null;
  let problem = "";
  let empty = false;

  const draw = async () => {
    if (!view || exitCode !== null) return;
    const size = consoleSize();
    const lines = renderScreen(view, selection, detail, size, p, new Date());
    const width = Math.max(1, size.columns - 1); // cut() reads 0 as "no limit"
    if (problem) lines[0] = cut(p.red(`cannot read the history: ${problem}`), width);
    else if (empty) lines[0] = cut(`${lines[0]}  ${p.dim(noRunsLine(options.home))}`, width);
    // Home, each line then clear to its end, then clear below: no flicker, no scrolling.
    await write(`\x1b[H${lines.map((l) => `${l}\x1b[K`).join("\r\n")}\x1b[J`);
  };
  const onKey = async (key: Key) => {
    if (key === "quit") return stop(0);
    if (key === "interrupt") return stop(130);
    if (!view) return;
    const before = selection;
    selection = applyKey(selection, key, listedRunIds(view), listedTaskIds(detail));
    if (selection.mode !== before.mode || selection.runId !== before.runId) detail = null;
    const fetch = selection.mode === "run" &&
      (detail === null || selection.taskId !== before.taskId);
    await draw();
    if (fetch) wake(); // read the opened run (or the newly selected task's log) now
  };
  const onInterrupt = () => stop(130);
  const onResize = () => wake();
  const signals: Array<[Deno.Signal, () => void]> = [
    ["SIGINT", onInterrupt],
    ["SIGTERM", onInterrupt],
    ["SIGHUP", () => stop(129)],
    ["SIGWINCH", onResize],
  ];
  for (const [signal, fn] of signals) Deno.addSignalListener(signal, fn);
  const reader = io.stdin.getReader();
  Deno.stdin.setRaw(true);
  try {
    await write(ENTER);
    const keys = readKeys(reader, onKey, () => stop(0));
    keys.catch(() => stop(0));
    // Rereads the opened task's log only when it changed: an idle task costs a stat.
    const tails = new LogTailReader();
    while (exitCode === null) {
      try {
        const store = await source.get();
        const now = new Date();
        view = buildView(await readSnapshot(store, options.limit, now), now);
        empty = await holdsNoRuns(store);
        if (selection.mode === "run" && selection.runId !== null) {
          const tail = Math.max(20, consoleSize().rows);
          detail = await readRunDetail(
            store,
            selection.runId,
            selection.taskId ?? undefined,
            tail,
            tails,
          );
          // The opened run is gone (pruned): back to the list.
          if (!detail) selection = { mode: "list", runId: null, taskId: null };
        }
        problem = "";
      } catch (e) {
        problem = (e instanceof Error ? e.message : String(e)).split("\n")[0];
        view ??= emptyView();
      }
      await draw();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, REFRESH_MS);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    for (const [signal, fn] of signals) Deno.removeSignalListener(signal, fn);
    await write(LEAVE).catch(() => {});
    try {
      Deno.stdin.setRaw(false);
    } catch { /* stdin went away: nothing to restore */ }
    reader.cancel().catch(() => {});
  }
  return exitCode ?? 0;
}

/** Reads key presses until input ends (then calls `ended`). */
async function readKeys(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  onKey: (key: Key) => Promise<void> | void,
  ended: () => void,
): Promise<void> {
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return ended();
    for (const key of parseKeys(decoder.decode(value, { stream: true }))) await onKey(key);
  }
}

/** The terminal's size now (read on every frame, so a resize is followed). */
function consoleSize(): ScreenSize {
  try {
    return Deno.consoleSize();
  } catch {
    return { columns: 80, rows: 24 };
  }
}

function emptyView(): MonitorView {
  const now = new Date();
  return buildView({ running: [], recent: [], window: [] }, now);
}
