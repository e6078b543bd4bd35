/**
 * Loading workflow files: read (file or stdin) → decode → YAML/JSON with positions →
 * schema → graph and expression checks. Every problem in a file is reported at once,
 * each with `file:line:col`, sorted by position.
 * @module
 */
import { type Problem, WeftError } from "../model/errors.ts";
import { keepCalledFiles } from "../model/called_files.ts";
import { type Workflow, workflowSchema } from "../model/workflow.ts";
import { expressionProblems } from "./expr_checks.ts";
import { graphProblems } from "./graph_checks.ts";
import {
  decodeInput,
  detectFormat,
  type RawInput,
  readInput,
  refusalPath,
  sha256Hex,
  type SourceFormat,
} from "./read.ts";
import { JITLESS } from "./clean_json.ts";
import { PROTO_KEY, protoKeyPaths } from "./proto_keys.ts";
import { loneSurrogateProblem, loneSurrogates } from "./lone_surrogates.ts";
import { schemaProblems } from "./schema_issues.ts";
import { type CalledSource, callsWorkflows, subworkflowProblems } from "./subworkflows.ts";
import type { SourceMap } from "./source_map.ts";
import type { ValidatedCache } from "./validated_cache.ts";
import { parseSource } from "./syntax.ts";
import { fileSecretValues, maskProblems } from "./file_secrets.ts";
import { writtenSecretValues } from "./text_secrets.ts";
import { placeRefusals } from "./fixed_refusal_places.ts";
import type { FixedRefusalCheck } from "../model/fixed_refusal.ts";
import { placeholderNotes } from "./placeholder_notes.ts";
import { WAIT_FOR_CHOICES } from "../model/task.ts";
import { parseKeepingText } from "./written_keep.ts";
import {
  keepDataNumbers,
  keepItemNumbers,
  type UnsendableNumber,
  unsendableNumbers,
  unsendableProblem,
} from "./written_data.ts";

export type { SourceFormat } from "./read.ts";

/** A workflow that passed every check, with where it came from. */
export interface LoadedWorkflow {
  workflow: Workflow;
  /** Absolute path of the file, or "-" for stdin. */
  file: string;
  /** Absolute folder of the file (relative task paths resolve against it); cwd for stdin. */
  dir: string;
  /** The text as read. */
  source: string;
  /** Lowercase hex SHA-256 of the bytes read. */
  hash: string;
  /**
   * store/resume.ts taskHashes of the workflow, when the quick path worked them out
   * (LoadOptions.hashTasks) or the validated-workflow cache kept them.
   */
  taskHashes?: Record<string, string>;
}

/** Where files are resolved and what stdin is (for `-`). */
export interface LoadOptions {
  cwd: string;
  stdin?: ReadableStream<Uint8Array>;
  /**
   * The validated-workflow cache (validated_cache.ts) the quick `.json` path of
   * problems.ts loadWorkflow reads and fills; none when absent.
   */
  cache?: ValidatedCache;
  /**
   * store/resume.ts taskHashes, for a workflow about to be kept in `cache`: its hashes
   * are kept beside it (parse may not import store, so the caller passes it in).
   */
  hashTasks?: (workflow: Workflow) => Promise<Record<string, string>>;
  /**
   * The run's own checks of the values the file fixes (engine/fixed_refusals.ts): what
   * they refuse is a problem of the file, at its place (parse may not import the engine,
   * so the caller passes it in). Without it only the checks of parse are made.
   */
  refusals?: FixedRefusalCheck;
  /**
   * Refuse a path that is a FIFO, a device or a socket unopened (regular_file.ts): for
   * a file read again unattended (a schedule's, the daemon's, a called workflow), where
   * a FIFO would wait for a writer for ever. Without it such a path is read as `weft run
   * <(…)` gives it, bounded.
   */
  regularOnly?: boolean;
}

/** The outcome of checking one file: the workflow when valid, and every problem. */
export interface CheckResult {
  loaded?: LoadedWorkflow;
  problems: Problem[];
}

/**
 * Loads and checks a workflow file (`-` reads stdin). `read` is the input when the
 * caller has read it already: it is not read again (a pipe would give nothing).
 * @throws {WeftError} carrying every problem, sorted by position, with exit code 2.
 */
export async function loadWorkflow(
  file: string,
  options: LoadOptions,
  read?: RawInput,
): Promise<LoadedWorkflow> {
  const { loaded, problems } = await checkWorkflow(file, options, read);
  if (!loaded) throw new WeftError(problems);
  return loaded;
}

/**
 * Reads and checks a workflow file without throwing for problems in it.
 * `Problem.file` is `file` as given (relative stays relative). `read` is the input
 * when the caller has read it already.
 */
