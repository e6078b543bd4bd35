/**
 * The workflow files a workflow's `workflow` tasks call, as loading it read and checked
 * them (parse/subworkflows.ts, for `weft validate` and `weft run` alike), kept beside
 * the loaded Workflow: what a run knows at its start (engine/start_secrets.ts: the
 * secrets a called file declares) reads them as they were checked, never parsed a
 * second way or read again.
 * @module
 */
import type { Workflow } from "./workflow.ts";

/** A called file, valid, as it was read. */
export interface CalledFile {
  workflow: Workflow;
  /** Absolute folder of the file: its own `file:` fields resolve against it. */
  dir: string;
}

/** The call graph below one loaded workflow. */
export interface CalledFiles {
  /** Absolute folder of the calling workflow's file: its `file:` fields resolve against it. */
  dir: string;
  /** Every valid file its calls reach, at any depth, by absolute path. */
  files: ReadonlyMap<string, CalledFile>;
}

/** Weak: a daemon loading a workflow for each fire does not keep the old ones. */
const CALLED = new WeakMap<Workflow, CalledFiles>();

/** Keeps the files `workflow` calls, as its loading read them. */
export function keepCalledFiles(workflow: Workflow, called: CalledFiles): void {
  CALLED.set(workflow, called);
}

/** The files `workflow` calls, as its loading read them; undefined when it calls none. */
export function calledFiles(workflow: Workflow): CalledFiles | undefined {
  return CALLED.get(workflow);
}
