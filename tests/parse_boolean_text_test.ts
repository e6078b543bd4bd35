/**
 * src/parse/boolean_text.ts through `weft validate`: text in any boolean field quotes the
 * value; a bare YAML 1.1 boolean (`yes`, `off`, `n`, `Yes`) says YAML 1.2 reads it as
 * text and what to write; a quoted `"true"` says the quotes make it text.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/yaml_booleans/", import.meta.url).pathname;

Deno.test("cli validate: YAML 1.1 booleans in every boolean field are named, with true/false to write", async () => {
  const run = await weft(["validate", "--json", `${FIXTURES}yaml11.yml`]);
  assert.equal(run.code, 2, run.stderr);
  const problems = (JSON.parse(run.stdout) as {
    line: number;
    column: number;
    message: string;
    hint: string;
  }[]).map((p) => [p.line, p.column, p.message, p.hint]);
  const yaml11 = (word: string, meant: boolean) =>
    `\`${word}\` is text in YAML 1.2, which weft reads (YAML 1.1 took it for ${meant}): write ${meant}`;
  assert.deepEqual(problems, [
    [
      5,
      24,
      'continue_on_error in task "t": expected a boolean, got the text "yes"',
      yaml11("yes", true),
    ],
    [
      9,
      22,
      'stop_on_failure in task "u": expected a boolean, got the text "off"',
      yaml11("off", false),
    ],
    [10, 15, 'parallel in task "u": expected a boolean, got the text "n"', yaml11("n", false)],
    [
      15,
      23,
      'follow_redirects in task "h": expected a boolean, got the text "true"',
      "quotes make it text: write true without them",
    ],
    [
      17,
      15,
      'notifications.on_failure: expected a boolean, got the text "Yes"',
      yaml11("Yes", true),
    ],
  ]);
});

Deno.test("cli validate: a JSON string in a boolean field is text because of its quotes", async () => {
  const run = await weft(["validate", `${FIXTURES}quoted.json`]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(
    run.stderr,
    /expected a boolean, got the text "yes"\n {2}hint: quotes make it text: write true without them/,
  );
});
