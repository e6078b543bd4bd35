/**
 * Checks of `workflow` tasks (sub-workflows) that need other files: the called file
 * exists, is itself valid (its problems are reported with its own path), declares the
 * params passed to it and gets its required ones, and no workflow calls itself,
 * directly or through others (reported with the chain, `a.yml -> b.yml -> a.yml`, at
 * the `file:` that closes the cycle), and calls nest at most {@link MAX_CALL_LEVELS}
 * levels deep. Problems about the call are placed at the `file:` field (or the param's
 * key) of the calling file.
 * @module
 */
import type * as NodePath from "node:path";
import type { Problem } from "../model/errors.ts";
import type { Workflow } from "../model/workflow.ts";
import { isObject, type RawObject } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";
import { specialFileKind } from "../path.ts";
import { pushAll } from "../arrays.ts";

/**
 * The most workflow files a chain of calls may hold, the first caller included: the
 * limit GitHub Actions sets for reusable workflows ("a maximum of ten levels of
 * workflows", docs: reusing workflows, nesting). Each level is checked, and at run time
 * started, as a workflow of its own, so an unbounded chain cost time and memory with
 * the square of its length before anything ran.
 */
export const MAX_CALL_LEVELS = 10;

/** One `workflow` task as written. */
interface CallRef {
  data: RawObject;
  path: PathSegment[];
}

/** A file on the call chain: absolute path (or "-") and the label problems use. */
export interface ChainLink {
  path: string;
  label: string;
}

/** Checks a called file (the loader's checkWorkflow with the chain extended). */
export type CheckCalled = (
  label: string,
  chain: ChainLink[],
) => Promise<{ workflow?: Workflow; problems: Problem[] }>;

/** Whether any task or nested step of a parsed workflow is a `workflow` task. */
export function callsWorkflows(workflow: Workflow): boolean {
  return callRefs(workflow).length > 0;
}

/**
 * The problems of every `workflow` task in one file. `chain` ends with this file;
 * `checked` holds the files whose own problems were already reported (each is
 * reported once, however many tasks call it).
 */
