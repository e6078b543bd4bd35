/**
 * The quick check of a clean `.json` workflow (see problems.ts): every check of mod.ts's
 * `parseWorkflowSource` that needs no position, and the model's schema with them. Its
 * own module because the schema is zod's, whose load and schema building cost ~30 ms of
 * every start (measured in the bundle, median of 5): `weft run` of a file the validated
 * cache holds (validated_cache.ts) runs none of these checks, so problems.ts imports this
 * module only when it validates.
 * @module
 */
import type { Workflow } from "../model/workflow.ts";
import { workflowSchemaFor } from "../model/workflow_for.ts";
import { expressionProblems } from "./expr_checks.ts";
import { graphProblems } from "./graph_checks.ts";
import { loneSurrogates } from "./lone_surrogates.ts";
import { protoKeyPaths } from "./proto_keys.ts";
import type { SourceMap } from "./source_map.ts";
import { callsWorkflows } from "./subworkflows.ts";
import { parseKeepingText, plainJsonScalars } from "./written_keep.ts";
import { keepDataNumbers, keepItemNumbers, unsendableNumbers } from "./written_data.ts";

/**
 * zod's parse context without its object fast path: a workflow is parsed once per
 * process, and generating and compiling that code (`new Function`, per object schema
 * met) costs more than it saves on one parse (~8 ms of CPU of `weft validate` of the
 * deploy example; issue 12 §3). The result is the same either way.
 */
export const JITLESS = { jitless: true } as const;

/** Thrown by {@link NO_MAP}: a check wants a position, so there is a problem to place. */
class WantsPosition extends Error {}

/** A source map that has no positions: asking it for one throws {@link WantsPosition}. */
const NO_MAP = new Proxy({}, {
  get() {
    throw new WantsPosition();
  },
}) as SourceMap;

/**
 * The workflow of JSON text when every check of mod.ts's `parseWorkflowSource` (and
 * its `.json` syntax checks) passes and it calls no sub-workflow; undefined when the
 * full path must run: at the first sign of a problem, since problems need positions.
 * The same checks as the full path (those of the text in one pass), so a workflow
 * returned here is one the full path accepts.
 */
export function cleanJsonWorkflow(source: string): Workflow | undefined {
  const text = source.replace(/^\uFEFF/, "");
  if (text.trim() === "") return undefined;
  let data: unknown;
  try {
    // V8's JSON.parse takes any depth: the depth is checked after, with the rest.
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (data === null) return undefined;
  // Too deep or a key repeated: undefined. One pass for what three do on the full path.
  const scalars = plainJsonScalars(text);
  if (scalars === undefined) return undefined;
  // `"\u005f_proto__"` is the key too: without a `\u` escape it is written out.
  if ((text.includes("\\u") || text.includes("__proto__")) && protoKeyPaths(data).length > 0) {
    return undefined;
  }
  // A `\ud800` escape without its other half: refused where written (lone_surrogates.ts).
  if (text.includes("\\u") && loneSurrogates(data).length > 0) return undefined;
  // Of the parts this file uses only: what it accepts, the full schema parses the same.
  const schema = workflowSchemaFor(data);
  if (schema === undefined) return undefined;
  const result = parseKeepingText(schema, data, scalars, JITLESS);
  if (!result.success) return undefined;
  const workflow = result.data as Workflow;
  if (callsWorkflows(workflow)) return undefined;
  try {
    const found = [...graphProblems(data, NO_MAP, "-"), ...expressionProblems(data, NO_MAP, "-")];
    if (found.length > 0 || unsendableNumbers(data, scalars).length > 0) return undefined;
    // As parseWorkflowSource: an http `data` number goes out as the token written.
    keepDataNumbers(workflow, scalars);
    keepItemNumbers(workflow, scalars);
    return workflow;
  } catch (e) {
    if (e instanceof WantsPosition) return undefined;
    throw e;
  }
}
