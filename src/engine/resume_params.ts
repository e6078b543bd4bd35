/**
 * The params of a `weft run --resume` run: those of the run it resumes. Its kept
 * successes ran with them (their outputs are kept), so the tasks run again must see the
 * same values, as `gh run rerun --failed` does; a different `-p` is refused rather than
 * mixing inputs. History stores params masked (mask_events.ts): a value holding `***`
 * may have lost a secret, so it is never reused as it is; it must be given again.
 * @module
 */
import { ExitCode, type Problem, WeftError } from "../model/errors.ts";
import type { Workflow } from "../model/workflow.ts";
import { resolveParams } from "./params.ts";
import { MASK, MIN_SECRET_LENGTH } from "./secrets.ts";
import { isSecretLikeName } from "./secret_names.ts";

/** The run being resumed: its id and the params it recorded (masked). */
export interface ResumedRun {
  id: string;
  params: Record<string, string>;
}

/**
 * The params to resume `run` with: for each param the workflow declares, the value `run`
 * recorded, or `given[name]` (`-p`) when it equals that value; a param `run` did not
 * record (declared since) is resolved as for a new run (`-p`, else its default). A
 * recorded value holding `***` (a secret masked: a secret param is recorded as `***`)
 * cannot be reused: it must be given, and a given value must read as the recorded one
 * where the secret was ({@link fitsMasked}), or be that value itself, except for a param
 * secret by name or `secrets:`, whose value is never the mask. Throws a WeftError (exit 2) listing
 * every param given with another value than `run`'s, every masked one not given, and
 * what {@link resolveParams} refuses (an undeclared `-p`).
 * @example resumedParams(wf, { id: "R", params: { region: "eu" } }, {}) // { region: "eu" }
 */
export function resumedParams(
  workflow: Workflow,
  run: ResumedRun,
  given: Record<string, string>,
): Record<string, string> {
  const recorded = run.params ?? {};
  const declaredSecrets = new Set(workflow.secrets ?? []);
  const problems: Problem[] = [];
  const values: Record<string, string> = { ...given };
  for (const name of Object.keys(workflow.params ?? {})) {
    if (!Object.hasOwn(recorded, name)) continue;
    const before = recorded[name];
    const masked = before.includes(MASK);
    const secret = declaredSecrets.has(name) || isSecretLikeName(name);
    if (!Object.hasOwn(given, name)) {
      if (!masked) {
        values[name] = before;
        continue;
      }
      problems.push({
        file: "",
        message: `param "${name}" of run ${run.id} is recorded masked (${
          secret ? "a secret" : "it held a secret"
        }), so it cannot be reused and --resume does not fall back to its default`,
        hint: `pass its value again: -p ${name}=VALUE (the value run ${run.id} had)`,
      });
      continue;
    }
    const value = given[name];
    // The mask itself is not a secret param's value; another param may truly hold `***`.
    const same = masked
      ? (value === before ? !secret : fitsMasked(value, before))
      : value === before;
    if (!same) {
      problems.push({
        file: "",
        message: masked
          ? `-p ${name} does not match the value run ${run.id} had (recorded masked: ${
            secret ? "a secret" : "it held a secret"
          })`
          : `-p ${name} differs from the value run ${run.id} had (${JSON.stringify(before)})`,
        hint: masked
          ? `pass the value run ${run.id} had (history keeps it masked); to use another one, run without --resume`
          : `a resumed run keeps that run's successes, so it runs with its params; leave out -p ${name}, or run without --resume to use another value`,
      });
    }
  }
  if (problems.length > 0) throw new WeftError(problems, { exitCode: ExitCode.Invalid });
  return resolveParams(workflow, values);
}

/**
 * Whether `value` reads as `masked` (a value as history stores it), each `***` in it
 * standing for at least {@link MIN_SECRET_LENGTH} characters: a shorter secret is never
 * masked (Secrets.add), nor is a shorter line of a multi-line one. Leftmost matching of
 * each literal piece is enough for a pattern whose only wildcard is "N or more of
 * anything": the earliest place a piece fits leaves the most room for the rest.
 * @example fitsMasked("https://x/?key=abcd", "https://x/?key=***") // true
 */
export function fitsMasked(value: string, masked: string): boolean {
  const gap = MIN_SECRET_LENGTH;
  const pieces = masked.split(MASK);
  if (pieces.length === 1) return value === masked;
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (!value.startsWith(first)) return false;
  let at = first.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = value.indexOf(piece, at + gap);
    if (found < 0) return false;
    at = found + piece.length;
  }
  return value.length - last.length >= at + gap && value.endsWith(last);
}
