/**
 * The expressions of alert rules (`alerts[].condition`, `.template`): they must parse,
 * and read only the names and fields an alert has (model/alert_fields.ts), so a typo
 * (`metrics.successrate`) is refused at its place rather than read as null.
 * @module
 */
import { compileCondition, compileTemplate, ExpressionError, splitErrors } from "../expr/mod.ts";
import { ALERT_FIELDS, alertFieldTrouble } from "../model/alert_fields.ts";
import type { Problem } from "../model/errors.ts";
import { valueLabel } from "./describe.ts";
import { isObject } from "./raw.ts";
import type { PathSegment, SourceMap } from "./source_map.ts";
import { didYouMean, listWords } from "./suggest.ts";
import { comparedWord, quoteWordHint } from "./reference_trouble.ts";

const ALERT_ROOTS = Object.keys(ALERT_FIELDS);

/** Every problem of the alert rules' conditions and templates. */
export function alertProblems(data: unknown, map: SourceMap, file: string): Problem[] {
  if (!isObject(data) || !Array.isArray(data.alerts)) return [];
  const problems: Problem[] = [];
  const check = (text: unknown, path: PathSegment[], kind: "condition" | "template") => {
    if (typeof text !== "string") return;
    const problem = (offset: number, message: string, hint?: string) =>
      problems.push({
        file,
        ...map.inString(path, offset),
        message: `${valueLabel(data, path)}: ${message}`,
        hint,
      });
    let refs;
    try {
      refs = (kind === "condition" ? compileCondition(text) : compileTemplate(text)).references;
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      // Each `${...}` written wrong, and the others' references checked as usual.
      const split = splitErrors(e);
      for (const each of split.errors) problem(each.offset, each.message, each.hint);
      refs = split.partial?.references ?? [];
    }
    let quotedUpTo = -1;
    for (const ref of refs) {
      if (!ALERT_ROOTS.includes(ref.root)) {
        const bare = kind === "condition" ? comparedWord(text, ref) : undefined;
        if (bare !== undefined && bare.start < quotedUpTo) continue;
        quotedUpTo = bare?.end ?? quotedUpTo;
        problem(
          ref.offset,
          `unknown name "${bare?.word ?? ref.root}"`,
          (bare && quoteWordHint(bare.word)) ?? didYouMean(ref.root, ALERT_ROOTS) ??
            `alert rules can use ${listWords(ALERT_ROOTS)}`,
        );
        continue;
      }
      const trouble = alertFieldTrouble(ref.root, ref.path.map(String));
      if (!trouble) continue;
      const { written, field, choices } = trouble;
      problem(
        ref.offset,
        `${written} has no field "${field}"`,
        didYouMean(field, choices) ??
          (choices.length > 0
            ? `use ${listWords(choices.map((c) => `${written}.${c}`))}`
            : `${written} is a value, with no fields`),
      );
    }
  };
  data.alerts.forEach((alert, i) => {
    if (!isObject(alert)) return;
    check(alert.condition, ["alerts", i, "condition"], "condition");
    check(alert.template, ["alerts", i, "template"], "template");
  });
  return problems;
}
