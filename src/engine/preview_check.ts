/**
 * What the run would refuse a task for before starting it, for `weft run --dry-run`
 * (preview.ts): the engine's own check of `cwd` (as attempt_context.ts makes it) and the
 * runner's checks (tasks/preflight.ts), through a context whose interpolation reads the
 * values known before the run. A task whose check reads a value known only once the run
 * goes (`${tasks.x.outputs.y}`, `${item}`, `$WEFT_TASK_ID`) is never called refused: its
 * placeholder is not the value the run would check.
 * @module
 */
import {
  type Above,
  type CompiledTemplate,
  compileShellTemplate,
  compileTemplate,
  ExpressionError,
  type Place,
  type Scope,
  withNamesAbove,
} from "../expr/mod.ts";
import type { ProcessSpawner, TaskContext } from "../tasks/types.ts";
import { preflight, startFault } from "../tasks/preflight.ts";
import { resolvedPathField } from "../tasks/path_field.ts";
import type { Expressions } from "./expressions.ts";
import type { LeafSpec } from "./nodes.ts";
import { errorText } from "./context.ts";

/** No check starts a process: a spawner that says so if one ever tries. */
const NO_SPAWNER: ProcessSpawner = {
  spawn: () => {
    throw new Error("a dry run starts no process");
  },
};

/** The text a check was rendering when it was refused, and where in it. */
export interface RefusedAt {
  /** The field's text as written (a `${...}` template). */
  text: string;
  /** The offset of the `${...}` the refusal is about, when it is about one. */
  offset?: number;
}

/** Why the run would refuse a task before starting it, and the text it was rendering. */
export interface Refusal {
  /** The run's reason (marked as in the run: model/data_text.ts). */
  message: string;
  /** The refusal of one value (ExpressionError): its own words, without the field's name. */
  valueMessage?: string;
  /** A hint the refusal of one value carries. */
  hint?: string;
  /** The text last rendered before the refusal (undefined: none was). */
  at?: RefusedAt;
}

/** A TaskContext that interpolates as the run's would and starts, writes and prints nothing. */
class CheckContext implements TaskContext {
  readonly runId = "<run.id>";
  readonly attempt = 1;
  readonly outputFile = "";
  readonly killGraceMs = 0;
  readonly signal = new AbortController().signal;
  readonly spawner = NO_SPAWNER;
  cwd: string;
  /** The text last rendered, and the value refused in it if that is why the check failed. */
  last?: { text: string; error?: ExpressionError };

  constructor(
    readonly taskId: string,
    readonly workflowDir: string,
    private exprs: Expressions,
    private scope: Scope,
    readonly env: Record<string, string>,
    readonly builtText?: (marked: string) => void,
  ) {
    this.cwd = workflowDir;
  }

  /** `render()`, remembering `text` (and the value refused in it) for the refusal's place. */
  #track<T>(text: string, render: () => T): T {
    this.last = { text };
    try {
      return render();
    } catch (error) {
      if (error instanceof ExpressionError) this.last = { text, error };
      throw error;
    }
  }

  emit(): void {}
  interpolate = (text: string, above?: Above): string =>
    this.#track(text, () => this.exprs.render(text, withNamesAbove(this.scope, above)));
  interpolateUrl = (url: string): string =>
    this.#track(url, () => this.exprs.renderUrl(url, this.scope));
  interpolatePath(path: string, glob: boolean): string {
    return this.#track(path, () => this.exprs.renderPath(path, this.scope, glob));
  }
  interpolateJson(text: string): string {
    return this.#track(text, () => this.exprs.renderJson(text, this.scope));
  }
  interpolateForm(text: string): string {
    return this.#track(text, () => this.exprs.renderForm(text, this.scope));
  }
  interpolatePlaced(text: string, place: Place): string {
    return this.#track(text, () => this.exprs.renderPlaced(text, this.scope, place));
  }
  interpolateShell = (command: string) =>
    this.#track(command, () => this.exprs.renderShell(command, this.scope));
}

