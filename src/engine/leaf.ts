/**
 * Runs one unit of work — a leaf task, a parallel child, a conditional's branch or a
 * loop iteration — through its runner, with retries, its timeout, its environment,
 * its `$WEFT_OUTPUT` file and its output lines.
 * @module
 */
import type { TaskResult, TaskRunner } from "../tasks/types.ts";
import type { AbortScope, StopReason } from "./abort.ts";
import { AttemptContext } from "./attempt_context.ts";
import {
  errorText,
  notStartedOutcome,
  type Outcome,
  type RunContext,
  stopError,
  stoppedAs,
} from "./context.ts";
import type { AttemptWait, TaskState } from "./events.ts";
import type { Value } from "../expr/mod.ts";
import type { LeafSpec, Node } from "./nodes.ts";
import { retryDelayMs } from "./retry.ts";
import { checkOutputNames } from "./output_names.ts";
import { embeddedMessage, ownText } from "../model/data_text.ts";
import { formatDuration } from "../model/duration.ts";
import { addConfigSecrets } from "./start_secrets.ts";
import { clearLongTimeout, type LongTimeout, setLongTimeout } from "../timer.ts";

/** One unit of work to run. */
export interface LeafJob {
  /** The record the events are about (a loop's iterations report as the loop). */
  node: Node;
  spec: LeafSpec;
  /** The cancellation scope the attempts join. */
  scope: AbortScope;
  /** True when the caller already holds a concurrency slot for the first attempt. */
  slotHeld: boolean;
  /**
   * A `parallel` task's child: under a limit nobody chose (the CPU count) it takes its slot
   * without waiting (Slots.takeOver), as README's "all started at once" says.
   */
  atOnce?: boolean;
  /** Loop iterations: publish output lines only, no attempt events. */
  quiet: boolean;
  item?: { value: Value; index: number };
  /** Called as each attempt starts, holding its slot (a conditional starts its timeout). */
  onStart?: () => void;
  /**
   * Whose `timeout:` the spec's is, when not the node's own, as reasons name it: a
   * conditional's branch step (`its else step's timeout of 1.0s`). Default `its own`.
   */
  timeoutOf?: string;
}

/** The result of the last attempt, plus how many were made. */
export type LeafOutcome = Outcome & { attempts: number };

/**
 * Runs every attempt a job is allowed; never throws. Unless the job is quiet, an outcome
 * from an attempt that took a slot comes back with the slot still held (Node.holdsSlot):
 * the caller publishes the end through RunContext.finishRecord, which gives it back.
 */
export async function runLeaf(run: RunContext, job: LeafJob): Promise<LeafOutcome> {
  // --resume: a loop iteration or parallel child that succeeded before is kept, not run.
  const kept = job.node.parent ? run.resumedChild?.(job.node) : null;
  if (kept) return { ...kept, attempts: 0 };
  const runner = run.registry.get(job.spec.type);
  let slotHeld = job.slotHeld;
  let last: LeafOutcome | null = null;
  for (let attempt = 1;; attempt++) {
    if (!slotHeld && job.atOnce && !run.slots.chosen) {
      run.slots.takeOver();
    } else if (!slotHeld && !run.slots.tryAcquire()) {
      // A retry whose back-off is over says it now waits for a slot (a first attempt is
      // still pending, which says as much).
      if (attempt > 1) publishWaiting(run, job, attempt, "slot");
      // A stop (the composite's timeout, the workflow's, Ctrl-C) ends the wait: no slot held.
      const stop = await run.slots.acquire(job.scope);
      if (stop) return stopped(run, job, stop, last, attempt - 1);
    }
    slotHeld = false;
    // Rarely a promise (this process may have been paused, see EngineOptions.beforeStart):
    // a stop it leads to is read just below, before anything starts.
    const asked = run.beforeStart();
    if (asked) await asked;
    if (job.scope.reason !== null) {
      return holdUntilPublished(run, job, stopped(run, job, job.scope.reason, last, attempt - 1));
    }
    if (!runner) {
      // startRun refuses unknown types; this only guards a registry changed since.
      const error = ownText(`no runner for task type "${job.spec.type}"`);
      return holdUntilPublished(run, job, failure(run, error, attempt));
    }
    const { outcome, retryable } = await runAttempt(run, job, runner, attempt);
    last = outcome;
    const retryIn = retryable && job.scope.reason === null
      ? retryDelayMs(job.spec.retry, attempt)
      : null;
    if (!job.quiet) publishAttempt(run, job, outcome, retryIn);
    if (retryIn === null) return holdUntilPublished(run, job, outcome);
    run.slots.release(); // the back-off holds no slot
    const next = attempt + 1;
    const stop = await run.backOff(
      job.node,
      job.scope,
      retryIn,
      () => publishWaiting(run, job, next, "alone"),
    );
    if (stop) return stopped(run, job, stop, last, attempt);
  }
}

