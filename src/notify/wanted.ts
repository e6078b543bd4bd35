/**
 * Whether a workflow asks for notifications at all, in a module of its own: `weft run`
 * of a workflow without any then loads none of src/notify/ (issue 12 §3).
 * @module
 */
import type { Workflow } from "../model/workflow.ts";

/** Whether the workflow asks for any notification or alert at all. */
export function hasNotifications(
  workflow: Pick<Workflow, "notifications" | "alerts" | "tasks">,
): boolean {
  return Boolean(workflow.notifications) || Boolean(workflow.alerts?.length) ||
    workflow.tasks.some((t) => "notifications" in t && t.notifications);
}

/** A notifications block's outcome flags, as written (each may be left out). */
export interface OutcomeFlags {
  on_completion?: boolean;
  on_success?: boolean;
  on_failure?: boolean;
}

/**
 * Which outcomes a block sends on — one rule for a run's block and a task's: a flag set
 * decides for its outcome (`on_success`/`on_failure` over `on_completion`), and an
 * outcome no flag names is sent unless some flag is `true`, which then picks the only
 * ones wanted. So nothing set is every outcome (README), `on_success: false` alone still
 * sends failures, `on_failure: true` alone sends failures only, `on_completion: false` none.
 */
export function outcomesWanted(flags: OutcomeFlags): { success: boolean; failure: boolean } {
  const picked = flags.on_completion === true || flags.on_success === true ||
    flags.on_failure === true;
  return {
    success: flags.on_success ?? flags.on_completion ?? !picked,
    failure: flags.on_failure ?? flags.on_completion ?? !picked,
  };
}
