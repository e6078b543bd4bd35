/**
 * The secret values a workflow file writes itself, masked in the problems weft reports
 * of it (validate, and run and `--dry-run`, which report the same problems): a check may
 * quote one value that holds another's secret (engine/fixed_refusals.ts: `N: "1 + ${secret}"`
 * written out). Secret as the run has it (engine/secrets.ts Secrets.isSecretName): an
 * `environment` entry (the workflow's, `defaults.environment`, any task's) or a param
 * whose name looks secret (model/secret_name.ts) or that `secrets:` lists; a param's
 * value is its default. A value holding `${` is known only at run time, where the run
 * masks it. As the run does, a value shorter than MIN_SECRET_LENGTH is not masked
 * (it would garble every message).
 *
 * The masking here is literal (each value, and its spelling inside the JSON quotes a
 * message uses), not Secrets': the engine is above parse (DESIGN.md §3), and a message
 * quotes a value only in those two spellings. The mask and the shortest value masked
 * are the engine's own (model/secret_name.ts).
 * @module
 */
import type { Problem } from "../model/errors.ts";
import { isSecretLikeName, MASK, MIN_SECRET_LENGTH } from "../model/secret_name.ts";
import { isObject } from "./raw.ts";

/** The secret values written in workflow data `data` (see the module doc). */
export function fileSecretValues(data: unknown): string[] {
  if (!isObject(data)) return [];
  const declared = new Set(
    Array.isArray(data.secrets) ? data.secrets.filter((s) => typeof s === "string") : [],
  );
  const secret = (name: string) => declared.has(name) || isSecretLikeName(name);
  const values = new Set<string>();
  const add = (value: unknown) => {
    const text = typeof value === "number" ? String(value) : value;
    if (typeof text === "string" && text.length >= MIN_SECRET_LENGTH && !text.includes("${")) {
      values.add(text);
    }
  };
  if (isObject(data.params)) {
    for (const [name, param] of Object.entries(data.params)) {
      if (secret(name)) add(isObject(param) ? param.default : param);
    }
  }
  // Every `environment` block, at any depth (tasks of loops, parallels, conditionals).
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "environment" && isObject(value)) {
        for (const [name, v] of Object.entries(value)) if (secret(name)) add(v);
      } else if (key !== "params") walk(value);
    }
  };
  walk(data);
  return [...values];
}

/** `problems` with every value of `secrets` in their messages and hints as `***`. */
export function maskProblems(problems: Problem[], secrets: readonly string[]): Problem[] {
  if (secrets.length === 0) return problems;
  // Longest first: a secret holding another is masked whole.
  const spellings = [
    ...new Set(secrets.flatMap((value) => [value, JSON.stringify(value).slice(1, -1)])),
  ].sort((a, b) => b.length - a.length);
  const mask = (text: string) => spellings.reduce((t, s) => t.replaceAll(s, MASK), text);
  return problems.map((p) => ({
    ...p,
    message: mask(p.message),
    ...(p.hint === undefined ? {} : { hint: mask(p.hint) }),
  }));
}
