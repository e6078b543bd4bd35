/**
 * What the run would refuse a task for before starting it, for `weft run --dry-run`
 * (preview.ts): the engine's own check of `cwd` (as attempt_context.ts makes it) and the
 * runner's checks (tasks/preflight.ts), through a context whose interpolation reads the
 * values known before the run. A task whose check reads a value known only once the run
 * goes (`${tasks.x.outputs.y}`, `${item}`, `$WEFT_TASK_ID`) is never called refused: its
 * placeholder is not the value the run would check.
 * @module
 */
import { type Above, type Place, type Scope, withNamesAbove } from "../expr/mod.ts";
import type { ProcessSpawner, TaskContext } from "../tasks/types.ts";
import { preflight } from "../tasks/preflight.ts";
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

/** A TaskContext that interpolates as the run's would and starts, writes and prints nothing. */
class CheckContext implements TaskContext {
  readonly runId = "<run.id>";
  readonly attempt = 1;
  readonly outputFile = "";
  readonly killGraceMs = 0;
  readonly signal = new AbortController().signal;
  readonly spawner = NO_SPAWNER;
  cwd: string;

  constructor(
    readonly taskId: string,
    readonly workflowDir: string,
    private exprs: Expressions,
    private scope: Scope,
    readonly env: Record<string, string>,
  ) {
    this.cwd = workflowDir;
  }

  emit(): void {}
  interpolate = (text: string, above?: Above): string =>
    this.exprs.render(text, withNamesAbove(this.scope, above));
  interpolateUrl = (url: string): string => this.exprs.renderUrl(url, this.scope);
  interpolatePath(path: string, glob: boolean): string {
    return this.exprs.renderPath(path, this.scope, glob);
  }
  interpolateJson(text: string): string {
    return this.exprs.renderJson(text, this.scope);
  }
  interpolateForm(text: string): string {
    return this.exprs.renderForm(text, this.scope);
  }
  interpolatePlaced(text: string, place: Place): string {
    return this.exprs.renderPlaced(text, this.scope, place);
  }
  interpolateShell = (command: string) => this.exprs.renderShell(command, this.scope);
}

/**
 * The reason the run would fail `spec` (task `taskId`) with before starting it, marked
 * as the run's (model/data_text.ts), or undefined when it would start it (or cannot be
 * told before the run: a value read is known only later, `later` says which).
 * `scope` gives the values as the run would (an unset variable undefined, not a
 * placeholder); `dir` is the workflow file's folder; `env` the task's environment.
 */
export function runRefusal(
  spec: LeafSpec,
  taskId: string,
  input: {
    exprs: Expressions;
    scope: Scope;
    later: (root: string, path: readonly string[]) => boolean;
    dir: string;
    env: Record<string, string>;
  },
): string | undefined {
  let unknown = false;
  const scope: Scope = (root, path) => {
    // weft's per-task variables are known only as the task starts.
    if (input.later(root, path) || (root === "env" && path[0]?.startsWith("WEFT_"))) {
      unknown = true;
    }
    return input.scope(root, path);
  };
  const ctx = new CheckContext(taskId, input.dir, input.exprs, scope, input.env);
  try {
    if (spec.cwd !== undefined) ctx.cwd = resolvedPathField(ctx, "cwd", spec.cwd).path;
    preflight(spec.type, spec.config, ctx);
    return undefined;
  } catch (error) {
    return unknown ? undefined : errorText(error);
  }
}
