/**
 * `weft daemon`'s core: holds the workflows of its folders and the schedules of the
 * store, fires schedules on an injected clock (daemon_fires.ts), answers webhook and
 * file_change triggers, and starts every run through the injected {@link Launcher}
 * under the overlap policies and the `--max-runs` limit (daemon_slots.ts). Every fire
 * is recorded in the schedule store (claimed first, so no fire runs twice). Knows no
 * signals, sockets or terminals: the CLI (src/cli/daemon.ts) wires those.
 * @module
 */
import type { Clock } from "./clock.ts";
import { type Fire, FireLoop } from "./daemon_fires.ts";
import { type Overlap, RunSlots, type StartedRun } from "./daemon_slots.ts";
import { type FileWatch, watchFiles } from "./daemon_watch.ts";
import {
  type FileLoader,
  listWorkflowFiles,
  loadAll,
  type LoadedFile,
  triggersOf,
} from "./daemon_workflows.ts";
import { schedulesFromWorkflow } from "./from_trigger.ts";
import { formatZoned, zoneOf } from "./zone.ts";
import type { FireOutcome, Schedule } from "./types.ts";
import type { ScheduleStore } from "../store/schedule_store.ts";
import type { RunTrigger } from "../engine/events.ts";
import { resolveParams } from "../engine/params.ts";

/** The param a file_change run gets its changed paths in (newline-separated, absolute). */
export const CHANGED_FILES_PARAM = "changed_files";

/** What the daemon asks to start one run. */
export interface LaunchRequest {
  /** Absolute path of the workflow file. */
  file: string;
  /** The validated version to run (the last good one); absent: load `file` now. */
  loaded?: LoadedFile;
  params: Record<string, string>;
  trigger: RunTrigger;
}

/** A started run: its id, its end (status once recorded), and how to stop it. */
export interface LaunchedRun {
  runId: string;
  done: Promise<{ status: string }>;
  cancel(): void;
}

/** Starts a run in this process (src/cli/launch.ts, the path `weft run` takes). */
export type Launcher = (request: LaunchRequest) => Promise<LaunchedRun>;

/** A refused trigger request, with the HTTP status the webhook answers. */
export class FireRefused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

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

/** A webhook route as the server sees it (src/server/webhook.ts WebhookRoute). */
export interface DaemonRoute {
  method: string;
  secret?: string;
  fire(params: Record<string, string>): Promise<{ runId: string | null; queued?: boolean }>;
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

  constructor(options: DaemonOptions) {
    this.#o = options;
    this.#slots = new RunSlots(options.maxRuns);
    this.#loop = new FireLoop(options.clock);
  }