export async function subworkflowProblems(
  input: { data: unknown; map: SourceMap; label: string; dir: string; cwd: string },
  chain: ChainLink[],
  checked: Set<string>,
  check: CheckCalled,
): Promise<Problem[]> {
  // node:path here, not at import: callsWorkflows is on `weft validate`'s quick path,
  // where loading it would start Node compatibility (~4 ms; issue 12 §3).
  const { resolve, relative, isAbsolute } = await import("node:path");
  const labelOf = (path: string, cwd: string) => labelIn(path, cwd, { relative, isAbsolute });
  const { map, label } = input;
  const problems: Problem[] = [];
  /** Problems inside the called files, listed after this file's own. */
  const inCalled: Problem[] = [];
  const at = (path: PathSegment[], message: string, hint?: string, key = false) =>
    problems.push({ file: label, ...(key ? map.key(path) : map.value(path)), message, hint });
  for (const ref of callRefs(input.data)) {
    const file = ref.data.file;
    if (typeof file !== "string" || file === "") continue; // the schema reports it
    const filePath = [...ref.path, "file"];
    if (file.includes("${")) {
      at(
        filePath,
        `workflow file ${JSON.stringify(file)}: \${...} is not allowed here`,
        "name the file literally, so that it can be checked before anything runs",
      );
      continue;
    }
    const target = resolve(input.dir, file);
    const childLabel = labelOf(target, input.cwd);
    const loop = chain.findIndex((link) => link.path === target);
    if (loop >= 0) {
      const names = [...chain.slice(loop), { path: target, label: childLabel }].map((l) => l.label);
      at(
        filePath,
        `a workflow must not call itself: ${names.join(" -> ")}`,
        "break the cycle: move the shared tasks into a workflow that calls none of these",
      );
      continue;
    }
    if (chain.length >= MAX_CALL_LEVELS) {
      const names = [...chain, { path: target, label: childLabel }].map((l) => l.label);
      at(
        filePath,
        `workflow calls nest more than ${MAX_CALL_LEVELS} levels deep: ${names[0]} -> … -> ${
          names.at(-1)
        } (${names.length} levels)`,
        "flatten the chain: have one workflow call several others in turn " +
          "rather than each calling the next",
      );
      continue;
    }
    const kind = await pathKind(target);
    if (kind !== "file") {
      at(
        filePath,
        kind === "folder"
          ? `${JSON.stringify(file)} is a folder, not a workflow file (${target})`
          : kind === "missing"
          ? `workflow file not found: ${JSON.stringify(file)} (looked for ${target})`
          : `${JSON.stringify(file)} is ${kind}, not a regular file (${target})`,
        kind === "folder"
          ? "name the .yml or .json file inside it"
          : kind === "missing"
          ? "the path is relative to the folder of this workflow file"
          // A called file is read when checked and again when the task runs: a pipe
          // or device would give other bytes (or none) the second time.
          : "a called workflow must be a regular .yml or .json file; copy the content into one",
      );
      continue;
    }
    const first = !checked.has(target);
    checked.add(target);
    const result = await check(childLabel, [...chain, { path: target, label: childLabel }]);
    if (first) pushAll(inCalled, result.problems);
    if (!result.workflow) {
      if (first) {
        at(filePath, `the called workflow ${childLabel} has problems`, "see its problems listed");
      }
      continue;
    }
    checkParams(ref, result.workflow, childLabel, at);
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return [...problems, ...inCalled];
}

/** Params passed that the child does not declare, and required ones not passed. */
function checkParams(
  ref: CallRef,
  child: Workflow,
  childLabel: string,
  at: (path: PathSegment[], message: string, hint?: string, key?: boolean) => void,
): void {
  const declared = child.params ?? {};
  const names = Object.keys(declared);
  const given = isObject(ref.data.params) ? ref.data.params : {};
  for (const name of Object.keys(given)) {
    if (Object.hasOwn(declared, name)) continue;
    at(
      [...ref.path, "params", name],
      `${childLabel} declares no parameter "${name}"`,
      names.length > 0
        ? `it declares: ${names.join(", ")}`
        : "it declares no params; add it under `params:` there first",
      true,
    );
  }
  for (const [name, spec] of Object.entries(declared)) {
    if (spec.required && spec.default === undefined && !Object.hasOwn(given, name)) {
      at(
        [...ref.path, "file"],
        `${childLabel} requires parameter "${name}"`,
        `pass it under this task's params: (${name}: VALUE)`,
      );
    }
  }
}

/** Every `workflow` task: top-level, in a `parallel`, a conditional's branch, a loop's step. */
function callRefs(data: unknown): CallRef[] {
  const refs: CallRef[] = [];
  // Loops, not forEach: `weft run` of a .json file asks this of every task (issue 8 §5).
  const visit = (value: unknown, path: PathSegment[]) => {
    if (!isObject(value)) return;
    if (value.type === "workflow") refs.push({ data: value, path });
    if (value.type === "parallel" && Array.isArray(value.tasks)) {
      for (let i = 0; i < value.tasks.length; i++) visit(value.tasks[i], [...path, "tasks", i]);
    }
    if (value.type === "shell") return;
    for (const key of STEP_KEYS) if (isObject(value[key])) visit(value[key], [...path, key]);
  };
  if (isObject(data) && Array.isArray(data.tasks)) {
    for (let i = 0; i < data.tasks.length; i++) visit(data.tasks[i], ["tasks", i]);
  }
  return refs;
}

/** Where a task holds a step: a conditional's branches, a loop's `task`. */
const STEP_KEYS = ["then", "else", "task"] as const;

/** A path as problems show it: relative to the working folder when inside it. */
function labelIn(
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
async function pathKind(path: string): Promise<string> {
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