export async function checkWorkflow(
  file: string,
  options: LoadOptions,
  read?: RawInput,
): Promise<CheckResult> {
  const { found, problems } = await checkSource(file, options, read);
  if (!found) return { problems };
  const { workflow, path, dir, text, bytes } = found;
  const loaded: LoadedWorkflow = {
    workflow,
    file: path,
    dir,
    source: text,
    hash: await sha256Hex(bytes),
  };
  return { loaded, problems };
}

/**
 * Every problem of a workflow file (`-` reads stdin), as {@link checkWorkflow} reports
 * them, without hashing the file: `weft validate` needs no hash. problems.ts has the
 * same function with a quicker way through clean `.json` files.
 */
export async function workflowProblems(file: string, options: LoadOptions): Promise<Problem[]> {
  return (await checkSource(file, options)).problems;
}

/** What `weft validate` reports of a file: its problems, and notes (placeholder_notes.ts). */
export interface FileReport {
  problems: Problem[];
  /** What weft reads a value it accepts as, where that is not what it spells. */
  notes: Problem[];
}

/** {@link workflowProblems} with the notes of a valid file. */
export async function workflowReport(file: string, options: LoadOptions): Promise<FileReport> {
  const { problems, notes } = await checkSource(file, options);
  return { problems, notes: notes ?? [] };
}

/** A file that passed every check: its workflow, path as read, text and bytes. */
export interface FoundWorkflow {
  workflow: Workflow;
  path: string;
  /** The folder its relative paths resolve against (RawInput.dir). */
  dir: string;
  text: string;
  bytes: Uint8Array;
}

/**
 * {@link checkWorkflow} without the hash: the workflow when valid, and every problem.
 * `read` is the input when the caller has read it already (stdin reads only once).
 */
export async function checkSource(
  file: string,
  options: LoadOptions,
  read?: RawInput,
): Promise<{ found?: FoundWorkflow; problems: Problem[]; notes?: Problem[] }> {
  const raw = read ?? await readInput(file, options);
  if ("message" in raw) return { problems: [raw] };
  const decoded = decodeInput(raw.bytes, file);
  if ("message" in decoded) return { problems: [decoded] };
  const parsed = parseWorkflowSource(decoded.text, file, decoded.format);
  const { workflow, problems, notes } = parsed;
  if (!workflow) return { problems };
  if (callsWorkflows(workflow)) {
    // Sub-workflows: the called files are read and checked too (see subworkflows.ts),
    // each once whatever calls it.
    const dir = raw.dir;
    // The data the model was read from (written text kept, e.g. `file: 1.10`), not a
    // second parse of the source that would read its scalars by other rules.
    const called = await subworkflowProblems(
      {
        data: parsed.data,
        map: parsed.map!,
        label: file,
        path: raw.path,
        dir,
        cwd: options.cwd,
        stream: raw.stream,
      },
      (label) => calledSource(label, options.cwd, options.refusals),
    );
    if (called.problems.length > 0) return { problems: called.problems };
    keepCalledFiles(workflow, { dir, files: called.files });
  }
  if (options.refusals && decoded.text.includes("${")) {
    const refused = placeRefusals(
      await options.refusals(workflow, refusalPath(raw)),
      parsed.data,
      parsed.map!,
      file,
    );
    // A refusal may quote a value holding another's secret (file_secrets.ts).
    if (refused.length > 0) {
      return { problems: sortProblems(maskProblems(refused, fileSecretValues(parsed.data))) };
    }
  }
  return {
    found: { workflow, path: raw.path, dir: raw.dir, text: decoded.text, bytes: raw.bytes },
    problems,
    notes,
  };
}

/** A called file read and checked on its own: its calls are followed by subworkflows.ts. */
async function calledSource(
  label: string,
  cwd: string,
  refusals?: FixedRefusalCheck,
): Promise<CalledSource> {
  const raw = await readInput(label, { cwd, regularOnly: true });
  if ("message" in raw) return { problems: [raw], dir: cwd };
  const dir = raw.dir;
  const decoded = decodeInput(raw.bytes, label);
  if ("message" in decoded) return { problems: [decoded], dir };
  const parsed = parseWorkflowSource(decoded.text, label, decoded.format);
  if (refusals && parsed.workflow && decoded.text.includes("${")) {
    const refused = placeRefusals(
      await refusals(parsed.workflow, raw.path),
      parsed.data,
      parsed.map!,
      label,
    );
    if (refused.length > 0) {
      return { problems: sortProblems(maskProblems(refused, fileSecretValues(parsed.data))), dir };
    }
  }
  return { ...parsed, dir };
}

