/**
 * The daemon's webhook routes and file watches: what the `webhook` and `file_change`
 * triggers of the loaded workflow files serve, wired to the daemon's handlers.
 * @module
 */
import type { Overlap } from "./daemon_slots.ts";
import type { DaemonRoute } from "./daemon_types.ts";
import { type FileWatch, watchFiles } from "./daemon_watch.ts";
import { type LoadedFile, routePath } from "./daemon_workflows.ts";
import { triggerParams, triggersOf } from "./from_trigger.ts";

/** What the triggers call: the daemon's fire handlers and its log. */
export interface TriggerHandlers {
  /** A request on a webhook route, with the trigger's `params` under the body's fields. */
  webhook(
    l: LoadedFile,
    params: Record<string, string>,
    overlap: Overlap,
  ): ReturnType<DaemonRoute["fire"]>;
  /** Changed paths (debounced) of a file's `file_change` trigger, with its base params. */
  files(file: string, paths: string[], base: Record<string, string>, overlap: Overlap): void;
  /** One line per event (no newline). */
  log(line: string): void;
}

/**
 * Routes (by path) and started file watches for the triggers of `loaded`. A webhook path
 * already taken by an earlier file is logged and not served twice. Default overlap:
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
        if (routes.has(path)) {
          on.log(`webhook ${path} of ${l.file} is already taken; not served twice`);
          continue;
        }
        routes.set(path, {
          method: (config.method ?? "POST").toUpperCase(),
          secret: config.secret,
          fire: (params) => on.webhook(l, { ...base, ...params }, overlap ?? "allow"),
        });
      }
      if (trigger.type.includes("file_change") && config.files !== undefined) {
        const patterns = Array.isArray(config.files) ? config.files : [config.files];
        watches.push(watchFiles({
          patterns,
          dir: l.dir,
          debounceMs: config.debounce,
          onChange: (paths) => on.files(l.file, paths, base, overlap ?? "queue"),
          onNotice: (message) => on.log(`file trigger of ${l.file}: ${message}`),
        }));
      }
    }
  }
  return { routes, watches };
}
