/**
 * Field-aware secret masking of engine events and run reports. Only data that tasks
 * produce or weft substitutes is masked: output lines, output values, parameter
 * values, and the data error messages quote (a rendered command, URL or header,
 * marked with quoteData — model/data_text.ts); the rest of an error message is weft's.
 * What weft writes itself — workflow names, task ids and names, run ids, statuses,
 * reasons, paths, hosts, times, numbers and every object key but the output keys a
 * task writes itself (see maskOutputs) — is left as it is, so a
 * secret that happens to be a common word (`postgres`, `success`, `1`) can never
 * corrupt a record, a lookup (`weft logs RUN dump-postgres`, `--resume`) or an exit code.
 * @module
 */
import type { EngineEvent, RunReport, TaskRecord } from "./events.ts";
import type { Secrets } from "./secrets.ts";
import { jsonKeySpans } from "./json_keys.ts";

/**
 * Events and reports this module made. Their errors are resolved: the quoted-data
 * marks are gone, so masking them again would take each for an unmarked message and
 * mask it whole (`exited with *** 3` for the secret `code`). The engine masks every
 * event it sends and the history recorder, a listener, masks what it gets as a second
 * line of defence: so masking is applied once and a masked event passes as it is.
 */
const masked = new WeakSet<object>();

function made<T extends object>(value: T): T {
  masked.add(value);
  return value;
}

/**
 * `event`, marked as masked already: {@link maskEvent} passes it as it is. For an output
 * line whose data the engine masked itself, leaving weft's own words around it whole
 * (attempt_context.ts emitMarked); masking it whole again would undo that.
 */
export function maskedAlready<T extends object>(event: T): T {
  return made(event);
}

/**
 * The event with its data fields masked: a copy when there is something to mask,
 * the event itself otherwise (and when it was made here: it is masked already).
 * Identifiers of `run_started` are protected in error messages from then on (see
 * {@link Secrets.protect}).
 */
export function maskEvent(event: EngineEvent, secrets: Secrets): EngineEvent {
  if (masked.has(event)) return event;
  if (event.type === "run_started") {
    secrets.protect([event.run.workflow]);
    secrets.protect(event.tasks.flatMap((t) => [t.id, t.name]));
  }
  // Other events carry errors whose quoted-data marks are removed even with no secrets.
  if (secrets.empty && event.type === "output") return event;
  switch (event.type) {
    case "run_started":
      return made({
        ...event,
        run: { ...event.run, params: maskValues(event.run.params, secrets) },
        tasks: event.tasks.map((t) => maskTask(t, secrets)),
      });
    case "output": {
      // Masked text replaces the raw bytes: they would carry the secret to the log.
      const { bytes: _raw, ...rest } = event;
      return made({ ...rest, type: "output", line: secrets.mask(event.line) });
    }
    case "attempt_finished":
      // Its error is its only data: without one there is nothing to mask or resolve.
      if (event.error === null) return event;
      return made({ ...event, error: maskError(event.error, secrets) });
    case "task_finished":
      // Most tasks end with no error and, with no secrets, their outputs stay as they
      // are: no copy per task (masking such an event again is the identity too).
      if (event.task.error === null && (secrets.empty || isEmpty(event.task.outputs))) {
        return event;
      }
      return made({ ...event, task: maskTask(event.task, secrets) });
    case "run_finished":
      return made({ ...event, report: maskReport(event.report, secrets) });
    case "tasks_added":
      // Pending records: no error and no outputs yet, only weft's own ids and names.
      return event;
    case "task_started":
    case "attempt_waiting":
    case "process_started":
    case "process_exited":
      return event;
  }
}

/**
 * The report with its tasks' errors and output values masked (a copy); a report made
 * here is masked already and returned as it is.
 */
export function maskReport(report: RunReport, secrets: Secrets): RunReport {
  if (masked.has(report)) return report;
  return made({ ...report, tasks: report.tasks.map((t) => maskTask(t, secrets)) });
}

