/**
 * Channel configuration: what a run's `notifications` block, the global config
 * (`$WEFT_HOME/config.json`, the same keys under `notifications`) and the environment
 * say about each channel, merged (workflow over global over environment) and rendered.
 * Every string may be a `${...}` template over `env`, `params` and `workflow.name`;
 * numbers and booleans too (`port: "${env.SMTP_PORT}"`), checked once rendered. A value
 * that lands in a URL, a mail address or the subject is data there, never syntax
 * (fields.ts: URLs are built as an http task's `url` is). Each channel is built from its
 * merged settings by channels.ts, which names the environment fallbacks (values, not
 * templates: used as they are).
 * @module
 */
import { ownValue, type Scope } from "../expr/mod.ts";
import { type Block, buildChannel, type ResolvedChannel } from "./channels.ts";
import { ExitCode, WeftError } from "../model/errors.ts";
import { notificationsSchema, type Workflow } from "../model/workflow.ts";
import { outcomesWanted } from "./wanted.ts";

/** When the run's own notification goes out. */
export interface NotifyWhen {
  success: boolean;
  failure: boolean;
}

/** The channels of one run and the secret values found in their settings. */
export interface ChannelPlan {
  /** The workflow's `notifications.channels` (the run's own notification). */
  runChannels: string[];
  when: NotifyWhen;
  /** Every channel named by `notifications.channels`, an alert rule or a task's `notifications`. */
  channels: Map<string, ResolvedChannel>;
  /** Passwords, webhook URLs and credentials in headers: to be masked. */
  secrets: string[];
}

/**
 * Checks the global config's `notifications` object (`file` names it in errors).
 * Throws WeftError (exit 2) for a shape the workflow's block would not accept.
 */
export function parseGlobalNotifications(value: unknown, file: string): Block {
  const parsed = notificationsSchema.safeParse(value);
  if (parsed.success) return value as Block;
  const issue = parsed.error.issues[0];
  const where = ["notifications", ...issue.path.map(String)].join(".");
  throw new WeftError([{ file, message: `${where}: ${issue.message}` }], {
    exitCode: ExitCode.Invalid,
  });
}

/** What {@link resolveChannels} reads. */
export interface ResolveInput {
  workflow: Pick<Workflow, "name" | "notifications" | "alerts"> & {
    tasks?: ReadonlyArray<{ notifications?: { channels: string[] } }>;
  };
  /** The global config's `notifications` (already checked), if any. */
  global?: Block;
  /** The environment the run's tasks start from: workflow `environment` over process env + --env. */
  env: Record<string, string>;
  params: Record<string, string>;
}

/**
 * Resolves every channel a run may send to. Never throws: a channel that cannot be
 * used (no URL, bad template, bad port) carries its reason instead.
 * Which outcomes are sent: {@link outcomesWanted} (nothing set: every outcome).
 */
export function resolveChannels(input: ResolveInput): ChannelPlan {
  const own = (input.workflow.notifications ?? {}) as Block;
  const names = new Set<string>();
  const runChannels = (own.channels as string[] | undefined) ?? [];
  for (const name of runChannels) names.add(name);
  for (const alert of input.workflow.alerts ?? []) for (const c of alert.channels) names.add(c);
  for (const task of input.workflow.tasks ?? []) {
    for (const c of task.notifications?.channels ?? []) names.add(c);
  }
  const scope = templateScope(input);
  const secrets: string[] = [];
  const channels = new Map<string, ResolvedChannel>();
  for (const name of names) {
    const settings = {
      ...(input.global?.[name] as Block | undefined),
      ...(own[name] as Block | undefined),
    };
    try {
      channels.set(name, buildChannel(name, settings, scope, input.env, secrets));
    } catch (e) {
      channels.set(name, { kind: name, error: (e as Error).message });
    }
  }
  const flag = (key: string) => (own[key] ?? input.global?.[key]) as boolean | undefined;
  return {
    runChannels,
    when: outcomesWanted({
      on_completion: flag("on_completion"),
      on_success: flag("on_success"),
      on_failure: flag("on_failure"),
    }),
    channels,
    secrets,
  };
}

function templateScope(input: ResolveInput): Scope {
  return (root, path) => {
    const [first] = path;
    if (root === "env") return first === undefined ? null : ownValue(input.env, first) ?? null;
    if (root === "params") {
      return first === undefined ? null : ownValue(input.params, first) ?? null;
    }
    if (root === "workflow" && first === "name") return input.workflow.name;
    return null;
  };
}