/**
 * Returns the outcome of a job's last attempt, whose slot is still held: it is given
 * back once the caller has published the task's end (RunContext.finishRecord), so that
 * the next task's `task_started` never comes before this one's `task_finished`.
 */
function holdUntilPublished(run: RunContext, job: LeafJob, outcome: LeafOutcome): LeafOutcome {
  if (job.quiet) run.slots.release(); // no task events to wait for
  else job.node.holdsSlot = true;
  return outcome;
}

/**
 * The job's own timeout a stop is about, in ms: its `timeout` for "timeout"; for
 * "parent_timeout", a conditional's own (its branch runs as the conditional's node).
 */
/** Whose timeout `ownTimeout` is, in a reason's words (stopError's `whose`). */
function timeoutOwner(job: LeafJob, stop: StopReason): string | undefined {
  return stop === "timeout" ? job.timeoutOf : undefined;
}

function ownTimeout(job: LeafJob, stop: StopReason): number | null {
  if (stop === "timeout") return job.spec.timeout ?? null;
  return stop === "parent_timeout" ? job.node.compositeTimeout : null;
}

interface AttemptResult {
  outcome: LeafOutcome & { startedAt: string };
  retryable: boolean;
}

async function runAttempt(
  run: RunContext,
  job: LeafJob,
  runner: TaskRunner,
  attempt: number,
): Promise<AttemptResult> {
  const { node, spec } = job;
  const startedAt = job.quiet ? run.nowIso() : run.markStarted(node, attempt);
  job.onStart?.();
  // Only a timeout needs a controller of its own; otherwise the scope's shared signal
  // carries cancellation (cheaper when 100,000 tasks run).
  let signal = job.scope.signal;
  let leave = () => {};
  let timer: LongTimeout | undefined;
  const limit = spec.timeout ?? runner.defaultTimeoutMs;
  if (limit !== undefined) {
    const own = new AbortController();
    leave = job.scope.join(own);
    timer = setLongTimeout(() => own.abort("timeout" satisfies StopReason), limit);
    signal = own.signal;
  }
  let ctx: AttemptContext | null = null;
  let outputFile = "";
  let result: TaskResult;
  let configError = false;
  try {
    if (!job.quiet) {
      run.publish({
        type: "task_started",
        runId: run.runId,
        taskId: node.id,
        attempt,
        at: startedAt,
      });
    }
    if (runner.usesOutputFile !== false) outputFile = run.outputFiles.take(node.id, attempt);
    configError = true; // until the environment and cwd are worked out
    ctx = new AttemptContext(run, job, attempt, outputFile, signal);
    configError = false;
    addConfigSecrets(run.secrets, runner, spec.config, ctx.interpolate, ctx.interpolateUrl);
    result = await runner.run(spec.config, ctx);
    // Before the task's record is published: masking keeps these whole (mask_events.ts).
    if (result.identifiers) run.secrets.protect(result.identifiers);
  } catch (error) {
    result = { ok: false, exitCode: null, outputs: {}, error: errorText(error) };
  } finally {
    ctx?.close();
    clearLongTimeout(timer);
    leave();
  }
  // Awaited only when a promise (a big file): most attempts wrote none, told at once.
  let read = outputFile ? run.outputFiles.read(outputFile) : null;
  if (read instanceof Promise) read = await read;
  // $WEFT_OUTPUT content that is not the format (outputs.ts), or more than its limit
  // (output_files.ts), fails an attempt that succeeded.
  const malformed = read instanceof Error ? read : null;
  if (malformed && result.ok) result = { ...result, ok: false, error: malformed.reason };
  const written = read instanceof Error ? null : read;
  // One limit on output names, whatever made them (output_names.ts): a name over it
  // fails an attempt that succeeded, as a malformed file does.
  const named = checkOutputNames(
    node.id,
    written ? { ...result.outputs, ...written } : result.outputs,
  );
  const outputs = named.outputs;
  const nameError = result.ok ? named.error : null;
  if (nameError !== null) result = { ...result, ok: false, error: nameError };
  const badName = nameError !== null;
  // A value the task wrote to $WEFT_OUTPUT under the same name is whole.
  const cut = result.cut && Object.fromEntries(
    Object.entries(result.cut).filter(([name]) => !written || !Object.hasOwn(written, name)),
  );
  const stop = signal.aborted ? signal.reason as StopReason : null;
  let status: TaskState = result.ok ? "success" : "failed";
  let reason: Outcome["reason"] = result.ok
    ? null
    : result.exitCode !== null && !malformed && !badName
    ? "exit_code"
    : "error";
  if (stop) ({ status, reason } = stoppedAs(stop));
  const retryable = (status === "failed" && !configError) ||
    (status === "timed_out" && stop === "timeout");
  // A timeout's reason is the timeout, not the exit code its SIGTERM caused.
  const error = status === "success"
    ? null
    : stop === "timeout" && spec.timeout === undefined && limit !== undefined
    ? ownText(
      `the ${spec.type} task's default timeout of ${formatDuration(limit)} ` +
        "(set `timeout:` to wait longer)",
    )
    : (stop && stopError(run, node, stop, ownTimeout(job, stop), timeoutOwner(job, stop))) ??
      result.error ?? null;
  return {
    outcome: {
      status,
      reason,
      exitCode: result.exitCode,
      error,
      outputs,
      cut,
      stdout: (ctx as AttemptContext | null)?.stdout ?? "", // assigned in the try, which TS cannot see
      attempts: attempt,
      startedAt,
    },
    retryable,
  };
}

