/**
 * The live monitor's keys: bytes read from a raw-mode terminal turned into keys, and
 * the selection they move. Pure.
 * @module
 */

/** What a key press asks for. */
export type Key = "quit" | "interrupt" | "up" | "down" | "enter" | "back";

/**
 * The keys in one chunk of raw terminal input, in order. Arrows arrive as CSI or SS3
 * sequences (`ESC [ A`, `ESC O A`: xterm's normal and application cursor modes); a lone
 * ESC (not followed by `[` or `O`) is the Esc key; in raw mode Ctrl-C is the byte 0x03,
 * not a signal. Unknown keys and sequences are skipped.
 */
export function parseKeys(text: string): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\x1b") {
      const next = text[i + 1];
      if (next !== "[" && next !== "O") {
        keys.push("back");
        continue;
      }
      // A CSI sequence ends with a byte in 0x40–0x7e (ECMA-48 §5.4): skip to it.
      let end = i + 2;
      while (end < text.length && !/[\x40-\x7e]/.test(text[end])) end++;
      const final = text[end];
      if (final === "A") keys.push("up");
      else if (final === "B") keys.push("down");
      else if (final === "D") keys.push("back");
      else if (final === "C") keys.push("enter");
      i = end;
      continue;
    }
    if (ch === "q" || ch === "Q") keys.push("quit");
    else if (ch === "\x03" || ch === "\x04") keys.push("interrupt");
    else if (ch === "k") keys.push("up");
    else if (ch === "j") keys.push("down");
    else if (ch === "\r" || ch === "\n") keys.push("enter");
    else if (ch === "h" || ch === "\x7f" || ch === "\b") keys.push("back");
  }
  return keys;
}

/** Which screen shows and what is selected on it, by id (so refreshes keep it). */
export interface Selection {
  /** `list`: running and recent runs; `run`: one run's tasks and a log tail. */
  mode: "list" | "run";
  /** The selected run (list) or the opened run (run). */
  runId: string | null;
  /** The selected task of the opened run. */
  taskId: string | null;
}

/** The selection the monitor starts with: the list, its first run. */
export const START: Selection = { mode: "list", runId: null, taskId: null };

/**
 * The selection after `key`, given the run ids the list shows (in order) and the task
 * ids of the opened run. `quit` and `interrupt` are the caller's: they return it as is.
 */
export function applyKey(
  selection: Selection,
  key: Key,
  runIds: readonly string[],
  taskIds: readonly string[],
): Selection {
  if (selection.mode === "list") {
    const runId = current(selection.runId, runIds);
    if (key === "up" || key === "down") {
      return { ...selection, runId: step(runId, runIds, key === "up" ? -1 : 1) };
    }
    if (key === "enter" && runId !== null) return { mode: "run", runId, taskId: null };
    return { ...selection, runId };
  }
  const taskId = current(selection.taskId, taskIds);
  if (key === "back") return { mode: "list", runId: selection.runId, taskId: null };
  if (key === "up" || key === "down") {
    return { ...selection, taskId: step(taskId, taskIds, key === "up" ? -1 : 1) };
  }
  return { ...selection, taskId };
}

/** The selected id if it is still listed, else the first listed (or null). */
export function current(id: string | null, ids: readonly string[]): string | null {
  return id !== null && ids.includes(id) ? id : ids[0] ?? null;
}

function step(id: string | null, ids: readonly string[], by: number): string | null {
  if (ids.length === 0) return null;
  const at = id === null ? 0 : ids.indexOf(id);
  return ids[Math.min(ids.length - 1, Math.max(0, at + by))];
}