  /** Loads everything, runs or records the fires missed while down, and starts firing. */
  async start(): Promise<void> {
    await this.reload();
    for (const fire of this.#loop.catchUp()) this.#onFire(fire);
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

  /** Re-reads the folders and the store's schedules (start and SIGHUP). */
  async reload(): Promise<void> {
    const files = await listWorkflowFiles(this.#o.dirs, this.#o.cwd);
    const report = await loadAll(files, this.#o.load, this.#workflows);
    for (const line of report.problems) this.#o.log(line);
    this.#workflows = new Map(report.loaded.map((l) => [l.file, l]));
    const schedules = await this.#syncSchedules(report.loaded);
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
    const running = this.#slots.running;
    if (running.length === 0) return;
    this.#o.log(`waiting up to ${graceMs} ms for ${running.length} running run(s)`);
    const all = Promise.all(running.map((r) => r.done));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(true), graceMs)),
    ]);
    clearTimeout(timer);
    if (!late) return;
    for (const run of this.#slots.running) {
      this.#o.log(`cancelling run ${run.runId}`);
      run.cancel();
    }
    await Promise.all(this.#slots.running.map((r) => r.done));
  }

  /** Store schedules, plus each loaded file's own (written to the store to keep their fires). */
  async #syncSchedules(loaded: LoadedFile[]): Promise<Schedule[]> {
    const store = this.#o.store;
    for (const l of loaded) {
      for (const s of schedulesFromWorkflow(l.file, l.workflow)) {
        const existing = await store.get(s.name);
        if (existing && existing.source !== "file") {
          this.#o.log(
            `schedule ${s.name} of ${l.file} clashes with a schedule added by ` +
              `\`weft schedule add\`; using the added one`,
          );
          continue;
        }
        if (existing && sameSchedule(existing, s)) continue;
        await store.add({
          ...s,
          paused: existing?.paused ?? s.paused,
          createdAt: existing?.createdAt ?? s.createdAt,
          lastFire: existing?.lastFire ?? null,
        }, { replace: true });
      }
    }
    const files = new Set(loaded.map((l) => l.file));
    const all = await store.list();
    // A file schedule whose file left the folders (or lost its trigger) no longer fires.
    const live = new Set(
      loaded.flatMap((l) => schedulesFromWorkflow(l.file, l.workflow).map((s) => s.name)),
    );
    return all.filter((s) => s.source !== "file" || (files.has(s.file) && live.has(s.name)));
  }

  #setTriggers(loaded: LoadedFile[]): void {
    for (const w of this.#watches) w.close();
    this.#watches = [];
    this.#routes = new Map();
    for (const l of loaded) {
      for (const trigger of triggersOf(l.workflow)) {
        const config = trigger.config ?? {};
        const overlap = (config as { overlap?: Overlap }).overlap;
        if (trigger.type.includes("webhook") && config.webhook) {
          const path = config.webhook.startsWith("/") ? config.webhook : `/${config.webhook}`;
          if (this.#routes.has(path)) {
            this.#o.log(`webhook ${path} of ${l.file} is already taken; not served twice`);
            continue;
          }
          this.#routes.set(path, {
            method: (config.method ?? "POST").toUpperCase(),
            secret: config.secret,
            fire: (params) => this.#fireWebhook(l, params, overlap ?? "allow"),
          });
        }
        if (trigger.type.includes("file_change") && config.files !== undefined) {
          const patterns = Array.isArray(config.files) ? config.files : [config.files];
          this.#watches.push(watchFiles({
            patterns,
            dir: l.dir,
            debounceMs: config.debounce,
            onChange: (paths) => this.#fireFiles(l.file, paths, overlap ?? "queue"),
            onError: (message) => this.#o.log(`file trigger of ${l.file}: ${message}`),
          }));
        }
      }
    }
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
    if (!run) throw new FireRefused(503, "the run could not start (see the daemon's log)");
    return { runId: run.runId };
  }

  #fireFiles(file: string, paths: string[], overlap: Overlap): void {
    if (this.#stopping) return;
    const l = this.#workflows.get(file);
    if (!l) return;
    const params: Record<string, string> = {};
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
    void this.#fireSchedule(fire).catch((e) =>
      this.#o.log(`schedule ${fire.schedule.name}: ${e instanceof Error ? e.message : String(e)}`)
    );
  }

  async #fireSchedule({ schedule: s, time, kind }: Fire): Promise<void> {
    const store = this.#o.store;
    const at = formatZoned(time, zoneOf(s.tz));
    const record = {
      schedule: s.name,
      time: at,
      trigger: kind === "catch-up" ? "catch-up" as const : "schedule" as const,
      outcome: (kind === "missed" ? "missed" : "started") as FireOutcome,
      runId: null as string | null,
      firedAt: this.#o.clock.now().toISOString(),
    };
    if (!(await store.claimFire(record))) return; // another daemon or an earlier start had it
    if (kind === "missed") {
      this.#o.log(`schedule ${s.name}: fire of ${at} missed (older than its catch-up window)`);
      return;
    }
    const loaded = this.#workflows.get(s.file);
    const trigger: RunTrigger = { type: record.trigger, scheduledFor: at, schedule: s.name };
    const admission = this.#slots.offer(
      `schedule:${s.name}`,
      s.overlap,
      () => this.#start({ file: s.file, loaded, params: s.params, trigger }),
    );
    if (admission.kind === "skipped") {
      this.#o.log(`schedule ${s.name}: fire of ${at} skipped (a run is still going)`);
      await store.recordFire({ ...record, outcome: "skipped" });
      return;
    }
    if (admission.queued) await store.recordFire({ ...record, outcome: "queued" });
    const run = await admission.started;
    if (!run) {
      await store.recordFire({ ...record, outcome: this.#stopping ? "cancelled" : "failed" });
      return;
    }
    await store.recordFire({ ...record, outcome: "started", runId: run.runId });
    const end = await run.done as { status: string };
    await store.recordFire({ ...record, outcome: outcomeOf(end.status), runId: run.runId });
  }

  /** Starts one run; a failure to start is logged and gives null. */
  async #start(request: LaunchRequest): Promise<StartedRun | null> {
    if (this.#stopping) return null;
    try {
      const run = await this.#o.launch(request);
      const what = request.trigger.schedule
        ? `${request.trigger.type} ${request.trigger.schedule} ${request.trigger.scheduledFor}`
        : request.trigger.type;
      this.#o.log(`run ${run.runId} started (${what}) ${request.file}`);
      const done = run.done.then((report) => {
        this.#o.log(`run ${run.runId} ended ${report.status}`);
        return report;
      }, (e) => {
        this.#o.log(`run ${run.runId} ended with an error: ${(e as Error).message}`);
        return { status: "failed" };
      });
      return { runId: run.runId, done, cancel: () => run.cancel() };
    } catch (e) {
      const reason = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, "; ");
      this.#o.log(`run of ${request.file} (${request.trigger.type}) could not start: ${reason}`);
      return null;
    }
  }
}

function sameSchedule(a: Schedule, b: Schedule): boolean {
  return a.file === b.file && a.cron === b.cron && a.tz === b.tz && a.catchupMs === b.catchupMs &&
    a.overlap === b.overlap && JSON.stringify(a.params) === JSON.stringify(b.params);
}

function outcomeOf(status: string): FireOutcome {
  switch (status) {
    case "success":
    case "failed":
    case "cancelled":
    case "interrupted":
      return status;
    default:
      return "failed";
  }
}
