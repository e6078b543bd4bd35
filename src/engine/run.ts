/**
 * One run of a workflow: what its tasks see of it (RunContext), what its caller holds
 * (RunHandle), its start and its end. It begins scheduling once `run_started` is out,
 * stops on cancellation, a fault or the workflow timeout, and at the end gives every
 * unfinished task its final state and publishes the report. The pieces it drives live
 * apart: the launch pump (scheduler.ts) and its ready queue (launch_queue.ts), the stop
 * state and the callbacks' grace window (run_stop.ts), the order events go out in
 * (publisher.ts), the task and run records (task_record.ts, run_record.ts).
 * @module
 */
import { ownValue } from "../expr/mod.ts";
import type { Workflow } from "../model/workflow.ts";
import type { Registry } from "../tasks/mod.ts";
import type { ChildRunRequest, ChildRunResult, ProcessSpawner } from "../tasks/types.ts";
import type { AbortScope, StopReason } from "./abort.ts";
import { runChildWorkflow } from "./child.ts";
import type { CallerStop, Outcome, RunContext } from "./context.ts";
import type { EngineEvent, RunReport, RunTrigger } from "./events.ts";
import { type Expressions, makeScope, withRunVariables } from "./expressions.ts";
import type { Node } from "./nodes.ts";
import { CALLBACK_GRACE_MS, type EngineOptions, type RunHandle } from "./options.ts";
import { leftoverOutcome, snapshot } from "./outcomes.ts";
import { maskReport } from "./mask_events.ts";
import { EventPublisher } from "./publisher.ts";
import { runInfo, runReport } from "./run_record.ts";
import { RunStops } from "./run_stop.ts";
import { ResumedChildren } from "./resume.ts";
import { Scheduler } from "./scheduler.ts";
import type { Secrets } from "./secrets.ts";
import { ownText } from "../model/data_text.ts";
import { prepareRun } from "./setup.ts";
import { Slots } from "./slots.ts";
import { LaunchQueue } from "./launch_queue.ts";
import { recordFinished, recordStarted } from "./task_record.ts";
import { makeWorkDir } from "./work_dir.ts";
import { OutputFiles } from "./output_files.ts";
import { stampNow, stampNowIso } from "../elapsed.ts";

/** One run. Construct (validates, may throw WeftError), then `start()`. */
export class Run implements RunContext, RunHandle {
  readonly runId: string;
  readonly id: string;
  readonly workflow: Workflow;
  readonly file: string;
  readonly dir: string;
  readonly params: Record<string, string>;
  readonly startedAt: string;
  readonly trigger?: RunTrigger;
  readonly nodes: Map<string, Node>;
  readonly registry: Registry;
  readonly slots: Slots;
  readonly scope: AbortScope;
  readonly spawner: ProcessSpawner;
  readonly killGraceMs: number;
  readonly callbackGraceMs: number;
  readonly workflowEnv: Record<string, string>;
  readonly exprs: Expressions;
  /** Masks the data fields of every event and of the report (see mask_events.ts). */
  readonly secrets: Secrets;
  readonly outputFiles: OutputFiles;
  readonly done: Promise<RunReport>;
  /** The report before masking: its outputs are passed on as values (taskOutputs). */
  readonly #unmasked: Promise<RunReport>;

  #options: EngineOptions;
  /** --resume: the composites' children kept from the earlier run (resume.ts). */
  #resumedChildren: ResumedChildren | null;
  #clock: () => Date;
  /** The same clock as an ISO string (one string per millisecond from stampNowIso). */
  #clockIso: () => string;
  #order: Node[];
  /** Runner modules still loading at the start (see TaskRunner.prepare). */
  #runnersLoading: Promise<unknown>[];
  /** Why and how the run stops: its timers, scopes and signals (run_stop.ts). */
  #stops: RunStops;
  /** The launch pump (scheduler.ts). */
  #scheduler: Scheduler;
  callerStop: CallerStop | null = null;
  /** Why weft stopped the run itself (see fail()); null otherwise. */
  #error: string | null = null;
  #cancelled = false;
  #finished = false;
  #workDir: string;
  /** Sends the events, in order, some in a later turn (publisher.ts). */
  #events: EventPublisher;
  #resolve!: (report: RunReport) => void;
  #resolveUnmasked!: (report: RunReport) => void;

