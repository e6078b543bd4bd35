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
 * Starts showing progress. `write` receives text in order; its promises are chained,
 * so a slow terminal never reorders lines. Text shown while a write is under way or in
 * the same turn goes out together in the next write: a run of short tasks printed two
 * lines per task, one write() each.
 */
export function createProgress(
  mode: ProgressMode,
  options: RenderOptions,
  write: (text: string) => Promise<void>,
): Progress {
  let chain = Promise.resolve();
  let pending = "";
  const emit = (text: string) => {
    if (!text) return;
    if (pending) {
      pending += text; // the write queued below takes it too
      return;
    }
    pending = text;
    chain = chain.then(() => {
      const out = pending;
      pending = "";
      return write(out);
    }).catch(() => {});
  };
  if (mode.kind === "plain") {
    const renderer = new PlainRenderer(options);
    return {
      listener: (event: EngineEvent) => emit(renderer.render(event)),
      notice: (message: string) => emit(renderer.notice(message)),
      close: () => chain,
    };
  }

  const board = new BoardRenderer({ ...options, columns: mode.columns, rows: mode.rows });
  let timer: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  const draw = () => emit(board.frame(Date.now()));
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
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
        return;
      }
      timer ??= setInterval(() => {
        if (mode.size) {
          const { columns, rows } = mode.size();
          board.resize(columns, rows);
        }
        if (board.dirty || board.animated) draw();
      }, 1000 / REDRAWS_PER_SECOND);
    },
    notice(message: string) {
      board.notice(message);
    },
    close() {
      if (!closed) {
        closed = true;
        stop();
        if (board.dirty) draw();
        emit(SHOW_CURSOR);
      }
      return chain;
    },
  };
}
