/**
 * What is wrong with one reference of a `${...}` or condition in a task's fields: an
 * unknown root or field (with did-you-mean), an undeclared parameter, `item` outside a
 * loop. Whether a task may read another yet is order_checks.ts's question.
 * @module
 */
import { isShellExpansion, type Reference, REFERENCE_ROOTS } from "../expr/mod.ts";
import { itemPathTrouble } from "./item_fields.ts";
import { type KnownOutputs, typeLabel } from "./known_outputs.ts";
import { yaml11Boolean } from "./boolean_text.ts";
import {
  didYouMean,
  didYouMeanTaskId,
  idList,
  listWords,
  nearTaskId,
  validTaskIds,
} from "./suggest.ts";
import { invalidReferenceHint } from "./task_id_issues.ts";
import type { Place } from "./ref_targets.ts";
import { isTaskId, PARAM_NAME_PATTERN, TASK_ID_RULE } from "../model/task_id.ts";

const TASK_FIELDS = ["exit_code", "status", "stdout", "duration_ms", "outputs"];
const WORKFLOW_FIELDS = ["name", "version", "description", "file"];
const RUN_FIELDS = ["id", "started_at"];
/** `${schedule.time}` (logical fire time), `${schedule.name}`: see engine/expressions.ts. */
const SCHEDULE_FIELDS = ["time", "name"];
const TRIGGER_FIELDS = ["type"];
const ROOTS: readonly string[] = REFERENCE_ROOTS;

/** What a reference may name: the declared params and the ids of the workflow's tasks. */
export interface Names {
  taskIds: Set<string>;
  params: Set<string>;
  /** The tasks whose outputs weft sets (known_outputs.ts), by id; others may have any key. */
  outputs?: ReadonlyMap<string, KnownOutputs>;
  /** Inside a loop's `task`: the loop's items when the file decides them (item_fields.ts). */
  items?: readonly unknown[];
  /**
   * Why field `field` of task `id` may not be read here (order_checks.ts: it may not have
   * finished whenever this text is read), or undefined when it may. Only a task that may
   * be read is proposed for an unknown one, so a hint never names one the order checks
   * refuse (the reading task itself, say). Every task may be read when absent.
   */
  readTrouble?(id: string, field: string | undefined): Trouble | undefined;
  /** Of `ids`, those whose `field` {@link readTrouble} allows, in order (for a list). */
  readableOf?(ids: Iterable<string>, field: string | undefined): string[];
}

/** The tasks whose `field` `scope` may read, as a reference's place; every task when undefined. */
function readPlace(scope: Names, field: string | undefined): Place | undefined {
  const { readTrouble, readableOf } = scope;
  if (!readTrouble || !readableOf) return undefined;
  return {
    accepts: (id) => readTrouble.call(scope, id, field) === undefined,
    list: () => validTaskIds(readableOf.call(scope, scope.taskIds, field)),
  };
}

/** A problem with a reference: its message and what to do. */
export interface Trouble {
  message: string;
  hint?: string;
}

/**
 * Why `ref` names nothing the run will have (`inLoop`: inside a loop's `task`), or
 * undefined. `viaShell`: the text is a shell command (a shell task's `command`), which
 * decides how a `${HOME}` copied from a script is best written instead.
 */
export function referenceTrouble(
  scope: Names,
  ref: Reference,
  inLoop: boolean,
  viaShell = false,
): Trouble | undefined {
  const trouble = weftTrouble(scope, ref, inLoop, viaShell);
  // `for item in a b; do echo "${item}"`: in a shell command, one of weft's roots alone may
  // have been meant as the shell's variable, which `${item}` is not (expr/shell_braces.ts);
  // other names get the shell's forms from shellVariableHint.
  if (!trouble || !viaShell || ref.path.length > 0 || !WEFT_ROOTS.has(ref.root)) return trouble;
  const shell = `for the shell's variable write $${ref.root} or $\${${ref.root}}`;
  return { ...trouble, hint: trouble.hint ? `${trouble.hint}; ${shell}` : shell };
}

