/**
 * src/parse/issue_messages.ts (and reference_trouble.ts's boolean words) through
 * `weft validate`: a step's key written on a composite says to put it on the composite's
 * step, not to turn the composite into a shell task; `condition: yes` (YAML 1.1's true)
 * is told to write true, not about shell variables; a key of the task's `config` written
 * beside it (`connection:` on a database task) is told to go under `config`.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/issue_messages/", import.meta.url).pathname;

Deno.test("cli validate: retry/continue_on_error on a composite point at its steps", async () => {
  const run = await weft(["validate", "--json", `${FIXTURES}composite_keys.yml`]);
  assert.equal(run.code, 2, run.stderr);
  const hints = Object.fromEntries(
    JSON.parse(run.stdout).map((p: { line: number; hint: string }) => [p.line, p.hint]),
  );
  assert.equal(
    hints[6],
    '"retry" is a key of the steps a loop runs: put it in the loop\'s `task` (it applies to each iteration)',
  );
  assert.equal(
    hints[10],
    '"continue_on_error" is a key of the steps a parallel runs: put it on each child under `tasks`',
  );
  assert.equal(
    hints[15],
    '"retry" is a key of the steps a conditional runs: put it in the `then` (and `else`) step',
  );
  assert.doesNotMatch(run.stdout, /set type: shell/);
  assert.equal(
    hints[18],
    "yes is no boolean here (weft reads YAML 1.2): write true, or quote it ('yes') to compare the text",
  );
  assert.match(hints[21], /^Off is no boolean here .*: write false, or quote it \('Off'\)/);
});

Deno.test("cli validate: a key of the task's config written beside it says to put it under config", async () => {
  const run = await weft(["validate", "--json", `${FIXTURES}config_keys.yml`]);
  assert.equal(run.code, 2, run.stderr);
  const problems: { line: number; message: string; hint: string }[] = JSON.parse(run.stdout);
  const hints = Object.fromEntries(problems.map((p) => [p.line, p.hint]));
  assert.equal(hints[5], '"connection" goes under config: (config: {connection: ...})');
  assert.equal(hints[6], '"query" goes under config: (config: {query: ...})');
  assert.equal(hints[9], '"image" goes under config: (config: {image: ...})');
  // Not GitHub Actions' env: (a task's environment, which never reaches the container).
  assert.equal(hints[13], '"env" goes under config: (config: {env: ...})');
  // The missing config is what those keys explain: not told again on its own.
  assert.ok(problems.every((p) => !/missing key "config"/.test(p.message)), run.stdout);
});