  constructor(options: EngineOptions) {
    this.#options = options;
    this.#resumedChildren = options.resume ? ResumedChildren.of(options.resume) : null;
    this.#clock = options.now ?? stampNow;
    const now = options.now;
    this.#clockIso = now ? () => now().toISOString() : stampNowIso;
    const prepared = prepareRun(options, this.#clock);
    this.workflow = options.workflow;
    this.file = options.file;
    this.dir = options.dir;
    this.killGraceMs = options.killGraceMs ?? 5000;
    this.callbackGraceMs = options.callbackGraceMs ?? CALLBACK_GRACE_MS;
    this.registry = prepared.registry;
    this.params = prepared.params;
    this.nodes = prepared.nodes.byId;
    this.#order = prepared.nodes.order;
    this.#runnersLoading = prepared.runnersLoading;
    this.runId = this.id = prepared.runId;
    this.startedAt = prepared.startedAt;
    this.trigger = options.trigger;
    this.workflowEnv = prepared.workflowEnv;
    this.exprs = prepared.exprs;
    this.secrets = prepared.secrets;
    // With weft's run-wide variables over every layer, as every task sees them
    // (model/weft_vars.ts): a notification's `${env.WEFT_RUN_ID}` is this run's id.
    options.onWorkflowEnv?.({
      ...this.#defaultTaskEnv(),
      WEFT_RUN_ID: this.runId,
      WEFT_WORKFLOW: this.workflow.name,
    });
    this.#events = new EventPublisher(options.listeners, this.secrets);
    const queue = new LaunchQueue();
    this.#stops = new RunStops(this.callbackGraceMs, queue, {
      finished: () => this.#finished,
      changed: () => this.#scheduler.maybeFinish(),
    });
    this.scope = this.#stops.scope;
    this.#scheduler = new Scheduler(this, prepared.nodes.main, queue, this.#stops, {
      finished: () => this.#finished,
      finish: () => this.#finish(),
    });
    this.slots = new Slots(
      prepared.maxParallel,
      () => this.#scheduler.pump(),
      prepared.maxParallelChosen,
    );
    const inner = options.spawner;
    const hardKill = this.#stops.hardKill.signal;
    this.spawner = { spawn: (o) => inner.spawn({ ...o, killSignal: o.killSignal ?? hardKill }) };
    this.#workDir = options.workDir ?? makeWorkDir();
    // Folders weft names itself: kept where a message quotes a path in them (built_text.ts).
    this.secrets.addBuilt(ownText(this.dir));
    this.secrets.addBuilt(ownText(this.#workDir));
    this.outputFiles = new OutputFiles(this.#workDir, options.workDir !== undefined);
    this.done = new Promise((resolve) => this.#resolve = resolve);
    this.#unmasked = new Promise((resolve) => this.#resolveUnmasked = resolve);
  }

  /**
   * Publishes `run_started` and begins scheduling. A listener may return a promise for
   * `run_started` (the recorder does, for the run record): no task starts before it
   * settles, so the run is on record before anything runs; nor before the runners of
   * its task types are loaded, which happens meanwhile.
   */
  start(): void {
    const pending = this.publish({
      type: "run_started",
      run: runInfo(this.#options, this, this.outputFiles.keep ? undefined : this.#workDir),
      tasks: this.#order.map((n) => snapshot(n.record)),
    });
    pending.push(...this.#runnersLoading);
    if (pending.length === 0) this.#begin();
    else Promise.allSettled(pending).then(() => this.#begin());
  }

  #begin(): void {
    if (this.#finished) return; // cancelled while the run record was being written
    if (this.#options.resume) {
      this.#scheduler.keepResumed(this.#order, this.#options.resume.previous);
    }
    if (this.workflow.timeout !== undefined) this.#stops.startWorkflowTimer(this.workflow.timeout);
    this.#scheduler.drain();
  }

  resumedChild(node: Node): Outcome | null {
    return this.#resumedChildren?.kept(node) ?? null;
  }

  cancel(): void {
    this.#cancelled = true;
    this.#stops.halt("signal");
  }

  kill(): void {
    this.cancel();
    this.#stops.hardKill.abort();
  }

  /**
   * Stops a child run because its caller's timeout ran out (or its caller is no longer
   * needed); its tasks say why (`stop.cause`; after a timeout they are `timed_out`), not
   * `killed by SIGTERM`. A timeout stops it as its own workflow timeout would: the run
   * ends `failed`, and the tasks it ends call their `on_failure` callbacks, which get the
   * grace window (unless the stop is the end of the caller's own window). "Not needed"
   * stops it as cancel does: `cancelled`, no callbacks (README, `workflow` tasks).
   */
  stopByCaller(stop: CallerStop): void {
    if (this.#finished || this.#stops.reason) return;
    this.callerStop = stop;
    // `cancelled` promises that no failure callback ran: only a stop that calls none.
    this.#cancelled = stop.stop === "caller_not_needed";
    this.#stops.halt(stop.stop);
    if (stop.windowOver) this.#stops.closeCallbacks(stop.stop);
  }

  fail(error: string): boolean {
    if (this.#finished) return false;
    this.#error ??= error;
    this.#stops.halt("fault");
    return true;
  }

  // ---- RunContext ----------------------------------------------------------------

  nowIso(): string {
    return this.#clockIso();
  }

  /**
   * Sends an event to every listener, masked; returns the promises listeners returned.
   * Some events go out in a later turn, still in order: see EventPublisher.publish.
   */
  publish(event: EngineEvent): Promise<unknown>[] {
    return this.#events.publish(event);
  }

  beforeStart(): Promise<void> | undefined {
    return this.#options.beforeStart?.(this.runId);
  }

  markStarted(node: Node, attempt: number): string {
    const at = this.#clockIso();
    recordStarted(node, attempt, at);
    return at;
  }

  /** See RunHandle.taskOutputs. */
  async taskOutputs(): Promise<Record<string, Record<string, string>>> {
    const report = await this.#unmasked;
    return Object.fromEntries(report.tasks.map((task) => [task.id, task.outputs]));
  }

  startChild(
    taskId: string,
    request: ChildRunRequest,
    signal: AbortSignal,
    callerStop: (stop: StopReason) => CallerStop | null,
  ): Promise<ChildRunResult> {
    const parent = {
      runId: this.runId,
      dir: this.dir,
      options: this.#options,
      secrets: this.secrets,
      hardKill: this.#stops.hardKill.signal,
      userStop: this.#stops.userStop.signal,
    };
    return runChildWorkflow(parent, taskId, request, signal, callerStop);
  }

  backOff(
    node: Node,
    scope: AbortScope,
    ms: number,
    waiting?: () => void,
  ): Promise<StopReason | null> {
    return this.#scheduler.backOff(node, scope, ms, waiting);
  }

  finishRecord(node: Node, outcome: Outcome): void {
    recordFinished(node, outcome, this.#clockIso());
    this.publish({ type: "task_finished", runId: this.runId, task: snapshot(node.record) });
    if (node.holdsSlot) {
      node.holdsSlot = false;
      // A composite's work: the scheduler hears of the slot after the composite, which
      // this may end, has published its end (its settle comes in this turn's promise chain).
      this.slots.release(node.parent !== null);
    }
  }

  // ---- the end -----------------------------------------------------------------

  /**
   * The environment a task with no `environment` of its own starts from: the workflow's,
   * with `defaults.environment` over it, interpolated as a task's is (leaf_spec.ts).
   * Notifications read their `${env.NAME}` from it, so they see what tasks see.
   */
  #defaultTaskEnv(): Record<string, string> {
    const defaults = this.workflow.defaults?.environment;
    if (!defaults) return this.workflowEnv;
    const base = this.workflowEnv;
    const own = this.exprs.renderEnvBlocks(
      [defaults],
      (env) => makeScope(this, withRunVariables(this, env)),
      (name) => ownValue(base, name),
    );
    this.secrets.addEnv(own);
    return { ...base, ...own };
  }

  /** Gives every unfinished task its final state and publishes `run_finished`. */
  #finish(): void {
    this.#finished = true;
    this.#stops.clearTimers();
    for (const node of this.#order) {
      if (node.finished || node.parent) continue;
      // The stop here is the run's own (signal, workflow timeout, fault): a child's
      // "not started" reason is its parent's.
      const outcome = leftoverOutcome(this, node, this.#stops.reason);
      this.finishRecord(node, outcome);
      for (const child of node.children) {
        if (!child.finished) this.finishRecord(child, { ...outcome, attempts: 0 });
      }
    }
    const run = {
      id: this.runId,
      workflow: this.workflow.name,
      startedAt: this.startedAt,
      file: this.file,
    };
    const report = runReport(run, this.#order, {
      cancelled: this.#cancelled,
      halted: this.#stops.reason !== null,
      error: this.#error,
      finishedAt: this.#clock(),
    });
    this.publish({ type: "run_finished", runId: this.runId, report });
    const masked = maskReport(report, this.secrets);
    this.outputFiles.close();
    const cleanup = this.outputFiles.keep
      ? Promise.resolve()
      : Deno.remove(this.#workDir, { recursive: true }).catch(() => {});
    cleanup.then(() => {
      this.#resolveUnmasked(report);
      this.#resolve(masked);
    });
  }
}
