/**
 * Notifications and alert rules for one run, as a subscriber of the engine's events:
 * the engine knows nothing of them. Whoever runs a workflow (`weft run`, later the
 * daemon) wires them in the same way:
 *
 * ```ts
 * const notifier = createNotifier({ workflow, env, params, global, globalFile, secrets, warn });
 * startRun({ ..., listeners: [progress.listener, history.listener, ...notifier.listeners] });
 * await handle.done;
 * await history.finish((store) => notifier.finish(store)); // after recording, before closing
 * ```
 *
 * Channel secrets (passwords, webhook URLs, credential headers) are added to the run's
 * secrets before it starts, so everything weft prints or stores masks them. A failing
 * notification never changes the run's outcome: it is retried (retry.ts), then recorded
 * on the run (`notifications`, shown by `weft status`) and told to `warn`.
 * @module
 */
import type { EventListener, RunReport } from "../engine/events.ts";
import type { Secrets } from "../engine/secrets.ts";
import type { Workflow } from "../model/workflow.ts";
import { afterRunFault } from "./after_run.ts";
import type { NotificationRecord, RunStore } from "../store/run_store.ts";
import { evaluateAlerts } from "./alerts.ts";
import { type ChannelPlan, parseGlobalNotifications, resolveChannels } from "./config.ts";
import { failedTasks, type RunMessage, TAIL_LINES, taskDetail } from "./message.ts";
import { withBackoff } from "./retry.ts";
import { resolveQuoted } from "../model/data_text.ts";
import { TaskNotifications } from "./task_notify.ts";
import { hasNotifications } from "./wanted.ts";

/** What {@link createNotifier} needs. */
export interface NotifyOptions {
  workflow: Pick<Workflow, "name" | "notifications" | "alerts" | "expected_duration" | "tasks">;
  /**
   * The environment under the workflow's (process env + --env): `${env.X}` and the
   * SMTP_/SLACK_ fallbacks read it until {@link Notifier.useEnvironment} gives the run's
   * workflow environment (the engine's, `environment` over this one).
   */
  env: Record<string, string>;
  params: Record<string, string>;
  /** `notifications` of `$WEFT_HOME/config.json`, unchecked; `globalFile` names that file. */
  global?: unknown;
  globalFile?: string;
  /** The run's secrets: channel secrets are added to them now. */
  secrets: Secrets;
  /** Told each failed notification, in one line. */
  warn: (message: string) => void;
  /**
   * Aborted to give up sending (Ctrl-C during `weft run`'s notifications): the sends in
   * flight stop, no more tries; they are recorded failed with error "interrupted".
   */
  signal?: AbortSignal;
  /**
   * Writes a record made after the run's end (`what` names it: the outcome of its
   * notifications, an alert rule's state) through `write`, spending the space reserve
   * on a full disk (store/full_disk.ts writeAfterRun); throws a StorageError when it
   * cannot. Default: `write()` as it is.
   */
  recordAfterRun?: RecordAfterRun;
  /** Tries per notification and first backoff (tests shorten them). */
  tries?: number;
  backoffMs?: number;
}

/** See NotifyOptions.recordAfterRun. */
export type RecordAfterRun = <T>(what: string, write: () => Promise<T>) => Promise<T>;

/** The notifications of one run. */
export interface Notifier {
  /** Subscribe these to the engine (none when the workflow has no notifications or alerts). */
  listeners: EventListener[];
  /**
   * Sends what the finished run calls for and records it on the run in `store` (which
   * must already hold the finished run). Resolves to what was recorded; never throws
   * for a channel's failure.
   */
  finish(store: RunStore): Promise<NotificationRecord[]>;
  /**
   * The environment the run's tasks start from (process env + --env < workflow
   * `environment`, interpolated: EngineOptions.onWorkflowEnv), which channel settings
   * read as `env.NAME`, as a task would. Called before the run starts; without it the
   * channels read `NotifyOptions.env` once the run has started.
   */
  useEnvironment(env: Readonly<Record<string, string>>): void;
}

