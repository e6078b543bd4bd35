/**
 * Every workflow the documentation shows passes `weft validate` as written: each YAML or
 * JSON block of README.md (a part of a workflow is completed into one, see {@link asWorkflow})
 * and every workflow file under examples/.
 * @module
 */
import assert from "node:assert/strict";
import { EXAMPLES, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const README = new URL("../README.md", import.meta.url).pathname;
/** Blocks that show something other than a workflow, by their first line. */
const NOT_WORKFLOWS = [/^\{\s*$/]; // the run record of `weft history show --json`

/** The README's fenced blocks in `lang`, with the line each starts on. */
function blocks(text: string, langs: string[]): { lang: string; line: number; body: string }[] {
  const found = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (const m of text.matchAll(fence)) {
    if (!langs.includes(m[1])) continue;
    const line = text.slice(0, m.index).split("\n").length;
    found.push({ lang: m[1], line, body: m[2] });
  }
  return found;
}

const indent = (text: string, by: string) =>
  text.split("\n").map((l) => l === "" ? l : by + l).join("\n");

/**
 * `body` as a whole workflow: a whole one as it is; a list of tasks, a task's fields, or
 * top-level keys put in a workflow of one task; `${params.NAME}` declared when the part
 * does not declare params (the README declares them elsewhere).
 */
function asWorkflow(lang: string, body: string): string | undefined {
  const params = [...new Set([...body.matchAll(/\$\{params\.(\w+)/g)].map((m) => m[1]))];
  if (lang === "json") {
    if (NOT_WORKFLOWS.some((re) => re.test(body.split("\n")[0]))) return undefined;
    if (/^\s*\{/.test(body)) return body;
    const declared = params.map((p) => `"${p}": "x"`).join(", ");
    return `{"name": "readme", "params": {${declared}}, ` +
      `"tasks": [{"id": "a", "command": "true"}], ${body}}`;
  }
  const declared = /^params:/m.test(body) || params.length === 0
    ? ""
    : `params:\n${params.map((p) => `  ${p}: x`).join("\n")}\n`;
  if (/^tasks:/m.test(body)) {
    return /^name:/m.test(body) ? body : `name: readme\n${declared}${body}`;
  }
  if (/^- /.test(body)) return `name: readme\n${declared}tasks:\n${indent(body, "  ")}`;
  if (/^(command|type|id):/m.test(body)) {
    return `name: readme\n${declared}tasks:\n  - id: a\n${indent(body, "    ")}`;
  }
  return `name: readme\n${declared}tasks:\n  - id: a\n    command: "true"\n${body}`;
}

Deno.test("README: every yaml and json block validates as written", async () => {
  const text = await Deno.readTextFile(README);
  const dir = testTempDir("readme-");
  const files: string[] = [];
  for (const { lang, line, body } of blocks(text, ["yaml", "json"])) {
    const workflow = asWorkflow(lang, body);
    if (workflow === undefined) continue;
    const file = `${dir}/README-line-${line}.${lang === "json" ? "json" : "yml"}`;
    await Deno.writeTextFile(file, workflow);
    files.push(file);
  }
  assert.ok(files.length >= 6, `found ${files.length} blocks`);
  const { code, stdout, stderr } = await weft(["validate", ...files]);
  assert.equal(code, 0, stdout + stderr);
  assert.match(stdout + stderr, new RegExp(`${files.length} files, 0 invalid, 0 problems`));
});

Deno.test("examples/: every workflow file validates", async () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of Deno.readDirSync(dir)) {
      const path = `${dir}${entry.name}`;
      if (entry.isDirectory && entry.name !== "data") walk(`${path}/`);
      else if (/\.(ya?ml|json)$/.test(entry.name) && entry.name !== "package.json") {
        files.push(path);
      }
    }
  };
  walk(EXAMPLES);
  assert.ok(files.length >= 8, `found ${files.length} files`);
  const { code, stdout, stderr } = await weft(["validate", ...files]);
  assert.equal(code, 0, stdout + stderr);
  assert.match(stdout + stderr, new RegExp(`${files.length} files, 0 invalid, 0 problems`));
});
