/**
 * The engine's side of the expression language: compiled conditions and templates
 * cached per run, and the scope that resolves `env`, `params`, `tasks`, `item`,
 * `workflow` and `run` references.
 * @module
 */
import {
  compileCondition,
  compileShellTemplate,
  compileTemplate,
  ExpressionError,
  ownValue,
  type Place,
  processValue,
  renderBlock,
  type Scope,
  truthy,
  type Value,
  withNamesAbove,
} from "../expr/mod.ts";
import type { Workflow } from "../model/workflow.ts";
import { isWrittenNumber, itemNumberText } from "../model/json_number.ts";
import { TASK_VARIABLES } from "../model/weft_vars.ts";
import { isoAtOffset } from "../model/zone_name.ts";
import type { RunTrigger } from "./events.ts";
import type { Node } from "./nodes.ts";
import type { Secrets } from "./secrets.ts";
import { CutStdout } from "./tail.ts";

type Condition = ReturnType<typeof compileCondition>;
type Template = ReturnType<typeof compileTemplate>;

/** Compiles each distinct text once per run. Compile errors are thrown (ExpressionError). */
export class Expressions {
  #conditions = new Map<string, Condition>();
  #templates = new Map<string, Template>();
  #commands = new Map<string, Template>();

  /** The compiled condition for `text`. */
  condition(text: string): Condition {
    let compiled = this.#conditions.get(text);
    if (!compiled) {
      compiled = compileCondition(text);
      this.#conditions.set(text, compiled);
    }
    return compiled;
  }

  /** Evaluates a condition to true or false. */
  test(text: string, scope: Scope): boolean {
    return truthy(this.condition(text).evaluate(scope));
  }

  /** Interpolates plain text (no `${` → returned as is, without compiling). */
  render(text: string, scope: Scope): string {
    if (!text.includes("${")) return text;
    return this.#template(text).render(scope);
  }

  /** Interpolates a shell command: values travel in the returned environment variables. */
  renderShell(text: string, scope: Scope): { command: string; env: Record<string, string> } {
    if (!text.includes("${")) return { command: text, env: {} };
    return this.#command(text).renderShell(scope);
  }

  /**
   * A shell command as {@link renderShell} has the shell read it, its values' text in
   * place, for `weft run --dry-run` (expr/template.ts renderShellShown).
   */
  renderShellShown(text: string, scope: Scope): string {
    if (!text.includes("${")) return text;
    return this.#command(text).renderShellShown(scope);
  }

  /** `text` compiled as a shell command, once. */
  #command(text: string): Template {
    let compiled = this.#commands.get(text);
    if (!compiled) {
      compiled = compileShellTemplate(text);
      this.#commands.set(text, compiled);
    }
    return compiled;
  }

  /**
   * Interpolates a URL: values are percent-encoded for the part they land in (see
   * expr/url.ts). Throws ExpressionError for a value that would change its structure.
   */
  renderUrl(text: string, scope: Scope): string {
    if (!text.includes("${")) return text;
    return this.#template(text).renderUrl(scope);
  }

  /**
   * Interpolates a file path, or a glob when `glob`: each value stays one name inside it
   * (see expr/path.ts). Throws ExpressionError for a value that would change its structure.
   */
  renderPath(text: string, scope: Scope, glob: boolean): string {
    if (!text.includes("${")) return text;
    return this.#template(text).renderPath(scope, glob);
  }

  /**
   * Interpolates a JSON text: values inside strings escaped, others one scalar (see
   * expr/json_text.ts). Throws ExpressionError for a value that would change its structure,
   * its message ending with `advice` when given (expr/template.ts renderJson).
   */
  renderJson(text: string, scope: Scope, advice?: string): string {
    if (!text.includes("${")) return text;
    return this.#template(text).renderJson(scope, advice);
  }

  /**
   * Interpolates `text`, each value given to `place` (its text, the offset of its `${`,
   * whether written raw(...)) and what it returns inserted (expr/template.ts).
   */
  renderPlaced(text: string, scope: Scope, place: Place): string {
    if (!text.includes("${")) return text;
    return this.#template(text).renderPlaced(scope, place);
  }

  /**
   * Interpolates a form body (application/x-www-form-urlencoded): each value
   * percent-encoded so it stays inside its field (see expr/form_text.ts).
   */
  renderForm(text: string, scope: Scope): string {
    if (!text.includes("${")) return text;
    return this.#template(text).renderForm(scope);
  }

  /**
   * Interpolates an environment block in order, as a shell or a .env file would: a value
   * reads the names set above it in the block (`IMAGE: ${env.REGISTRY}/app`), and for
   * any other name — itself included (`PATH: ${env.PATH}:/opt/bin`) — `scope`, the layer
   * below (expr/env_block.ts, the rule docker's `config.env` follows too). Validation
   * refuses a reference to a name set further down (parse/order_checks.ts). A value
   * holding a NUL character throws a NulValueError naming `environment.NAME`.
   */
  renderEnv(env: Record<string, string> | undefined, scope: Scope): Record<string, string> {
    return renderBlock(env, (text, above, name) => {
      if (!text.includes("${")) return text;
      const template = this.#template(text);
      // A value a process cannot receive (a NUL) is refused naming the variable.
      return template.renderPlaced(
        withNamesAbove(scope, above),
        (value, offset, _raw, end) =>
          processValue(value, text.slice(offset, end), offset, `environment.${name}`),
      );
    });
  }

  /**
   * Interpolates environment blocks, lowest layer first (`defaults.environment`, then a
   * task's own): each by {@link renderEnv} over `base` and the blocks before it.
   * `scopeFor(env)` builds the scope with that `env` lookup. Returns the blocks merged.
   */
  renderEnvBlocks(
    blocks: readonly Record<string, string>[] | undefined,
    scopeFor: (env: (name: string) => string | undefined) => Scope,
    base: (name: string) => string | undefined,
  ): Record<string, string> {
    const out: Record<string, string> = {};
    const lookup = (name: string) => Object.hasOwn(out, name) ? out[name] : base(name);
    for (const block of blocks ?? []) Object.assign(out, this.renderEnv(block, scopeFor(lookup)));
    return out;
  }

  #template(text: string): Template {
    let compiled = this.#templates.get(text);
    if (!compiled) {
      compiled = compileTemplate(text);
      this.#templates.set(text, compiled);
    }
    return compiled;
  }
}

