/**
 * What a workflow template is: a name, a one-line summary, and a function that builds
 * the workflow (as it would be written in a file) for a given workflow name, with the
 * comments the YAML form carries. Templates are plain modules, imported statically by
 * mod.ts, so a compiled `weft` binary carries them and nothing is read from disk.
 * @module
 */
import { scheduleNameProblem } from "../model/schedule.ts";

/** Where a comment goes: a path of keys and list positions into the workflow. */
export type NotePath = readonly (string | number)[];

/**
 * A comment for the YAML form. With a path, it is written on the lines above that key
 * (or list item); the empty path is the file's header.
 */
export interface Note {
  path: NotePath;
  text: string;
}

/** A built template: the workflow as written, and its comments. */
export interface Built {
  /** The workflow in the shape of a workflow file (JSON-compatible values only). */
  workflow: Record<string, unknown>;
  /** Comments for the YAML form; JSON has none (its `description` says what it is). */
  notes: Note[];
}

/** One template of `weft create` / `weft generate`. */
export interface Template {
  /** What `--template` / `--type` names it: `web-app`, `ci-cd`, … */
  id: string;
  /** One line for `weft create --list`. */
  summary: string;
  /**
   * Builds the workflow named `name` (already checked to be a valid workflow name).
   * Deterministic: the same name gives the same workflow.
   */
  build(name: string): Built;
}

/**
 * `name` reduced to what image names and file names accept: lowercase letters,
 * digits and single `-` (`My App!` → `my-app`); `app` when nothing is left.
 */
export function slug(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return s.length > 0 ? s.slice(0, 63).replace(/-+$/, "") : "app";
}

/**
 * A schedule trigger's `config` for a workflow named `name`: `config` as it is, or with
 * `name: slug(name)` when the workflow's name cannot name its schedule (a line break or
 * another control character: model/schedule.ts scheduleNameProblem), so that what
 * `weft create` writes always validates.
 */
export function scheduleConfig<T extends object>(
  name: string,
  config: T,
): T | T & { name: string } {
  return scheduleNameProblem(name) ? { ...config, name: slug(name) } : config;
}
