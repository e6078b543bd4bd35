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
  const list = Array.isArray(candidates) ? candidates as string[] : [...candidates];
  return closest(word, list, list.map((c) => c.toLowerCase()), undefined);
}

/**
 * The closest of `candidates[at]` for each `at` of `among` (every candidate when
 * undefined), in ascending order. Closeness is measured in lower case; of candidates
 * equally close, the one closer in exact case wins (ids are case-sensitive: `buildd`
 * means `build`, not `Build`), then the first. `lower` holds the candidates in lower case.
 * `accepts`, when given, is asked of the winner only: one it refuses is passed over and
 * the next closest asked (a reference whose place rules some ids out, ref_targets.ts,
 * where asking can cost a walk through the workflow's graph).
 */
function closest(
  word: string,
  candidates: readonly string[],
  lower: readonly string[],
  among: Iterable<number> | undefined,
  accepts?: (candidate: string) => boolean,
): string | undefined {
  const list = among === undefined ? undefined : [...among];
  const refused = new Set<string>();
  for (;;) {
    const best = closestOf(word, candidates, lower, list, refused);
    if (best === undefined || accepts === undefined || accepts(best)) return best;
    refused.add(best);
  }
}

/** {@link closest} without `accepts`, passing over the candidates in `refused`. */
function closestOf(
  word: string,
  candidates: readonly string[],
  lower: readonly string[],
  among: Iterable<number> | undefined,
  refused: ReadonlySet<string>,
): string | undefined {
  const low = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  /** The exact-case distance of `best` to `word`, worked out on the first tie. */
  let bestExact: number | undefined;
  const count = among === undefined ? candidates.length : 0;
  const each = among ?? Array.from({ length: count }, (_, i) => i);
  for (const at of each) {
    const candidate = candidates[at];
    if (candidate === word || refused.has(candidate)) continue;
    const other = lower[at];
    // Short words are within 2 edits of almost anything; demand more similarity of them.
    const shorter = Math.min(low.length, other.length);
    const limit = editLimit(shorter);
    // The distance is at least the difference in length: words far apart in length are
    // not compared (the table costs length × length, minutes for a key of millions).
    // Only a distance up to the best so far can win (scores up to the limit are whole;
    // an equal one may be closer in case). Within the cap the distance is exact, above
    // it only "more": a tie is never mistaken for one.
    const cap = bestScore <= limit ? bestScore : limit;
    let score = Math.abs(low.length - other.length) > cap
      ? Infinity
      : distanceWithin(low, other, cap);
    if (score > limit || score >= shorter) {
      const prefix = shorter >= 3 && (other.startsWith(low) || low.startsWith(other));
      if (!prefix) continue;
      score = limit + 1 + Math.abs(low.length - other.length) / 100;
    }
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
      bestExact = undefined;
    } else if (score === bestScore && best !== undefined) {
      bestExact ??= exactDistance(word, best, Infinity);
      const exact = exactDistance(word, candidate, bestExact - 1);
      if (exact < bestExact) {
        best = candidate;
        bestExact = exact;
      }
    }
  }
  return best;
}

/**
 * The most characters a word and a candidate may have for a tie between equally close
 * candidates to be broken by their exact case: the table costs length × length, and
 * past task ids' 128 characters a tie of keys that long is settled by order.
 */
const TIE_BREAK_MAX_LENGTH = 1024;

/**
 * {@link editDistance} of `word` and `candidate` in their own case when at most
 * `limit`, otherwise some number above it; Infinity for words too long to compare
 * ({@link TIE_BREAK_MAX_LENGTH}), which leaves the earlier candidate the winner.
 */
function exactDistance(word: string, candidate: string, limit: number): number {
  if (word.length > TIE_BREAK_MAX_LENGTH || candidate.length > TIE_BREAK_MAX_LENGTH) {
    return Infinity;
  }
  if (limit < 0) return limit + 1;
  return distanceWithin(word, candidate, Math.min(limit, TIE_BREAK_MAX_LENGTH));
}

/**
 * {@link editDistance} of `a` and `b` when at most `limit`, otherwise some number above
 * `limit`: the rows stop once every cell of one is above it, and are kept between calls
 * (a list of thousands of ids compared with thousands of words made garbage per pair).
 */
