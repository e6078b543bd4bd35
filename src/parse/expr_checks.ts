/**
 * Checks every expression in a workflow: conditions and `${...}` templates must
 * parse, and every reference must name something that will exist at run time.
 * @module
 */
import {
  compileCondition,
  compileShellTemplate,
  compileTemplate,
  ExpressionError,
  impliedEqualities,
  type Reference,
  splitErrors,
} from "../expr/mod.ts";
import type { Problem } from "../model/errors.ts";
import { valueLabel } from "./describe.ts";
import { envLayerProblems } from "./env_layers.ts";
import { compositeEnvProblems } from "./composite_env.ts";
import { envReachProblems } from "./env_reach.ts";
import { weftEnvNameProblems } from "./weft_env_names.ts";
import { shellEnvNameProblems } from "./shell_env_names.ts";
import { workflowTaskEnvProblems } from "./workflow_task_env.ts";
import { literalItems } from "./item_fields.ts";
import { fixedOutputsById, type KnownOutputs } from "./known_outputs.ts";
import { notificationProblems } from "./notify_checks.ts";
import { triggerTemplateProblems } from "./trigger_checks.ts";
import { envOrderProblems, type OrderTrouble, type Reader, RunOrder } from "./order_checks.ts";
import { isObject, parallelChildren, type RawObject, topLevelTasks } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";
import { isLiteralText, loopItemsProblem, stepProblems } from "./step_checks.ts";
import { blankShellTrouble } from "./program_checks.ts";
import { comparedWord, quoteWordHint, referenceTrouble } from "./reference_trouble.ts";
import { alertProblems } from "./alert_checks.ts";
import { isPathField, shellPathTrouble } from "./path_checks.ts";
import { statusProblems } from "./status_checks.ts";
import { processorStep, templatedStrings } from "./template_fields.ts";
import { pushAll } from "../arrays.ts";
import { globProblems } from "./glob_checks.ts";
import { constantFault } from "./constant_checks.ts";
import { templatedKeyProblems } from "./key_checks.ts";

/** `shell` names the program as written (tasks/shell.ts): a `${...}` there is refused. */
const SHELL_AS_WRITTEN = "`shell` is taken as written";
const SHELL_HINT = () => "name the shell as it is: sh, bash, or a path such as /bin/zsh";

interface Scope {
  data: unknown;
  map: SourceMap;
  file: string;
  taskIds: Set<string>;
  params: Set<string>;
  problems: Problem[];
  readonly order: RunOrder;
  /** Whose fields are being checked: what their `${tasks...}` may read. */
  reader: Reader;
  /** The tasks whose outputs weft sets, by id (known_outputs.ts). */
  outputs: Map<string, KnownOutputs>;
  /** While a loop's `task` is checked: its items, when the file decides them. */
  items?: readonly unknown[];
  /** While a conditional's branches are checked: the racing children its condition checks. */
  guarded: ReadonlySet<string>;
  /** Why the reader may not read `field` of task `id` (reference_trouble.ts Names). */
  readTrouble(id: string, field: string | undefined): OrderTrouble | undefined;
  readableOf(ids: Iterable<string>, field: string | undefined): string[];
}

