/**
 * src/parse/lone_surrogates.ts through `weft validate` and `weft run`: a `\ud800` escape
 * without its other half, in a key or a value of a YAML or JSON file, is refused at its
 * line:column (never handed on as U+FFFD); a whole pair is the character it writes.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/lone_surrogates/", import.meta.url).pathname;

const placed = (stderr: string, file: string) =>
  [...stderr.matchAll(
    new RegExp(
      `${file}:(\\d+):(\\d+): (\\S+) is half of a UTF-16 surrogate pair, no character\\n  hint: write the whole pair`,
      "g",
    ),
  )]
    .map((m) => [Number(m[1]), Number(m[2]), m[3]]);

Deno.test("cli validate: a lone surrogate escape in YAML (value or key) is refused where written", async () => {
  const run = await weft(["validate", `${FIXTURES}lone.yml`]);
  assert.equal(run.code, 2, run.stderr);
  assert.deepEqual(placed(run.stderr, "lone.yml"), [
    [1, 9, "\\ud800"],
    [3, 8, "\\udc00"],
    [4, 5, "\\udbff"],
  ]);
});

Deno.test("cli run: a lone surrogate escape in JSON is refused at its place, the run not started", async () => {
  const run = await weft(["run", `${FIXTURES}lone.json`]);
  assert.equal(run.code, 2, run.stderr);
  assert.deepEqual(placed(run.stderr, "lone.json"), [[1, 11, "\\ud800"], [1, 55, "\\ud83d"]]);
});

Deno.test("cli run: a whole surrogate pair is the character it writes", async () => {
  const run = await weft(["run", "-v", `${FIXTURES}pair.json`]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /\[t\]\s+f0 9f 98 80/);
});