function maskTask(task: TaskRecord, secrets: Secrets): TaskRecord {
  return {
    ...task,
    error: maskError(task.error, secrets),
    outputs: maskOutputs(task.outputs, secrets),
  };
}

function maskError(error: string | null, secrets: Secrets): string | null {
  // Only the data an error quotes is masked (see model/data_text.ts), never weft's words.
  return error === null ? null : secrets.maskMessage(error);
}

function isEmpty(values: Record<string, string>): boolean {
  for (const _ in values) return false;
  return true;
}

/** A copy with every value masked and every key kept. */
function maskValues(values: Record<string, string>, secrets: Secrets): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const key in values) copy[key] = secrets.mask(values[key]);
  return copy;
}

/**
 * Output keys weft sets itself (parse/known_outputs.ts FIXED_OUTPUTS, a conditional's
 * `branch`, a data_processor's `output_file` and `input_count`): its own words, kept as
 * they are whatever the secrets (`rows` for the secret `rows` stays `rows`).
 */
const OWN_OUTPUT_KEYS = new Set([
  "status",
  "headers",
  "body",
  "image",
  "container",
  "migrations_applied",
  "rows",
  "row_count",
  "total",
  "count",
  "succeeded",
  "failed",
  "winner",
  "branch",
  "output_file",
  "input_count",
]);

/**
 * A copy of a task's outputs with every value masked, weft's own identifiers inside
 * them kept (Secrets.maskKeeping: the docker task's `container` name, a task id): they
 * are printed and stored as they are everywhere else. A key is the task's data too
 * (any text a `$WEFT_OUTPUT` line or setOutput gives): one holding a secret is masked
 * as well, but for weft's own keys ({@link OWN_OUTPUT_KEYS}), task ids and a name
 * written as it is in the workflow's task definitions (`echo "postgres=…"`: the
 * author's name, as a task id is) or read by a reference anywhere in the workflow
 * (`${tasks.a.outputs.postgres_host}`: Secrets.protectWrittenNames). Two keys
 * masked to the same text (`***` from two secrets, or beside a key written `***`) are
 * told apart as `*** (2)`, `*** (3)`, …, in the order they were written, so no value is
 * lost. Exported for the records the store keeps while the run goes on, masked again as
 * secrets are learned (store/records_journal.ts).
 */
export function maskOutputs(
  values: Record<string, string>,
  secrets: Secrets,
): Record<string, string> {
  const copy: Record<string, string> = {};
  let renamed: Map<string, string> | null = null;
  for (const key in values) {
    const shown = OWN_OUTPUT_KEYS.has(key) ? key : secrets.maskKeeping(key);
    if (shown !== key && !secrets.isWrittenName(key)) (renamed ??= new Map()).set(key, shown);
  }
  if (renamed === null) {
    for (const key in values) copy[key] = maskOutputValue(values[key], secrets);
    return copy;
  }
  // Keys kept as written are taken first, so a masked one never displaces them.
  const taken = new Set(Object.keys(values).filter((key) => !renamed.has(key)));
  for (const key in values) {
    let shown = renamed.get(key) ?? key;
    if (renamed.has(key) && taken.has(shown)) {
      let n = 2;
      while (taken.has(`${shown} (${n})`)) n++;
      shown = `${shown} (${n})`;
    }
    taken.add(shown);
    copy[shown] = maskOutputValue(values[key], secrets);
  }
  return copy;
}

/**
 * One output value masked (Secrets.maskKeeping). In a JSON value (a database task's
 * `rows`), a key the workflow reads (`${item.postgres_host}`, Secrets.isWrittenName)
 * is its identifier as an output's name is, kept as written; the rest is data.
 */
function maskOutputValue(value: string, secrets: Secrets): string {
  const masked = secrets.maskKeeping(value);
  if (masked === value || !/^\s*[[{]/.test(value)) return masked;
  const kept = jsonKeySpans(value).filter((span) => secrets.isWrittenName(span.key));
  return kept.length === 0 ? masked : secrets.maskKeeping(value, kept);
}
