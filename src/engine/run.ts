/**
 * One run of a workflow: the scheduler. It keeps the ready queue of the main DAG,
 * launches tasks under the concurrency limit (and alone for `parallel: false`), skips
 * what a condition or a failed dependency rules out, fires callbacks, stops on
 * cancellation or the workflow timeout, and publishes every step as an event.
 *
 * Every operation is O(1) or O(degree) per task, so 100,000 tasks schedule quickly.
 * @module
 */
import { ExpressionError } from "../expr/mod.ts";
import { ReadyTracker } from "../graph/mod.ts";
import { type Problem, WeftError } from "../model/errors.ts";
import type { Workflow } from "../model/workflow.ts";
import { defaultRegistry, type Registry } from "../tasks/mod.ts";
import type { ProcessSpawner } from "../tasks/types.ts";
import { AbortScope } from "./abort.ts";
import { runComposite } from "./composite.ts";
import type { Outcome, RunContext } from "./context.ts";
import type { EngineEvent, EventListener, RunReport, RunStatus, TaskRecord } from "./events.ts";
import { Expressions, makeScope } from "./expressions.ts";
import { newRunId } from "./ids.ts";
import { runLeaf } from "./leaf.ts";
import { createMasker, maskDeep, MIN_SECRET_LENGTH } from "./secrets.ts";
import { buildNodes, type Node } from "./nodes.ts";
import { resolveParams } from "./params.ts";
import { Slots } from "./slots.ts";

/** Everything a run needs; see `startRun`. */
export interface EngineOptions {
  workflow: Workflow;
  /** Absolute path of the workflow file, or "-". */
  file: string;
  /** The workflow's folder: tasks' default cwd; relative task cwd resolves against it. */
  dir: string;
  fileHash: string;
  /** Given with -p; declared defaults are merged in by {@link resolveParams}. */
  params: Record<string, string>;
  /** The process environment (passed in; the engine never reads Deno.env). */
  baseEnv: Record<string, string>;
  /** --env K=V: part of the process environment (process+extra < workflow < task). */
  extraEnv?: Record<string, string>;
  /** CLI flag > workflow max_parallel > number of CPUs. */
  maxParallel?: number;
  spawner: ProcessSpawner;
  /** Default: the registry from src/tasks/mod.ts. */
  runners?: Registry;
  /** Called synchronously in order for each event; returned promises are not awaited. */
  listeners: EventListener[];
  /** Replaced by "***" in every string of every event (values under 3 chars ignored). */
  secretValues?: string[];
  /** SIGTERM → SIGKILL grace (default 5000 ms). */
  killGraceMs?: number;
  runId?: string;
  host?: string;
  pid?: number;
  now?: () => Date;
  /** Tasks that succeeded in `previous` are kept (reason "resumed"); the rest runs. */
  resume?: { fromRunId: string; previous: TaskRecord[] };
  /** Where per-attempt $WEFT_OUTPUT files go; default a private temp folder, removed at the end. */
  workDir?: string;
}

/** A started run. */
export interface RunHandle {
  readonly id: string;
  /** Resolves with the final report (after `run_finished` was published); never rejects. */
  readonly done: Promise<RunReport>;
  /** Stop launching; SIGTERM every running group, SIGKILL after the grace period. */
  cancel(): void;
  /** Like cancel, but SIGKILL every running group at once. */
  kill(): void;
}

/** The scheduler of one run. Construct (validates, may throw WeftError), then `start()`. */
export class Run implements RunContext, RunHandle {
  readonly runId: string;
  readonly id: string;
  readonly workflow: Workflow;
  readonly file: string;
  readonly dir: string;
  readonly params: Record<string, string>;
  readonly startedAt: string;
  readonly nodes: Map<string, Node>;
  readonly registry: Registry;
  readonly slots: Slots;
  readonly scope = new AbortScope();
  readonly spawner: ProcessSpawner;
  readonly killGraceMs: number;
  readonly workflowEnv: Record<string, string>;
  readonly exprs = new Expressions();
  readonly removeOutputFiles: boolean;
  readonly done: Promise<RunReport>;

