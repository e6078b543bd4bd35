/**
 * GitHub Actions' spellings met in weft expressions — `${{ env.X }}`, `failure()` — and
 * what weft writes instead, for the parser's errors (parser.ts).
 * @module
 */
import { ExpressionError } from "./errors.ts";

/**
 * GitHub Actions' status functions, with what weft has instead: a task runs only when
 * its `depends_on` tasks succeeded, and one that should run when another fails is that
 * task's `on_failure` callback (a failed dependency skips its dependents).
 */
const FUNCTIONS: Readonly<Record<string, string>> = {
  failure: "weft has no failure() (GitHub Actions): to run a task when another fails, name it " +
    "in that task's on_failure, instead of depends_on and a condition",
  success: "weft has no success() (GitHub Actions): a task runs only when its depends_on tasks " +
    "succeeded, with no condition; or compare ${tasks.ID.status} == 'success'",
  always: "weft has no always() (GitHub Actions): to run a task whatever another's outcome, " +
    "name it in that task's on_success and on_failure",
  cancelled: "weft has no cancelled() (GitHub Actions): a run stopped by Ctrl-C or SIGTERM runs " +
    "no callback; compare ${tasks.ID.status} == 'cancelled' for a task a timeout or a parallel stopped",
};

/** GitHub Actions' contexts, by the root weft reads the same values from. */
const GITHUB_ROOTS: Readonly<Record<string, string>> = {
  secrets: "env",
  vars: "env",
  inputs: "params",
  matrix: "item",
  needs: "tasks",
  steps: "tasks",
};

/**
 * The error for GitHub Actions' `${{ expr }}` at `start`: weft's is `${expr}`, one brace,
 * and the hint gives it written so, a GitHub context named by weft's root
 * (`${{ secrets.TOKEN }}` → `${env.TOKEN}`), where the `}}` closes it.
 */
export function githubExpression(src: string, start: number): ExpressionError {
  const close = src.indexOf("}}", start + 3);
  let inner = close < 0 ? "" : src.slice(start + 3, close).trim();
  const dot = inner.indexOf(".");
  const root = dot < 0 ? "" : inner.slice(0, dot);
  if (Object.hasOwn(GITHUB_ROOTS, root)) inner = GITHUB_ROOTS[root] + inner.slice(dot);
  return new ExpressionError(
    "${{ ... }} is GitHub Actions' syntax: weft's is ${...}, with one brace",
    start,
    inner === "" || inner.includes("{")
      ? "write ${env.NAME}, ${params.NAME} or ${tasks.ID.outputs.KEY}"
      : `write \${${inner}}`,
  );
}

/** What weft has instead of GitHub Actions' status function `name`, or undefined. */
export function githubFunctionHint(name: string): string | undefined {
  return Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
}
