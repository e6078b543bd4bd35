/**
 * Lines end at `\n`, `\r\n` or a lone `\r` in every position weft reports (kind: line
 * counting that knew `\n` and `\r\n` only): JSON with old-Mac line endings is valid
 * (CR is whitespace) and YAML 1.2 breaks lines at a lone CR too, as editors do.
 */
import assert from "node:assert/strict";
import { lfBreaks, lineStarts, positionIn } from "../src/parse/lines.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("lineStarts / positionIn: \\n, \\r\\n and a lone \\r each end one line", () => {
  const text = "a\nb\r\nc\rd\r\re";
  assert.deepEqual(lineStarts(text), [0, 2, 5, 7, 9, 10]);
  assert.deepEqual(positionIn(text, text.indexOf("d")), { line: 4, column: 1 });
  assert.deepEqual(positionIn(text, text.indexOf("e")), { line: 6, column: 1 });
  assert.deepEqual(positionIn(text, 3), { line: 2, column: 2 }); // the \r of \r\n
  assert.equal(lfBreaks(text), "a\nb\r\nc\nd\n\ne");
  assert.equal(lfBreaks(text).length, text.length);
});

/** Runs `weft validate` on `bytes` saved as `name`; returns exit code and all output. */
async function validate(name: string, bytes: string | Uint8Array) {
  const dir = testTempDir("lines-");
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  await Deno.writeFile(`${dir}/${name}`, data);
  const { code, stdout, stderr } = await weft(["validate", name], { cwd: dir });
  return { code, text: stdout + stderr };
}

Deno.test("weft validate: CR-only JSON places problems and syntax errors on their lines", async () => {
  const lines = ["{", '  "name": "b",', '  "tasks": [', "", "  ]", "}", ""];
  const task = '    {"id": "a", "type": "shell", "bad": 1, "command": "x"}';
  lines[3] = task;
  const schema = await validate("w.json", lines.join("\r"));
  assert.equal(schema.code, 2);
  assert.match(schema.text, /w\.json:4:34: unknown key "bad" in task "a"/);
  lines[3] = '    {"id": "a", "type": "shell", "command": "x",}';
  const syntax = await validate("w.json", lines.join("\r"));
  assert.equal(syntax.code, 2);
  assert.match(syntax.text, /w\.json:4:48: invalid JSON: trailing comma before '}'/);
  // The same file with \r\n and with \n: the same positions.
  for (const end of ["\r\n", "\n"]) {
    const same = await validate("w.json", lines.join(end));
    assert.match(same.text, /w\.json:4:48: invalid JSON: trailing comma/, JSON.stringify(end));
  }
});

Deno.test("weft validate / run: CR-only YAML reads as lines, problems on their line", async () => {
  const yaml = ["name: b", "tasks:", "  - id: a", "    type: shell", "    command: echo hi"];
  const ok = await validate("w.yml", yaml.join("\r") + "\r");
  assert.equal(ok.code, 0, ok.text);
  const bad = await validate("w.yml", [...yaml.slice(0, 4), "    bad: 1", yaml[4]].join("\r"));
  assert.equal(bad.code, 2);
  assert.match(bad.text, /w\.yml:5:5: unknown key "bad" in task "a"/);
  const dir = testTempDir("lines-run-");
  await Deno.writeTextFile(`${dir}/w.yml`, yaml.join("\r") + "\r");
  const run = await weft(["run", "w.yml", "--json"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
});

Deno.test("weft validate: a bad byte after CR-only lines is placed on its line", async () => {
  const head = new TextEncoder().encode('{\r  "name": "b",\r  "x": "');
  const bytes = new Uint8Array([...head, 0xff, 0x22, 0x7d]);
  const utf8 = await validate("w.json", bytes);
  assert.equal(utf8.code, 2);
  assert.match(utf8.text, /w\.json:3:9: not valid UTF-8: byte 0xFF/);
  const control = await validate("w.json", '{\r  "name": "b",\r  "x": "\x01"}');
  assert.match(control.text, /w\.json:3:9: control character U\+0001/);
});