  #options: EngineOptions;
  #clock: () => Date;
  /** Masks secrets in a whole event or report; null when there are no secrets. */
  #mask: (<T>(value: T) => T) | null;
  #order: Node[];
  #tracker: ReadyTracker;
  #queue: Node[] = [];
  #queueHead = 0;
  #completions: string[] = [];
  #draining = false;
  #inFlight = 0;
  #aloneRunning = false;
  #unfinishedMain: number;
  #pendingCallbacks = 0;
  #callbackWaiters = new Map<string, Node[]>();
  #stop: "signal" | "workflow_timeout" | null = null;
  #cancelled = false;
  #finished = false;
  #hardKill = new AbortController();
  #workDir: string;
  #fileSeq = 0;
  #workflowTimer: ReturnType<typeof setTimeout> | undefined;
  #resolve!: (report: RunReport) => void;

  constructor(options: EngineOptions) {
    this.#options = options;
    this.#clock = options.now ?? (() => new Date());
    this.workflow = options.workflow;
    this.file = options.file;
    this.dir = options.dir;
    this.registry = options.runners ?? defaultRegistry;
    this.killGraceMs = options.killGraceMs ?? 5000;
    const problems: Problem[] = [];
    this.params = collect(problems, () => resolveParams(options.workflow, options.params)) ?? {};
    const built = buildNodes(options.workflow, options.file, (t) => this.registry.has(t));
    problems.push(...built.problems);
    this.nodes = built.byId;
    this.#order = built.order;
    problems.push(...this.#checkExpressions());
    const maxParallel = options.maxParallel ?? options.workflow.max_parallel ??
      navigator.hardwareConcurrency ?? 1;
    if (!Number.isInteger(maxParallel) || maxParallel < 1) {
      problems.push({
        file: "",
        message: `--max-parallel must be a whole number ≥ 1, got ${maxParallel}`,
      });
    }
    this.runId = this.id = options.runId ?? newRunId(this.#clock());
    this.startedAt = this.#clock().toISOString();
    const base = { ...options.baseEnv, ...options.extraEnv };
    const baseScope = makeScope(this, (name) => base[name]);
    const workflowEnv = collect(problems, () => ({
      ...base,
      ...this.exprs.renderEnv(options.workflow.environment, baseScope),
    }));
    if (problems.length > 0) throw new WeftError(problems);
    this.workflowEnv = workflowEnv!;
    const secrets = [...options.secretValues ?? []];
    for (const name of options.workflow.secrets ?? []) {
      if (this.workflowEnv[name] !== undefined) secrets.push(this.workflowEnv[name]);
    }
    const maskText = createMasker(secrets);
    this.#mask = secrets.some((s) => s.length >= MIN_SECRET_LENGTH)
      ? (value) => maskDeep(value, maskText)
      : null;
    this.#tracker = new ReadyTracker(built.main);
    this.#unfinishedMain = built.main.length;
    this.slots = new Slots(maxParallel, () => this.#pump());
    const inner = options.spawner;
    const hardKill = this.#hardKill.signal;
    this.spawner = { spawn: (o) => inner.spawn({ ...o, killSignal: o.killSignal ?? hardKill }) };
    this.removeOutputFiles = options.workDir === undefined;
    this.#workDir = options.workDir ?? Deno.makeTempDirSync({ prefix: "weft-run-" });
    this.done = new Promise((resolve) => this.#resolve = resolve);
  }

  /** Publishes `run_started` and begins scheduling. */
  start(): void {
    this.publish({
      type: "run_started",
      run: {
        id: this.runId,
        workflow: this.workflow.name,
        file: this.file,
        fileHash: this.#options.fileHash,
        params: this.params,
        startedAt: this.startedAt,
        host: this.#options.host ?? Deno.hostname(),
        pid: this.#options.pid ?? Deno.pid,
        resumedFrom: this.#options.resume?.fromRunId ?? null,
      },
      tasks: this.#order.map((n) => snapshot(n.record)),
    });
    if (this.#options.resume) this.#keepResumed(this.#options.resume.previous);
    if (this.workflow.timeout !== undefined) {
      this.#workflowTimer = setTimeout(() => this.#halt("workflow_timeout"), this.workflow.timeout);
    }
    this.#drain();
  }

  cancel(): void {
    this.#cancelled = true;
    this.#halt("signal");
  }

  kill(): void {
    this.cancel();
    this.#hardKill.abort();
  }

  // ---- RunContext ----------------------------------------------------------------

  now(): Date {
    return this.#clock();
  }

  publish(event: EngineEvent): void {
    const masked = this.#mask ? this.#mask(event) : event;
    for (const listener of this.#options.listeners) {
      try {
        const result = listener(masked);
        if (result instanceof Promise) result.catch(() => {});
      } catch {
        // A listener's bug must not stop the run or the other listeners.
      }
    }
  }

  outputPath(taskId: string, attempt: number): string {
    return `${this.#workDir}/${++this.#fileSeq}-${taskId}-${attempt}.out`;
  }

  markStarted(node: Node, attempt: number): string {
    const at = this.#clock().toISOString();
    const record = node.record;
    record.startedAt ??= at;
    record.status = "running";
    record.attempts = attempt;
    return at;
  }

  finishRecord(node: Node, outcome: Outcome): void {
    const record = node.record;
    const at = this.#clock();
    record.status = outcome.status;
    record.reason = outcome.reason;
    record.exitCode = outcome.exitCode;
    record.error = outcome.error;
    record.outputs = outcome.outputs;
    if (outcome.attempts !== undefined) record.attempts = outcome.attempts;
    record.finishedAt = at.toISOString();
    record.durationMs = record.startedAt ? at.getTime() - Date.parse(record.startedAt) : null;
    node.stdout = outcome.stdout;
    node.finished = true;
    this.publish({ type: "task_finished", runId: this.runId, task: snapshot(record) });
  }

  // ---- scheduling ----------------------------------------------------------------

  /** Completes finished main tasks in the tracker and handles whatever became ready. */
  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (;;) {
        while (this.#completions.length > 0) {
          const ids = this.#completions;
          this.#completions = [];
          for (const id of ids) this.#tracker.complete(id);
        }
        const ready = this.#tracker.takeReady();
        if (ready.length === 0) break;
        for (const id of ready) this.#onReady(this.nodes.get(id)!);
      }
    } finally {
      this.#draining = false;
    }
    this.#pump();
    this.#maybeFinish();
  }

  /** A main task whose dependencies all finished: skip it or queue it. */
  #onReady(node: Node): void {
    if (node.finished || this.#stop) return;
    for (const depId of node.deps) {
      const dep = this.nodes.get(depId)!;
      if (blocks(dep)) {
        this.#settle(node, skipped("upstream", `dependency "${dep.id}" ${describe(dep)}`));
        return;
      }
    }
    this.#queueIfConditionHolds(node);
  }

  #queueIfConditionHolds(node: Node): void {
    if (node.condition !== null) {
      let holds: boolean;
      try {
        holds = this.exprs.test(node.condition, this.#conditionScope(node));
      } catch (error) {
        this.#settle(node, {
          ...skipped(null, null),
          status: "failed",
          reason: "error",
          error: `condition: ${error instanceof Error ? error.message : String(error)}`,
        });
        return;
      }
      if (!holds) {
        this.#settle(node, skipped("condition", null));
        return;
      }
    }
    this.#queue.push(node);
  }

  /** Starts queued tasks while the limits allow. */
  #pump(): void {
    if (this.#stop || this.#finished) return;
    while (this.#queueHead < this.#queue.length && !this.#aloneRunning) {
      const node = this.#queue[this.#queueHead];
      if (node.alone && this.#inFlight > 0) break;
      const slotHeld = node.kind === "leaf";
      if (slotHeld && !this.slots.tryAcquire()) break;
      this.#queueHead++;
      this.#launch(node, slotHeld);
    }
    if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
  }

  #launch(node: Node, slotHeld: boolean): void {
    this.#inFlight++;
    if (node.alone) this.#aloneRunning = true;
    const work = node.kind === "leaf"
      ? runLeaf(this, { node, spec: node.leaf!, scope: this.scope, slotHeld, quiet: false })
      : runComposite(this, node);
    work.then((outcome) => {
      this.#inFlight--;
      if (node.alone) this.#aloneRunning = false;
      this.#settle(node, outcome);
      this.#drain();
    });
  }

  /** Records a top-level task's outcome and lets the graph and the callbacks move on. */
  #settle(node: Node, outcome: Outcome): void {
    this.finishRecord(node, outcome);
    for (const child of node.children) {
      if (!child.finished) this.finishRecord(child, { ...outcome, outputs: {}, attempts: 0 });
    }
    if (node.callback) this.#pendingCallbacks--;
    else {
      this.#unfinishedMain--;
      this.#completions.push(node.id);
      for (const waiter of this.#callbackWaiters.get(node.id) ?? []) {
        if (--waiter.waitingDeps === 0) this.#queueIfConditionHolds(waiter);
      }
      this.#callbackWaiters.delete(node.id);
    }
    if (this.#stop) return;
    const status = node.record.status;
    const calls = status === "success"
      ? node.onSuccess
      : status === "failed" || status === "timed_out"
      ? node.onFailure
      : [];
    for (const id of calls) this.#trigger(this.nodes.get(id)!);
  }

  /** Calls a callback task: at most once per run, after its own dependencies finished. */
  #trigger(callback: Node): void {
    if (callback.triggered) return;
    callback.triggered = true;
    this.#pendingCallbacks++;
    for (const depId of callback.deps) {
      if (this.nodes.get(depId)!.finished) continue;
      callback.waitingDeps++;
      const list = this.#callbackWaiters.get(depId);
      if (list) list.push(callback);
      else this.#callbackWaiters.set(depId, [callback]);
    }
    if (callback.waitingDeps === 0) this.#queueIfConditionHolds(callback);
  }

