/**
 * The `task | ` prefixes of `weft logs` over several tasks, and the one rule for the
 * width they are padded to, which `weft logs RUN` afterwards and `weft logs RUN --follow`
 * from the start of the run apply from the same facts:
 *
 * - a task of the workflow (an id without `[`) is padded to the longest such id: all of
 *   them are on record from the run's start (run_started), before any task prints;
 * - a loop iteration (`LOOP[key]`, engine/loop.ts) to that, or to the longest id among
 *   its loop's iterations when longer: they are recorded together when the loop has its
 *   items (`tasks_added`, maybe from an earlier task's outputs), before any of them
 *   starts, so before the first of their lines exists.
 *
 * A later attempt's `#N` and an id recorded after the lines it could have widened stick
 * out rather than re-pad what was printed. Iterations learned during the run do not widen
 * the other tasks' prefixes: `--follow` printed those before anyone knew the items
 * (verifier v23 F8). `docker compose logs` re-pads as containers appear, so its followed
 * and later outputs differ; weft keeps them equal.
 * @module
 */

/** A line's prefix: the task id, with `#N` for attempts after the first. */
export function label(taskId: string, attempt: number): string {
  return attempt > 1 ? `${taskId}#${attempt}` : taskId;
}

/** The loop an iteration id (`LOOP[key]`) belongs to, or undefined for a workflow task. */
function loopOf(id: string): string | undefined {
  const cut = id.indexOf("[");
  return cut > 0 ? id.slice(0, cut) : undefined;
}

/** The widths labels are padded to (in UTF-16 units, as String.padEnd counts). */
export class LabelWidths {
  /** The longest id of the workflow's tasks (the ids without `[`). */
  readonly #tasks: number;
  /** Per loop, the longest id among its iterations. */
  readonly #loops = new Map<string, number>();

  /** From the run's task records as read now (iterations included or not). */
  constructor(tasks: readonly { id: string }[]) {
    let width = 0;
    for (const { id } of tasks) {
      const loop = loopOf(id);
      if (loop === undefined) width = Math.max(width, id.length);
      else this.#loops.set(loop, Math.max(this.#loops.get(loop) ?? 0, id.length));
    }
    this.#tasks = width;
  }

  /** The width `taskId`'s labels are padded to. */
  of(taskId: string): number {
    const loop = loopOf(taskId);
    return loop === undefined ? this.#tasks : Math.max(this.#tasks, this.#loops.get(loop) ?? 0);
  }

  /** The prefix of attempt `attempt` of `taskId`'s lines: `build | `, `test#2 | `. */
  prefix(taskId: string, attempt: number): string {
    return `${label(taskId, attempt).padEnd(this.of(taskId))} | `;
  }
}