/** Every expression problem in the workflow data. */
export function expressionProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  const tasks = topLevelTasks(data);
  // Top-level ids first, then the children's: the order of "defined tasks" in hints.
  const taskIds = new Set<string>();
  for (const task of tasks) if (task.id !== undefined) taskIds.add(task.id);
  for (const task of tasks) {
    for (const child of parallelChildren(task)) if (child.id !== undefined) taskIds.add(child.id);
  }
  const params = isObject(data) && isObject(data.params) ? Object.keys(data.params) : [];
  let order: RunOrder | undefined;
  const scope: Scope = {
    data,
    map,
    file,
    taskIds,
    params: new Set(params),
    problems: [],
    // Made when a `${tasks...}` is met: most workflows have none (issue 8 §5).
    get order() {
      return order ??= new RunOrder(tasks);
    },
    reader: { kind: "none" },
    outputs: fixedOutputsById(tasks),
    guarded: new Set(),
    // What checkText refuses of a known task, asked of the ones a hint would propose.
    readTrouble(id, field) {
      return this.order.trouble(this.reader, id) ??
        this.order.raceTrouble(id, field, this.guarded);
    },
    readableOf(ids, field) {
      return this.order.readableBy(this.reader, ids)
        .filter((id) => this.order.raceTrouble(id, field, this.guarded) === undefined);
    },
  };

  for (const task of tasks) {
    scope.reader = task.id ? { kind: "task", id: task.id } : { kind: "none" };
    if (typeof task.data.condition === "string") {
      checkText(scope, task.data.condition, [...task.path, "condition"], "condition", false);
    }
    checkStep(scope, task.data, task.path, false);
    switch (task.data.type) {
      case "conditional":
        for (const branch of ["then", "else"]) {
          if (isObject(task.data[branch])) {
            scope.guarded = conditionGuards(scope, task.data.condition, branch === "then");
            checkStep(scope, task.data[branch] as RawObject, [...task.path, branch], false);
          }
        }
        scope.guarded = new Set();
        break;
      case "parallel":
        for (const child of parallelChildren(task)) {
          scope.reader = child.id ? { kind: "task", id: child.id } : { kind: "none" };
          checkStep(scope, child.data, child.path, false);
        }
        break;
      case "loop":
        // `items` (template_fields.ts) was checked with the loop's fields above: it is
        // read before any iteration, so without `item` and `index`.
        {
          const items = loopItemsProblem(task.data.items, [...task.path, "items"], map, data);
          if (items) scope.problems.push({ file, ...items });
        }
        if (isObject(task.data.task)) {
          scope.items = literalItems(task.data.items, isLiteralText);
          checkStep(scope, task.data.task, [...task.path, "task"], true);
          scope.items = undefined;
        }
    }
  }
  checkParamDefaults(scope);
  // The engine renders the workflow's environment and the task defaults too.
  if (isObject(data)) {
    scope.reader = { kind: "workflow" };
    checkNested(scope, data.environment, ["environment"], false);
    checkEnvOrder(scope, data.environment, ["environment"]);
    if (isObject(data.defaults)) {
      scope.reader = { kind: "defaults" };
      checkNested(scope, data.defaults.environment, ["defaults", "environment"], false);
      checkEnvOrder(scope, data.defaults.environment, ["defaults", "environment"]);
      // `defaults.cwd` is only for the tasks whose steps do not set their own.
      scope.reader = { kind: "defaults", readers: cwdReaders(data) };
      checkText(scope, data.defaults.cwd, ["defaults", "cwd"], "template", false);
      if (typeof data.defaults.cwd === "string") {
        checkPath(scope, data.defaults.cwd, ["defaults", "cwd"]);
      }
      refuseTemplate(
        scope,
        data.defaults.shell,
        ["defaults", "shell"],
        SHELL_AS_WRITTEN,
        SHELL_HINT,
      );
      const blank = blankShellTrouble(data.defaults.shell);
      if (blank) {
        scope.problems.push({
          file,
          ...map.inString(["defaults", "shell"], blank.offset),
          message: `${valueLabel(data, ["defaults", "shell"])}: ${blank.message}`,
          hint: blank.hint,
        });
      }
    }
  }
  // ...each over the layers below it only (env_layers.ts).
  pushAll(scope.problems, envLayerProblems(data, map, file));
  // ...and a composite's condition and items over the layers its steps' lie above.
  pushAll(scope.problems, compositeEnvProblems(data, map, file));
  pushAll(scope.problems, envReachProblems(data, map, file));
  // ...and none sets a name weft sets itself (weft_env_names.ts).
  pushAll(scope.problems, weftEnvNameProblems(data, map, file));
  // ...nor a `${...}` in a name a shell runs as code (shell_env_names.ts).
  pushAll(scope.problems, shellEnvNameProblems(data, map, file));
  // `environment` on a sub-workflow call would reach no task (workflow_task_env.ts).
  pushAll(scope.problems, workflowTaskEnvProblems(data, map, file));
  pushAll(scope.problems, alertProblems(data, map, file));
  pushAll(scope.problems, notificationProblems(data, map, file));
  // A status compared with a word it never has, or a state that skips the task first.
  pushAll(scope.problems, statusProblems(data, map, file));
  pushAll(scope.problems, triggerTemplateProblems(data, map, file));
  // A data_processor glob whose written braces expand past what a run matches.
  pushAll(scope.problems, globProblems(data, map, file));
  return scope.problems;
}

