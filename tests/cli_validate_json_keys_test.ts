/**
 * A `${...}` where a JSON object's key goes, outside quotes (`[{${params.k}: 1}]`), in a
 * text weft builds as JSON around its values — a loop's `items` starting with `[`, an http
 * `data` text sent as JSON — makes no JSON whatever its value (a key is a string; a value
 * outside quotes is at most one number, true, false or null): `weft validate` refuses it
 * at its `${` (parse/json_key.ts), and building the text refuses it at run time
 * (expr/json_text.ts). Inside the quotes the value is the key, escaped; `raw(...)` is a
 * key with its quotes on purpose; a text sent as something else keeps its `{` as written.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { compileTemplate } from "../src/expr/template.ts";

const DIR = new URL("./fixtures/json_text_keys/", import.meta.url).pathname;
const WHY = "stands where a key of a JSON object goes, outside quotes, so this is no JSON " +
  "whatever its value: a key is a string in double quotes, and a value outside them is at " +
  "most one number, true, false or null";

/** The problems `weft validate FILE` reports, each `line:col: message`, and its exit code. */
async function problems(file: string): Promise<{ code: number; lines: string[]; out: string }> {
  const env = { WEFT_HOME: `${testTempDir("json-keys-")}/home`, NO_COLOR: "1" };
  const { code, stderr } = await weft(["validate", file], { env });
  const lines = stderr.split("\n").filter((line) => line.startsWith(file))
    .map((line) => line.slice(file.length + 1));
  return { code, lines, out: stderr };
}

Deno.test("weft validate: loop items text with a ${...} where a key goes, outside quotes, at its ${", async () => {
  const { code, lines, out } = await problems(`${DIR}items.yml`);
  assert.equal(code, 2, out);
  const read = "items starting with [ are read as a JSON array";
  assert.deepEqual(lines, [
    `16:15: items in task "bare": ${read}: \${params.k} ${WHY}`,
    `22:29: items in task "second": ${read}: \${params.k} ${WHY}`,
  ]);
  assert.match(
    out,
    /hint: write it inside the quotes, "\$\{params\.k\}": its value is then the key, escaped/,
  );
});

Deno.test("weft validate: an http data text sent as JSON with a ${...} where a key goes, at its ${", async () => {
  const { code, lines, out } = await problems(`${DIR}data.yml`);
  assert.equal(code, 2, out);
  const sent = "the text is sent as JSON";
  assert.deepEqual(lines, [
    `11:13: data in task "object": ${sent}: \${params.k} ${WHY}`,
    `15:24: data in task "array": ${sent}: \${params.k} ${WHY}`,
    `22:8: data in task "typed": ${sent}: \${params.k} ${WHY}`,
  ]);
});

Deno.test("weft run: a value inside a key's quotes is the key, escaped; raw(...) as written", async () => {
  const dir = testTempDir("json-keys-run-");
  const env = { WEFT_HOME: `${dir}/home`, NO_COLOR: "1" };
  const run = await weft(["run", `${DIR}items_run.yml`, "-q", "-p", 'k=a"b'], { env });
  assert.equal(run.code, 0, run.stderr);
  const id = (await weft(["history", "-q", "-n1"], { env })).stdout.trim();
  assert.equal((await weft(["logs", id, "quoted[0]"], { env })).stdout, '{"a\\"b":1}\n');
  assert.equal((await weft(["logs", id, "raw[0]"], { env })).stdout, '{"q":1}\n');
});

Deno.test("renderJson: a value where a key goes, outside quotes, is refused whatever it is", () => {
  const render = (text: string, value: string) => compileTemplate(text).renderJson(() => value);
  for (const value of ["x", "1", "true", "null"]) {
    for (const text of ["[{${params.k}: 1}]", '{"a": {"b": 1}, ${params.k}: 2}']) {
      assert.throws(
        () => render(text, value),
        /a value where a JSON object's key goes must be inside its double quotes/,
        `${text} with ${value}`,
      );
    }
  }
  // A value in an array after an object, or as a member's value, is no key.
  assert.equal(render('[{"a": 1}, ${params.k}]', "1"), '[{"a": 1}, 1]');
  assert.equal(render('{"a{,": ${params.k}}', "1"), '{"a{,": 1}');
  assert.equal(render("{${raw(params.k)}: 1}", '"q"'), '{"q": 1}');
});
