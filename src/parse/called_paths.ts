/**
 * Where a `workflow` task's `file:` leads (for subworkflows.ts): what is at the path, the
 * problem when it is not a regular file, and the label problems name it by.
 * @module
 */
import type * as NodePath from "node:path";
import { specialFileKind } from "../path.ts";

/**
 * The problem of a called path that is not a regular file (`kind` from pathKind).
 * `fromStdin`: the caller is a workflow read from stdin or a pipe (`weft run -`,
 * `weft run <(…)`), whose relative paths resolve against the current folder, not a
 * file's folder: the hint says so.
 */
export function kindProblem(
  file: string,
  target: string,
  kind: string,
  fromStdin = false,
): { message: string; hint: string } | undefined {
  if (kind === "file") return undefined;
  return {
    message: kind === "folder"
      ? `${JSON.stringify(file)} is a folder, not a workflow file (${target})`
      : kind === "missing"
      ? `workflow file not found: ${JSON.stringify(file)} (looked for ${target})`
      : `${JSON.stringify(file)} is ${kind}, not a regular file (${target})`,
    hint: kind === "folder"
      ? "name the .yml or .json file inside it"
      : kind === "missing"
      ? fromStdin
        ? "this workflow was read from stdin or a pipe: the path is relative to the current folder"
        : "the path is relative to the folder of this workflow file"
      // A called file is read when checked and again when the task runs: a pipe
      // or device would give other bytes (or none) the second time.
      : "a called workflow must be a regular .yml or .json file; copy the content into one",
  };
}

/** A path as problems show it: relative to the working folder when inside it. */
export function labelIn(
  path: string,
  cwd: string,
  { relative, isAbsolute }: Pick<typeof NodePath, "relative" | "isAbsolute">,
): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/**
 * What is at `path` (symlinks followed): "file", "folder", "missing", or what else it
 * is in words ("a named pipe (FIFO)", "a character device" ...).
 */
export async function pathKind(path: string): Promise<string> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) {
      return "missing";
    }
    // Permission denied and the like: checking the file reports it in its own words.
    return "file";
  }
  if (info.isFile) return "file";
  if (info.isDirectory) return "folder";
  return specialFileKind(info);
}
