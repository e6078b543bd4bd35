/**
 * What the run always refuses for values the file fixes, found before the run by the
 * run's own checks (preview_check.ts leafRefusal: the engine's `cwd`, tasks/preflight.ts),
 * for `weft validate`, `weft run` and `--dry-run` alike (model/fixed_refusal.ts). The
 * values known are those no run can change:
 * - `${env.NAME}` when the nearest block setting NAME writes it without `${` (the task's
 *   own `environment`, then `defaults.environment`, then the workflow's, which lies over
 *   weft's own and `--env`);
 * - `${workflow.*}`; each item of a loop whose `items` are written without `${`;
 * - `${run.id}` and `${run.started_at}`, whose values differ by run but not in shape
 *   (a sample of each stands in: no check here reads more than their shape).
 * Params (`-p` replaces a default), task results and what started the run are not known:
 * a refusal that reads one is left to the run unless it is one value's own (leafRefusal).
 * @module
 */
import type { Workflow } from "../model/workflow.ts";
import type { FixedRefusal } from "../model/fixed_refusal.ts";
import { isSecretLikeName } from "../model/secret_name.ts";
import { resolveQuoted } from "../model/data_text.ts";
import type { Value } from "../expr/mod.ts";
import { Expressions, makeScope, type ScopeSource } from "./expressions.ts";
import { buildNodes, type LeafSpec } from "./nodes.ts";
import { anyTemplate, leafRefusal, type Refusal } from "./preview_check.ts";
import { renderStrings } from "./loop.ts";
import { dirnameOf } from "../path.ts";

/** A run id and start time of the shape weft gives them (store/ids, run.ts). */
const SAMPLE_RUN_ID = "20260101T000000.000Z-0123456789";
const SAMPLE_STARTED_AT = "2026-01-01T00:00:00.000Z";

/** A value the file fixes, and where it is set (for the hint). */
interface Fixed {
  value: string;
  where: string;
  secret: boolean;
}

/** Every refusal the run certainly makes of `workflow` (read from `file`, absolute). */
export function fixedRefusals(workflow: Workflow, file: string): FixedRefusal[] {
  const { order } = buildNodes(workflow, file, () => true);
  const exprs = new Expressions();
  const source: ScopeSource = {
    workflow,
    file,
    runId: SAMPLE_RUN_ID,
    startedAt: SAMPLE_STARTED_AT,
    params: {},
    nodes: new Map(),
  };
  const declared = new Set(workflow.secrets ?? []);
  const dir = dirnameOf(file);
  const found: FixedRefusal[] = [];

  // Whether `step`'s check is refused; `item`: the loop item it runs for.
  const check = (
    spec: LeafSpec,
    taskId: string,
    step: FixedRefusal["step"],
    item?: { value: Value; index: number },
  ): boolean => {
    const fixed = fixedEnv(workflow, spec, declared);
    const scope = makeScope(source, (name) => fixed.get(name)?.value, item);
    const later = (root: string, path: readonly string[]) => {
      switch (root) {
        case "env":
          return path.length !== 1 || !fixed.has(path[0]);
        case "workflow":
          return false;
        case "run":
          return !(path.length === 1 && (path[0] === "id" || path[0] === "started_at"));
        case "item":
        case "index":
          return item === undefined;
        default:
          return true;
      }
    };
    const env = Object.fromEntries([...fixed].map(([name, f]) => [name, f.value]));
    const refusal = leafRefusal(spec, taskId, { exprs, scope, later, dir, env });
    if (!refusal) return false;
    found.push(placed(refusal, taskId, step, fixed, item));
    return true;
  };

  for (const node of order) {
    if (node.leaf) check(node.leaf, node.id, undefined);
    const composite = node.composite;
    if (composite?.kind === "conditional") {
      check(composite.then, node.id, "then");
      if (composite.else) check(composite.else, node.id, "else");
    } else if (composite?.kind === "loop" && Array.isArray(composite.items)) {
      if (!writtenWhole(composite.items)) continue;
      // The first item refused is enough: the others are refused at the same place.
      composite.items.some((value, index) =>
        check(composite.step, node.id, "task", { value: value as Value, index })
      );
    }
  }
  return found;
}

/** Whether `items` hold no `${...}`: the run renders them, so their values are not fixed. */
function writtenWhole(items: unknown[]): boolean {
  let whole = true;
  renderStrings(items, (text) => {
    if (text.includes("${")) whole = false;
    return text;
  });
  return whole;
}

