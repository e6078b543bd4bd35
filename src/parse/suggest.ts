/**
 * "Did you mean" suggestions for misspelt keys, task ids and enum values.
 * @module
 */
import { isTaskId } from "../model/task_id.ts";

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), so
 * `comand` → `command` and `depnes_on` → `depends_on` are both close.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[rows - 1][cols - 1];
}

/**
 * The candidate closest to `word`: edit distance ≤ 2 (case-insensitive), or one is a
 * prefix of the other (at least three characters shared). Undefined when none is close.
 * @example suggest("comand", ["command", "cwd"]) // "command"
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const other = candidate.toLowerCase();
    // Short words are within 2 edits of almost anything; demand more similarity of them.
    const shorter = Math.min(lower.length, other.length);
    const limit = Math.min(2, Math.max(1, Math.floor(shorter / 3)));
    // The distance is at least the difference in length: words far apart in length are
    // not compared (the table costs length × length, minutes for a key of millions).
    let score = Math.abs(lower.length - other.length) > limit
      ? Infinity
      : editDistance(lower, other);
    if (score > limit || score >= shorter) {
      const prefix = shorter >= 3 && (other.startsWith(lower) || lower.startsWith(other));
      if (!prefix) continue;
      score = limit + 1 + Math.abs(lower.length - other.length) / 100;
    }
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** `did you mean "x"?`, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const match = suggest(word, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}

/**
 * `did you mean "x"?` for a task id: only valid ids (model/fields.ts) are proposed,
 * so a hint never points at a task that is itself in error for its id.
 */
export function didYouMeanTaskId(word: string, ids: Iterable<string>): string | undefined {
  return didYouMean(word, validTaskIds(ids));
}

/** The valid ids among `ids`, in order: the ones a message may propose. */
export function validTaskIds(ids: Iterable<string>): string[] {
  return [...ids].filter(isTaskId);
}

/** `a, b or c`: a short list for messages; long lists end with `…`. */
export function listWords(words: readonly string[], max = 12): string {
  const shown = words.slice(0, max);
  const more = words.length > max ? ", …" : "";
  if (shown.length <= 1) return shown.join("") + more;
  if (more) return shown.join(", ") + more;
  return `${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1]}`;
}