/** What a scope reads besides the environment and the loop item. */
export interface ScopeSource {
  readonly workflow: Workflow;
  readonly file: string;
  readonly runId: string;
  readonly startedAt: string;
  readonly params: Record<string, string>;
  readonly nodes: ReadonlyMap<string, Node>;
  /** What started the run (absent: manual); read as `${trigger.type}` and `${schedule.*}`. */
  readonly trigger?: RunTrigger;
}

/**
 * The scope for one task: `env` looks up `env(name)`; `item` is the loop item and
 * `index` its 0-based position when `item` is given. Anything unknown is undefined.
 */
export function makeScope(
  source: ScopeSource,
  env: (name: string) => string | undefined,
  item?: { value: Value; index?: number },
): Scope {
  return (root, path) => {
    switch (root) {
      case "env":
        return path.length === 1 ? env(path[0]) : undefined;
      case "params":
        return path.length === 1 && Object.hasOwn(source.params, path[0])
          ? source.params[path[0]]
          : undefined;
      case "tasks":
        return taskValue(source.nodes.get(path[0]), path.slice(1));
      case "item":
        return item ? itemLeaf(walk(item.value, path)) : undefined;
      case "index":
        return item && path.length === 0 ? item.index : undefined;
      case "workflow":
        return path.length === 1 ? workflowValue(source, path[0]) : undefined;
      case "run":
        if (path.length !== 1) return undefined;
        if (path[0] === "id") return source.runId;
        if (path[0] === "started_at") return source.startedAt;
        return undefined;
      case "schedule":
        // A run no schedule started stands for its own start time (as Airflow's manual runs).
        if (path.length !== 1) return undefined;
        // Always one shape, a fire's: ISO 8601, whole seconds, with an offset (here the host's).
        if (path[0] === "time") return source.trigger?.scheduledFor ?? localTime(source.startedAt);
        if (path[0] === "name") return source.trigger?.schedule ?? "";
        return undefined;
      case "trigger":
        return path.length === 1 && path[0] === "type"
          ? source.trigger?.type ?? "manual"
          : undefined;
      default:
        return undefined;
    }
  };
}

/**
 * UTC ISO time `iso` as the host's local time in the shape of a schedule's fire time
 * (schedule/zone.ts formatZoned): `2026-12-02T05:12:14+09:00`, whole seconds, never `Z`.
 * The host's zone is the runtime's (TZ), as for a schedule without a zone.
 */
export function localTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : isoAtOffset(t, -new Date(t).getTimezoneOffset());
}

