/**
 * `weft validate`'s and `weft run`'s way into the checks: the problems of one workflow
 * file, or the loaded workflow, without loading the YAML parser for a `.json` file that
 * has none. The YAML parser is what the positions of problems come from, and the npm
 * `yaml` package costs ~20 ms of start-up from source (Deno loads its CommonJS build);
 * a clean JSON file needs no position (issue 12 §3). Anything else takes the full path
 * of mod.ts, whose output this never changes. The quick checks (clean_json.ts, with the
 * model's zod schema) load only when a file is validated: a run of a file the validated
 * cache holds loads neither.
 * @module
 */
import { type Problem, WeftError } from "../model/errors.ts";
import type { Workflow } from "../model/workflow.ts";
import type { FileReport, LoadedWorkflow, LoadOptions } from "./mod.ts";
import { decodeInput, readInput, refusalPath, sha256Hex } from "./read.ts";
import { entryText, readValidated, storeValidated } from "./validated_cache.ts";
import { fileSystemLooks } from "./program_checks.ts";

/**
 * Every problem of a workflow file (`-` reads stdin), exactly as `checkWorkflow` of
 * mod.ts reports them, without hashing the file (`weft validate` needs no hash).
 */
export async function workflowProblems(file: string, options: LoadOptions): Promise<Problem[]> {
  const raw = await readInput(file, options);
  if ("message" in raw) return [raw];
  const decoded = decodeInput(raw.bytes, file);
  if ("message" in decoded) return [decoded];
  if (
    decoded.format === "json" && await cleanAndUnrefused(decoded.text, refusalPath(raw), options)
  ) {
    return [];
  }
  const { checkSource } = await import("./mod.ts");
  return (await checkSource(file, options, raw)).problems;
}

/**
 * `workflowReport` of mod.ts (problems and notes), on the quick path for a clean `.json`
 * file with nothing to note: notes need positions. A file whose text holds the
 * placeholder (or a `\u` escape, which may spell it) takes the full path.
 */
export async function workflowReport(file: string, options: LoadOptions): Promise<FileReport> {
  const raw = await readInput(file, options);
  if ("message" in raw) return { problems: [raw], notes: [] };
  const decoded = decodeInput(raw.bytes, file);
  if ("message" in decoded) return { problems: [decoded], notes: [] };
  const { WAIT_FOR_CHOICES } = await import("../model/task.ts");
  const plain = !decoded.text.includes(WAIT_FOR_CHOICES) && !decoded.text.includes("\\u");
  if (
    decoded.format === "json" && plain &&
    await cleanAndUnrefused(decoded.text, refusalPath(raw), options)
  ) {
    return { problems: [], notes: [] };
  }
  const { checkSource } = await import("./mod.ts");
  const { problems, notes } = await checkSource(file, options, raw);
  return { problems, notes: notes ?? [] };
}

/**
 * Loads and checks a workflow file exactly as `loadWorkflow` of mod.ts does (the same
 * workflow, the same WeftError), on the quick path for a clean `.json` file: `weft run`
 * of a JSON workflow then loads neither the YAML parser nor Node's CommonJS loader
 * (issue 12 §3, issue 8 §5). Anything else (stdin, YAML, a problem, sub-workflows) goes
 * through mod.ts with the bytes already read: a file is read once, since a named pipe
 * or /dev/stdin has nothing left to give a second read. With `options.cache`, a clean
 * `.json` file's workflow (and, with `options.hashTasks`, its task hashes) comes from the
 * validated-workflow cache when this build validated these exact bytes before, and is
 * kept there after a clean validation otherwise (validated_cache.ts).
 * @throws {WeftError} carrying every problem, sorted by position, with exit code 2.
 */
export async function loadWorkflow(file: string, options: LoadOptions): Promise<LoadedWorkflow> {
  if (file !== "-" && file.toLowerCase().endsWith(".json")) {
    const raw = await readInput(file, options);
    if ("message" in raw) throw new WeftError([raw]);
    const decoded = decodeInput(raw.bytes, file);
    if ("text" in decoded) {
      const { cache } = options;
      // The cache is keyed by the bytes' hash: worked out before validating, then.
      const early = cache ? await sha256Hex(raw.bytes) : undefined;
      const loaded = (workflow: Workflow, hash: string, taskHashes?: Record<string, string>) => ({
        workflow,
        file: raw.path,
        dir: raw.dir,
        source: decoded.text,
        hash,
        ...(taskHashes && { taskHashes }),
      });
      const kept = cache && early !== undefined ? await readValidated(cache, early) : undefined;
      if (kept && early !== undefined) {
        // What the bytes alone decide came from the entry; the checks that read the file's
        // place (`${workflow.file}`, the files a task names) run each time, as they must.
        if (!(await refused(kept.workflow, decoded.text, refusalPath(raw), options))) {
          return loaded(kept.workflow, early, kept.taskHashes);
        }
      } else {
        const { cleanJsonWorkflow } = await import("./clean_json.ts");
        const looked = fileSystemLooks();
        const workflow = cleanJsonWorkflow(decoded.text);
        // A check that looked at the file system decided by more than the bytes: not kept.
        const pure = fileSystemLooks() === looked;
        if (workflow && !(await refused(workflow, decoded.text, refusalPath(raw), options))) {
          const hash = early ?? await sha256Hex(raw.bytes);
          if (!cache || !pure) return loaded(workflow, hash);
          const hashes = options.hashTasks && await options.hashTasks(workflow);
          // Serialised now, before anyone may change the workflow; undefined: not plain data.
          const text = await entryText(cache, hash, workflow, hashes);
          if (text !== undefined) await storeValidated(cache, hash, text);
          return loaded(workflow, hash, hashes);
        }
      }
    }
    return (await import("./mod.ts")).loadWorkflow(file, options, raw);
  }
  return (await import("./mod.ts")).loadWorkflow(file, options);
}

/**
 * The workflow of clean JSON text (cleanJsonWorkflow) that `options.refusals` finds
 * nothing in; undefined when the full path must run.
 */
async function cleanAndUnrefused(
  text: string,
  path: string,
  options: LoadOptions,
): Promise<Workflow | undefined> {
  const { cleanJsonWorkflow } = await import("./clean_json.ts");
  const workflow = cleanJsonWorkflow(text);
  return workflow && !(await refused(workflow, text, path, options)) ? workflow : undefined;
}

/**
 * Whether `options.refusals` (the run's own checks of the values the file fixes) refuses
 * something in `workflow`, read from `text` at `path`: then the full path must run (a
 * refusal needs its position). Only a text with a `${...}` can be refused.
 */
async function refused(
  workflow: Workflow,
  text: string,
  path: string,
  options: LoadOptions,
): Promise<boolean> {
  if (!options.refusals || !text.includes("${")) return false;
  return (await options.refusals(workflow, path)).length > 0;
}