function distanceWithin(a: string, b: string, limit: number): number {
  const cols = b.length + 1;
  if (rows[0].length < cols) { for (let r = 0; r < 3; r++) rows[r] = new Int32Array(cols * 2); }
  let [before, previous, current] = rows;
  for (let j = 0; j < cols; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let least = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2] + 1);
      }
      current[j] = d;
      if (d < least) least = d;
    }
    // A later row is never below the least of this one and the one before (a swap
    // reaches back one row): once both are above the limit, so is the distance.
    if (least > limit && i > 1 && rowMin(previous, cols) > limit) return limit + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[cols - 1];
}

/** Rows of {@link distanceWithin}, reused. */
const rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

function rowMin(row: Int32Array, cols: number): number {
  let least = Infinity;
  for (let j = 0; j < cols; j++) if (row[j] < least) least = row[j];
  return least;
}

/** The most edits a word of `length` characters may be from a suggestion: 1 or 2. */
function editLimit(length: number): number {
  return Math.min(2, Math.max(1, Math.floor(length / 3)));
}

/** `did you mean "x"?`, or undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const match = suggest(word, candidates);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}

/**
 * `did you mean "x"?` for a task id: only valid ids (model/fields.ts) are proposed,
 * so a hint never points at a task that is itself in error for its id; with `accepts`,
 * only ids it takes (the ones the reference's place may name: the task itself, say, is
 * no target of its own depends_on). `ids` is every id, whose index is kept.
 */
export function didYouMeanTaskId(
  word: string,
  ids: Iterable<string>,
  accepts?: (id: string) => boolean,
): string | undefined {
  const match = nearTaskId(word, ids, accepts);
  return match === undefined ? undefined : `did you mean "${match}"?`;
}

/** The id {@link didYouMeanTaskId} proposes, or undefined. */
export function nearTaskId(
  word: string,
  ids: Iterable<string>,
  accepts?: (id: string) => boolean,
): string | undefined {
  // The same ids are asked about once per misspelt reference: their index is kept.
  const size = sizeOf(ids);
  const cached = size >= 0 ? taskIdIndexes.get(ids) : undefined;
  let index = cached?.size === size ? cached.index : undefined;
  if (!index) {
    index = new SuggestIndex(validTaskIds(ids));
    if (size >= 0) taskIdIndexes.set(ids, { size, index });
  }
  return index.suggest(word, accepts);
}

/**
 * How many words are compared with every candidate before an index is made: one
 * misspelt id costs a scan (cheaper than an index of a large list); many would cost the
 * list's length each (6,000 typos among 6,000 tasks took 70 s, tester8 F4/F11).
 */
const SCANS_BEFORE_INDEX = 8;

/** The most strings an index holds (about 100 MB); a larger list is scanned for each word. */
const MAX_INDEXED = 3_000_000;

/**
 * The suggestions of {@link suggest} from one list of candidates, for many words: the
 * same answer, from the candidates that can be close instead of all of them. Those
 * within the edit limit share a string with the word once each has lost at most that
 * many characters (a substitution or a swap of neighbours is one deletion on each side,
 * an insertion one on one side): candidates are indexed by those strings ("symmetric
 * delete", as SymSpell does). Prefixes are found by their lower case and in sorted order.
 */
export class SuggestIndex {
  readonly #candidates: readonly string[];
  readonly #lower: string[];
  #asked = 0;
  /** Candidates by each string their lower case gives with up to editLimit deletions. */
  #deletions: Map<string, number[]> | undefined;
  /** Candidates by their lower case. */
  #byLower: Map<string, number[]> | undefined;
  /** Candidate positions by lower case, in order (those starting with a word are together). */
  #sorted: number[] | undefined;
  readonly #tooLarge: boolean;

  constructor(candidates: readonly string[]) {
    this.#candidates = candidates;
    this.#lower = candidates.map((c) => c.toLowerCase());
    let strings = 0;
    for (const c of this.#lower) {
      strings += c.length >= 6 ? 1 + c.length * (c.length + 1) / 2 : 1 + c.length;
    }
    this.#tooLarge = strings > MAX_INDEXED;
  }

