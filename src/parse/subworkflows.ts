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
import type { CalledFile } from "../model/called_files.ts";
import type { Workflow } from "../model/workflow.ts";
import { isObject, type RawObject } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";
import { kindProblem, labelIn, pathKind } from "./called_paths.ts";

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

/** A called file read and checked on its own (what the loader's parse gives). */
export interface CalledSource {
  /** The workflow when the file itself has no problem. */
  workflow?: Workflow;
  /** Its own problems (reading, syntax, schema, graph ...), sorted by position. */
  problems: Problem[];
  /** The data and positions the workflow was read from, present with it. */
  data?: unknown;
  map?: SourceMap;
  /** Absolute folder of the file: its own calls resolve against it. */
  dir: string;
}

/** Reads and checks one called file by its label (the loader's parse, no calls followed). */
export type LoadCalled = (label: string) => Promise<CalledSource>;

/** Whether any task or nested step of a parsed workflow is a `workflow` task. */
export function callsWorkflows(workflow: Workflow): boolean {
  return callRefs(workflow).length > 0;
}

/** A file of the call graph, read and checked once per validation, however many call it. */
interface CallNode {
  label: string;
  source: CalledSource;
  refs: CallRef[];
  /** The longest chain (files, this one included) it was checked along so far. */
  depth: number;
  /** Its problems, by place and words: a call checked again adds nothing twice. */
  problems: Map<string, Problem>;
}

/**
 * The problems of the `workflow` tasks of `root` and of every file they call, in turn:
 * the root's own (sorted by position), then each called file's, in the order first
 * called; and the valid files read, by absolute path (`files`). Each file is read and checked once, and each problem reported once, however
 * many paths of calls reach it (6 calls per file over 9 levels are 6^9 paths; checking
 * each file once per path took minutes, tester8 F4). A file is looked at again only
 * when reached along a longer chain than before, without being read again, so that the
 * {@link MAX_CALL_LEVELS} limit is found along the longest chain of calls: at most
 * MAX_CALL_LEVELS times per file. Cycles are found on the chain being followed.
 */
export async function subworkflowProblems(
  root: {
    data: unknown;
    map: SourceMap;
    label: string;
    path: string;
    dir: string;
    cwd: string;
    /** Read from stdin or a pipe (RawInput.stream): its calls resolve against cwd. */
    stream?: boolean;
  },
  load: LoadCalled,
): Promise<{ problems: Problem[]; files: Map<string, CalledFile> }> {
  // node:path here, not at import: callsWorkflows is on `weft validate`'s quick path,
  // where loading it would start Node compatibility (~4 ms; issue 12 §3).
  const { resolve, relative, isAbsolute } = await import("node:path");
  const graph = new CallGraph(
    load,
    root.cwd,
    { resolve, relative, isAbsolute },
    root.stream === true,
  );
  const node: CallNode = {
    label: root.label,
    source: { problems: [], data: root.data, map: root.map, dir: root.dir },
    refs: callRefs(root.data),
    depth: 0,
    problems: new Map(),
  };
  graph.nodes.set(root.path, node);
  await graph.expand(node, [{ path: root.path, label: root.label }]);
  const blocks = [node, ...graph.order].map((n) => sortedByPlace([...n.problems.values()]));
  // The valid files read, for what the run knows at its start (model/called_files.ts).
  const files = new Map<string, CalledFile>();
  for (const [path, called] of graph.nodes) {
    if (called !== node && called.source.workflow) {
      files.set(path, { workflow: called.source.workflow, dir: called.source.dir });
    }
  }
  return { problems: blocks.flat(), files };
}

/** The files of one validation's calls, and the checks that walk them. */
class CallGraph {
  /** By absolute path. */
  readonly nodes = new Map<string, CallNode>();
  /** The called files in the order first called (their problems are listed so). */
  readonly order: CallNode[] = [];
  /** What is at each path called (see pathKind), asked once. */
  readonly #kinds = new Map<string, string>();
  /** Each cycle reported (its files, sorted), once whichever file it is entered at. */
  readonly #cycles = new Set<string>();

  constructor(
    private readonly load: LoadCalled,
    private readonly cwd: string,
    private readonly path: Pick<typeof NodePath, "resolve" | "relative" | "isAbsolute">,
    /** The root was read from stdin or a pipe (see kindProblem's hint). */
    private readonly rootStream = false,
  ) {}

  /** Checks the calls of `node` along `chain` (which ends with it), and the files called. */
  async expand(node: CallNode, chain: ChainLink[]): Promise<void> {
    node.depth = chain.length;
    const map = node.source.map!;
    const at = (path: PathSegment[], message: string, hint?: string, key = false) => {
      const problem = {
        file: node.label,
        ...(key ? map.key(path) : map.value(path)),
        message,
        hint,
      };
      const id = `${problem.line}:${problem.column}:${message}`;
      if (!node.problems.has(id)) node.problems.set(id, problem);
    };
    for (const ref of node.refs) {
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
      const target = this.path.resolve(node.source.dir, file);
      const childLabel = labelIn(target, this.cwd, this.path);
      const link = { path: target, label: childLabel };
      const loop = chain.findIndex((l) => l.path === target);
      if (loop >= 0) {
        const cycle = chain.slice(loop);
        const key = cycle.map((l) => l.path).sort().join("\n");
        // Reached again along a longer chain, the same cycle may close at another file.
        if (this.#cycles.has(key)) continue;
        this.#cycles.add(key);
        at(
          filePath,
          `a workflow must not call itself: ${[...cycle, link].map((l) => l.label).join(" -> ")}`,
          "break the cycle: move the shared tasks into a workflow that calls none of these",
        );
        continue;
      }
      if (chain.length >= MAX_CALL_LEVELS) {
        const names = [...chain, link].map((l) => l.label);
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
      // The root read from stdin or a pipe resolves its calls against the current folder.
      const fromStdin = chain.length === 1 && this.rootStream;
      const problem = kindProblem(file, target, await this.#kind(target), fromStdin);
      if (problem) {
        at(filePath, problem.message, problem.hint);
        continue;
      }
      let child = this.nodes.get(target);
      const first = child === undefined;
      if (!child) {
        const source = await this.load(childLabel);
        child = {
          label: childLabel,
          source,
          refs: source.workflow ? callRefs(source.data) : [],
          depth: 0,
          problems: new Map(source.problems.map((p, i) => [`${i}`, p])),
        };
        this.nodes.set(target, child);
        this.order.push(child);
      }
      const before = child.problems.size;
      if (child.refs.length > 0 && child.depth < chain.length + 1) {
        await this.expand(child, [...chain, link]);
      }
      if (!child.source.workflow || child.problems.size > 0) {
        // Said by the call that first found them (as they are listed once).
        if (first || child.problems.size > before) {
          at(filePath, `the called workflow ${childLabel} has problems`, "see its problems listed");
        }
        continue;
      }
      checkParams(ref, child.source.workflow, childLabel, at);
    }
  }

  async #kind(path: string): Promise<string> {
    let kind = this.#kinds.get(path);
    if (kind === undefined) this.#kinds.set(path, kind = await pathKind(path));
    return kind;
  }
}

/** Problems by line, then column (stable otherwise). */
function sortedByPlace(problems: Problem[]): Problem[] {
  return problems.sort((a, b) =>
    (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)
  );
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
