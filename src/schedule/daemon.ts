/**
 * `weft daemon`'s core: holds the workflows of its folders and the schedules of the
 * store, fires schedules on an injected clock (daemon_fires.ts), answers webhook and
 * file_change triggers (daemon_triggers.ts), and starts every run through the injected
 * {@link Launcher} under the overlap policies and the `--max-runs` limit
 * (daemon_slots.ts, daemon_start.ts). Every fire is recorded in the schedule store
 * (claimed first, so no fire runs twice: daemon_fire.ts). Knows no signals, sockets or
 * terminals: the CLI (src/cli/daemon.ts) wires those.
 * @module
 */
import type { Clock } from "./clock.ts";
import { type Fire, FireLoop } from "./daemon_fires.ts";
import { RunSlots, type StartedRun } from "./daemon_slots.ts";
import type { FileWatch } from "./daemon_watch.ts";
import { webhookParams, webhookWarnings, wireTriggers } from "./daemon_triggers.ts";
import { fireFiles, fireWebhook, type TriggerFireDeps } from "./daemon_trigger_fire.ts";
import { drainRuns, settleHandling } from "./daemon_drain.ts";
import {
  type FileLoader,
  listWorkflowFiles,
  loadAll,
  type LoadedFile,
} from "./daemon_workflows.ts";
import { type ScheduleSecretsFinder, syncSchedules } from "./daemon_schedules.ts";
import { joinedLines, type Owed, oweFires } from "./daemon_owed.ts";
import {
  type FiredRun,
  runScheduleFire,
  type ScheduleFireDeps,
  scheduleSlotKey,
} from "./daemon_fire.ts";
import { WaitingFires } from "./daemon_waiting.ts";
import { startRun } from "./daemon_start.ts";
import { OwnWrites } from "./daemon_own_writes.ts";
import { StoreWatch } from "./daemon_store_watch.ts";
import { formatZoned, zoneOf } from "./zone.ts";
import { newFire } from "./types.ts";
import { describeFault } from "../store/faults.ts";
import type { ScheduleStore } from "../store/schedule_store.ts";
import type { DaemonRoute, Launcher, LaunchRequest } from "./daemon_types.ts";

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
  /**
   * The start-of-run secrets inside a file schedule's params, as `weft schedule add`
   * finds them (Schedule.secretValues; syncSchedules). Without it, none.
   */
  secretsIn?: ScheduleSecretsFinder;
  /**
   * Where webhooks are served (`--listen`); absent: they are not, and a loaded webhook
   * trigger is said to be unreachable.
   */
  listen?: { hostname: string };
  /** What `${env.NAME}` in a webhook's `config.secret` reads (default: the process's). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Finds the run a fire left waiting by a killed daemon had started after all (it was
   * killed before the fire's record got the run's id): that fire is not run again.
   * Without it, such a fire runs.
   */
  firedRun?: FiredRun;
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
  /** start() has dealt with what was owed: a schedule joining later owes its own. */
  #started = false;
  #handling = new Set<Promise<unknown>>();
  #reloading: Promise<void> = Promise.resolve();
  /** Settled by hurry(): a second SIGTERM. */
  #hurried = Promise.withResolvers<void>();
  /** Sees schedule changes other processes make in the store. */
  #storeWatch: StoreWatch;
  /** When each workflow's runs went on: their own writes fire no file trigger. */
  #ownWrites = new OwnWrites();
  /** Schedule fires waiting in the slots: withdrawn when their schedule is paused or removed. */
  #waitingFires = new WaitingFires();
  /** What each schedule fire works with (daemon_fire.ts). */
  readonly #fireDeps: ScheduleFireDeps;
  /** What each webhook request and file change works with (daemon_trigger_fire.ts). */
  readonly #triggerDeps: TriggerFireDeps;

  constructor(options: DaemonOptions) {
    this.#o = options;
    this.#slots = new RunSlots(options.maxRuns);
    this.#loop = new FireLoop(options.clock);
    this.#storeWatch = new StoreWatch(options.store);
    this.#fireDeps = {
      store: options.store,
      clock: options.clock,
      slots: this.#slots,
      log: (line) => this.#o.log(line),
      workflow: (file) => this.#workflows.get(file),
      start: (request, refused) => this.#start(request, refused),
      stopping: () => this.#stopping,
      firedRun: options.firedRun,
      waiting: this.#waitingFires,
    };
    this.#triggerDeps = { ...this.#fireDeps, ownWrites: this.#ownWrites };
  }

  /** Loads everything, runs or records the fires missed while down, and starts firing. */
  async start(): Promise<void> {
    await this.reload();
    // Started once the file watches are armed: a change made after start() is seen.
    await Promise.all(this.#watches.map((w) => w.ready));
    await this.#owe(this.#loop.catchUp());
    this.#started = true;
    this.#loopDone = this.#loop.run((fire) => this.#onFire(fire), this.#stopLoop.signal);
    this.#storeWatch.start(
      () => this.#resyncSchedules(),
      (e) => this.#o.log(`cannot read the schedule store: ${(e as Error).message}`),
    );
  }

  /**
   * After start: what the schedules new to the loop owe (`joined`, FireLoop.setSchedules).
   * A schedule the daemon did not fire until now — its file did not validate at start,
   * or was out of the folders — owes what any schedule owes on a start: since its last
   * fire, the fires within `catchup` run as catch-ups, older ones are recorded missed
   * (tester tdaemon F5: they were lost without a word once SIGHUP loaded the fixed file).
   */
  async #oweJoined(joined: string[]): Promise<void> {
    if (!this.#started || this.#stopping || joined.length === 0) return;
    const owed = this.#loop.catchUp(new Set(joined));
    for (const line of joinedLines(owed)) this.#o.log(line);
    await this.#owe(owed);
  }

  /** Runs or records what FireLoop.catchUp found owed (daemon_owed.ts). */
  #owe(owed: Owed): Promise<void> {
    return oweFires(owed, {
      store: this.#o.store,
      clock: this.#o.clock,
      log: (line: string) => this.#o.log(line),
      stopping: () => this.#stopping,
      handle: (fire) => this.#handle(fire),
      track: (work) => this.#track(work),
      hold: (schedule) => this.#slots.hold(scheduleSlotKey(schedule)),
    });
  }

  /** Reads the store's schedules again (another process changed them: StoreWatch). */
  #resyncSchedules(): Promise<void> {
    const next = this.#reloading.catch(() => {}).then(async () => {
      if (this.#stopping) return;
      const { firing: schedules, stored } = await syncSchedules(
        this.#o.store,
        [...this.#workflows.values()],
        this.#o.log,
        this.#o.secretsIn,
      );
      const joined = this.#loop.setSchedules(schedules);
      this.#storeWatch.seen(stored);
      this.#o.log(`schedules changed in the store: ${scheduleCount(schedules)}`);
      // A pause or remove frees at once what its waiting fires held (daemon_waiting.ts).
      await this.#waitingFires.settle(this.#o.store);
      await this.#oweJoined(joined);
    });
    this.#reloading = next;
    return next;
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
    const { firing: schedules, stored } = await syncSchedules(
      this.#o.store,
      report.loaded,
      this.#o.log,
      this.#o.secretsIn,
    );
    const joined = this.#loop.setSchedules(schedules);
    this.#storeWatch.seen(stored);
    await this.#waitingFires.settle(this.#o.store);
    this.#setTriggers(report.loaded);
    const served = this.#o.listen ? "" : " (not served: no --listen)";
    this.#o.log(
      `loaded ${report.loaded.length} workflow(s), ${scheduleCount(schedules)}, ` +
        `${this.#routes.size} webhook(s)${this.#routes.size ? served : ""}, ` +
        `${this.#watches.length} file watch(es)`,
    );
    for (const line of webhookWarnings(this.#routes, this.#o.listen)) this.#o.log(line);
    await this.#oweJoined(joined);
  }

  /**
   * Stops firing, waits up to `graceMs` for running runs, cancels what is left and waits
   * for it to be recorded; fires still being handled are waited for until the end of the
   * grace (or shortly after hurry()), not longer.
   */
  async stop(graceMs: number): Promise<void> {
    const graceEnd = Date.now() + graceMs;
    this.#stopping = true;
    this.#slots.close();
    this.#stopLoop.abort();
    this.#storeWatch.close();
    for (const w of this.#watches) w.close();
    this.#watches = [];
    await this.#loopDone;
    await this.#drain(graceMs);
    // Bounded: a fire stuck for good (a read that never returns) must not keep the
    // daemon from ending (daemon_drain.ts).
    await settleHandling(
      this.#handling,
      graceEnd,
      this.#hurried.promise,
      (line) => this.#o.log(line),
    );
  }

  /**
   * During stop(): cancel the running runs now instead of at the end of the grace period,
   * and wait no more for fires still being handled.
   */
  hurry(): void {
    this.#hurried.resolve();
  }

  #drain(graceMs: number): Promise<void> {
    return drainRuns(this.#slots, graceMs, (line) => this.#o.log(line), this.#hurried.promise);
  }

  #setTriggers(loaded: LoadedFile[]): void {
    for (const w of this.#watches) w.close();
    ({ routes: this.#routes, watches: this.#watches } = wireTriggers(loaded, {
      webhook: (l, base, fields, body, overlap) =>
        fireWebhook(
          l,
          webhookParams(this.#workflows.get(l.file) ?? l, base, fields, body),
          overlap,
          this.#triggerDeps,
        ),
      files: (file, paths, seenAt, base, overlap) =>
        fireFiles(file, paths, seenAt, base, overlap, this.#triggerDeps),
      log: (line) => this.#o.log(line),
      env: this.#o.env ?? Deno.env.toObject(),
    }));
  }

  #onFire(fire: Fire): void {
    if (this.#stopping) return;
    this.#track(this.#handle(fire));
  }

  /**
   * Runs `fire`; resolves once its outcome is recorded: true, or false when it could not
   * be (logged) or when the stop left it owed to the next start (recorded waiting, its
   * catch-up chain then stays on record: daemon_owed.ts). Never rejects.
   */
  #handle(fire: Fire): Promise<boolean> {
    const handled = this.#stopping
      ? (fire.kind === "catch-up" ? this.#leaveOwed(fire) : Promise.resolve())
      : runScheduleFire(fire, this.#fireDeps);
    return handled.then((end) => end !== "owed", (e) => {
      // The schedule store is weft.kv too: a full disk keeps the fire from its record.
      const why = describeFault(e)?.reason ?? (e instanceof Error ? e.message : String(e));
      const at = formatZoned(fire.time, zoneOf(fire.schedule.tz));
      this.#o.log(`schedule ${fire.schedule.name}: fire of ${at} could not be recorded: ${why}`);
      return false;
    });
  }

  /**
   * A catch-up fire whose turn in its schedule's chain came after the stop began: recorded
   * waiting (`queued`, no run: Schedule.unstartedFires), so the next start owes it — it
   * runs within catchup, else is recorded missed — where otherwise the newer fires the
   * running loop recorded meanwhile would have moved the schedule's last fire past it,
   * and it would be lost without a trace (verifier V2 F7).
   */
  async #leaveOwed(fire: Fire): Promise<"owed" | undefined> {
    const at = formatZoned(fire.time, zoneOf(fire.schedule.tz));
    const record = newFire(fire.schedule, {
      time: at,
      trigger: "catch-up",
      outcome: "queued",
      firedAt: this.#o.clock.now(),
    });
    // Claimed as any fire is (another daemon may have run it: then it has its record, and
    // is not owed); one left waiting stays so.
    if (!await this.#o.store.claimFire(record, { unstarted: fire.leftWaiting === true })) return;
    this.#o.log(
      `schedule ${fire.schedule.name}: catch-up fire of ${at} not run, the daemon is stopping; ` +
        "the next start owes it",
    );
    return "owed";
  }

  /** stop() waits for these, so every fire's outcome is written before the store closes. */
  #track(handling: Promise<unknown>): void {
    this.#handling.add(handling);
    handling.finally(() => this.#handling.delete(handling));
  }

  /** Starts one run; a failure to start is logged, told to `refused` and gives null. */
  #start(
    request: LaunchRequest,
    refused: (reason: string) => void = () => {},
  ): Promise<StartedRun | null> {
    if (this.#stopping) return Promise.resolve(null);
    const end = this.#ownWrites.begin(request.file);
    return startRun(this.#o.launch, request, (line) => this.#o.log(line), refused).then((run) => {
      if (!run) end(false);
      else run.done.finally(() => end(true));
      return run;
    });
  }
}

/**
 * `N active schedule(s)` for the log, with `, M paused` when some are: a paused schedule
 * is loaded but fires not, so it is not counted as active.
 */
export function scheduleCount(schedules: readonly { paused?: boolean }[]): string {
  const paused = schedules.filter((s) => s.paused).length;
  return `${schedules.length - paused} active schedule(s)${paused ? `, ${paused} paused` : ""}`;
}