  /**
   * What {@link suggest} gives for `word` and the candidates (those `accepts` takes, when
   * given).
   */
  suggest(word: string, accepts?: (candidate: string) => boolean): string | undefined {
    this.#asked++;
    if (this.#asked <= SCANS_BEFORE_INDEX || this.#tooLarge) {
      return closest(word, this.#candidates, this.#lower, undefined, accepts);
    }
    const { deletions, byLower, sorted } = this.#index();
    const low = word.toLowerCase();
    const near = new Set<number>();
    const add = (list: number[] | undefined) => {
      if (list) { for (const at of list) near.add(at); }
    };
    for (const key of deleted(low, editLimit(low.length))) add(deletions.get(key));
    // Candidates the word starts with, and (below) those starting with the word.
    for (let n = 3; n <= low.length; n++) add(byLower.get(low.slice(0, n)));
    if (low.length >= 3) {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.#lower[sorted[mid]] < low) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < sorted.length && this.#lower[sorted[i]].startsWith(low); i++) {
        near.add(sorted[i]);
      }
    }
    const among = [...near].sort((a, b) => a - b);
    return closest(word, this.#candidates, this.#lower, among, accepts);
  }

  #index() {
    if (!this.#deletions || !this.#byLower || !this.#sorted) {
      const deletions = new Map<string, number[]>();
      const byLower = new Map<string, number[]>();
      const put = (map: Map<string, number[]>, key: string, at: number) => {
        const list = map.get(key);
        if (list === undefined) map.set(key, [at]);
        else if (list.at(-1) !== at) list.push(at);
      };
      this.#lower.forEach((low, at) => {
        put(byLower, low, at);
        for (const key of deleted(low, editLimit(low.length))) put(deletions, key, at);
      });
      this.#deletions = deletions;
      this.#byLower = byLower;
      this.#sorted = this.#lower.map((_, i) => i).sort((a, b) =>
        this.#lower[a] < this.#lower[b] ? -1 : this.#lower[a] > this.#lower[b] ? 1 : a - b
      );
    }
    return { deletions: this.#deletions, byLower: this.#byLower, sorted: this.#sorted };
  }
}

/** `word` and every string it gives with up to `depth` characters deleted. */
function deleted(word: string, depth: number): Set<string> {
  const all = new Set([word]);
  let level = [word];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const w of level) {
      for (let i = 0; i < w.length; i++) {
        const shorter = w.slice(0, i) + w.slice(i + 1);
        if (!all.has(shorter)) {
          all.add(shorter);
          next.push(shorter);
        }
      }
    }
    level = next;
  }
  return all;
}

/** Per collection of task ids (and its size then): its index, while the collection lives. */
const taskIdIndexes = new WeakMap<object, { size: number; index: SuggestIndex }>();

/** The number of ids of an array or set; -1 for other iterables (not kept). */
function sizeOf(ids: Iterable<string>): number {
  if (Array.isArray(ids)) return ids.length;
  if (ids instanceof Set) return ids.size;
  return -1;
}

/** The valid ids among `ids`, in order: the ones a message may propose. */
export function validTaskIds(ids: Iterable<string>): string[] {
  return [...ids].filter(isTaskId);
}

/**
 * `a, b, c`: the ids a hint may name instead, at most `max` of them, then how many more
 * (`…, and 5,988 more`): a workflow of thousands of tasks gets a hint, not a list of
 * every id (one of 6,000 ids wrote ~430 MB of hints, one per unknown reference).
 */
export function idList(ids: readonly string[], max = 12): string {
  if (ids.length <= max) return ids.join(", ");
  return `${ids.slice(0, max).join(", ")}, …, and ${
    (ids.length - max).toLocaleString("en-US")
  } more`;
}

/** `a, b or c`: a short list for messages; long lists end with `…`. */
export function listWords(words: readonly string[], max = 12): string {
  const shown = words.slice(0, max);
  const more = words.length > max ? ", …" : "";
  if (shown.length <= 1) return shown.join("") + more;
  if (more) return shown.join(", ") + more;
  return `${shown.slice(0, -1).join(", ")} or ${shown[shown.length - 1]}`;
}
