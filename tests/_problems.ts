/** Shared helpers of the validate tests: a workflow text's problems, as strings. */
import { parseWorkflowSource } from "../src/parse/mod.ts";

/** Problems of a YAML text as `line:col: message` strings. */
export function problems(yaml: string): string[] {
  return parseWorkflowSource(yaml, "w.yml").problems.map((p) =>
    `${p.line}:${p.column}: ${p.message}`
  );
}

/** The hint of each problem of a YAML text, in the same order as {@link problems}. */
export function hints(yaml: string): (string | undefined)[] {
  return parseWorkflowSource(yaml, "w.yml").problems.map((p) => p.hint);
}

/** Lines joined into a text ending in a newline. */
export const lines = (...l: string[]): string => l.join("\n") + "\n";
