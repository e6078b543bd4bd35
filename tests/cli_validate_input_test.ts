/**
 * Hostile and unusual input through the real CLI: endless or huge input, deep nesting,
 * encodings, positions inside block scalars, and unquoted YAML and JSON numbers kept as written.
 */
import assert from "node:assert/strict";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const INVALID = new URL("./fixtures/invalid/", import.meta.url).pathname;

function assertClean(outcome: { stdout: string; stderr: string }) {
  const all = outcome.stdout + outcome.stderr;
  assert.ok(!/internal error|Maximum call stack|^\s{4}at /m.test(all), all);
}

Deno.test("validate - on endless stdin stops at 16 MiB with exit 2", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["validate", "-"]),
    env: weftEnv({ NO_COLOR: "1" }),
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  const chunk = new TextEncoder().encode("name: x\n".repeat(8192)); // 64 KiB
  let written = 0;
  // Write until weft stops reading and closes the pipe; at most 64 MiB.
  try {
    while (written < 64 * 1024 * 1024) {
      await writer.write(chunk);
      written += chunk.length;
    }
  } catch {
    // Broken pipe: weft has stopped reading, as it should.
  }
  await writer.close().catch(() => {});
  const { code, stderr } = await child.output();
  const text = new TextDecoder().decode(stderr);
  assert.equal(code, 2, text);
  assert.match(text, /^-: file too large: a workflow may have at most 16 MiB/);
  assert.ok(written < 64 * 1024 * 1024, "weft kept reading past its limit");
});

Deno.test("validate and run of a device or a too-large file: exit 2, file too large", async () => {
  const dir = testTempDir("big-");
  const big = `${dir}/big.yml`;
  // 16 MiB + 1 byte, written sparse: the size alone refuses it.
  using file = await Deno.open(big, { write: true, create: true });
  await file.truncate(16 * 1024 * 1024 + 1);
  for (const args of [["validate", big], ["run", big], ["validate", "/dev/zero"]]) {
    const outcome = await weft(args, { env: { NO_COLOR: "1" } });
    assertClean(outcome);
    assert.equal(outcome.code, 2, `${args}: ${outcome.stderr}`);
    assert.match(outcome.stderr, /file too large/, `${args}`);
  }
});

Deno.test("deep nesting in a big file: a positioned problem, never a stack overflow", async () => {
  const dir = testTempDir("deep-");
  const n = 100_000;
  const cases: [string, string, RegExp][] = [
    [
      "deep.json",
      `{"name":"x","tasks":[{"id":"a","type":"http","url":"http://127.0.0.1:2/","data":${
        '{"a":'.repeat(n)
      }1${"}".repeat(n)}}]}`,
      /deep\.json:1:\d+: nested too deeply/,
    ],
    [
      "flow.yml",
      `name: x\ntasks:\n  - id: a\n    type: http\n    url: http://127.0.0.1:2/\n    data: ${
        "[".repeat(n)
      }${"]".repeat(n)}\n`,
      /flow\.yml:6:\d+: nested too deeply/,
    ],
    [
      "expr.yml",
      `name: x\ntasks:\n  - id: a\n    command: echo \${${"(".repeat(n)}1${")".repeat(n)}}\n`,
      /expr\.yml:4:\d+: command in task "a": expression is nested too deeply/,
    ],
  ];
  for (const [name, text, expected] of cases) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
    for (const verb of ["validate", "run"]) {
      const outcome = await weft([verb, name], { cwd: dir, env: { NO_COLOR: "1" } });
      assertClean(outcome);
      assert.equal(outcome.code, 2, `${verb} ${name}: ${outcome.stderr}`);
      assert.match(outcome.stderr, expected);
    }
  }
});

Deno.test("problems inside block scalars are at their own line and column", async () => {
  const outcome = await weft(
    ["validate", "--json", "expr-in-block-scalar.yml", "expr-in-folded-scalar.yml"],
    { cwd: INVALID },
  );
  const found = JSON.parse(outcome.stdout).map((p: { line: number; column: number }) =>
    `${p.line}:${p.column}`
  );
  // The typo on the block's second line, at its `$` (the shell's `${OUT_DIR:-dist}` on the
  // first is no problem), not at the block's `|`.
  assert.deepEqual(found, ["7:27", "7:7"]);
  const [block] = JSON.parse(outcome.stdout);
  assert.match(block.message, /unknown name "parms" in \$\{parms\.out_dir\}/);
  assert.match(block.hint, /did you mean "params"/);
});

Deno.test("invalid UTF-8 is placed at its first bad byte; UTF-16 is named", async () => {
  const outcome = await weft(["validate", "--json", "invalid-utf8.yml", "utf16.yml"], {
    cwd: INVALID,
  });
  const [utf8, utf16] = JSON.parse(outcome.stdout);
  assert.deepEqual([utf8.line, utf8.column], [1, 10]);
  assert.match(utf8.message, /^not valid UTF-8: byte 0xE9/);
  assert.match(utf16.message, /UTF-16/);
  assert.match(utf16.hint, /save the file as UTF-8/);
});

Deno.test("unquoted YAML numbers reach the task as written where text is wanted", async () => {
  const dir = testTempDir("text-");
  await Deno.writeTextFile(
    `${dir}/w.yml`,
    [
      "name: numbers",
      "version: 1.10",
      "params:",
      "  build: 0012",
      "environment:",
      "  PY: 3.10",
      "  FLAG: True",
      "  HEX: 0x1F",
      "tasks:",
      "  - id: show",
      "    command: |",
      '      echo "$PY $FLAG $HEX ${params.build} ${workflow.version}" > out.txt',
      "",
    ].join("\n"),
  );
  const outcome = await weft(["run", "w.yml"], { cwd: dir, env: { NO_COLOR: "1" } });
  assert.equal(outcome.code, 0, outcome.stderr);
  assert.equal(await Deno.readTextFile(`${dir}/out.txt`), "3.10 True 0x1F 0012 1.10\n");
});

Deno.test("JSON numbers reach the task as written where text is wanted", async () => {
  const dir = testTempDir("text-json-");
  await Deno.writeTextFile(
    `${dir}/w.json`,
    `{"name": "numbers", "version": 1.10, "params": {"p": 1.50},
  "environment": {"A": 1.10, "B": 1E+3, "C": -0.0},
  "tasks": [
    {"id": "show", "command": "echo \\"$A $B $C \${params.p} \${workflow.version}\\" >> out.txt"},
    {"id": "each", "type": "loop", "items": [1.10, 1e3], "depends_on": ["show"],
     "task": {"command": "echo \${item} >> out.txt"}}
  ]}
`,
  );
  const outcome = await weft(["run", "w.json"], { cwd: dir, env: { NO_COLOR: "1" } });
  assert.equal(outcome.code, 0, outcome.stderr);
  const lines = (await Deno.readTextFile(`${dir}/out.txt`)).trim().split("\n");
  assert.equal(lines[0], "1.10 1E+3 -0.0 1.50 1.10");
  assert.deepEqual(lines.slice(1).sort(), ["1.10", "1e3"]);
});
