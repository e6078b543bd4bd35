/**
 * How a record made after a run's end (its notifications' outcome, an alert rule's
 * state) that could not be written is told: what, where (the WEFT_HOME folder), why and
 * what to do, as the StorageError of store/full_disk.ts writeAfterRun says them.
 * @module
 */
import { StorageError } from "../store/faults.ts";

/**
 * One line: `what (home): reason; consequence — hint`; for an error of another kind its
 * message and `consequence`.
 */
export function afterRunFault(error: unknown, consequence: string): string {
  if (!(error instanceof StorageError)) {
    return `${error instanceof Error ? error.message : String(error)}; ${consequence}`;
  }
  const hint = error.problems[0]?.hint;
  return `${error.summary}; ${consequence}${hint ? ` — ${hint}` : ""}`;
}