/**
 * Prepares a run's notifications. Throws WeftError (exit 2) when the global config's
 * `notifications` has the wrong shape; a channel that cannot be used is found out
 * (and recorded, and warned about) only when something is sent to it.
 */
export function createNotifier(options: NotifyOptions): Notifier {
  const { workflow } = options;
  if (!hasNotifications(workflow)) return NO_NOTIFIER;
  const global = options.global === undefined
    ? undefined
    : parseGlobalNotifications(options.global, options.globalFile ?? "config.json");
  // Resolved once the run's environment is known, before any task starts: its secrets
  // (a webhook's token read from the workflow's `environment`) are masked from the start.
  let resolved: ChannelPlan | undefined;
  const planFor = (env: Record<string, string> = options.env): ChannelPlan =>
    resolved ??= planWithSecrets(options.secrets, {
      workflow,
      global,
      env,
      params: options.params,
    });
  let report: RunReport | null = null;
  // What failed to be sent, told once it is known whether it could be recorded.
  const failures: string[] = [];
  const tasks = new TaskNotifications(
    workflow.tasks,
    (message, body) =>
      message.task === undefined ? [] : (taskSettings(workflow, message.task)?.channels ?? [])
        .map((name) =>
          send(options, planFor(), failures, name, message, body, { task: message.task })
        ),
  );
  const listener: EventListener = (event) => {
    if (event.type === "run_started") planFor();
    if (event.type === "run_finished") report = event.report;
    else tasks.see(event);
  };
  return {
    listeners: [listener],
    async finish(store) {
      const records = await tasks.done();
      if (report) records.push(...await notifyRun(options, planFor(), failures, report, store));
      const fault = report && records.length
        ? await recordNotifications(options, store, report.id, records)
        : undefined;
      // Never "recorded" before it is (tnotify F7): said once the record is made or not.
      for (const failure of failures) {
        options.warn(
          `weft: warning: ${failure}; ${
            fault === null ? `recorded on run ${report!.id}` : "not recorded in history"
          }`,
        );
      }
      if (fault) options.warn(options.secrets.maskKeeping(`weft: warning: ${fault}`));
      return records;
    },
    useEnvironment: (env) => void planFor({ ...env }),
  };
}

/**
 * Resolves a run's channels and adds their secrets (passwords, webhook URLs, credential
 * headers) to `secrets`. The one way both a run (createNotifier) and `weft run --dry-run`
 * (cli/notify_wiring.ts) learn them, so a dry run masks exactly what the run masks.
 * `global` is the global config's `notifications` (already checked by
 * parseGlobalNotifications). Never throws (see resolveChannels).
 */
export function planWithSecrets(
  secrets: Pick<Secrets, "add">,
  input: Parameters<typeof resolveChannels>[0],
): ChannelPlan {
  const plan = resolveChannels(input);
  for (const secret of plan.secrets) secrets.add(secret);
  return plan;
}

/** The notifier of a workflow without notifications or alerts: nothing to do. */
const NO_NOTIFIER: Notifier = {
  listeners: [],
  finish: () => Promise.resolve([]),
  useEnvironment: () => {},
};

export { hasNotifications };

function taskSettings(workflow: NotifyOptions["workflow"], id: string) {
  const task = workflow.tasks.find((t) => t.id === id);
  return task && "notifications" in task ? task.notifications : undefined;
}

/**
 * Records `records` on run `runId` (NotifyOptions.recordAfterRun); resolves to null once
 * recorded, else to one line saying what was not recorded, where, why and what to do.
 */
async function recordNotifications(
  options: NotifyOptions,
  store: RunStore,
  runId: string,
  records: NotificationRecord[],
): Promise<string | null> {
  const record = options.recordAfterRun ?? plainWrite;
  try {
    await record(
      `cannot record the outcome of the notifications of run ${runId}`,
      () => store.addNotifications(runId, records),
    );
    return null;
  } catch (e) {
    return afterRunFault(e, `\`weft status ${runId}\` will not list them`);
  }
}