/** The roots of weft's references in a task's fields, a loop's `item` and `index` included. */
const WEFT_ROOTS = new Set<string>([...REFERENCE_ROOTS, "item", "index"]);

/** {@link referenceTrouble} without the shell's alternative. */
function weftTrouble(
  scope: Names,
  ref: Reference,
  inLoop: boolean,
  viaShell: boolean,
): Trouble | undefined {
  const [first, second] = ref.path;
  switch (ref.root) {
    case "env":
      return first === undefined
        ? { message: "env needs a variable name", hint: "write ${env.NAME}" }
        : undefined;
    case "item":
      if (!inLoop) {
        return {
          message: "item is only defined inside a loop",
          hint: "use ${item} in the `task` of a `loop` task",
        };
      }
      return scope.items ? itemPathTrouble(scope.items, ref.path) : undefined;
    case "index":
      if (!inLoop) {
        return {
          message: "index is only defined inside a loop",
          hint: "use ${index} in the `task` of a `loop` task",
        };
      }
      return first === undefined
        ? undefined
        : { message: "index has no fields", hint: "write ${index} (the item's 0-based position)" };
    case "params":
      if (first !== undefined && scope.params.has(first) && ref.path.length === 1) {
        return undefined;
      }
      if (first === undefined) {
        return { message: "params needs a parameter name", hint: "write ${params.NAME}" };
      }
      if (!scope.params.has(first)) return undeclaredParam(first, scope.params);
      return { message: `parameter "${first}" has no fields`, hint: `write \${params.${first}}` };
    case "tasks": {
      if (first === undefined) {
        return { message: "tasks needs a task id", hint: "write ${tasks.ID.status}" };
      }
      const place = readPlace(scope, second);
      if (!isTaskId(first)) {
        return {
          // The rule in brackets: the caller adds " in ${tasks...}" after the message.
          message: `${JSON.stringify(first)} is not a valid task id (${TASK_ID_RULE})`,
          hint: invalidReferenceHint(first, scope.taskIds, scope.taskIds, place),
        };
      }
      if (!scope.taskIds.has(first)) return unknownTask(scope, first, second, place);
      const fields = `${listWords(TASK_FIELDS.slice(0, -1))} or outputs.KEY`;
      if (second === undefined || !TASK_FIELDS.includes(second)) {
        const near = second === undefined ? undefined : didYouMean(second, TASK_FIELDS);
        return {
          message: second === undefined
            ? `task "${first}" needs a field`
            : `task "${first}" has no field "${second}"`,
          hint: near ?? `use ${fields}`,
        };
      }
      // `tasks.ID.outputs` alone is every output as a JSON object (engine/expressions.ts
      // taskValue; examples/scripts.yml passes it in `args`).
      if (ref.path.length > (second === "outputs" ? 3 : 2)) {
        return {
          message: `tasks.${first}.${second} is not a valid reference`,
          hint: `use ${fields}`,
        };
      }
      if (second === "stdout") return compositeStdoutTrouble(scope, first);
      return ref.path.length === 3 ? outputTrouble(scope, first, ref.path[2]) : undefined;
    }
    case "workflow":
      return fieldTrouble("workflow", first, ref.path.length, WORKFLOW_FIELDS);
    case "run":
      return fieldTrouble("run", first, ref.path.length, RUN_FIELDS);
    case "schedule":
      return fieldTrouble("schedule", first, ref.path.length, SCHEDULE_FIELDS);
    case "trigger":
      return fieldTrouble("trigger", first, ref.path.length, TRIGGER_FIELDS);
    default: {
      const roots = inLoop ? [...ROOTS, "item", "index"] : ROOTS;
      return {
        message: `unknown name "${ref.root}"`,
        hint: didYouMean(ref.root, roots) ?? booleanWordHint(ref) ??
          shellVariableHint(ref, viaShell) ??
          `references start with ${listWords(roots)}`,
      };
    }
  }
}