function taskValue(node: Node | undefined, path: string[]): Value {
  if (!node) return undefined;
  const record = node.record;
  switch (path[0]) {
    case "exit_code":
      return path.length === 1 ? record.exitCode ?? undefined : undefined;
    case "status":
      return path.length === 1 ? record.status : undefined;
    case "stdout":
      if (path.length !== 1) return undefined;
      if (node.stdout instanceof CutStdout) {
        // The ref's place is given by the template or condition that reads it.
        throw new ExpressionError(node.stdout.message, 0);
      }
      return node.stdout;
    case "duration_ms":
      return path.length === 1 ? record.durationMs ?? undefined : undefined;
    case "outputs": {
      // One that holds only part of its value (TaskResult.cut) is refused, as stdout is.
      const cut = record.cut &&
        (path.length === 1 ? Object.values(record.cut)[0] : ownValue(record.cut, path[1]));
      if (cut !== undefined && path.length <= 2) throw new ExpressionError(cut, 0);
      if (path.length === 1) return { ...record.outputs };
      return path.length === 2 && Object.hasOwn(record.outputs, path[1])
        ? record.outputs[path[1]]
        : undefined;
    }
    default:
      return undefined;
  }
}

function workflowValue(source: ScopeSource, field: string): Value {
  switch (field) {
    case "name":
      return source.workflow.name;
    case "version":
      return source.workflow.version;
    case "description":
      return source.workflow.description;
    case "file":
      return source.file;
    default:
      return undefined;
  }
}

/**
 * A value of a loop item as read by an expression: a number token inside an object item
 * (parse/written_data.ts keepItemNumbers) is the text it was written as (`${item.cpu}` is
 * `1.50`, `${item.replicas}` `02`); an object or list is kept whole, tokens included, so
 * that `${item}` writes them as JSON numbers.
 */
function itemLeaf(value: Value): Value {
  return isWrittenNumber(value) ? itemNumberText(value as object) : value;
}

function walk(value: Value, path: string[]): Value {
  let current = value;
  for (const key of path) {
    if (Array.isArray(current)) {
      current = /^\d+$/.test(key) ? current[Number(key)] : undefined;
    } else if (current !== null && typeof current === "object" && Object.hasOwn(current, key)) {
      current = current[key];
    } else return undefined;
  }
  return current;
}

/**
 * `env` with weft's own variables known before a task starts over it, as the task will
 * see them (model/weft_vars.ts): `WEFT_RUN_ID`, `WEFT_WORKFLOW`, and with `taskId`
 * `WEFT_TASK_ID`. The other per-task ones (`WEFT_ATTEMPT`, …) are `unknown(name)`:
 * undefined by default, not the value in weft's own environment (a parent run's).
 */
export function withRunVariables(
  source: Pick<ScopeSource, "runId" | "workflow">,
  env: (name: string) => string | undefined,
  taskId?: string,
  unknown: (name: string) => string | undefined = () => undefined,
): (name: string) => string | undefined {
  return (name) => {
    if (!name.startsWith("WEFT_")) return env(name);
    if (name === "WEFT_RUN_ID") return source.runId;
    if (name === "WEFT_WORKFLOW") return source.workflow.name;
    if (name === "WEFT_TASK_ID" && taskId !== undefined) return taskId;
    return TASK_VARIABLES.includes(name) ? unknown(name) : env(name);
  };
}

/**
 * The environment blocks a task's own expressions resolve over the workflow's, lowest
 * first: a leaf's (`defaults.environment`, then its own `environment`: leaf_spec.ts), and
 * for a composite (`conditional`, `parallel`, `loop`, which have no `environment` of their
 * own) `defaults.environment`, which every step under it gets too. So `${env.NAME}` in a
 * composite's `condition` or `items` reads what its steps see.
 */
export function taskEnvBlocks(
  workflow: Workflow,
  node: Node,
): readonly Record<string, string>[] | undefined {
  if (node.leaf) return node.leaf.envBlocks;
  const defaults = workflow.defaults?.environment;
  return defaults ? [defaults] : undefined;
}

/**
 * The scope a task's own expressions see before it starts — its gate `condition`, a
 * conditional's `condition`, a loop's `items`: `env` is the task's merged environment
 * (the workflow's, then {@link taskEnvBlocks}, interpolated), with weft's own variables
 * known before its start over it ({@link withRunVariables}), as its command sees them.
 */
export function conditionScope(
  source: ScopeSource & {
    readonly exprs: Expressions;
    readonly workflowEnv: Record<string, string>;
    readonly secrets?: Secrets;
  },
  node: Node,
): Scope {
  const base = source.workflowEnv;
  const blocks = taskEnvBlocks(source.workflow, node);
  const own = blocks
    ? source.exprs.renderEnvBlocks(
      blocks,
      (env) => makeScope(source, withRunVariables(source, env, node.id)),
      (name) => ownValue(base, name),
    )
    : {};
  // A condition's error message may quote these values.
  source.secrets?.addEnv(own);
  return makeScope(
    source,
    withRunVariables(source, (name) => ownValue(own, name) ?? ownValue(base, name), node.id),
  );
}