function publishAttempt(
  run: RunContext,
  job: LeafJob,
  outcome: LeafOutcome,
  retryInMs: number | null,
): void {
  run.publish({
    type: "attempt_finished",
    runId: run.runId,
    taskId: job.node.id,
    attempt: outcome.attempts,
    status: outcome.status,
    exitCode: outcome.exitCode,
    error: outcome.error,
    startedAt: (outcome as { startedAt?: string }).startedAt ?? run.nowIso(),
    finishedAt: run.nowIso(),
    retryInMs,
  });
}

/** Says that attempt `attempt`, its back-off over, waits for `waitingFor` (not for quiet jobs). */
function publishWaiting(
  run: RunContext,
  job: LeafJob,
  attempt: number,
  waitingFor: AttemptWait,
): void {
  if (job.quiet) return;
  run.publish({
    type: "attempt_waiting",
    runId: run.runId,
    taskId: job.node.id,
    attempt,
    waitingFor,
    at: run.nowIso(),
  });
}

function failure(
  run: RunContext,
  error: string,
  attempts: number,
): LeafOutcome & { startedAt: string } {
  return {
    status: "failed",
    reason: "error",
    exitCode: null,
    error,
    outputs: {},
    stdout: "",
    attempts,
    startedAt: run.nowIso(),
  };
}

/**
 * The outcome of a job stopped between attempts (waiting for a slot or a retry): one
 * that never started is cancelled by a stop from outside it (notStartedOutcome); one
 * that ran, or whose own timeout ran out (a conditional's, which starts with its first
 * attempt), ends as stopped. No process was running when the stop came, so the record
 * says so (`stopped while waiting to retry after attempt 1 (it ended: exited with code
 * 1)`) and has no exit code: the last attempt's exit code and error stay that attempt's
 * (its attempt record), never read as what the stop did to a process.
 */
function stopped(
  run: RunContext,
  job: LeafJob,
  reason: StopReason,
  last: LeafOutcome | null,
  attempts: number,
): LeafOutcome {
  const own = ownTimeout(job, reason);
  if (attempts === 0 && own === null) return notStartedOutcome(run, job.node, reason);
  const cause = stopError(run, job.node, reason, own, timeoutOwner(job, reason));
  const waiting = last === null ? null : waitingWords(last);
  return {
    ...stoppedAs(reason),
    exitCode: null,
    error: waiting === null ? cause : cause === null ? waiting : cause + ownText(", ") + waiting,
    outputs: last?.outputs ?? {},
    cut: last?.cut,
    stdout: last?.stdout ?? "",
    attempts,
  };
}

/**
 * What a job stopped between two attempts was doing: `stopped while waiting to retry
 * after attempt 2 (it ended: exited with code 1)`. The attempt's error is embedded as
 * its marks say (an unmarked one is data, masked whole: embeddedMessage).
 */
function waitingWords(last: LeafOutcome): string {
  return ownText(`stopped while waiting to retry after attempt ${last.attempts}`) +
    (last.error ? ownText(" (it ended: ") + embeddedMessage(last.error) + ownText(")") : "");
}
