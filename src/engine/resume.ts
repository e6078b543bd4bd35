/**
 * `--resume`: the tasks that succeeded in an earlier run are kept as they were
 * (status success, reason "resumed", same outputs and exit code) and not run again —
 * and so are the succeeded iterations of a loop, and children of a parallel, that did not
 * succeed as a whole ({@link ResumedChildren}): only their failed ones run again, as
 * GitHub's "re-run failed jobs" does for a matrix.
 * @module
 */
import type { Outcome } from "./context.ts";
import type { TaskRecord } from "./events.ts";
import { iterationNode, type Node } from "./nodes.ts";
import { CutStdout } from "./tail.ts";

/** One record to keep. */
export interface Kept {
  node: Node;
  outcome: Outcome;
}

/**
 * The top-level tasks that succeeded before, each followed by its parallel children
 * (kept as they were; a child missing from the earlier run is skipped) or its loop
 * iterations (those the earlier run recorded).
 */
export function keptFromEarlierRun(order: readonly Node[], previous: TaskRecord[]): Kept[] {
  const before = new Map(previous.map((r) => [r.id, r]));
  const kept: Kept[] = [];
  for (const node of order) {
    const old = before.get(node.id);
    if (node.parent || !old || old.status !== "success") continue;
    kept.push({ node, outcome: keptOutcome(old) });
    if (node.composite?.kind === "loop") {
      // Its iterations were recorded as they ran (`ID[key]`): kept with it, in their order.
      const step = node.composite.step;
      for (const record of previous) {
        if (!record.id.startsWith(`${node.id}[`)) continue;
        const iteration = iterationNode(node, record.id, step);
        node.children.push(iteration);
        kept.push({ node: iteration, outcome: keptOutcome(record) });
      }
      continue;
    }
    for (const child of node.children) {
      const oldChild = before.get(child.id);
      kept.push({
        node: child,
        outcome: oldChild ? keptOutcome(oldChild) : {
          status: "skipped",
          reason: null,
          exitCode: null,
          error: null,
          outputs: {},
          stdout: "",
          attempts: 0,
        },
      });
    }
  }
  return kept;
}

function keptOutcome(old: TaskRecord): Outcome {
  return {
    status: old.status,
    reason: old.status === "success" ? "resumed" : old.reason,
    exitCode: old.exitCode,
    error: old.error,
    outputs: { ...old.outputs },
    cut: old.cut,
    // Ran in an earlier run (this one's, or, kept by a resume, the one before): its
    // stdout is in no record. A task that never ran printed nothing.
    stdout: old.attempts > 0 || old.reason === "resumed" ? keptStdout(old.id) : "",
    attempts: 0,
  };
}

/**
 * A kept task's stdout: only its log has it (records keep outputs, not stdout), so
 * `${tasks.ID.stdout}` fails saying so, rather than read as empty in the resumed run.
 */
function keptStdout(taskId: string): CutStdout {
  return new CutStdout(
    `task "${taskId}" is kept from the run being resumed, whose record holds its outputs ` +
      "(passed on whole) but not its stdout",
    "pass the value as an output through $WEFT_OUTPUT",
  );
}

/**
 * The succeeded children of composites (loop iterations `LOOP[key]`, parallel children)
 * that run again in a resumed run: a child that succeeded in the earlier run is kept
 * ({@link ResumedChildren.kept}) instead of running again. Not when its composite's
 * definition changed since (`changed`: the top-level ids whose recorded hash differs,
 * store/resume.ts changedTasks), nor for an iteration keyed by index (`LOOP[0]`) of a loop
 * whose items come from an expression (or hold one): the same index may hold another item now (a key
 * that is the item's own text names the same item).
 */
export class ResumedChildren {
  readonly #before: Map<string, TaskRecord>;
  readonly #changed: ReadonlySet<string>;
  readonly #earlier: ResumedChildren | null;

  /**
   * `earlier`: the resume the resumed run made itself (EngineResume.earlier), asked for a
   * child the resumed run never got to (see {@link ResumedChildren.kept}).
   */
  constructor(
    previous: readonly TaskRecord[],
    changed: readonly string[],
    earlier: ResumedChildren | null = null,
  ) {
    this.#before = new Map(previous.map((r) => [r.id, r]));
    this.#changed = new Set(changed);
    this.#earlier = earlier;
  }

  /** A ResumedChildren for `resume` and the runs it resumed in turn (EngineResume.earlier). */
  static of(resume: EngineResumeChain): ResumedChildren {
    return new ResumedChildren(
      resume.previous,
      resume.changed ?? [],
      resume.earlier ? ResumedChildren.of(resume.earlier) : null,
    );
  }

  /**
   * The kept outcome of composite child `node`, or null when it runs (again). A child the
   * resumed run never started (0 attempts and no success: it crashed or was stopped before
   * the composite got to it, or before the composite started) is kept as the run that run
   * resumed had it: that run kept it too, only had not recorded so yet — otherwise a
   * resumed run killed early would lose its kept iterations for good (verifier V2 F6).
   */
  kept(node: Node): Outcome | null {
    const parent = node.parent;
    if (!parent?.composite || this.#changed.has(parent.id)) return null;
    const spec = parent.composite;
    if (
      spec.kind === "loop" &&
      (!Array.isArray(spec.items) || JSON.stringify(spec.items).includes("$"))
    ) {
      const key = node.id.slice(parent.id.length + 1, -1);
      if (/^[0-9]+$/.test(key)) return null;
    }
    const old = this.#before.get(node.id);
    if (old?.status === "success") return keptOutcome(old);
    if (old && old.attempts > 0) return null; // it ran there, and did not succeed
    return this.#earlier?.kept(node) ?? null;
  }
}

/** The part of EngineResume (options.ts) a {@link ResumedChildren} is made of. */
export interface EngineResumeChain {
  previous: TaskRecord[];
  changed?: readonly string[];
  earlier?: EngineResumeChain;
}
