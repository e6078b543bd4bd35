/**
 * One run of a workflow: the scheduler. It keeps the ready queue of the main DAG,
 * launches tasks under the concurrency limit (and alone for `parallel: false`), skips
 * what a condition or a failed dependency rules out, fires callbacks, stops on
 * cancellation or the workflow timeout, and publishes every step as an event. The
 * pieces it drives live apart: the ready queue (launch_queue.ts), what rules a task out
 * (skips.ts), the order events go out in (publisher.ts), the task and run records
 * (task_record.ts, run_record.ts).
 *
 * Every operation is O(1) or O(degree) per task, so 100,000 tasks schedule quickly.
 * @module
 */
import { ReadyTracker } from "../graph/mod.ts";
import type { Workflow } from "../model/workflow.ts";
import type { Registry } from "../tasks/mod.ts";
import type { ChildRunRequest, ChildRunResult, ProcessSpawner } from "../tasks/types.ts";
import { AbortScope, sleepIn, type StopReason } from "./abort.ts";
import { Callbacks } from "./callbacks.ts";
import { runChildWorkflow } from "./child.ts";
import { runComposite } from "./composite.ts";
import {
  type CallerStop,
  notStartedOutcome,
  type Outcome,
  type RunContext,
  stopOf,
} from "./context.ts";
import type { EngineEvent, RunReport, RunTrigger, TaskRecord } from "./events.ts";
import type { Expressions } from "./expressions.ts";
import { runLeaf } from "./leaf.ts";
import type { Node } from "./nodes.ts";
import { CALLBACK_GRACE_MS, type EngineOptions, type RunHandle } from "./options.ts";
import { leftoverOutcome, snapshot } from "./outcomes.ts";
import { keptFromEarlierRun } from "./resume.ts";
import { maskReport } from "./mask_events.ts";
import { EventPublisher } from "./publisher.ts";
import { runInfo, runReport } from "./run_record.ts";
import { conditionSkip, upstreamSkip } from "./skips.ts";
import type { Secrets } from "./secrets.ts";
import { prepareRun } from "./setup.ts";
import { Slots } from "./slots.ts";
import { LaunchQueue } from "./launch_queue.ts";
import { recordFinished, recordStarted } from "./task_record.ts";
import { makeWorkDir } from "./work_dir.ts";
import { OutputFiles } from "./output_files.ts";

/** Why a whole run stops: Ctrl-C, its workflow timeout, a fault, its caller's timeout. */
type RunStop = "signal" | "workflow_timeout" | "fault" | CallerStop["stop"];

