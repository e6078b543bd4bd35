/**
 * Wires a renderer to the engine's event stream and to stderr: plain lines for
 * pipes (and `--json`/`--quiet`), the live board for terminals, redrawn from a
 * timer at most {@link REDRAWS_PER_SECOND} times a second.
 * @module
 */
import type { EngineEvent, EventListener } from "../../engine/events.ts";
import { BoardRenderer } from "./board.ts";
import type { RenderOptions } from "./format.ts";
import { PlainRenderer } from "./plain.ts";

/** Upper bound on live board redraws. */
export const REDRAWS_PER_SECOND = 10;

const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";

/** How progress is shown. */
export type ProgressMode =
  | { kind: "plain" }
  | {
    kind: "live";
    columns: number;
    rows: number;
    /** The terminal's size now, read at each redraw so the board follows a resize. */
    size?: () => { columns: number; rows: number };
  };

/** A subscribed renderer. */
export interface Progress {
  /** Subscribe this to the engine. */
  listener: EventListener;
  /** Shows a message from weft itself (e.g. "stopping…") among the progress lines. */
  notice(message: string): void;
  /** Stops redrawing, draws the last frame, and resolves once everything is written. */
  close(): Promise<void>;
}

/**
 * Text waiting to be written (in UTF-16 code units, about bytes for most output) beyond
 * which a task's output waits for the terminal or pipe: the listener returns a promise
 * for the engine's output pump to wait on, as the log writer does past its
 * `MAX_QUEUED_BYTES` (store/log_files.ts). Memory stays flat when nobody reads stderr
 * (`weft run -v 2>&1 | less`, a terminal stopped with Ctrl-S), and no line is dropped.
 */
export const MAX_QUEUED_TEXT = 1024 * 1024;

/**
 * Starts showing progress. `write` receives text in order; its promises are chained,
 * so a slow terminal never reorders lines. Text shown while a write is under way or in
 * the same turn goes out together in the next write: a run of short tasks printed two
 * lines per task, one write() each.
 *
 * Bounded: once more than {@link MAX_QUEUED_TEXT} waits behind the write under way (or
 * waits above the board for its next frame), the listener returns a promise for an
 * `output` event, settled when a write ends and the text is back within the bound; the
 * engine reads no more of that task's output meanwhile. Other events never wait (the
 * scheduler, timeouts and signals go on). The board draws no frame while a write is under
 * way: frames are snapshots, and the next one shows the state then.
 */
export function createProgress(
  mode: ProgressMode,
  options: RenderOptions,
  write: (text: string) => Promise<void>,
): Progress {
  let chain = Promise.resolve();
  let pending = "";
  /** Length of the text emitted and not yet written: `pending` and the write under way. */
  let queued = 0;
  /** What output events wait on while behind, settled by `release`; one for all of them. */
  let room: Promise<void> | null = null;
  let release = () => {};
  const waitForRoom = () =>
    room ??= new Promise<void>((resolve) =>
      release = () => {
        room = null;
        resolve();
      }
    );
  /** Called after each write, while something waits for room: settles it when there is. */
  let written = () => {
    if (queued <= MAX_QUEUED_TEXT) release();
  };
  const emit = (text: string) => {
    if (!text) return;
    queued += text.length;
    if (pending) {
      pending += text; // the write queued below takes it too
      return;
    }
    pending = text;
    chain = chain.then(() => {
      const out = pending;
      pending = "";
      return write(out).finally(() => {
        queued -= out.length;
        if (room) written();
      });
    }).catch(() => {});
  };
  if (mode.kind === "plain") {
    const renderer = new PlainRenderer(options);
    return {
      listener: (event: EngineEvent) => {
        emit(renderer.render(event));
        if (queued > MAX_QUEUED_TEXT && event.type === "output") return waitForRoom();
      },
      notice: (message: string) => emit(renderer.notice(message)),
      close: () => chain,
    };
  }

  const board = new BoardRenderer({ ...options, columns: mode.columns, rows: mode.rows });
  let timer: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  /** The frame with the summary is drawn: no other frame may follow. */
  let last = false;
  const draw = () => emit(board.frame(Date.now()));
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  // Output waiting above the board goes out in a frame as soon as the last one is written.
  written = () => {
    if (queued === 0 && !last && board.scrollLength > 0) draw();
    if (last || board.scrollLength <= MAX_QUEUED_TEXT) release();
  };
  emit(HIDE_CURSOR);
  return {
    listener(event: EngineEvent) {
      if (closed) return;
      board.apply(event);
      // The first frame is drawn at once, so even a quick run shows its board.
      if (event.type === "run_started") draw();
      if (event.type === "run_finished") {
        stop();
        draw();
        last = true;
        return;
      }
      timer ??= setInterval(() => {
        if (mode.size) {
          const { columns, rows } = mode.size();
          board.resize(columns, rows);
        }
        // A terminal still taking the last frame (or stopped) gets no new one yet.
        if (queued === 0 && (board.dirty || board.animated)) draw();
      }, 1000 / REDRAWS_PER_SECOND);
      if (event.type === "output" && board.scrollLength > MAX_QUEUED_TEXT) {
        if (queued > 0) return waitForRoom();
        draw();
      }
    },
    notice(message: string) {
      board.notice(message);
    },
    close() {
      if (!closed) {
        closed = true;
        stop();
        if (board.dirty) draw();
        emit(board.end() + SHOW_CURSOR);
      }
      return chain;
    },
  };
}