/**
 * The templated fields of one unit of work. A field's path is made only for a field
 * that is there: this runs for every task, and most fields are absent (issue 8 §5).
 */
function checkStep(scope: Scope, step: RawObject, path: PathSegment[], inLoop: boolean): void {
  // Only a shell task's `command` is read by a shell (tasks/shell.ts).
  const shellStep = step.type === undefined || step.type === "shell";
  const type = typeof step.type === "string" ? step.type : "shell";
  for (const { text, path: at } of templatedStrings(step, path)) {
    const viaShell = shellStep && at.length === path.length + 1 && at[path.length] === "command";
    checkText(scope, text, at, "template", inLoop, viaShell);
    const rel = at.slice(path.length);
    const pathField = isPathField(type, rel) && !(type === "docker" && rel[1] === "volumes");
    if (pathField) checkPath(scope, text, at);
  }
  if (step.shell !== undefined) {
    refuseTemplate(scope, step.shell, [...path, "shell"], SHELL_AS_WRITTEN, SHELL_HINT);
  }
  const processor = processorStep(step);
  if (processor) checkStep(scope, processor, [...path, "processor"], inLoop);
  if (isObject(step.environment)) {
    checkEnvOrder(scope, step.environment, [...path, "environment"]);
  }
  // docker's `config.env` and `build_args` are read in order too (expr/env_block.ts).
  const config = type === "docker" && isObject(step.config) ? step.config : undefined;
  for (const key of ["env", "build_args"]) {
    if (config && isObject(config[key])) {
      checkEnvOrder(scope, config[key], [...path, "config", key]);
    }
  }
  for (const p of stepProblems(step, path, scope.map, scope.data)) {
    scope.problems.push({ file: scope.file, ...p });
  }
  for (const p of templatedKeyProblems(step, path, scope.map, scope.data)) {
    scope.problems.push({ file: scope.file, ...p });
  }
}

/**
 * A param default is used as written (engine/params.ts): nothing is there to resolve a
 * `${...}` against before the run has its params, so one is refused rather than kept as
 * text; `$${` stands for a literal `${`, as in every template.
 */
function checkParamDefaults(scope: Scope): void {
  const params = isObject(scope.data) ? scope.data.params : undefined;
  if (!isObject(params)) return;
  for (const [name, spec] of Object.entries(params)) {
    const path: PathSegment[] = isObject(spec) ? ["params", name, "default"] : ["params", name];
    refuseTemplate(
      scope,
      isObject(spec) ? spec.default : spec,
      path,
      "a param default cannot use ${...}",
      (written) =>
        `use ${written} in the fields of the task that needs it, pass the value with ` +
        `-p ${name}=VALUE, or write $\${ for a literal \${`,
    );
  }
}

/**
 * A `${...}` in text taken as written (template_fields.ts LITERAL_FIELDS) where one would
 * be expected to work: refused at its place rather than kept as text.
 */
function refuseTemplate(
  scope: Scope,
  text: unknown,
  path: PathSegment[],
  what: string,
  hint: (written: string) => string,
): void {
  if (typeof text !== "string" || isLiteralText(text)) return;
  const refs = compile(scope, text, path, "template");
  if (!refs || refs.length === 0) return;
  const written = text.slice(refs[0].offset, refs[0].offset + refs[0].length);
  scope.problems.push({
    file: scope.file,
    ...scope.map.inString(path, refs[0].offset),
    message: `${valueLabel(scope.data, path)}: ${what}: ${written} would not be resolved`,
    hint: hint(written),
  });
}

/** A path field written with a shell's `~` or `$NAME`, which no shell expands there. */
function checkPath(scope: Scope, text: string, path: PathSegment[]): void {
  const trouble = shellPathTrouble(text);
  if (!trouble) return;
  scope.problems.push({
    file: scope.file,
    ...scope.map.inString(path, trouble.offset),
    message: `${valueLabel(scope.data, path)}: ${trouble.message}`,
    hint: trouble.hint,
  });
}

/** An environment block's values read only names set above them (order_checks.ts). */
function checkEnvOrder(scope: Scope, block: unknown, path: PathSegment[]): void {
  for (const p of envOrderProblems(block, path, scope.map, scope.data)) {
    scope.problems.push({ file: scope.file, ...p });
  }
}

