/**
 * The daemon's webhook routes and file watches: what the `webhook` and `file_change`
 * triggers of the loaded workflow files serve, wired to the daemon's handlers.
 * @module
 */
import type { Admission, Overlap } from "./daemon_slots.ts";
import { type DaemonRoute, FireRefused, PAYLOAD_PARAM } from "./daemon_types.ts";
import type { WebhookBody } from "../server/webhook.ts";
import { type FileWatch, watchFiles } from "./daemon_watch.ts";
import { type LoadedFile, routePath } from "./daemon_workflows.ts";
import { triggerParams, triggersOf } from "./from_trigger.ts";
import { resolveTriggerSecret } from "../engine/start_secrets.ts";

/** What the triggers call: the daemon's fire handlers and its log. */
export interface TriggerHandlers {
  /** A request on a webhook route: the trigger's `params`, the body's fields over them. */
  webhook(
    l: LoadedFile,
    base: Record<string, string>,
    fields: Record<string, string>,
    body: WebhookBody,
    overlap: Overlap,
  ): ReturnType<DaemonRoute["fire"]>;
  /** Changed paths (debounced) of a file's `file_change` trigger, with its base params. */
  files(
    file: string,
    paths: string[],
    seenAt: ReadonlyMap<string, number>,
    base: Record<string, string>,
    overlap: Overlap,
  ): void;
  /** One line per event (no newline). */
  log(line: string): void;
  /** The daemon's environment: what a `${env.NAME}` in `config.secret` reads. */
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Routes (by path) and started file watches for the triggers of `loaded`. A webhook path
 * already taken by an earlier file is logged and not served twice; one whose secret
 * reads an unset variable is logged and not served. Default overlap:
 * `allow` for webhooks, `queue` for file changes.
 */
export function wireTriggers(
  loaded: LoadedFile[],
  on: TriggerHandlers,
): { routes: Map<string, DaemonRoute>; watches: FileWatch[] } {
  const routes = new Map<string, DaemonRoute>();
  const watches: FileWatch[] = [];
  for (const l of loaded) {
    for (const trigger of triggersOf(l.workflow)) {
      const config = trigger.config ?? {};
      const overlap = config.overlap;
      // The trigger's own `params` are the base; a webhook body's fields override them.
      const base = triggerParams(config);
      if (trigger.type.includes("webhook") && config.webhook) {
        const path = routePath(config.webhook);
        const route = webhookRoute(l, path, config, routes, on);
        if (route) {
          routes.set(path, {
            ...route,
            fire: (fields, body) => on.webhook(l, base, fields, body, overlap ?? "allow"),
          });
        }
      }
      if (trigger.type.includes("file_change") && config.files !== undefined) {
        const patterns = Array.isArray(config.files) ? config.files : [config.files];
        watches.push(watchFiles({
          patterns,
          dir: l.dir,
          debounceMs: config.debounce,
          onChange: (paths, seenAt) => on.files(l.file, paths, seenAt, base, overlap ?? "queue"),
          onNotice: (message) => on.log(`file trigger of ${l.file}: ${message}`),
        }));
      }
    }
  }
  return { routes, watches };
}

/**
 * A webhook trigger's method and secret (its `${env.NAME}` read from the daemon's
 * environment), or undefined, said in the log, when its path is taken or its secret
 * reads a variable that is not set: never served unprotected.
 */
function webhookRoute(
  l: LoadedFile,
  path: string,
  config: NonNullable<ReturnType<typeof triggersOf>[number]["config"]>,
  routes: Map<string, DaemonRoute>,
  on: TriggerHandlers,
): Omit<DaemonRoute, "fire"> | undefined {
  if (routes.has(path)) {
    on.log(`webhook ${path} of ${l.file} is already taken; not served twice`);
    return undefined;
  }
  const secret = config.secret === undefined
    ? undefined
    : resolveTriggerSecret(config.secret, on.env);
  if (secret && "unset" in secret) {
    on.log(
      `webhook ${path} of ${l.file} is not served: its config.secret reads ` +
        `\${env.${secret.unset}}, which is not set in the daemon's environment`,
    );
    return undefined;
  }
  return { method: (config.method ?? "POST").toUpperCase(), secret: secret?.value, file: l.file };
}

/**
 * What a user must hear about the webhooks loaded: none is reachable without `--listen`;
 * one without a secret on an address other than loopback lets anyone who reaches the
 * host start its workflow.
 */
export function webhookWarnings(
  routes: ReadonlyMap<string, DaemonRoute>,
  listen: { hostname: string } | undefined,
): string[] {
  if (routes.size === 0) return [];
  if (!listen) {
    return [
      `warning: ${routes.size} webhook trigger(s) but no --listen: webhooks are not served ` +
      `(start the daemon with --listen 8080, or HOST:PORT)`,
    ];
  }
  if (isLoopback(listen.hostname)) return [];
  return [...routes].filter(([, r]) => r.secret === undefined).map(([path, r]) =>
    `warning: webhook ${path}${r.file ? ` of ${r.file}` : ""} has no config.secret and is ` +
    `served on ${listen.hostname}: anyone who reaches this host can start it`
  );
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || /^127\./.test(hostname);
}

/**
 * A webhook run's params: the trigger's `params`, under the body's fields that name a
 * declared param (the others — a GitHub or GitLab payload's `ref`, `repository`, … — are
 * not the workflow's and are left out), and the whole body in a declared `payload` param.
 * A declared param sent as an object or a list is refused (FireRefused 400).
 */
export function webhookParams(
  l: LoadedFile,
  base: Record<string, string>,
  fields: Record<string, string>,
  body: WebhookBody,
): Record<string, string> {
  const declared = l.workflow.params ?? {};
  const wrong = body.nested.find((name) => Object.hasOwn(declared, name));
  if (wrong !== undefined) {
    throw new FireRefused(400, `param "${wrong}" must be a string, number or boolean`);
  }
  const params = { ...base };
  for (const [name, value] of Object.entries(fields)) {
    if (Object.hasOwn(declared, name)) params[name] = value;
  }
  if (Object.hasOwn(declared, PAYLOAD_PARAM)) params[PAYLOAD_PARAM] = body.text;
  return params;
}

/**
 * The answer to a webhook whose run does not start at once (`queue`, `cancel`, or no free
 * `--max-runs` slot): given now, `{ runId: null, queued: true }` — a sender such as
 * GitHub gives up after 10 s — with the wait said in the log, and a run the daemon's stop
 * kept from starting said too.
 */
export function answerQueued(
  admission: Extract<Admission, { kind: "admitted" }>,
  overlap: Overlap,
  file: string,
  log: (line: string) => void,
  stopping: () => boolean,
): { runId: null; queued: true } {
  const until = admission.queued
    ? "behind the running one"
    : overlap === "cancel"
    ? "until the running one is cancelled"
    : "until a run slot is free (--max-runs)";
  log(`webhook run of ${file} queued ${until}`);
  admission.started.then((run) => {
    if (!run && stopping()) log(`queued webhook run of ${file} not started: the daemon stopped`);
  });
  return { runId: null, queued: true };
}
