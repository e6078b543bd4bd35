/**
 * Everything checked and worked out before a run starts: params, nodes, conditions,
 * the concurrency limit, the workflow environment and the secrets to mask. Any
 * problem is thrown as one WeftError (exit 2) listing them all, before anything runs.
 * @module
 */
import { ExpressionError, ownValue } from "../expr/mod.ts";
import { type Problem, WeftError } from "../model/errors.ts";
import { defaultRegistry, type Registry } from "../tasks/mod.ts";
import { Expressions, makeScope, withRunVariables } from "./expressions.ts";
import { newRunId } from "./ids.ts";
import { buildNodes, type NodeSet } from "./nodes.ts";
import type { EngineOptions } from "./options.ts";
import { resolveParams } from "./params.ts";
import type { Secrets } from "./secrets.ts";
import { leafSpecs, startSecrets } from "./start_secrets.ts";
import { pushAll } from "../arrays.ts";

/** What a run is made of once its input is known to be good. */
export interface PreparedRun {
  registry: Registry;
  params: Record<string, string>;
  nodes: NodeSet;
  maxParallel: number;
  /** Whether `maxParallel` was chosen (`--max-parallel`, `max_parallel`), not the CPU count. */
  maxParallelChosen: boolean;
  runId: string;
  startedAt: string;
  /** Process env + --env < workflow `environment` (interpolated). */
  workflowEnv: Record<string, string>;
  exprs: Expressions;
  /** The run's secrets: those known before it starts; more are added as tasks start. */
  secrets: Secrets;
  /** The runners of the run's task types still loading (TaskRunner.prepare). */
  runnersLoading: Promise<unknown>[];
}

/** Checks the input and prepares the run; throws WeftError listing every problem. */
export function prepareRun(options: EngineOptions, clock: () => Date): PreparedRun {
  const { workflow } = options;
  const registry = options.runners ?? defaultRegistry;
  const problems: Problem[] = [];
  const params = collect(problems, () => resolveParams(workflow, options.params)) ?? {};
  const nodes = buildNodes(workflow, options.file, (type) => registry.has(type));
  pushAll(problems, nodes.problems);
  const exprs = new Expressions();
  pushAll(problems, checkConditions(nodes, exprs, options.file));
  const maxParallelChosen = (options.maxParallel ?? workflow.max_parallel) !== undefined;
  const maxParallel = options.maxParallel ?? workflow.max_parallel ??
    navigator.hardwareConcurrency ?? 1;
  if (!Number.isInteger(maxParallel) || maxParallel < 1) {
    problems.push({
      file: "",
      message: `--max-parallel must be a whole number ≥ 1, got ${maxParallel}`,
    });
  }
  // One reading of the clock for both: the id's time and startedAt must agree, so that
  // ordering by id is ordering by start time.
  const started = clock();
  const runId = options.runId ?? newRunId(started);
  const startedAt = started.toISOString();
  const base = { ...options.baseEnv, ...options.extraEnv };
  const source = {
    workflow,
    file: options.file,
    runId,
    startedAt,
    params,
    nodes: nodes.byId,
    trigger: options.trigger,
  };
  const workflowEnv = collect(problems, () => ({
    ...base,
    // Resolved once for the run: weft's per-task variables are unknown here (validate says so).
    ...exprs.renderEnv(
      workflow.environment,
      makeScope(source, withRunVariables(source, (name) => ownValue(base, name))),
    ),
  }));
  if (problems.length > 0) throw new WeftError(problems);

  const secrets = startSecrets({
    options,
    workflowEnv: workflowEnv!,
    nodes,
    exprs,
    source,
    registry,
  });
  return {
    registry,
    params,
    nodes,
    maxParallel,
    maxParallelChosen,
    runId,
    startedAt,
    workflowEnv: workflowEnv!,
    exprs,
    secrets,
    runnersLoading: loadRunners(nodes, registry),
  };
}

/** Starts loading the runner of each task type the nodes use; the loads still going on. */
function loadRunners(nodes: NodeSet, registry: Registry): Promise<unknown>[] {
  const types = new Set<string>();
  for (const node of nodes.order) for (const spec of leafSpecs(node)) types.add(spec.type);
  const loading: Promise<unknown>[] = [];
  for (const type of types) {
    const pending = registry.get(type)?.prepare?.();
    if (pending) loading.push(pending.catch(() => {})); // a failed load fails its tasks
  }
  return loading;
}

/** Compiles every condition now, so a syntax error stops the run before it starts. */
function checkConditions(nodes: NodeSet, exprs: Expressions, file: string): Problem[] {
  const problems: Problem[] = [];
  for (const node of nodes.order) {
    const text = node.condition ??
      (node.composite?.kind === "conditional" ? node.composite.condition : null);
    if (text === null) continue;
    try {
      exprs.condition(text);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      problems.push({
        file,
        message: `task "${node.id}": condition ${JSON.stringify(text)}: ${error.message}`,
        hint: error.hint,
      });
    }
  }
  return problems;
}

/** Runs `fn`; a WeftError's or ExpressionError's problems are collected instead of thrown. */
function collect<T>(problems: Problem[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof WeftError) pushAll(problems, error.problems);
    else if (error instanceof ExpressionError) {
      problems.push({ file: "", message: error.message, hint: error.hint });
    } else throw error;
    return undefined;
  }
}
