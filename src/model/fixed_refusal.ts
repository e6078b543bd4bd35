/**
 * A refusal the run always makes for a value the file fixes, found before the run by the
 * run's own checks (engine/fixed_refusals.ts) and placed at its line and column by
 * `weft validate` (parse/fixed_refusal_places.ts). The two meet here: parse may not import
 * the engine, so whoever loads a workflow passes the check in (parse/mod.ts LoadOptions).
 * @module
 */
import type { Workflow } from "./workflow.ts";

/** One refusal: which step, the text the run was rendering, and the run's words. */
export interface FixedRefusal {
  /** The id of the task (a parallel child's own id). */
  taskId: string;
  /** The step of a composite task it is about: `then`, `else`, a loop's `task`. */
  step?: "then" | "else" | "task";
  /** The field's text as written (a `${...}` template), when the check was rendering one. */
  text?: string;
  /** The offset in `text` of the `${...}` refused, when one value is. */
  offset?: number;
  /** The run's reason, secrets masked, without the field's name when one value is refused. */
  message: string;
  /** Which values it read and where the file sets them; what to do. */
  hint?: string;
}

/** The check a loader is given: every refusal of `workflow` (from `file`, absolute). */
export type FixedRefusalCheck = (workflow: Workflow, file: string) => Promise<FixedRefusal[]>;