/** A checked workflow text: the model, and the data and positions it was read from. */
export interface ParsedWorkflow {
  workflow?: Workflow;
  problems: Problem[];
  /**
   * The data the schema read (unquoted scalars kept as written where text is wanted),
   * present with {@link workflow}: checks beyond the model read this, never a new parse.
   */
  data?: unknown;
  /** Positions of {@link data} in the source, present with it. */
  map?: SourceMap;
  /** Notes on values read as other than they spell (placeholder_notes.ts), with {@link workflow}. */
  notes?: Problem[];
}

/**
 * Checks workflow text. `fileLabel` names the source in problems and, unless `format`
 * is given, picks the syntax (`.json` strict JSON, otherwise YAML, which reads JSON too).
 */
export function parseWorkflowSource(
  source: string,
  fileLabel: string,
  format?: SourceFormat,
): ParsedWorkflow {
  const text = source.replace(/^\uFEFF/, "");
  if (text.trim() === "") {
    return {
      problems: [{
        file: fileLabel,
        message: "the file is empty",
        hint: "a workflow needs at least `name` and `tasks`",
      }],
    };
  }
  const parsed = parseSource(text, format ?? detectFormat(fileLabel, text), fileLabel);
  if (parsed.data === undefined || !parsed.map) {
    // A syntax error may quote the value on its line, a secret's too (text_secrets.ts).
    return { problems: sortProblems(maskProblems(parsed.problems, writtenSecretValues(text))) };
  }
  const { data, map } = parsed;
  dropExtensionKeys(data);
  // Text fields keep an unquoted `3.10` as written, before anything reads the data.
  const result = parseKeepingText(workflowSchema, data, parsed.written ?? [], JITLESS);
  const protos = protoKeyPaths(data).map((path) => ({
    file: fileLabel,
    ...map.key(path),
    ...PROTO_KEY,
  }));
  // Where a `__proto__` key is, the schema's words about it (an unknown key) add nothing.
  const elsewhere = (p: Problem) => !protos.some((q) => q.line === p.line && q.column === p.column);
  const problems = [
    ...parsed.problems,
    ...protos,
    ...(result.success ? [] : schemaProblems(result.error.issues, {
      schema: workflowSchema,
      data,
      map,
      file: fileLabel,
    }).filter(elsewhere)),
    ...loneSurrogates(data).map((lone) => ({
      file: fileLabel,
      ...(lone.inKey ? map.inKey(lone.path, lone.offset) : map.inString(lone.path, lone.offset)),
      ...loneSurrogateProblem(lone),
    })),
    ...graphProblems(data, map, fileLabel),
    ...expressionProblems(data, map, fileLabel),
    ...unsendableAt(unsendableNumbers(data, parsed.written ?? []), map, fileLabel),
  ];
  if (problems.length > 0 || !result.success) {
    // A check may quote a value holding another's secret (file_secrets.ts).
    return { problems: sortProblems(maskProblems(problems, fileSecretValues(data))) };
  }
  // An http `data` number goes out as the token written (`12345678901234567890`, `1.10`).
  keepDataNumbers(result.data, parsed.written ?? []);
  keepItemNumbers(result.data, parsed.written ?? []); // and a loop item's, as JSON numbers
  // Found only where the text has the placeholder: the walk is for the few files that do.
  const notes = text.includes(WAIT_FOR_CHOICES) ? placeholderNotes(data, map, fileLabel) : [];
  return { workflow: result.data, problems: [], data, map, notes };
}

/**
 * Top-level keys starting with `x-` are the file's own (a place for YAML anchors, as in
 * docker compose: `x-common: &common`): weft reads nothing of them, so they are taken out
 * of the data before anything checks it.
 */
function dropExtensionKeys(data: unknown): void {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return;
  for (const key of Object.keys(data)) {
    if (key.startsWith("x-")) delete (data as Record<string, unknown>)[key];
  }
}

/**
 * The problems of numbers JSON cannot carry, one per place written: a number inside an
 * aliased value is found at each use but written (and to be quoted) once, at its anchor.
 */
function unsendableAt(numbers: UnsendableNumber[], map: SourceMap, file: string): Problem[] {
  const at = new Map<string, Problem>();
  for (const number of numbers) {
    const position = number.offset === undefined
      ? map.value(number.path)
      : map.position(number.offset);
    const key = `${position.line}:${position.column}`;
    if (!at.has(key)) at.set(key, { file, ...position, ...unsendableProblem(number) });
  }
  return [...at.values()];
}

/**
 * Problems without a line first, then by line and column; stable otherwise. A problem
 * found twice (a value of an anchor checked at each alias that uses it) is kept once.
 */
export function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = JSON.stringify([p.file, p.line, p.column, p.message, p.hint]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((p, i) => ({ p, i }))
    .sort((a, b) =>
      (a.p.line ?? 0) - (b.p.line ?? 0) || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i
    )
    .map(({ p }) => p);
}
