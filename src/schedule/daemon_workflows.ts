/**
 * The workflow files of `weft daemon --dir DIR`: every `.json`, `.yml` and `.yaml`
 * file directly in each folder, loaded and validated. On a reload a file that no
 * longer validates is reported and its previous good version is kept (it goes on
 * answering its triggers); a file that was never valid is reported and left out.
 * @module
 */
import { extname, join, resolve } from "node:path";
import type { Workflow } from "../model/workflow.ts";
import { WeftError } from "../model/errors.ts";

/** A workflow file that passed every check (what parse/mod.ts loadWorkflow gives). */
export interface LoadedFile {
  workflow: Workflow;
  /** Absolute path. */
  file: string;
  /** Absolute folder of the file. */
  dir: string;
  /** SHA-256 of the file's bytes (lowercase hex). */
  hash: string;
  /** The text as read. */
  source: string;
}

/** Loads and validates one file; throws (WeftError) when it does not validate. */
export type FileLoader = (file: string) => Promise<LoadedFile>;

const EXTENSIONS = new Set([".json", ".yml", ".yaml"]);

/** The workflow files in `dirs` (absolute, sorted). Throws WeftError when a folder cannot be read. */
export async function listWorkflowFiles(dirs: string[], cwd: string): Promise<string[]> {
  const files = new Set<string>();
  for (const dir of dirs) {
    const abs = resolve(cwd, dir);
    let entries: AsyncIterable<Deno.DirEntry>;
    try {
      entries = Deno.readDir(abs);
      // readDir fails on its first step; take it here to name the folder.
      await Deno.stat(abs).then((info) => {
        if (!info.isDirectory) throw new Deno.errors.NotADirectory("not a folder");
      });
    } catch (e) {
      throw new WeftError(`--dir ${dir}: ${e instanceof Error ? e.message : String(e)}`, {
        hint: "give a folder holding workflow files (.json, .yml, .yaml)",
      });
    }
    for await (const entry of entries) {
      // A FIFO, socket, device or folder named like a workflow is listed too: its load
      // refuses it, and the log says so (README: "reported, not loaded"), where skipping
      // it here said nothing (a link to a folder was reported, a folder was not: F10).
      if (!EXTENSIONS.has(extname(entry.name).toLowerCase())) continue;
      files.add(join(abs, entry.name));
    }
  }
  return [...files].sort();
}

/** What a (re)load found. */
export interface LoadReport {
  /** The workflows in force: freshly loaded, or the previous version kept. */
  loaded: LoadedFile[];
  /** One line per file that did not validate (and whether its old version is kept). */
  problems: string[];
}

/**
 * Loads `files`; where one fails and `previous` has it, the previous version stays.
 * Files gone from the folders are dropped.
 */
export async function loadAll(
  files: string[],
  load: FileLoader,
  previous: ReadonlyMap<string, LoadedFile>,
): Promise<LoadReport> {
  const loaded: LoadedFile[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      loaded.push(await load(file));
    } catch (e) {
      const reason = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, "; ");
      const kept = previous.get(file);
      if (kept) loaded.push(kept);
      problems.push(
        `workflow ${file} does not validate${
          kept ? ", keeping its previous version" : ", not loaded"
        }: ${reason}`,
      );
    }
  }
  return { loaded, problems };
}

/**
 * A configured webhook path as requests carry it: with a leading `/`, dot segments
 * resolved and characters such as spaces percent-encoded, the way the server reads a
 * request's path (`new URL(request.url).pathname`), so `/trigger/my deploy` is reached
 * at `/trigger/my%20deploy`.
 */
export function routePath(configured: string): string {
  const rooted = configured.startsWith("/") ? configured : `/${configured}`;
  return new URL(rooted.replaceAll("?", "%3F").replaceAll("#", "%23"), "http://weft.invalid")
    .pathname;
}