/** The scheduler of one run. Construct (validates, may throw WeftError), then `start()`. */
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
  readonly scope = new AbortScope();
  /**
   * Callbacks run here, not in `scope`: the workflow timeout stops the main tasks at
   * once, while callbacks get the grace window after it (Ctrl-C stops both).
   */
  readonly callbackScope = new AbortScope();
  /**
   * Aborted when Ctrl-C or a fault closes the callbacks: a child run that its caller's
   * timeout stopped earlier (so its calling task's signal is spent) still hears of it
   * and stops its callbacks too (child.ts).
   */
  #userStop = new AbortController();
  readonly spawner: ProcessSpawner;
  readonly killGraceMs: number;
  readonly callbackGraceMs: number;
  readonly workflowEnv: Record<string, string>;
  readonly exprs: Expressions;
  /** Masks the data fields of every event and of the report (see mask_events.ts). */
  readonly secrets: Secrets;
  readonly outputFiles: OutputFiles;
  readonly done: Promise<RunReport>;

  #options: EngineOptions;
  #clock: () => Date;
  #order: Node[];
  /** Runner modules still loading at the start (see TaskRunner.prepare). */
  #runnersLoading: Promise<unknown>[];
  #tracker: ReadyTracker;
  /** Tasks ready to start, and what runs now (launch_queue.ts). */
  #queue = new LaunchQueue();
  #completions: string[] = [];
  #draining = false;
  #unfinishedMain: number;
  #callbacks: Callbacks;
  #stop: RunStop | null = null;
  callerStop: CallerStop | null = null;
  /** Why weft stopped the run itself (see fail()); null otherwise. */
  #error: string | null = null;
  #cancelled = false;
  #finished = false;
  #hardKill = new AbortController();
  #workDir: string;
  /** Sends the events, in order, some in a later turn (publisher.ts). */
  #events: EventPublisher;
  #workflowTimer: ReturnType<typeof setTimeout> | undefined;
  /** False once no callback may be called any more: after Ctrl-C or the grace window. */
  #callbacksOpen = true;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  #resolve!: (report: RunReport) => void;

  constructor(options: EngineOptions) {
    this.#options = options;
    this.#clock = options.now ?? (() => new Date());
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
    this.#events = new EventPublisher(options.listeners, this.secrets);
    this.#tracker = new ReadyTracker(prepared.nodes.main);
    this.#unfinishedMain = prepared.nodes.main.length;
    this.slots = new Slots(prepared.maxParallel, () => this.#pump());
    this.#callbacks = new Callbacks(
      this.nodes,
      (callback) => this.#queueIfConditionHolds(callback),
    );
    const inner = options.spawner;
    const hardKill = this.#hardKill.signal;
    this.spawner = { spawn: (o) => inner.spawn({ ...o, killSignal: o.killSignal ?? hardKill }) };
    this.#workDir = options.workDir ?? makeWorkDir();
    this.outputFiles = new OutputFiles(this.#workDir, options.workDir !== undefined);
    this.done = new Promise((resolve) => this.#resolve = resolve);
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

  /**
   * Stops a child run because its caller's timeout ran out (or its caller is no longer
   * needed): the run ends `cancelled`, but its tasks say why (`stop.cause`; after a
   * timeout they are `timed_out`), not `killed by SIGTERM`. A timeout stops it as its
   * own workflow timeout would: the tasks it ends call their `on_failure` callbacks,
   * which get the grace window (unless the stop is the end of the caller's own window);
   * "not needed" stops callbacks as cancel does.
   */
  stopByCaller(stop: CallerStop): void {
    if (this.#finished || this.#stop) return;
    this.callerStop = stop;
    this.#cancelled = true;
    this.#halt(stop.stop);
    if (stop.windowOver) this.#closeCallbacks(stop.stop);
  }

  fail(error: string): boolean {
    if (this.#finished) return false;
    this.#error ??= error;
    this.#halt("fault");
    return true;
  }

  // ---- RunContext ----------------------------------------------------------------

  now(): Date {
    return this.#clock();
  }

  /**
   * Sends an event to every listener, masked; returns the promises listeners returned.
   * Some events go out in a later turn, still in order: see EventPublisher.publish.
   */
  publish(event: EngineEvent): Promise<unknown>[] {
    return this.#events.publish(event);
  }

  markStarted(node: Node, attempt: number): string {
    const at = this.#clock().toISOString();
    recordStarted(node, attempt, at);
    return at;
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
      hardKill: this.#hardKill.signal,
      userStop: this.#userStop.signal,
    };
    return runChildWorkflow(parent, taskId, request, signal, callerStop);
  }

  async backOff(node: Node, scope: AbortScope, ms: number): Promise<StopReason | null> {
    // Only a top-level task (main or callback) is in the launch queue: a conditional's
    // branch runs as its node; parallel children and loop iterations never run alone.
    if (!node.alone || node.parent !== null) return sleepIn(scope, ms);
    this.#queue.rest(node);
    this.#pump();
    const stop = await sleepIn(scope, ms);
    return stop ?? await this.#queue.regain(node, scope);
  }

  finishRecord(node: Node, outcome: Outcome): void {
    recordFinished(node, outcome, this.#clock());
    this.publish({ type: "task_finished", runId: this.runId, task: snapshot(node.record) });
    if (node.holdsSlot) {
      node.holdsSlot = false;
      // A composite's work: the scheduler hears of the slot after the composite, which
      // this may end, has published its end (its settle comes in this turn's promise chain).
      this.slots.release(node.parent !== null);
    }
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
    const blocked = upstreamSkip(node, this.nodes);
    if (blocked) this.#settle(node, blocked);
    else this.#queueIfConditionHolds(node);
  }

  /** Queues a task (main or callback) unless its condition rules it out (skips.ts). */
  #queueIfConditionHolds(node: Node): void {
    const ruledOut = conditionSkip(node, this);
    if (ruledOut) this.#settle(node, ruledOut);
    else this.#queue.push(node);
  }

  /** Starts queued tasks while the limits allow. */
  #pump(): void {
    // After the workflow timeout the queue holds only callbacks (see #halt).
    if (!this.#callbacksOpen || this.#finished) return;
    for (let node = this.#queue.next(); node; node = this.#queue.next()) {
      const slotHeld = node.kind === "leaf";
      if (slotHeld && !this.slots.tryAcquire()) break;
      this.#queue.take(node);
      this.#launch(node, slotHeld);
    }
    this.#queue.compact();
  }

  #launch(node: Node, slotHeld: boolean): void {
    const scope = node.callback ? this.callbackScope : this.scope;
    const work = node.kind === "leaf"
      ? runLeaf(this, { node, spec: node.leaf!, scope, slotHeld, quiet: false })
      : runComposite(this, node, scope);
    work.then((outcome) => {
      this.#queue.ended(node);
      this.#settle(node, outcome);
      this.#drain();
    });
  }

  /** Records a top-level task's outcome and lets the graph and the callbacks move on. */
  #settle(node: Node, outcome: Outcome): void {
    this.finishRecord(node, outcome);
    const stop = stopOf(outcome);
    for (const child of node.children) {
      if (child.finished) continue;
      // A child a stop kept from starting is cancelled, saying whose timeout it was.
      this.finishRecord(
        child,
        stop ? notStartedOutcome(this, child, stop) : { ...outcome, outputs: {}, attempts: 0 },
      );
    }
    if (node.callback) this.#callbacks.pending--;
    else {
      this.#unfinishedMain--;
      this.#completions.push(node.id);
      this.#callbacks.release(node);
    }
    // A task the workflow timeout ended is timed_out, a failure: its on_failure
    // callbacks still run (in the grace window). After Ctrl-C nothing more starts.
    if (this.#callbacksOpen) this.#callbacks.fire(node);
  }

  /**
   * Stops the main tasks. On the workflow timeout or the caller's (a child run),
   * callbacks (running, queued or called by the tasks it ends) keep going for the grace
   * window; on a signal, a fault or "not needed" they are stopped too.
   */
  #halt(reason: RunStop): void {
    if (this.#finished) return;
    this.#stop ??= reason;
    this.scope.abort(reason);
    clearTimeout(this.#workflowTimer);
    const timedOut = reason === "workflow_timeout" || reason === "caller_timeout" ||
      reason === "caller_workflow_timeout";
    if (!timedOut) this.#closeCallbacks(reason);
    else if (this.#callbacksOpen && this.#graceTimer === undefined) {
      this.#queue.keepOnly((node) => node.callback);
      this.#graceTimer = setTimeout(
        () => this.#closeCallbacks("callback_window"),
        this.callbackGraceMs,
      );
    }
    this.#maybeFinish();
  }

  /** No callback starts any more; running ones are stopped with `reason`. */
  #closeCallbacks(reason: RunStop | "callback_window"): void {
    this.#callbacksOpen = false;
    clearTimeout(this.#graceTimer);
    this.#queue.clear();
    this.callbackScope.abort(reason);
    if (reason === "signal" || reason === "fault") this.#userStop.abort(reason);
    this.#maybeFinish();
  }

  #maybeFinish(): void {
    if (this.#finished) return;
    if (this.#stop) {
      const queued = this.#callbacksOpen && this.#queue.waiting;
      if (this.#queue.inFlight === 0 && !queued && !this.#draining) this.#finish();
      return;
    }
    const idle = this.#queue.inFlight === 0 && !this.#queue.waiting &&
      !this.#draining;
    if ((this.#unfinishedMain === 0 && this.#callbacks.pending === 0) || idle) this.#finish();
  }

  /** Gives every unfinished task its final state and publishes `run_finished`. */
  #finish(): void {
    this.#finished = true;
    clearTimeout(this.#workflowTimer);
    clearTimeout(this.#graceTimer);
    for (const node of this.#order) {
      if (node.finished || node.parent) continue;
      // The stop here is the run's own (signal, workflow timeout, fault): a child's
      // "not started" reason is its parent's.
      const outcome = leftoverOutcome(this, node, this.#stop);
      this.finishRecord(node, outcome);
      for (const child of node.children) {
        if (!child.finished) this.finishRecord(child, { ...outcome, attempts: 0 });
      }
    }
    const run = { id: this.runId, workflow: this.workflow.name, startedAt: this.startedAt };
    const report = runReport(run, this.#order, {
      cancelled: this.#cancelled,
      halted: this.#stop !== null,
      error: this.#error,
      finishedAt: this.#clock(),
    });
    this.publish({ type: "run_finished", runId: this.runId, report });
    const masked = maskReport(report, this.secrets);
    this.outputFiles.close();
    const cleanup = this.outputFiles.keep
      ? Promise.resolve()
      : Deno.remove(this.#workDir, { recursive: true }).catch(() => {});
    cleanup.then(() => this.#resolve(masked));
  }

  /** Marks the tasks that succeeded in the earlier run as done, without running them. */
  #keepResumed(previous: TaskRecord[]): void {
    for (const { node, outcome } of keptFromEarlierRun(this.#order, previous)) {
      this.finishRecord(node, outcome);
      node.record.finishedAt = null; // it did not run in this run
      if (node.parent) continue;
      if (node.callback) node.triggered = true;
      else {
        this.#unfinishedMain--;
        this.#completions.push(node.id);
      }
    }
  }
}