/** NotifyOptions.recordAfterRun's default: the write as it is. */
const plainWrite: RecordAfterRun = (_what, write) => write();

async function notifyRun(
  options: NotifyOptions,
  plan: ChannelPlan,
  failures: string[],
  report: RunReport,
  store: RunStore,
): Promise<NotificationRecord[]> {
  const message: RunMessage = {
    workflow: report.workflow,
    runId: report.id,
    status: report.status,
    durationMs: report.durationMs,
    failed: await failedWithTails(report, store),
    statusCommand: `weft status ${report.id}`,
  };
  const sends: Promise<NotificationRecord>[] = [];
  const wanted = report.status === "success" ? plan.when.success : plan.when.failure;
  if (wanted) {
    for (const name of plan.runChannels) {
      sends.push(send(options, plan, failures, name, message, report));
    }
  }
  const warn = (text: string) => options.warn(options.secrets.maskKeeping(text));
  const record = options.recordAfterRun ?? plainWrite;
  for (const alert of await evaluateAlerts(options.workflow, report, store, warn, record)) {
    const alertMessage = { ...message, alert: { name: alert.rule, text: alert.message } };
    const body = { ...report, alert: { name: alert.rule, message: alert.message } };
    for (const name of alert.channels) {
      sends.push(send(options, plan, failures, name, alertMessage, body, { alert: alert.rule }));
    }
  }
  return await Promise.all(sends);
}

/** Sends one message; a failure is added to `failures` (told by finish, once recorded). */
async function send(
  options: NotifyOptions,
  plan: ChannelPlan,
  failures: string[],
  name: string,
  message: RunMessage,
  body: unknown,
  about: { alert?: string; task?: string } = {},
): Promise<NotificationRecord> {
  const channel = plan.channels.get(name);
  let outcome;
  if (!channel || "error" in channel) {
    outcome = { ok: false, attempts: 0, error: channel?.error ?? "not configured" };
  } else {
    const { sendTo } = await import("./send.ts");
    outcome = await withBackoff(
      (signal) => sendTo(channel, message, body, options.env, signal),
      options.tries,
      options.backoffMs,
      options.signal,
    );
  }
  // A reason built with quoteData (a refused header) is masked in its quoted data; any
  // other is masked whole.
  const error = outcome.error === undefined
    ? undefined
    : resolveQuoted(outcome.error, (data) => options.secrets.maskKeeping(data));
  if (!outcome.ok) {
    const what = about.alert
      ? `alert ${about.alert} to ${name}`
      : about.task
      ? `notification of task ${about.task} to ${name}`
      : `notification to ${name}`;
    const tries = outcome.attempts ? ` after ${outcome.attempts} tries` : "";
    failures.push(`${what} failed${tries}: ${error}`);
  }
  return {
    channel: name,
    ...about,
    ok: outcome.ok,
    attempts: outcome.attempts,
    ...(error === undefined ? {} : { error }),
    at: new Date().toISOString(),
  };
}

/** The run's failed tasks with the last lines of their last attempt's log (written masked). */
async function failedWithTails(report: RunReport, store: RunStore) {
  const { logFilePath } = await import("../store/log_files.ts");
  const { readLogTail } = await import("../store/log_tail.ts");
  return await Promise.all(
    failedTasks(report).map(async (task) => {
      let tail: string[] = [];
      try {
        const attempts = await store.listAttempts(report.id, task.id);
        const last = attempts.reduce((a, b) => (a && a.attempt > b.attempt ? a : b), attempts[0]);
        if (last) {
          const path = last.logPath ?? logFilePath(last.runId, last.taskId, last.attempt);
          tail = (await readLogTail(`${store.logsDir}/${path}`, TAIL_LINES)).map((l) => l.text);
        }
      } catch {
        // A log that cannot be read leaves the message without its lines, nothing more.
      }
      return {
        id: task.id,
        name: task.name,
        status: task.status,
        detail: taskDetail(task),
        tail,
      };
    }),
  );
}
