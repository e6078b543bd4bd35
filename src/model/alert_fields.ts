/**
 * What an alert rule's `condition` and `template` can read (notify/alerts.ts alertScope
 * builds exactly these; tests/notify_alert_fields_test.ts holds the two together), so
 * `weft validate` refuses a misspelt field (`metrics.successrate`) at its place instead
 * of letting the rule read null and never fire. A field is `true` for a value, or the
 * fields of an object below it.
 * @module
 */

/** The fields of one name, nested; `true` marks a value. */
export type AlertFields = { readonly [field: string]: true | AlertFields };

const ERROR: AlertFields = { message: true };
const EXECUTION: AlertFields = {
  id: true,
  status: true,
  duration: true,
  startedAt: true,
  finishedAt: true,
  error: ERROR,
};

/** Each name an alert reads and its fields (README, Alerts). */
export const ALERT_FIELDS: Readonly<Record<string, AlertFields>> = {
  execution: EXECUTION,
  metrics: { successRate: true, totalRuns: true, averageDuration: true, failures: true },
  workflow: { name: true, expected_duration: true },
  error: ERROR,
  run: EXECUTION,
};

/**
 * Why `root.path…` is no field an alert can read (`undefined` when it is): the first
 * unknown step, and the fields there are to choose from.
 */
export function alertFieldTrouble(
  root: string,
  path: readonly string[],
): { written: string; field: string; choices: string[] } | undefined {
  let fields: true | AlertFields | undefined = ALERT_FIELDS[root];
  let written = root;
  for (const field of path) {
    if (fields === true || fields === undefined || !Object.hasOwn(fields, field)) {
      return { written, field, choices: fields === true || !fields ? [] : Object.keys(fields) };
    }
    fields = fields[field];
    written += `.${field}`;
  }
  return undefined;
}
