/**
 * A webhook request or a file change in the daemon (daemon.ts): its params made, then a
 * run offered to the run slots under the trigger's overlap policy. A webhook's caller is
 * answered with the run's id, that it was queued, or why it was refused (FireRefused:
 * 400 bad params, 409 skipped, 429 with Retry-After when its wait is full, 503 not
 * started); a file change only logs, also what it dropped.
 * @module
 */
import type { ScheduleFireDeps } from "./daemon_fire.ts";
import type { OwnWrites } from "./daemon_own_writes.ts";
import type { Overlap } from "./daemon_slots.ts";
import { answerQueued } from "./daemon_triggers.ts";
import {
  CHANGED_FILES_JSON_PARAM,
  CHANGED_FILES_PARAM,
  FireRefused,
  FULL_RETRY_AFTER_S,
} from "./daemon_types.ts";
import type { LoadedFile } from "./daemon_workflows.ts";
import { resolveParams } from "../engine/params.ts";

/** What a trigger's fire works with: the daemon's slots, workflows, start and log. */
export type TriggerFireDeps =
  & Pick<ScheduleFireDeps, "slots" | "log" | "workflow" | "start" | "stopping">
  & {
    /** When each workflow's runs went on: their own writes fire no file trigger. */
    ownWrites: OwnWrites;
  };

/**
 * Offers a run of `l` (its current version) for a webhook request with the params
 * `given` (trigger params, then the body's fields). Resolves to the run's id, or to
 * `queued` when it waits; throws FireRefused (400 for params the workflow refuses, 409
 * when skipped by `overlap: skip`, 429 when its wait is full — RFC 6585 §4, with a
 * Retry-After — and 503 when the run could not start).
 */
export async function fireWebhook(
  l: LoadedFile,
  given: Record<string, string>,
  overlap: Overlap,
  deps: TriggerFireDeps,
): Promise<{ runId: string } | { runId: null; queued: true }> {
  const current = deps.workflow(l.file) ?? l;
  let params: Record<string, string>;
  try {
    params = resolveParams(current.workflow, given);
  } catch (e) {
    throw new FireRefused(400, (e as Error).message.replace(/\s*\n\s*/g, "; "));
  }
  const admission = deps.slots.offer(
    `webhook:${l.file}`,
    overlap,
    () =>
      deps.start(
        { file: l.file, loaded: current, params, trigger: { type: "webhook" } },
        () => {},
      ),
    (why) => deps.log(`queued webhook run of ${l.file} dropped, not run: ${why}`),
  );
  if (admission.kind === "skipped") {
    if (!admission.full) throw new FireRefused(409, admission.reason);
    throw new FireRefused(429, `not queued: ${admission.reason}`, FULL_RETRY_AFTER_S);
  }
  if (admission.waits) {
    return answerQueued(
      admission,
      overlap,
      l.file,
      (line) => deps.log(line),
      () => deps.stopping(),
    );
  }
  const run = await admission.started;
  if (!run) throw new FireRefused(503, "the run could not start (the log says why)");
  return { runId: run.runId };
}

/**
 * Offers a run of `file` for the `changed` paths of its `file_change` trigger (`seenAt`:
 * when each was seen), with the trigger's `base` params and the paths in
 * CHANGED_FILES_PARAM (one per line; a path holding a line break is left out of it, and
 * the log says so) and CHANGED_FILES_JSON_PARAM (all, a JSON array) when the workflow
 * declares them. Paths changed while a run of the
 * workflow went on are left out; nothing runs when none is left, or while stopping.
 */
export function fireFiles(
  file: string,
  changed: string[],
  seenAt: ReadonlyMap<string, number>,
  base: Record<string, string>,
  overlap: Overlap,
  deps: TriggerFireDeps,
): void {
  const l = deps.workflow(file);
  if (deps.stopping() || !l) return;
  // Changes made while a run of this workflow went on are its own (daemon_own_writes.ts).
  const paths = deps.ownWrites.keep(file, changed, seenAt);
  if (paths.length < changed.length) {
    deps.log(
      `file change in ${file}: ${changed.length - paths.length} path(s) changed while a run ` +
        `of it went on; not run for them`,
    );
  }
  if (paths.length === 0) return;
  const params: Record<string, string> = { ...base };
  const declared = (name: string) =>
    l.workflow.params !== undefined && Object.hasOwn(l.workflow.params, name);
  if (declared(CHANGED_FILES_PARAM)) {
    // One path per line: a name holding a line break would read as two paths (any path
    // the name spells), so it is left out rather than split or mangled.
    const lines = paths.filter((path) => !path.includes("\n"));
    params[CHANGED_FILES_PARAM] = lines.join("\n");
    if (lines.length < paths.length) {
      const first = paths.find((path) => path.includes("\n"))!;
      deps.log(
        `file change in ${file}: ${paths.length - lines.length} path(s) hold a line break ` +
          `(first: ${JSON.stringify(first)}); left out of ${CHANGED_FILES_PARAM}, which has ` +
          `one path per line; ` + (declared(CHANGED_FILES_JSON_PARAM)
            ? `${CHANGED_FILES_JSON_PARAM} has them`
            : `declare ${CHANGED_FILES_JSON_PARAM} to get every path`),
      );
    }
  }
  if (declared(CHANGED_FILES_JSON_PARAM)) params[CHANGED_FILES_JSON_PARAM] = JSON.stringify(paths);
  deps.log(`file change in ${file}: ${paths.length} path(s) changed`);
  const admission = deps.slots.offer(
    `file:${file}`,
    overlap,
    () =>
      deps.start({
        file,
        loaded: deps.workflow(file) ?? l,
        params,
        trigger: { type: "file" },
      }, () => {}),
    (why) => deps.log(`waiting file change run of ${file} dropped, not run: ${why}`),
  );
  if (admission.kind === "skipped") {
    deps.log(
      `file change of ${file} skipped, not run for its ${paths.length} path(s): ${admission.reason}`,
    );
  }
}