/** Every string inside a map or list (headers, environment, docker/database config). */
function checkNested(scope: Scope, value: unknown, path: PathSegment[], inLoop: boolean): void {
  if (typeof value === "string") checkText(scope, value, path, "template", inLoop);
  else if (Array.isArray(value)) {
    value.forEach((v, i) => checkNested(scope, v, [...path, i], inLoop));
  } else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) checkNested(scope, v, [...path, key], inLoop);
  }
}

function compile(
  scope: Scope,
  text: string,
  path: PathSegment[],
  kind: "condition" | "template",
  viaShell = false,
): Reference[] | undefined {
  let compiled;
  try {
    compiled = kind === "condition"
      ? compileCondition(text)
      : viaShell
      ? compileShellTemplate(text)
      : compileTemplate(text);
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    // Each `${...}` written wrong, and the others checked as usual.
    const split = splitErrors(e);
    for (const each of split.errors) pushError(scope, path, each);
    if (!split.partial) return undefined;
    compiled = split.partial;
  }
  // What fails whatever the values (`${10 / 0}`) fails here, as the run would.
  const fault = constantFault(compiled);
  if (fault) pushError(scope, path, fault);
  return compiled.references;
}

function pushError(scope: Scope, path: PathSegment[], e: ExpressionError): void {
  scope.problems.push({
    file: scope.file,
    ...scope.map.inString(path, e.offset),
    message: `${valueLabel(scope.data, path)}: ${e.message}`,
    hint: e.hint,
  });
}

function checkText(
  scope: Scope,
  text: unknown,
  path: PathSegment[],
  kind: "condition" | "template",
  inLoop: boolean,
  viaShell = false,
): void {
  if (typeof text !== "string" || (kind === "template" && isLiteralText(text))) return;
  let quotedUpTo = -1;
  for (const ref of compile(scope, text, path, kind, viaShell) ?? []) {
    let trouble = referenceTrouble(scope, ref, inLoop, viaShell) ??
      (ref.root === "tasks" ? scope.readTrouble(ref.path[0], ref.path[1]) : undefined);
    if (!trouble) continue;
    // `== prod`: the string 'prod' was meant; one problem for `staging-eu`'s two names.
    const bare = kind === "condition" && trouble.message.startsWith("unknown name")
      ? comparedWord(text, ref)
      : undefined;
    if (bare !== undefined) {
      if (bare.start < quotedUpTo) continue;
      quotedUpTo = bare.end;
      trouble = { message: `unknown name "${bare.word}"`, hint: quoteWordHint(bare.word) };
    }
    const written = bare?.word ?? text.slice(ref.offset, ref.offset + ref.length);
    scope.problems.push({
      file: scope.file,
      ...scope.map.inString(path, ref.offset),
      message: `${valueLabel(scope.data, path)}: ${trouble.message} in ${written}`,
      hint: trouble.hint,
    });
  }
}

/**
 * The racing parallel children a conditional's `condition` proves won (or succeeded)
 * whenever it has `outcome`: true for `then`, false for `else` (RunOrder.guardedBy).
 */
function conditionGuards(scope: Scope, condition: unknown, outcome: boolean): Set<string> {
  if (typeof condition !== "string") return new Set();
  return scope.order.guardedBy(impliedEqualities(condition, outcome));
}

/**
 * The ids of the tasks that read `defaults.cwd` (engine/leaf_spec.ts: a step without a
 * `cwd` of its own): a leaf without one, a composite with such a step (`then`, `else`,
 * a loop's `task`), a parallel's child without one.
 */
function cwdReaders(data: unknown): Set<string> {
  const readers = new Set<string>();
  const reads = (step: unknown) => isObject(step) && step.cwd === undefined;
  for (const task of topLevelTasks(data)) {
    const t = task.data;
    if (t.type === "parallel") {
      for (const child of parallelChildren(task)) {
        if (reads(child.data) && child.id !== undefined) readers.add(child.id);
      }
      continue;
    }
    const steps = t.type === "conditional" ? [t.then, t.else] : t.type === "loop" ? [t.task] : [t];
    if (steps.some(reads) && task.id !== undefined) readers.add(task.id);
  }
  return readers;
}