/**
 * `${tasks.ID...}` of no task `id`: a near task this text may read (`place`), else why a
 * near one may not be read (it is not proposed: following the hint would be refused),
 * else the tasks it may read.
 */
function unknownTask(
  scope: Names,
  id: string,
  field: string | undefined,
  place: Place | undefined,
): Trouble {
  const message = `unknown task "${id}"`;
  const near = didYouMeanTaskId(id, scope.taskIds, place?.accepts);
  if (near !== undefined) return { message, hint: near };
  const other = place && nearTaskId(id, scope.taskIds);
  const why = other === undefined ? undefined : scope.readTrouble?.(other, field);
  if (other !== undefined && why !== undefined) {
    return { message, hint: `"${other}" is near, but ${why.message}: ${why.hint}` };
  }
  const valid = place?.list() ?? validTaskIds(scope.taskIds);
  return {
    message,
    hint: valid.length > 0 ? `name one of: ${idList(valid)}` : `define a task with id "${id}"`,
  };
}

/**
 * A `${params.NAME}` of no declared param: a close declared name, else how to declare
 * it. Only names a param may have are proposed (PARAM_NAME_PATTERN), so an invalid
 * declared name is never suggested.
 */
function undeclaredParam(name: string, declared: ReadonlySet<string>): Trouble {
  const message = `undeclared parameter "${name}"`;
  const near = didYouMean(name, [...declared].filter(isParamName));
  if (near !== undefined) return { message, hint: near };
  if (isParamName(name)) {
    return {
      message,
      hint: `declare it under the top-level \`params\`, e.g. params: { ${name}: "default" }`,
    };
  }
  return {
    message,
    hint: "param names use letters, digits, '_' and '-', and start with a letter or '_': " +
      "declare one under the top-level `params` and name it here",
  };
}

/** Whether `name` may name a param. */
function isParamName(name: string): boolean {
  return PARAM_NAME_PATTERN.test(name);
}

/** `condition: yes`: the word a YAML 1.1 reader takes for true is no boolean here. */
function booleanWordHint(ref: Reference): string | undefined {
  return ref.path.length > 0 ? undefined : booleanHint(ref.root);
}

/** The hint for a bare `yes`/`Off`/... (YAML 1.1's booleans), else undefined. */
function booleanHint(word: string): string | undefined {
  const meant = yaml11Boolean(word);
  if (meant === undefined) return undefined;
  return `${word} is no boolean here (weft reads YAML 1.2): write ${meant}, or quote it ('${word}') to compare the text`;
}

/**
 * `${HOME}` copied from a shell script where weft reads it: say how to write the variable
 * instead. In a shell command `${HOME}` is the shell's (expr/shell_braces.ts), so weft
 * reads only a form the shell would not (`${ HOME }`): offer the shell's variable
 * (`$HOME`, `${HOME}`) or weft's copy of it (`${env.HOME}`). Elsewhere (args,
 * environment, a URL...) no shell reads the text, so `$HOME` would stay as written: only
 * `${env.HOME}` gives the value (the task's process has the variable in its environment
 * too: tasks inherit weft's).
 */
function shellVariableHint(ref: Reference, viaShell: boolean): string | undefined {
  if (ref.path.length > 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(ref.root)) return undefined;
  const name = ref.root;
  if (viaShell) {
    // `${raw}`, `${item}` outside a loop: weft's words, so only `$${raw}` reaches the shell.
    const braced = isShellExpansion(`\${${name}}`, 0) ? `\${${name}} (no blanks)` : `$\${${name}}`;
    return `for the shell's variable write $${name} or ${braced}, ` +
      `for weft's value of it \${env.${name}}`;
  }
  return `\${...} is weft's, and this field is not read by a shell ($${name} would stay as ` +
    `written): write \${env.${name}} for the value of ${name} in weft's environment`;
}