/** What {@link runRefusal} and {@link leafRefusal} check a leaf with. */
export interface CheckInput {
  exprs: Expressions;
  /** The values as the run would give them (an unset variable undefined). */
  scope: Scope;
  /** Whether a value is known only once the run goes (its scope value is a stand-in). */
  later: (root: string, path: readonly string[]) => boolean;
  /** The workflow file's folder. */
  dir: string;
  /** The task's environment. */
  env: Record<string, string>;
  /**
   * Told of each path the checks build, as the run's context tells the run's secrets
   * (TaskContext.builtText), so a reason naming one is masked as the run masks it.
   */
  builtText?: (marked: string) => void;
}

/**
 * The reason the run would fail `spec` (task `taskId`) with before starting it, marked
 * as the run's (model/data_text.ts), or undefined when it would start it (or cannot be
 * told before the run: a value read is known only later, `later` says which).
 * `scope` gives the values as the run would (an unset variable undefined, not a
 * placeholder); `dir` is the workflow file's folder; `env` the task's environment.
 */
export function runRefusal(spec: LeafSpec, taskId: string, input: CheckInput): string | undefined {
  return checkLeaf(spec, taskId, input, true)?.message;
}

/**
 * {@link runRefusal} with what `weft validate` places it by: the run's own checks (the
 * engine's `cwd`, tasks/preflight.ts), kept when certain. A refusal is certain when no
 * value known only later was read, or when it is the refusal of one `${...}` whose
 * values are all known (shell arithmetic, a name in a path, a JSON value: the place a
 * value lands is the written text's, whatever the other values are).
 */
export function leafRefusal(
  spec: LeafSpec,
  taskId: string,
  input: CheckInput,
): Refusal | undefined {
  return checkLeaf(spec, taskId, input, false);
}

/**
 * {@link leafRefusal}, and with `atStart` (a dry run, not validate: the folder is looked
 * at now) the start in the task's `cwd` too, as the spawner checks it
 * (tasks/preflight.ts startFault), after the runner's checks as in the run. A `cwd` that
 * reads a value known only later is not looked at: its placeholder is no folder.
 */
function checkLeaf(
  spec: LeafSpec,
  taskId: string,
  input: CheckInput,
  atStart: boolean,
): Refusal | undefined {
  let unknown = false;
  const laterRead = (root: string, path: readonly string[]) =>
    // weft's per-task variables are known only as the task starts.
    input.later(root, path) || (root === "env" && path[0]?.startsWith("WEFT_") === true);
  const scope: Scope = (root, path) => {
    if (laterRead(root, path)) unknown = true;
    return input.scope(root, path);
  };
  const ctx = new CheckContext(
    taskId,
    input.dir,
    input.exprs,
    scope,
    input.env,
    input.builtText,
  );
  try {
    // Without a `cwd` of its own a task runs in the workflow file's folder, which exists.
    let cwdKnown = false;
    if (spec.cwd !== undefined) {
      ctx.cwd = resolvedPathField(ctx, "cwd", spec.cwd).path;
      cwdKnown = !unknown;
    }
    preflight(spec.type, spec.config, ctx);
    const fault = atStart && cwdKnown ? startFault(spec.type, ctx.cwd) : undefined;
    return fault === undefined ? undefined : { message: fault };
  } catch (error) {
    const last = ctx.last;
    const refused = last?.error;
    if (unknown && !(refused && valuesKnown(last.text, refused.offset, laterRead))) {
      return undefined;
    }
    return {
      message: errorText(error),
      ...(refused && { valueMessage: refused.message, hint: refused.hint }),
      ...(last && { at: { text: last.text, ...(refused && { offset: refused.offset }) } }),
    };
  }
}

/**
 * `text` compiled as a template, else as a shell command's (its `$${`/`$$` read as the
 * shell's), else undefined: a field's text is one or the other, and the refusals below
 * only need where its `${...}` stand.
 */
export function anyTemplate(text: string): CompiledTemplate | undefined {
  try {
    return compileTemplate(text);
  } catch {
    try {
      return compileShellTemplate(text);
    } catch {
      return undefined;
    }
  }
}

/** Whether every value the `${...}` at `offset` of `text` reads is known before the run. */
export function valuesKnown(
  text: string,
  offset: number,
  later: (root: string, path: readonly string[]) => boolean,
): boolean {
  const template = anyTemplate(text);
  if (!template) return false;
  const span = template.spans.find((s) => s.start <= offset && offset < s.end);
  if (!span) return false;
  return template.references
    .filter((r) => r.offset >= span.start && r.offset < span.end)
    .every((r) => !later(r.root, r.path));
}
