/**
 * `weft daemon`'s core: holds the workflows of its folders and the schedules of the
 * store, fires schedules on an injected clock (daemon_fires.ts), answers webhook and
 * file_change triggers (daemon_triggers.ts), and starts every run through the injected
 * {@link Launcher} under the overlap policies and the `--max-runs` limit
 * (daemon_slots.ts). Every fire is recorded in the schedule store (claimed first, so no
 * fire runs twice). Knows no signals, sockets or terminals: the CLI (src/cli/daemon.ts)
 * wires those.
 * @module
 */
import type { Clock } from "./clock.ts";
import { type Fire, FireLoop } from "./daemon_fires.ts";
import { type Overlap, RunSlots, type StartedRun } from "./daemon_slots.ts";
import type { FileWatch } from "./daemon_watch.ts";
import { wireTriggers } from "./daemon_triggers.ts";
import {
  type FileLoader,
  listWorkflowFiles,
  loadAll,
  type LoadedFile,
} from "./daemon_workflows.ts";
import {
  markMissed,
  outcomeOf,
  recordLeftMissed,
  recordMissed,
  syncSchedules,
} from "./daemon_schedules.ts";
import { formatZoned, zoneOf } from "./zone.ts";
import { unreadableSecretsLine } from "./secret_params.ts";
import { endedLine } from "./daemon_ends.ts";
import { describeFault } from "../store/faults.ts";
import type { FireOutcome } from "./types.ts";
import type { ScheduleStore } from "../store/schedule_store.ts";
import type { RunTrigger } from "../engine/events.ts";
import { resolveParams } from "../engine/params.ts";
import {
  CHANGED_FILES_PARAM,
  type DaemonRoute,
  FireRefused,
  type Launcher,
  type LaunchRequest,
} from "./daemon_types.ts";
import { clearLongTimeout, type LongTimeout, setLongTimeout } from "../timer.ts";

export * from "./daemon_types.ts";

/** Options of {@link Daemon}. */
export interface DaemonOptions {
  dirs: string[];
  cwd: string;
  maxRuns: number;
  clock: Clock;
  store: ScheduleStore;
  load: FileLoader;
  launch: Launcher;
  /** One line per event (no newline). */
  log(line: string): void;
}

/** The daemon: `start()`, then `reload()` on SIGHUP, `stop(graceMs)` on SIGTERM. */
export class Daemon {
  #o: DaemonOptions;
  #slots: RunSlots;
  #loop: FireLoop;
  #stopLoop = new AbortController();
  #loopDone: Promise<void> = Promise.resolve();
  #workflows = new Map<string, LoadedFile>();
  #routes = new Map<string, DaemonRoute>();
  #watches: FileWatch[] = [];
  #stopping = false;
  #handling = new Set<Promise<void>>();
  #reloading: Promise<void> = Promise.resolve();
  #hurry = () => {};

  constructor(options: DaemonOptions) {
    this.#o = options;
    this.#slots = new RunSlots(options.maxRuns);
    this.#loop = new FireLoop(options.clock);
  }

  /** Loads everything, runs or records the fires missed while down, and starts firing. */
  async start(): Promise<void> {
    await this.reload();
    const owed = this.#loop.catchUp();
    const deps = {
      store: this.#o.store,
      clock: this.#o.clock,
      log: (line: string) => this.#o.log(line),
      stopping: () => this.#stopping,
    };
    // Marked pending before any newer fire is recorded (see markMissed).
    const missed = await markMissed(owed.missed, deps);
    for (const fire of owed.fires) this.#onFire(fire);
    this.#track(recordMissed(missed, deps));
    this.#track(recordLeftMissed(owed.left, deps));
    this.#loopDone = this.#loop.run((fire) => this.#onFire(fire), this.#stopLoop.signal);
  }

  /** The route for a webhook path (read per request, so reloads apply). */
  route(path: string): DaemonRoute | undefined {
    return this.#stopping ? undefined : this.#routes.get(path);
  }

  /** Runs started and not ended. */
  get running(): number {
    return this.#slots.running.length;
  }

  /**
   * Re-reads the folders and the store's schedules (start and SIGHUP); reloads asked for
   * while one runs go one after another. Throws WeftError when a folder cannot be read.
   */
  reload(): Promise<void> {
    const next = this.#reloading.catch(() => {}).then(() => this.#reload());
    this.#reloading = next;
    return next;
  }

