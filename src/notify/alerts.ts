/**
 * Alert rules (the seed's `alerts`): after each run every rule's `condition` is
 * evaluated with the expression language (src/expr) over
 * - `execution` (also `run`): `status`, `duration` (ms), `id`, `error.message`;
 * - `error`: `message` (the same as `execution.error.message`);
 * - `metrics`: `successRate` (percent), `totalRuns`, `averageDuration` (ms) of the
 *   workflow's finished runs over the rule's `window` (default 7 days), this run included;
 * - `workflow`: `name`, `expected_duration` (ms; null when not set).
 * A rule fires when its condition holds and did not hold at its previous evaluation:
 * it fires again only after the condition has cleared (no alert storms). Its state is
 * kept per workflow and rule in the run store (`["alert", workflow, rule]`).
 * @module
 */
import type { RunReport } from "../engine/events.ts";
import {
  compileCondition,
  compileTemplate,
  ownValue,
  type Scope,
  truthy,
  type Value,
} from "../expr/mod.ts";
import type { Workflow } from "../model/workflow.ts";
import { computeMetrics } from "../store/metrics.ts";
import type { RunStore } from "../store/run_store.ts";
import { afterRunFault } from "./after_run.ts";
import { failedTasks, taskDetail } from "./message.ts";

/** The default `window`: 7 days in ms. */
export const DEFAULT_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** A rule's state as stored, and as `weft alerts --json` lists it. */
export interface AlertState {
  workflow: string;
  rule: string;
  condition: string;
  channels: string[];
  /** The condition held at the last evaluation. */
  firing: boolean;
  /** How many times it fired. */
  fired: number;
  lastFiredAt: string | null;
  lastFiredRunId: string | null;
  /** The rendered template of the last fire. */
  lastMessage: string | null;
  lastEvaluatedAt: string;
  lastRunId: string;
}

/** A rule that fired on this run: where to send what. */
export interface FiredAlert {
  rule: string;
  channels: string[];
  message: string;
}

type Rule = NonNullable<Workflow["alerts"]>[number];

/** The store key of a rule's state. */
export function alertKey(workflow: string, rule: string): string[] {
  return ["alert", workflow, rule];
}

/** Why the run did not succeed in one line: the run's error, else its first failed task's. */
export function errorMessage(report: RunReport): string {
  if (report.error) return report.error;
  const task = failedTasks(report)[0];
  if (task) return `task ${task.id} ${task.status}: ${taskDetail(task)}`;
  return report.status === "success" ? "" : `run ${report.status}`;
}

/**
 * Evaluates `workflow.alerts` after `report`'s run (already recorded in `store`),
 * updates each rule's state and returns the rules that fire now. A condition that
 * cannot be evaluated is passed to `warn` and leaves that rule's state as it was.
 */
export async function evaluateAlerts(
  workflow: Pick<Workflow, "name" | "alerts" | "expected_duration">,
  report: RunReport,
  store: Pick<RunStore, "runsForMetrics" | "getState" | "setState">,
  warn: (message: string) => void,
  record: <T>(what: string, write: () => Promise<T>) => Promise<T> = (_what, write) => write(),
  now: Date = new Date(),
): Promise<FiredAlert[]> {
  const fired: FiredAlert[] = [];
  const metricsByWindow = new Map<number, Record<string, Value>>();
  for (const rule of workflow.alerts ?? []) {
    const window = rule.window ?? DEFAULT_WINDOW_MS;
    let metrics = metricsByWindow.get(window);
    if (!metrics) {
      const since = new Date(now.getTime() - window);
      const runs = await store.runsForMetrics({ since, workflow: workflow.name });
      const stats = computeMetrics(runs, since).workflows.find((w) => w.workflow === workflow.name);
      metrics = {
        successRate: stats?.successRate ?? null,
        totalRuns: stats?.runs ?? 0,
        averageDuration: stats?.meanDurationMs ?? null,
        failures: stats?.failures ?? 0,
      };
      metricsByWindow.set(window, metrics);
    }
    const scope = alertScope(workflow, report, metrics);
    let holds: boolean;
    let message: string;
    try {
      holds = truthy(compileCondition(rule.condition).evaluate(scope));
      message = compileTemplate(rule.template ?? defaultTemplate(rule)).render(scope);
    } catch (e) {
      warn(`alert ${rule.name}: cannot evaluate its condition: ${(e as Error).message}`);
      continue;
    }
    const key = alertKey(workflow.name, rule.name);
    const previous = await store.getState<AlertState>(key);
    const fires = holds && !previous?.firing;
    const at = now.toISOString();
    const state: AlertState = {
      workflow: workflow.name,
      rule: rule.name,
      condition: rule.condition,
      channels: rule.channels,
      firing: holds,
      fired: (previous?.fired ?? 0) + (fires ? 1 : 0),
      lastFiredAt: fires ? at : previous?.lastFiredAt ?? null,
      lastFiredRunId: fires ? report.id : previous?.lastFiredRunId ?? null,
      lastMessage: fires ? message : previous?.lastMessage ?? null,
      lastEvaluatedAt: at,
      lastRunId: report.id,
    };
    try {
      // A last record of the run (mod.ts recordAfterRun: the space reserve if need be).
      await record(
        `cannot record the state of alert ${rule.name}`,
        () => store.setState(key, state),
      );
    } catch (e) {
      // Its message still goes out; the rule may fire again, as its state says it did not.
      warn(`weft: warning: ${afterRunFault(e, "`weft alerts` shows its state before this run")}`);
    }
    if (fires) fired.push({ rule: rule.name, channels: rule.channels, message });
  }
  return fired;
}

function defaultTemplate(rule: Rule): string {
  return `Alert ${rule.name} on workflow \${workflow.name}: ${
    rule.condition.replace(/\$\{/g, "$${")
  }`;
}

/** The names an alert's condition and template read (see the module's comment). */
export function alertScope(
  workflow: Pick<Workflow, "name" | "expected_duration">,
  report: RunReport,
  metrics: Record<string, Value>,
): Scope {
  const error = { message: errorMessage(report) };
  const execution = {
    id: report.id,
    status: report.status,
    duration: report.durationMs,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    error,
  };
  const roots: Record<string, Value> = {
    execution,
    run: execution,
    error,
    metrics,
    workflow: { name: workflow.name, expected_duration: workflow.expected_duration ?? null },
  };
  return (root, path) => {
    let value: Value = ownValue(roots, root) ?? null;
    for (const part of path) {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
      value = ownValue(value as Record<string, Value>, part) ?? null;
    }
    return value;
  };
}
