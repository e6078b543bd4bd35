/**
 * Wires a run's notifications and alert rules (src/notify/) for the CLI: reads the
 * global config's `notifications` from `$WEFT_HOME/config.json` and prints each failed
 * notification as a warning on stderr. One call, so that every way of running a
 * workflow (`weft run`, the daemon) wires them the same way.
 * @module
 */
import type { Secrets } from "../engine/secrets.ts";
import type { Workflow } from "../model/workflow.ts";
import type { Notifier } from "../notify/mod.ts";
import { hasNotifications } from "../notify/wanted.ts";
import { configPath, homeFor, readGlobalConfig } from "./home.ts";
import { type CliIO, err } from "./io.ts";

/**
 * The notifier of a run about to start; its channel secrets are added to `secrets`.
 * Throws WeftError (exit 2) for a malformed global config.
 */
export async function wireNotifications(
  io: CliIO,
  workflow: Workflow,
  options: {
    params: Record<string, string>;
    extraEnv: Record<string, string>;
    secrets: Secrets;
    homeOption?: string;
    /** Aborted to stop sending (see NotifyOptions.signal). */
    signal?: AbortSignal;
    /** Spends the run's own space reserve (cli/run_history.ts RunHistory.freeSpace). */
    freeSpace: () => Promise<boolean>;
  },
): Promise<Notifier> {
  // Most workflows ask for none: src/notify/ is then not loaded at all.
  if (!hasNotifications(workflow)) {
    return { listeners: [], finish: () => Promise.resolve([]), useEnvironment: () => {} };
  }
  const [{ createNotifier }, { writeAfterRun }] = await Promise.all([
    import("../notify/mod.ts"),
    import("../store/full_disk.ts"),
  ]);
  const home = homeFor(io, options.homeOption);
  const config = await readGlobalConfig(home);
  // Warnings are written before the run's verb returns (and the process may exit).
  const pending: Promise<unknown>[] = [];
  const notifier = createNotifier({
    workflow,
    env: { ...io.env, ...options.extraEnv },
    params: options.params,
    global: config.notifications,
    globalFile: configPath(home),
    secrets: options.secrets,
    signal: options.signal,
    warn: (message) => void pending.push(err(io, message + "\n")),
    // Written after the run's own end, as its last records: its reserve's room is theirs.
    recordAfterRun: (what, write) => writeAfterRun(what, home, write, options.freeSpace),
  });
  return {
    listeners: notifier.listeners,
    async finish(store) {
      const records = await notifier.finish(store);
      await Promise.all(pending);
      return records;
    },
    useEnvironment: notifier.useEnvironment,
  };
}

/**
 * For `weft run --dry-run`: adds to `secrets` the channel secrets the run would add at
 * its start (notify/mod.ts planWithSecrets, the same function), with `env` the run's
 * workflow environment (process env + --env, the workflow's `environment` over them).
 * Reads the global config as the run does; throws WeftError (exit 2) when it is malformed.
 */
export async function notificationSecrets(
  io: CliIO,
  workflow: Workflow,
  options: { params: Record<string, string>; homeOption?: string },
): Promise<(env: Record<string, string>, secrets: Pick<Secrets, "add">) => void> {
  if (!hasNotifications(workflow)) return () => {};
  const [{ planWithSecrets }, { parseGlobalNotifications }] = await Promise.all([
    import("../notify/mod.ts"),
    import("../notify/config.ts"),
  ]);
  const home = homeFor(io, options.homeOption);
  const config = await readGlobalConfig(home);
  const global = config.notifications === undefined
    ? undefined
    : parseGlobalNotifications(config.notifications, configPath(home));
  return (env, secrets) =>
    void planWithSecrets(secrets, { workflow, global, env, params: options.params });
}