  #halt(reason: "signal" | "workflow_timeout"): void {
    if (this.#finished) return;
    this.#stop ??= reason;
    this.scope.abort(reason);
    clearTimeout(this.#workflowTimer);
    this.#maybeFinish();
  }

  #maybeFinish(): void {
    if (this.#finished) return;
    if (this.#stop) {
      if (this.#inFlight === 0) this.#finish();
      return;
    }
    const idle = this.#inFlight === 0 && this.#queueHead === this.#queue.length &&
      !this.#draining;
    if ((this.#unfinishedMain === 0 && this.#pendingCallbacks === 0) || idle) this.#finish();
  }

  /** Gives every unfinished task its final state and publishes `run_finished`. */
  #finish(): void {
    this.#finished = true;
    clearTimeout(this.#workflowTimer);
    for (const node of this.#order) {
      if (node.finished || node.parent) continue;
      let outcome: Outcome;
      if (node.callback && !node.triggered) outcome = skipped(null, null);
      else if (this.#stop) {
        outcome = {
          ...skipped(null, null),
          status: "cancelled",
          reason: this.#stop === "signal" ? "signal" : "workflow_timeout",
        };
      } else outcome = skipped("upstream", "never became ready: its dependencies form a cycle");
      this.finishRecord(node, outcome);
      for (const child of node.children) {
        if (!child.finished) this.finishRecord(child, { ...outcome, attempts: 0 });
      }
    }
    const finishedAt = this.#clock();
    const report: RunReport = {
      id: this.runId,
      workflow: this.workflow.name,
      status: this.#status(),
      startedAt: this.startedAt,
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - Date.parse(this.startedAt),
      tasks: this.#order.map((n) => snapshot(n.record)),
    };
    this.publish({ type: "run_finished", runId: this.runId, report });
    const masked = this.#mask ? this.#mask(report) : report;
    const cleanup = this.removeOutputFiles
      ? Deno.remove(this.#workDir, { recursive: true }).catch(() => {})
      : Promise.resolve();
    cleanup.then(() => this.#resolve(masked));
  }

  #status(): RunStatus {
    if (this.#cancelled) return "cancelled";
    if (this.#stop) return "failed";
    for (const node of this.#order) {
      if (node.parent || (node.callback && !node.triggered)) continue;
      const status = node.record.status;
      const failedOk = (status === "failed" || status === "timed_out") && node.continueOnError;
      if (status !== "success" && status !== "skipped" && !failedOk) return "failed";
    }
    return "success";
  }

  // ---- helpers -------------------------------------------------------------------

  /** The scope a gate condition sees: `env` is the task's merged environment. */
  #conditionScope(node: Node) {
    const base = this.workflowEnv;
    let own: Record<string, string> = {};
    if (node.leaf?.environment) {
      own = this.exprs.renderEnv(node.leaf.environment, makeScope(this, (name) => base[name]));
    }
    return makeScope(this, (name) => Object.hasOwn(own, name) ? own[name] : base[name]);
  }

  /** Compiles every condition now, so a syntax error stops the run before it starts. */
  #checkExpressions(): Problem[] {
    const problems: Problem[] = [];
    for (const node of this.#order) {
      const text = node.condition ??
        (node.composite?.kind === "conditional" ? node.composite.condition : null);
      if (text === null) continue;
      try {
        this.exprs.condition(text);
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        problems.push({
          file: this.file,
          message: `task "${node.id}": condition ${JSON.stringify(text)}: ${error.message}`,
          hint: error.hint,
        });
      }
    }
    return problems;
  }

  /** Marks the tasks that succeeded in the earlier run as done, without running them. */
  #keepResumed(previous: TaskRecord[]): void {
    const before = new Map(previous.map((r) => [r.id, r]));
    for (const node of this.#order) {
      const old = before.get(node.id);
      if (node.parent || !old || old.status !== "success") continue;
      this.#keep(node, old);
      for (const child of node.children) {
        const oldChild = before.get(child.id);
        if (oldChild) this.#keep(child, oldChild);
        else this.finishRecord(child, { ...skipped(null, null), attempts: 0 });
      }
      if (node.callback) node.triggered = true;
      else {
        this.#unfinishedMain--;
        this.#completions.push(node.id);
      }
    }
  }

  #keep(node: Node, old: TaskRecord): void {
    this.finishRecord(node, {
      status: old.status,
      reason: old.status === "success" ? "resumed" : old.reason,
      exitCode: old.exitCode,
      error: old.error,
      outputs: { ...old.outputs },
      stdout: "",
      attempts: 0,
    });
    node.record.finishedAt = null;
  }
}

/** Whether a finished dependency stops its dependents (they are skipped as upstream). */
function blocks(dep: Node): boolean {
  const { status, reason } = dep.record;
  if (status === "failed" || status === "timed_out") return !dep.continueOnError;
  return status === "cancelled" || (status === "skipped" && reason === "upstream");
}

function describe(dep: Node): string {
  const { status } = dep.record;
  return status === "skipped" ? "was skipped" : status === "timed_out" ? "timed out" : `${status}`;
}

function skipped(reason: "condition" | "upstream" | null, error: string | null): Outcome {
  return { status: "skipped", reason, exitCode: null, error, outputs: {}, stdout: "" };
}

function snapshot(record: TaskRecord): TaskRecord {
  return { ...record, outputs: { ...record.outputs } };
}

/** Runs `fn`; a WeftError's problems are added to `problems` instead of thrown. */
function collect<T>(problems: Problem[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof WeftError) problems.push(...error.problems);
    else if (error instanceof ExpressionError) {
      problems.push({ file: "", message: error.message, hint: error.hint });
    } else throw error;
    return undefined;
  }
}