/**
 * `${tasks.ID.stdout}` of a loop or parallel task: such a task runs no process of its
 * own, so its stdout would always be empty (engine/loop.ts, composite.ts), while its
 * children's output is shown apart, each under its own id (`weft logs RUN ID`). Refused
 * rather than read as silently empty; a conditional's stdout is its branch's.
 */
function compositeStdoutTrouble(scope: Names, id: string): Trouble | undefined {
  const type = scope.outputs?.get(id)?.type;
  if (type === "parallel") {
    return {
      message: `task "${id}" is a parallel task, which has no stdout of its own`,
      hint: `read a child's: \${tasks.CHILD.stdout}, or its \${tasks.CHILD.outputs.KEY} ` +
        `(written to $WEFT_OUTPUT)`,
    };
  }
  if (type === "loop") {
    return {
      message: `task "${id}" is a loop task, which has no stdout of its own`,
      hint: "its iterations' output is shown per item (weft logs RUN " + id + "); to pass it on, " +
        `have the loop's task append it to a file that a task depending on "${id}" reads`,
    };
  }
  return undefined;
}

/** An output key that a task whose outputs weft sets never has (known_outputs.ts). */
function outputTrouble(scope: Names, id: string, key: string): Trouble | undefined {
  const known = scope.outputs?.get(id);
  if (!known || known.keys.includes(key)) return undefined;
  return {
    message: `task "${id}" is ${typeLabel(known.type)}, which has no output "${key}"`,
    hint: known.type === "parallel" && key === "winner"
      ? "a parallel task names a winner only with wait_for: any or first"
      : didYouMean(key, known.keys) ?? `its outputs: ${known.keys.join(", ")}`,
  };
}

function fieldTrouble(root: string, field: string | undefined, length: number, fields: string[]) {
  if (field !== undefined && fields.includes(field) && length === 1) return undefined;
  return {
    message: field === undefined ? `${root} needs a field` : `${root} has no field "${field}"`,
    hint: (field && didYouMean(field, fields)) ??
      `use ${fields.map((f) => `${root}.${f}`).join(", ")}`,
  };
}

/** A comparison operator next to a word: `== prod`, `prod !=`. */
const NEXT_TO_COMPARISON = /(?:[=!]=|[<>]=?)\s*$/;
const BEFORE_COMPARISON = /^\s*(?:[=!]=|[<>]=?)/;

/**
 * The text a bare word of a condition stands for, when it is compared (`${params.env} ==
 * prod`): the user meant the string `'prod'`, and a name is what the expression read.
 * The word runs over `-` too (`staging-eu` is read as `staging - eu`), so one problem
 * covers it: `start`/`end` are its offsets in `text`. A name with fields
 * (`exec.duration`) is a misspelt reference, not a word.
 */
export function comparedWord(
  text: string,
  ref: Reference,
): { word: string; start: number; end: number } | undefined {
  if (ref.path.length > 0 || text.slice(Math.max(0, ref.offset - 2), ref.offset) === "${") {
    return undefined;
  }
  let start = ref.offset;
  let end = ref.offset + ref.length;
  while (start > 0 && /[\w-]/.test(text[start - 1])) start--;
  while (end < text.length && /[\w-]/.test(text[end])) end++;
  if (/[{.'"]/.test(text[start - 1] ?? "") || text[end] === ".") {
    return undefined;
  }
  const compared = NEXT_TO_COMPARISON.test(text.slice(0, start)) ||
    BEFORE_COMPARISON.test(text.slice(end));
  return compared ? { word: text.slice(start, end), start, end } : undefined;
}

/** The hint for {@link comparedWord}: quote the text (or, for `yes`/`off`..., write the boolean). */
export function quoteWordHint(word: string): string {
  return booleanHint(word) ??
    `a bare word is a name; to compare with the text ${word}, quote it: '${word}'`;
}
