/**
 * A workflow file's schedule trigger as a Schedule, so the daemon fires it as it fires
 * schedules added with `weft schedule add`. The trigger's `config` carries the same
 * settings as the command's flags: `schedule` (--cron), `timezone` (--tz), `name`,
 * `catchup`, `overlap`, `params`.
 * @module
 */
import type { Workflow } from "../model/workflow.ts";
import { DEFAULT_OVERLAP, type Schedule, triggerScheduleName } from "../model/schedule.ts";
import { secretOnes, secretParamNames } from "./secret_params.ts";

/**
 * The Schedules of every trigger of `workflow` (from absolute path `file`) that names
 * `schedule`, in file order; [] when none. Named `config.name`, else the workflow's name
 * (`name#2`, `name#3` for further schedule triggers without a name). `createdAt` is `now`.
 * The cron expression and zone were checked when the file was validated.
 */
export function schedulesFromWorkflow(
  file: string,
  workflow: Workflow,
  now = new Date(),
): Schedule[] {
  const out: Schedule[] = [];
  for (const trigger of triggersOf(workflow)) {
    const config = trigger.config;
    if (!trigger.type.includes("schedule") || !config?.schedule) continue;
    const name = triggerScheduleName(workflow.name, config.name, out.length);
    const params = triggerParams(config);
    out.push({
      name,
      file,
      cron: config.schedule,
      tz: config.timezone ?? null,
      catchupMs: config.catchup ?? 0,
      overlap: config.overlap ?? DEFAULT_OVERLAP,
      params,
      ...secretOnes(secretParamNames(params, workflow.secrets)),
      paused: false,
      source: "file",
      createdAt: now.toISOString(),
      lastFire: null,
    });
  }
  return out;
}

type TriggerConfig = NonNullable<Workflow["triggers"]>[number]["config"];

/** The triggers of a workflow (`trigger` or `triggers`: the model allows one of them). */
export function triggersOf(workflow: Workflow): NonNullable<Workflow["triggers"]> {
  if (workflow.trigger) return [workflow.trigger];
  return workflow.triggers ?? [];
}

/** A trigger's `config.params` with every value as a string (as `-p` gives them). */
export function triggerParams(config: TriggerConfig | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(config?.params ?? {})) params[k] = String(v);
  return params;
}