  async #reload(): Promise<void> {
    const files = await listWorkflowFiles(this.#o.dirs, this.#o.cwd);
    const report = await loadAll(files, this.#o.load, this.#workflows);
    for (const line of report.problems) this.#o.log(line);
    this.#workflows = new Map(report.loaded.map((l) => [l.file, l]));
    const schedules = await syncSchedules(this.#o.store, report.loaded, this.#o.log);
    this.#loop.setSchedules(schedules);
    this.#setTriggers(report.loaded);
    this.#o.log(
      `loaded ${report.loaded.length} workflow(s), ${schedules.length} active schedule(s), ` +
        `${this.#routes.size} webhook(s), ${this.#watches.length} file watch(es)`,
    );
  }

  /**
   * Stops firing, waits up to `graceMs` for running runs, cancels what is left and waits
   * for it to be recorded.
   */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.#slots.close();
    this.#stopLoop.abort();
    for (const w of this.#watches) w.close();
    this.#watches = [];
    await this.#loopDone;
    await this.#drain(graceMs);
    await Promise.all(this.#handling);
  }

  /** During stop(): cancel the running runs now instead of at the end of the grace period. */
  hurry(): void {
    this.#hurry();
  }

  async #drain(graceMs: number): Promise<void> {
    const running = this.#slots.running;
    if (running.length === 0) return;
    this.#o.log(`waiting up to ${graceMs} ms for ${running.length} running run(s)`);
    const all = Promise.all(running.map((r) => r.done));
    let timer: LongTimeout | undefined;
    const late = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setLongTimeout(() => resolve(true), graceMs);
        this.#hurry = () => resolve(true);
      }),
    ]);
    clearLongTimeout(timer);
    if (!late) return;
    for (const run of this.#slots.running) {
      this.#o.log(`cancelling run ${run.runId}`);
      run.cancel();
    }
    await Promise.all(this.#slots.running.map((r) => r.done));
  }

  #setTriggers(loaded: LoadedFile[]): void {
    for (const w of this.#watches) w.close();
    ({ routes: this.#routes, watches: this.#watches } = wireTriggers(loaded, {
      webhook: (l, params, overlap) => this.#fireWebhook(l, params, overlap),
      files: (file, paths, base, overlap) => this.#fireFiles(file, paths, base, overlap),
      log: (line) => this.#o.log(line),
    }));
  }

  async #fireWebhook(l: LoadedFile, given: Record<string, string>, overlap: Overlap) {
    const current = this.#workflows.get(l.file) ?? l;
    let params: Record<string, string>;
    try {
      params = resolveParams(current.workflow, given);
    } catch (e) {
      throw new FireRefused(400, (e as Error).message.replace(/\s*\n\s*/g, "; "));
    }
    const admission = this.#slots.offer(
      `webhook:${l.file}`,
      overlap,
      () => this.#start({ file: l.file, loaded: current, params, trigger: { type: "webhook" } }),
    );
    if (admission.kind === "skipped") {
      throw new FireRefused(409, "a run of this workflow is still going (overlap: skip)");
    }
    if (admission.queued) {
      this.#o.log(`webhook run of ${l.file} queued behind the running one`);
      return { runId: null, queued: true };
    }
    const run = await admission.started;
    if (!run) throw new FireRefused(503, "the run could not start (the log says why)");
    return { runId: run.runId };
  }

  #fireFiles(
    file: string,
    paths: string[],
    base: Record<string, string>,
    overlap: Overlap,
  ): void {
    if (this.#stopping) return;
    const l = this.#workflows.get(file);
    if (!l) return;
    const params: Record<string, string> = { ...base };
    if (l.workflow.params && Object.hasOwn(l.workflow.params, CHANGED_FILES_PARAM)) {
      params[CHANGED_FILES_PARAM] = paths.join("\n");
    }
    this.#o.log(`file change in ${file}: ${paths.length} path(s) changed`);
    const admission = this.#slots.offer(
      `file:${file}`,
      overlap,
      () =>
        this.#start({
          file,
          loaded: this.#workflows.get(file) ?? l,
          params,
          trigger: { type: "file" },
        }),
    );
    if (admission.kind === "skipped") this.#o.log(`file change of ${file} skipped: a run is going`);
  }

  #onFire(fire: Fire): void {
    if (this.#stopping) return;
    this.#track(
      this.#fireSchedule(fire).catch((e) => {
        // The schedule store is weft.kv too: a full disk keeps the fire from its record.
        const why = describeFault(e)?.reason ?? (e instanceof Error ? e.message : String(e));
        const at = formatZoned(fire.time, zoneOf(fire.schedule.tz));
        this.#o.log(`schedule ${fire.schedule.name}: fire of ${at} could not be recorded: ${why}`);
      }),
    );
  }

  /** stop() waits for these, so every fire's outcome is written before the store closes. */
  #track(handling: Promise<void>): void {
    this.#handling.add(handling);
    handling.finally(() => this.#handling.delete(handling));
  }

  async #fireSchedule({ schedule: s, time, kind, leftWaiting }: Fire): Promise<void> {
    const store = this.#o.store;
    const at = formatZoned(time, zoneOf(s.tz));
    const record = {
      schedule: s.name,
      time: at,
      trigger: kind === "catch-up" ? "catch-up" as const : "schedule" as const,
      outcome: "started" as FireOutcome,
      runId: null as string | null,
      firedAt: this.#o.clock.now().toISOString(),
    };
    // Another daemon or an earlier start had it. (Failing, it throws: the fire is not
    // run, as it cannot be recorded — so that no fire ever runs twice.) A fire a killed
    // daemon left waiting is taken over (its record says it never started).
    if (!(await store.claimFire(record, { unstarted: leftWaiting === true }))) return;
    if (leftWaiting) {
      this.#o.log(
        `schedule ${s.name}: fire of ${at} never started (the daemon stopped while it waited); ` +
          `it runs now as a catch-up`,
      );
    }
    // A secret param read back as *** would run the workflow with a wrong value: not run.
    const unreadable = unreadableSecretsLine(s);
    if (unreadable) {
      this.#o.log(`${unreadable}; fire of ${at} recorded failed`);
      await store.recordFire({ ...record, outcome: "failed", reason: unreadable });
      return;
    }
    const loaded = this.#workflows.get(s.file);
    const trigger: RunTrigger = { type: record.trigger, scheduledFor: at, schedule: s.name };
    let refused = "";
    const admission = this.#slots.offer(
      `schedule:${s.name}`,
      s.overlap,
      () =>
        this.#start(
          { file: s.file, loaded, params: s.params, trigger },
          (reason) => refused = reason,
        ),
    );
    if (admission.kind === "skipped") {
      this.#o.log(`schedule ${s.name}: fire of ${at} skipped (a run is still going)`);
      await store.recordFire({ ...record, outcome: "skipped" });
      return;
    }
    if (admission.queued) {
      await store.recordFire({ ...record, outcome: "queued" });
      this.#o.log(`schedule ${s.name}: fire of ${at} queued behind the running run`);
    }
    const run = await admission.started;
    if (!run) {
      // Why it did not start is kept with the fire (`weft schedule list` shows it).
      await store.recordFire(
        refused
          ? { ...record, outcome: "failed", reason: `the run could not start: ${refused}` }
          : { ...record, outcome: this.#stopping ? "cancelled" : "failed" },
      );
      return;
    }
    await store.recordFire({ ...record, outcome: "started", runId: run.runId });
    const end = await run.done as { status: string };
    await store.recordFire({ ...record, outcome: outcomeOf(end.status), runId: run.runId });
  }

  /** Starts one run; a failure to start is logged, told to `refused` and gives null. */
  async #start(
    request: LaunchRequest,
    refused: (reason: string) => void = () => {},
  ): Promise<StartedRun | null> {
    if (this.#stopping) return null;
    try {
      const run = await this.#o.launch(request);
      const what = request.trigger.schedule
        ? `${request.trigger.type} ${request.trigger.schedule} ${request.trigger.scheduledFor}`
        : request.trigger.type;
      this.#o.log(`run ${run.runId} started (${what}) ${request.file}`);
      const done = run.done.then((report) => {
        this.#o.log(endedLine(run.runId, report));
        return report;
      }, (e) => {
        this.#o.log(`run ${run.runId} ended with an error: ${(e as Error).message}`);
        return { status: "failed" };
      });
      return { runId: run.runId, done, cancel: () => run.cancel() };
    } catch (e) {
      const reason = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, "; ");
      this.#o.log(`run of ${request.file} (${request.trigger.type}) could not start: ${reason}`);
      refused(reason);
      return null;
    }
  }
}
