/**
 * The `loop` task type: one iteration per item, each a task record of its own
 * (`LOOP[key]`, see {@link iterationKeys}) with its own attempts, exit code, status and
 * log; the loop's record sums them up (outputs `total`, `count`, `succeeded`, `failed`).
 * Iterations go through runLeaf, so they count against `--max-parallel`.
 * @module
 */
import type { Value } from "../expr/mod.ts";
import type { AbortScope, StopReason } from "./abort.ts";
import { embeddedMessage, ownText } from "../model/data_text.ts";
import { errorText, type Outcome, type RunContext, stopError, stoppedAs } from "./context.ts";
import { conditionScope } from "./expressions.ts";
import { runLeaf } from "./leaf.ts";
import { snapshot } from "./outcomes.ts";
import { type CompositeSpec, iterationNode, type Node } from "./nodes.ts";
import {
  failed,
  finishComposite,
  isFailure,
  startComposite,
  succeededOutcome,
} from "./composite.ts";
import { pushAll } from "../arrays.ts";
import { isWrittenNumber } from "../model/json_number.ts";
import { parseItemsText, renderItemsText } from "./loop_items.ts";
import { secretLoopItems } from "./loop_secrets.ts";

/** The longest item text used as an iteration's key; longer items are keyed by index. */
export const MAX_ITEM_KEY_LENGTH = 64;
const KEY_PATTERN = /^[A-Za-z0-9_.-]+$/;

/**
 * The keys of a loop's iterations, one per item, so iteration `i` is `LOOP[keys[i]]`.
 * The item's own text when EVERY item is a string of letters, digits, `_`, `-` and `.`
 * (at most {@link MAX_ITEM_KEY_LENGTH} characters), not digits alone (so a key is never
 * mistaken for an index), and no two items are alike; otherwise the 0-based index for
 * all of them (numbers, objects, long or repeated items), the same as `${index}`. Ids are
 * written unmasked (records, log file names, store keys), so items of which any holds or
 * is part of a secret (`fromSecret`, loop_secrets.ts) are keyed by index too.
 * @example iterationKeys(["staging", "qa"]) // ["staging", "qa"]
 * @example iterationKeys([{ name: "a" }, { name: "b" }]) // ["0", "1"]
 */
export function iterationKeys(
  items: readonly Value[],
  fromSecret = false,
): string[] {
  const readable = !fromSecret &&
    items.every((item) =>
      typeof item === "string" && item.length <= MAX_ITEM_KEY_LENGTH && KEY_PATTERN.test(item) &&
      !/^[0-9]+$/.test(item)
    ) && new Set(items).size === items.length;
  return items.map((item, index) => readable ? item as string : String(index));
}

