/**
 * The launch pump of one run: it keeps the main DAG's ready set, skips what a condition
 * or a failed dependency rules out, queues the rest and the callbacks fired, starts
 * queued tasks under the concurrency limit (and alone for `parallel: false`), settles
 * their outcomes, and says when the run may finish. The run (run.ts) owns it and the
 * stop state (run_stop.ts) it reads.
 *
 * Every operation is O(1) or O(degree) per task, so 100,000 tasks schedule quickly.
 * @module
 */
import { ReadyTracker } from "../graph/mod.ts";
import { type AbortScope, sleepIn, type StopReason } from "./abort.ts";
import { Callbacks } from "./callbacks.ts";
import { runComposite } from "./composite.ts";
import { notStartedOutcome, type Outcome, type RunContext, stopOf } from "./context.ts";
import type { TaskRecord } from "./events.ts";
import type { LaunchQueue } from "./launch_queue.ts";
import { runLeaf } from "./leaf.ts";
import type { Node } from "./nodes.ts";
import { keptFromEarlierRun } from "./resume.ts";
import type { RunStops } from "./run_stop.ts";
import { conditionSkip, upstreamSkip } from "./skips.ts";

/** What the scheduler asks of its run: whether it ended, and to end it. */
export interface SchedulerHooks {
  finished(): boolean;
  /** Gives every unfinished task its final state and publishes `run_finished`. */
  finish(): void;
}

/** The scheduler of one run's main tasks and callbacks. */
export class Scheduler {
  #tracker: ReadyTracker;
  #completions: string[] = [];
  #draining = false;
  #unfinishedMain: number;
  #callbacks: Callbacks;

  /** `main`: the run's main tasks (not callbacks, not children of a composite). */
  constructor(
    private readonly run: RunContext,
    main: Node[],
    /** Tasks ready to start, and what runs now (launch_queue.ts). */
    private readonly queue: LaunchQueue,
    private readonly stops: RunStops,
    private readonly hooks: SchedulerHooks,
  ) {
    this.#tracker = new ReadyTracker(main);
    this.#unfinishedMain = main.length;
    this.#callbacks = new Callbacks(
      run.nodes,
      // A callback after another of its list (depends_on) is skipped when that one failed.
      (callback) => {
        const blocked = upstreamSkip(callback, run.nodes);
        if (blocked) this.#settle(callback, blocked);
        else this.#queueIfConditionHolds(callback);
      },
    );
  }

  /** RunContext.backOff: see there. */
  async backOff(
    node: Node,
    scope: AbortScope,
    ms: number,
    waiting?: () => void,
  ): Promise<StopReason | null> {
    // Only a top-level task (main or callback) is in the launch queue: a conditional's
    // branch runs as its node; parallel children and loop iterations never run alone.
    if (!node.alone || node.parent !== null) return sleepIn(scope, ms);
    this.queue.rest(node);
    this.pump();
    const stop = await sleepIn(scope, ms);
    return stop ?? await this.queue.regain(node, scope, waiting);
  }

  /** Completes finished main tasks in the tracker and handles whatever became ready. */
  drain(): void {
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
        for (const id of ready) this.#onReady(this.run.nodes.get(id)!);
      }
    } finally {
      this.#draining = false;
    }
    this.pump();
    this.maybeFinish();
  }

  /** A main task whose dependencies all finished: skip it or queue it. */
  #onReady(node: Node): void {
    if (node.finished || this.stops.reason) return;
    const blocked = upstreamSkip(node, this.run.nodes);
    if (blocked) this.#settle(node, blocked);
    else this.#queueIfConditionHolds(node);
  }

  /** Queues a task (main or callback) unless its condition rules it out (skips.ts). */
  #queueIfConditionHolds(node: Node): void {
    const ruledOut = conditionSkip(node, this.run);
    if (ruledOut) this.#settle(node, ruledOut);
    else this.queue.push(node);
  }

  /** Starts queued tasks while the limits allow. */
  pump(): void {
    // After the workflow timeout the queue holds only callbacks (see RunStops.halt).
    if (!this.stops.callbacksOpen || this.hooks.finished()) return;
    for (let node = this.queue.next(); node; node = this.queue.next()) {
      const slotHeld = node.kind === "leaf";
      if (slotHeld && !this.run.slots.tryAcquire()) break;
      this.queue.take(node);
      this.#launch(node, slotHeld);
    }
    this.queue.compact();
  }

  #launch(node: Node, slotHeld: boolean): void {
    const scope = node.callback ? this.stops.callbackScope : this.stops.scope;
    const work = node.kind === "leaf"
      ? runLeaf(this.run, { node, spec: node.leaf!, scope, slotHeld, quiet: false })
      : runComposite(this.run, node, scope);
    work.then((outcome) => {
      this.queue.ended(node);
      this.#settle(node, outcome);
      this.drain();
    });
  }

  /** Records a top-level task's outcome and lets the graph and the callbacks move on. */
  #settle(node: Node, outcome: Outcome): void {
    this.run.finishRecord(node, outcome);
    const stop = stopOf(outcome);
    for (const child of node.children) {
      if (child.finished) continue;
      // A child a stop kept from starting is cancelled, saying whose timeout it was.
      this.run.finishRecord(
        child,
        stop ? notStartedOutcome(this.run, child, stop) : { ...outcome, outputs: {}, attempts: 0 },
      );
    }
    if (!node.callback) {
      this.#unfinishedMain--;
      this.#completions.push(node.id);
    }
    this.#callbacks.settled(node);
    // A task the workflow timeout ended is timed_out, a failure: its on_failure
    // callbacks still run (in the grace window). After Ctrl-C nothing more starts.
    if (this.stops.callbacksOpen) this.#callbacks.fire(node);
  }

  /** Finishes the run once nothing runs or waits any more (or nothing can). */
  maybeFinish(): void {
    if (this.hooks.finished()) return;
    if (this.stops.reason) {
      const queued = this.stops.callbacksOpen && this.queue.waiting;
      if (this.queue.inFlight === 0 && !queued && !this.#draining) this.hooks.finish();
      return;
    }
    const idle = this.queue.inFlight === 0 && !this.queue.waiting &&
      !this.#draining;
    if ((this.#unfinishedMain === 0 && this.#callbacks.pending === 0) || idle) {
      this.hooks.finish();
    }
  }

  /**
   * Marks the tasks of `order` (the run's, in file order) that succeeded in the earlier
   * run as done, without running them.
   */
  keepResumed(order: Node[], previous: TaskRecord[]): void {
    const keptMain: Node[] = [];
    for (const { node, outcome } of keptFromEarlierRun(order, previous)) {
      this.run.finishRecord(node, outcome);
      node.record.finishedAt = null; // it did not run in this run
      if (node.parent) continue;
      if (node.callback) node.triggered = true;
      else {
        this.#unfinishedMain--;
        this.#completions.push(node.id);
        keptMain.push(node);
      }
    }
    // A kept task's callbacks that did not succeed then (failed, or never called) are
    // called now, as its success calls them: a failed `notify` is not dropped. Those that
    // succeeded were kept above (triggered), so are not called twice.
    for (const node of keptMain) this.#callbacks.fire(node);
  }
}
