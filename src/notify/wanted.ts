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