/**
 * The names whose value is fixed for `spec`: the nearest block setting each (its own
 * `environment`, `defaults.environment`, the workflow's) writes it without `${`.
 */
function fixedEnv(
  workflow: Workflow,
  spec: LeafSpec,
  declared: Set<string>,
): Map<string, Fixed> {
  const own = (spec.config as { environment?: Record<string, string> }).environment;
  const blocks: [Record<string, string> | undefined, string][] = [
    [workflow.environment, "the workflow's environment, which --env does not change"],
    [workflow.defaults?.environment, "defaults.environment"],
    [own, "the task's environment"],
  ];
  const fixed = new Map<string, Fixed>();
  // Lowest first: a nearer block's entry replaces (or, holding `${`, unfixes) a lower one's.
  for (const [block, where] of blocks) {
    for (const [name, value] of Object.entries(block ?? {})) {
      if (value.includes("${")) fixed.delete(name);
      else fixed.set(name, { value, where, secret: isSecretLikeName(name) || declared.has(name) });
    }
  }
  return fixed;
}

/** `refusal` as validate places it: the text, the offset, the message and the hint. */
function placed(
  refusal: Refusal,
  taskId: string,
  step: FixedRefusal["step"],
  fixed: Map<string, Fixed>,
  item?: { value: Value; index: number },
): FixedRefusal {
  const at = refusal.at;
  const read = at ? knownReads(at.text, at.offset, fixed, item) : [];
  // A secret's value is masked here as in everything weft prints (engine/secrets.ts).
  const secrets = [...fixed.values()].filter((f) => f.secret && f.value !== "").map((f) => f.value);
  const mask = (quoted: string) =>
    quoted !== "" && secrets.some((s) => quoted.includes(s)) ? "***" : quoted;
  const shown = (text: string) => secrets.reduce((t, s) => t.split(s).join("***"), text);
  const hints = [read.join("; "), refusal.hint].filter((h) => h);
  return {
    taskId,
    ...(step && { step }),
    ...(at && { text: at.text }),
    ...(at?.offset !== undefined && { offset: at.offset }),
    message: resolveQuoted(refusal.valueMessage ?? refusal.message, mask),
    ...(hints.length > 0 && { hint: shown(hints.join("; ")) }),
  };
}

/**
 * What each known value read by the `${...}` at `offset` of `text` (every one in `text`
 * when no offset) is and where the file sets it: `${env.N} is "abc", set in …`.
 */
function knownReads(
  text: string,
  offset: number | undefined,
  fixed: Map<string, Fixed>,
  item?: { value: Value; index: number },
): string[] {
  const spans = anyTemplate(text);
  if (!spans) return [];
  const lines: string[] = [];
  for (const span of spans.spans) {
    if (offset !== undefined && !(span.start <= offset && offset < span.end)) continue;
    const refs = spans.references.filter((r) => r.offset >= span.start && r.offset < span.end);
    for (const ref of refs) {
      const written = refs.length === 1
        ? text.slice(span.start, span.end)
        : `\${${[ref.root, ...ref.path].join(".")}}`;
      const what = describe(ref.root, ref.path, fixed, item);
      if (what) lines.push(`${written} is ${what}`);
    }
  }
  return lines;
}

/** A known value and where it comes from, or undefined for one not known. */
function describe(
  root: string,
  path: readonly string[],
  fixed: Map<string, Fixed>,
  item?: { value: Value; index: number },
): string | undefined {
  switch (root) {
    case "env": {
      const f = fixed.get(path[0]);
      if (!f || path.length !== 1) return undefined;
      return `${f.secret ? "***" : JSON.stringify(f.value)}, set in ${f.where}`;
    }
    case "workflow":
      return `the workflow's \`${path[0]}\``;
    case "run":
      return path[0] === "started_at"
        ? `the time the run starts (such as ${JSON.stringify(SAMPLE_STARTED_AT)})`
        : `the run's id (such as ${JSON.stringify(SAMPLE_RUN_ID)})`;
    case "item":
    case "index":
      if (!item) return undefined;
      return root === "index"
        ? `${item.index}, the item's place in the loop's \`items\``
        : path.length === 0 && typeof item.value === "string"
        ? `${JSON.stringify(item.value)}, item ${item.index} of the loop's \`items\``
        : `from item ${item.index} of the loop's \`items\``;
    default:
      return undefined;
  }
}