/** Runs a loop node: its items, then its iterations; never throws (errors fail the loop). */
export async function runLoop(
  run: RunContext,
  node: Node,
  spec: Extract<CompositeSpec, { kind: "loop" }>,
  scope: AbortScope,
): Promise<Outcome> {
  const startedAt = startComposite(run, node);
  let items: Value[];
  let sourceText = "";
  try {
    items = loopItems(run, node, spec.items, (text) => sourceText = text);
  } catch (error) {
    // loopItems' own explanations are marked ownText; any other message (the JSON
    // parser's, an expression's) may quote the items' text: data, masked whole.
    // No process ran: no exit code.
    const outcome = {
      ...failed(ownText("loop items: ") + embeddedMessage(errorText(error))),
      exitCode: null,
    };
    finishComposite(run, node, outcome, startedAt);
    return outcome;
  }
  // Items cut out of a secret (a JSON array given as a secret param) are secrets of the
  // run from here on, and then no item names an iteration (loop_secrets.ts).
  const fromSecret = secretLoopItems(
    run.secrets,
    items,
    sourceText !== "" && run.secrets.mask(sourceText) !== sourceText,
  );
  const keys = iterationKeys(items, fromSecret);
  const iterations = items.map((_, i) => iterationNode(node, `${node.id}[${keys[i]}]`, spec.step));
  pushAll(node.children, iterations);
  // Weft's own names: text masked around them leaves them whole (as for task ids).
  run.secrets.protect(iterations.map((iteration) => iteration.id));
  // On record before the first starts: a crash then leaves each of them known, and the
  // ones it kept from starting read as never started (interrupted, 0 attempts), as a
  // stop records them (cancelled, 0 attempts), not as missing.
  run.publish({
    type: "tasks_added",
    runId: run.runId,
    tasks: iterations.map((iteration) => snapshot(iteration.record)),
  });
  const width = Math.max(
    1,
    Math.min(items.length, spec.parallel ? spec.maxParallel ?? items.length : 1),
  );
  let next = 0;
  let finished = 0;
  let failures = 0;
  let firstFailure: Node | null = null;
  let firstState = "failed";
  let firstError: string | null = null;
  let halted = false;
  const worker = async () => {
    while (next < items.length && !halted && scope.reason === null) {
      const index = next++;
      const iteration = iterations[index];
      const outcome = await runLeaf(run, {
        node: iteration,
        spec: spec.step,
        scope,
        slotHeld: false,
        quiet: false,
        item: { value: items[index], index },
      });
      run.finishRecord(iteration, outcome);
      // One a stop kept from starting did not run: in no count (total - count says so).
      if (outcome.status === "cancelled" && outcome.attempts === 0) continue;
      finished++;
      // One a stop ended while it ran (the loop's own timeout or one from outside: timed
      // out, or cancelled) counts as a failed one does, as a `parallel` counts its child.
      if (
        (isFailure(outcome.status) || outcome.status === "cancelled") &&
        !spec.step.continueOnError
      ) {
        failures++;
        // The loop's error names the stop then, not this iteration.
        if (scope.reason !== null) continue;
        if (!firstFailure) {
          firstFailure = iteration;
          firstState = outcome.status === "timed_out" ? "timed out" : "failed";
          // `timed out: its own timeout of 1s`, as the recap reads: the reason alone would
          // not say that the iteration timed out.
          firstError = ownText(`${iteration.id}: `) +
            (outcome.error === null
              ? ownText(firstState)
              : firstState === "timed out"
              ? ownText("timed out: ") + embeddedMessage(outcome.error)
              : embeddedMessage(outcome.error));
        }
        if (spec.stopOnFailure) halted = true;
      }
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  const stop: StopReason | null = scope.reason;
  if (stop === null) {
    // Left out by stop_on_failure. (When the loop is stopped from outside, the
    // scheduler gives the iterations not run the loop's own outcome, as parallel children.)
    const by = (firstFailure as Node | null)?.id ?? "";
    for (const iteration of iterations) {
      if (iteration.finished) continue;
      run.finishRecord(iteration, {
        status: "skipped",
        reason: "upstream",
        exitCode: null,
        error: ownText(`not run: ${by} ${firstState} and stop_on_failure is on`),
        outputs: {},
        stdout: "",
        attempts: 0,
      });
    }
  }
  const outputs = {
    total: String(items.length),
    count: String(finished),
    succeeded: String(finished - failures),
    failed: String(failures),
  };
  const outcome: Outcome = stop
    ? {
      ...stoppedAs(stop),
      exitCode: null,
      error: stopError(run, node, stop, node.compositeTimeout),
      outputs,
      stdout: "",
    }
    : failures > 0
    ? {
      ...failed(ownText(`${failures} of ${items.length} iterations failed; first: `) + firstError),
      outputs,
    }
    : { ...succeededOutcome(), outputs };
  finishComposite(run, node, outcome, startedAt);
  return outcome;
}

/** `value` with every string in it rendered (text without `$` is kept as it is). */
export function renderStrings(value: unknown, render: (text: string) => string): Value {
  if (typeof value === "string") return value.includes("$") ? render(value) : value;
  if (isWrittenNumber(value)) return value as Value; // a number token (keepItemNumbers)
  if (Array.isArray(value)) return value.map((v) => renderStrings(v, render));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [key, renderStrings(v, render)]),
    ) as Value;
  }
  return value as Value;
}

/**
 * A loop's items (of loop `node`): a list (its strings interpolated), or text read as
 * loop_items.ts says — as its written text decides, a JSON array or one item per line,
 * each value kept inside the item it was written in. Throws, with a line saying what to
 * write, for a value its form refuses, or text that yields no list (a JSON object or
 * string, or text starting with `[` that is no JSON). `rendered` is told the text the
 * items of a text are read from (loop_secrets.ts: whether it held a secret).
 */
export function loopItems(
  run: RunContext,
  node: Node,
  items: unknown[] | string,
  rendered: (text: string) => void = () => {},
): Value[] {
  // The loop's own environment, as its steps see it (defaults.environment included).
  const scope = conditionScope(run, node);
  if (Array.isArray(items)) {
    // Each string of a list is a template too, objects' fields included, as in a GitHub
    // Actions matrix; validated with the same roots (parse/expr_checks.ts).
    return items.map((item) => renderStrings(item, (text) => run.exprs.render(text, scope)));
  }
  const built = renderItemsText(run.exprs, items, scope);
  rendered(built.text);
  return parseItemsText(built);
}
