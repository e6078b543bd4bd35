/** The last-resort message of an unexpected error: masked with every known secret, and cut. */
import assert from "node:assert/strict";
import {
  INTERNAL_MESSAGE_LIMIT,
  internalErrorStack,
  internalErrorText,
} from "../src/cli/internal_error.ts";
import { Secrets } from "../src/engine/secrets.ts";

Deno.test("internalErrorText: a message quoting a run's secret or the CLI's secret variable is masked", () => {
  const secrets = new Secrets();
  secrets.add("run-secret-value-1");
  const error = new Error("bad /run-secret-value-1|env-secret-2/ here");
  assert.equal(
    internalErrorText(error, { DB_PASSWORD: "env-secret-2", HOME: "/root" }),
    "bad /***|***/ here",
  );
  assert.equal(internalErrorText("plain text", {}), "plain text");
  // Kept alive until here: the registry is weak.
  assert.equal(secrets.empty, false);
});

Deno.test("internalErrorText: a huge message holding a huge secret is masked before being cut", () => {
  const secrets = new Secrets();
  const secret = "Q".repeat(140_000);
  secrets.add(secret);
  const error = new SyntaxError(`Invalid regular expression: /${secret}|${"x".repeat(1_000)}/`);
  const text = internalErrorText(error, {});
  assert.ok(text.length < INTERNAL_MESSAGE_LIMIT + 60, `${text.length} characters`);
  assert.ok(text.startsWith("Invalid regular expression: /***|xxx"), text);
  assert.match(text, /… \(\d+ more characters left out\)$/);
  assert.ok(!text.includes("QQQQ"));
  const stack = internalErrorStack(error, {}) ?? "";
  assert.ok(!stack.includes("QQQQ"));
  assert.ok(stack.split("\n").every((line) => line.length < INTERNAL_MESSAGE_LIMIT + 60));
  assert.equal(internalErrorStack("not an Error", {}), undefined);
});
