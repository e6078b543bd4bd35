/**
 * `${env.NAME}` in a field that does not read the block setting NAME, which would render
 * weft's own environment there (mostly nothing) while the block's reader sees the name:
 * - notification settings read the environment the workflow's tasks start from
 *   (defaults.environment over the workflow's over weft's own: notify/config.ts) with
 *   weft's run-wide variables (`WEFT_RUN_ID`, `WEFT_WORKFLOW`: engine/run.ts) over it;
 *   not a task's own `environment`, nor weft's per-task variables (`WEFT_TASK_ID`, …);
 * - a docker step's `config` fields other than `config.env` read the task's environment
 *   (engine/attempt_context.ts); `config.env` is the container's (tasks/docker_argv.ts),
 *   so a name it alone sets is no value of the task's.
 * The same rule as a composite's condition reading a name only its steps set
 * (composite_env.ts) and a workflow value reading a later layer (env_layers.ts).
 * @module
 */
import type { Problem } from "../model/errors.ts";
import { TASK_VARIABLES } from "../model/weft_vars.ts";
import { valueLabel } from "./describe.ts";
import { collectTaskNames, envReads, type Setter } from "./env_layers.ts";
import {
  isObject,
  ONE_STEP_FIELDS,
  parallelChildren,
  type RawObject,
  topLevelTasks,
} from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";

/** Every string in `value` (at `path`), with its path. */
function strings(value: unknown, path: PathSegment[], out: [PathSegment[], string][]): void {
  if (typeof value === "string") out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, [...path, i], out));
  else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) strings(v, [...path, key], out);
  }
}

/** Whether a block of `blocks` sets `name`. */
function setIn(blocks: unknown[], name: string): boolean {
  return blocks.some((block) => isObject(block) && Object.hasOwn(block, name));
}

/** The problems of both readers, at each reference. */
export function envReachProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  if (!isObject(data)) return [];
  const base = [data.environment, isObject(data.defaults) ? data.defaults.environment : undefined];
  return [...notificationReach(data, base, map, file), ...dockerReach(data, base, map, file)];
}

function notificationReach(
  data: RawObject,
  base: unknown[],
  map: SourceMap,
  file: string,
): Problem[] {
  if (!isObject(data.notifications)) return [];
  const found: [PathSegment[], string][] = [];
  strings(data.notifications, ["notifications"], found);
  if (!found.some(([, text]) => text.includes("${"))) return [];
  const taskSetters = new Map<string, Setter>();
  for (const task of topLevelTasks(data)) collectTaskNames(task.data, task.id, taskSetters);
  const problems: Problem[] = [];
  for (const [path, text] of found) {
    for (const ref of envReads(text)) {
      const at = { file, ...map.inString(path, ref.offset) };
      const label = valueLabel(data, path);
      if (TASK_VARIABLES.includes(ref.name)) {
        problems.push({
          ...at,
          message: `${label}: ${ref.name} is set by weft for each task, and notifications ` +
            `are rendered for the run, so ${ref.text} here reads nothing`,
          hint: "notifications can read WEFT_RUN_ID and WEFT_WORKFLOW, and the task's id is " +
            "in the message itself",
        });
        continue;
      }
      const setter = taskSetters.get(ref.name);
      if (!setter || setIn(base, ref.name)) continue;
      problems.push({
        ...at,
        message: `${label}: ${ref.name} is set only in ${setter.where}, and notifications read ` +
          `the environment the workflow's tasks start from, so ${ref.text} here reads ` +
          "weft's own environment",
        hint: `set ${ref.name} in defaults.environment or the workflow's environment, which ` +
          "notifications read and every task gets too",
      });
    }
  }
  return problems;
}

function dockerReach(data: RawObject, base: unknown[], map: SourceMap, file: string): Problem[] {
  const problems: Problem[] = [];
  const visit = (step: unknown, path: PathSegment[]) => {
    if (!isObject(step)) return;
    for (const field of ONE_STEP_FIELDS) visit(step[field], [...path, field]);
    const config = step.config;
    if (step.type !== "docker" || !isObject(config) || !isObject(config.env)) return;
    const container = config.env;
    const found: [PathSegment[], string][] = [];
    for (const [key, value] of Object.entries(config)) {
      if (key !== "env") strings(value, [...path, "config", key], found);
    }
    for (const [at, text] of found) {
      for (const ref of envReads(text)) {
        if (!Object.hasOwn(container, ref.name) || setIn([...base, step.environment], ref.name)) {
          continue;
        }
        problems.push({
          file,
          ...map.inString(at, ref.offset),
          message: `${valueLabel(data, at)}: ${ref.name} is set only in config.env, the ` +
            `container's environment, so ${ref.text} here reads the task's environment, ` +
            "where it is not set",
          hint: `set ${ref.name} in the task's environment (config.env can pass it on: ` +
            `${ref.name}: \${env.${ref.name}}), or let a shell in the container expand it: ` +
            `command: [sh, -c, 'echo "$${ref.name}"']`,
        });
      }
    }
  };
  for (const task of topLevelTasks(data)) {
    visit(task.data, task.path);
    for (const child of parallelChildren(task)) visit(child.data, child.path);
  }
  return problems;
}
