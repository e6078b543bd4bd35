/**
 * src/parse input limits: bounded reading (read.ts), encodings (encoding.ts), nesting
 * depth (nesting.ts), and YAML scalars and JSON numbers kept as written (written_text.ts).
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { checkWorkflow, parseWorkflowSource } from "../src/parse/mod.ts";
import { MAX_INPUT_BYTES, readInput } from "../src/parse/read.ts";
import { firstInvalidUtf8, wideEncoding } from "../src/parse/encoding.ts";
import { dataTrouble, jsonTooDeep, MAX_NESTING_DEPTH } from "../src/parse/nesting.ts";

function problems(text: string, file = "w.yml"): string[] {
  return parseWorkflowSource(text, file).problems.map((p) => `${p.line}:${p.column}: ${p.message}`);
}

const HEAD = "name: x\ntasks:\n  - id: a\n    type: http\n    url: http://127.0.0.1:2/\n    data: ";

Deno.test("an endless stream is read up to the limit and no further", async () => {
  let pulled = 0;
  const chunk = new Uint8Array(1 << 20).fill(0x61);
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const result = await readInput("-", { cwd: "/", stdin: endless });
  assert.ok("message" in result);
  assert.match(result.message, /^file too large: a workflow may have at most 16 MiB/);
  // Stops after the chunk that crossed the limit (the stream may buffer one more).
  assert.ok(pulled <= MAX_INPUT_BYTES + 2 * chunk.length, `read ${pulled} bytes`);
});

Deno.test("input of exactly the limit is read whole", async () => {
  const bytes = new Uint8Array(MAX_INPUT_BYTES).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bytes);
      c.close();
    },
  });
  const result = await readInput("-", { cwd: "/", stdin: stream });
  assert.ok(!("message" in result));
  assert.equal(result.bytes.length, MAX_INPUT_BYTES);
});

Deno.test("invalid UTF-8: the first bad byte, with line and column", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const join = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));
  const at = (bytes: Uint8Array) => {
    const t = firstInvalidUtf8(bytes);
    return t?.kind === "invalid" ? `${t.position.line}:${t.position.column} @${t.offset}` : t;
  };
  assert.equal(at(enc("a: é\nb: ok")), undefined);
  assert.equal(at(join(enc("a: x\nb: caf"), Uint8Array.of(0xe9), enc("\n"))), "2:7 @11");
  assert.equal(at(join(enc("é😀"), Uint8Array.of(0x80))), "1:4 @6"); // stray continuation
  assert.equal(at(Uint8Array.of(0xc0, 0xaf)), "1:1 @0"); // overlong
  assert.equal(at(Uint8Array.of(0xed, 0xa0, 0x80)), "1:1 @0"); // surrogate
  assert.equal(at(join(Uint8Array.of(0xef, 0xbb, 0xbf), enc("x"), Uint8Array.of(0xff))), "1:2 @4");
});

Deno.test("UTF-16 and UTF-32 are recognised with or without a byte-order mark", () => {
  const le = new Uint8Array([..."ab"].flatMap((c) => [c.charCodeAt(0), 0]));
  assert.deepEqual(wideEncoding(le), { kind: "utf16", endian: "LE" });
  assert.deepEqual(wideEncoding(Uint8Array.of(0xfe, 0xff, 0, 0x61)), {
    kind: "utf16",
    endian: "BE",
  });
  assert.deepEqual(wideEncoding(Uint8Array.of(0xff, 0xfe, 0, 0)), { kind: "utf32", endian: "LE" });
  assert.equal(wideEncoding(new TextEncoder().encode("name: x")), undefined);
});

Deno.test("a UTF-8 byte-order mark is accepted", async () => {
  const dir = testTempDir();
  try {
    await Deno.writeTextFile(`${dir}/w.yml`, "\uFEFFname: x\ntasks:\n  - id: a\n    command: x\n");
    const { problems } = await checkWorkflow("w.yml", { cwd: dir });
    assert.deepEqual(problems, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("nesting: the documented depth passes, one more level is a positioned problem", () => {
  const ok = MAX_NESTING_DEPTH - 3; // the root map, tasks and the task hold data
  assert.deepEqual(problems(HEAD + "[".repeat(ok) + "]".repeat(ok) + "\n"), []);
  const over = ok + 1;
  assert.deepEqual(problems(HEAD + "[".repeat(over) + "]".repeat(over) + "\n"), [
    `6:${11 + ok}: nested too deeply: more than ${MAX_NESTING_DEPTH} levels of lists and objects`,
  ]);
  // Block sequences written `- - - x` and JSON nest the same way.
  assert.match(
    problems(HEAD + "\n      " + "- ".repeat(over) + "x\n")[0],
    /^7:\d+: nested too deeply/,
  );
  const json = `{"name":"x","tasks":[{"id":"a","type":"http","url":"u","data":${"[".repeat(over)}${
    "]".repeat(over)
  }}]}`;
  assert.match(problems(json, "w.json")[0], /^1:\d+: nested too deeply/);
  assert.equal(jsonTooDeep('"[[[[" ' + "[".repeat(MAX_NESTING_DEPTH)), undefined);
});

Deno.test("aliases cannot build depth or cycles past the checks", () => {
  const half = 200;
  const deep = `name: x\nx-a: &a ${"[".repeat(half)}1${"]".repeat(half)}\n` +
    `x-b: ${"[".repeat(half)}*a ${"]".repeat(half)}\ntasks: [{id: a, command: x}]\n`;
  assert.match(problems(deep)[0], /nested too deeply/);
  assert.match(problems(HEAD + "&x [1, *x]\n")[0], /^6:\d+: an alias refers to the value that/);
  const cyclic: unknown[] = [];
  cyclic.push([cyclic]);
  assert.deepEqual(dataTrouble({ a: cyclic }), { kind: "cycle", path: ["a", 0, 0] });
  const shared = [1];
  assert.equal(dataTrouble({ a: shared, b: [shared, shared] }), undefined);
});

Deno.test("unquoted YAML scalars keep their text where the schema wants text", () => {
  const { workflow, problems: found } = parseWorkflowSource(
    [
      "name: 1.10",
      "version: 0012",
      "max_parallel: 0x1F",
      "params:",
      "  py: 3.10",
      "  full: {default: 1e3}",
      "environment: {A: .5, B: +1, C: True, D: 0o17, E: 7, F: -0.0, G: on}",
      "tasks:",
      "  - id: a",
      "    type: http",
      "    url: http://127.0.0.1:2/",
      "    headers: {X-V: 1.10}",
      "    environment: {PY: 3.10}",
      "    data: {n: 1.50, m: 16}",
      "    retry: {attempts: 0x3}",
      "  - id: l",
      "    type: loop",
      "    items: [3.8, 3.10]",
      "    task: {command: echo}",
    ].join("\n"),
    "w.yml",
  );
  assert.deepEqual(found, []);
  assert.ok(workflow);
  assert.equal(workflow.name, "1.10");
  assert.equal(workflow.version, "0012");
  assert.equal(workflow.max_parallel, 31); // a number where a number is wanted
  assert.equal(workflow.params?.py.default, "3.10");
  assert.equal(workflow.params?.full.default, "1e3");
  assert.deepEqual(workflow.environment, {
    A: ".5",
    B: "+1",
    C: "True",
    D: "0o17",
    E: "7",
    F: "-0.0",
    G: "on",
  });
  const [http, loop] = workflow.tasks as unknown as Record<string, unknown>[];
  assert.deepEqual(http.headers, { "X-V": "1.10" });
  assert.deepEqual(http.environment, { PY: "3.10" });
  // Free-form data keeps numbers: as the token written where a double would respell it.
  assert.equal(JSON.stringify(http.data), '{"n":1.50,"m":16}');
  assert.deepEqual(http.retry, { attempts: 3 });
  assert.deepEqual(loop.items, [3.8, "3.10"]);
});

Deno.test("JSON numbers keep their text where the schema wants text, numbers elsewhere", () => {
  const source = JSON.stringify(
    {
      name: 'a, [b]: {"c": 1}',
      version: "@1.10",
      max_parallel: "@2E0",
      params: { p: "@1.50", big: { default: "@12345678901234567890" } },
      environment: { A: "@1.10", B: "@1E+3", C: "@-0.0", D: "@7", E: "@0.50" },
      tasks: [
        {
          id: "h",
          type: "http",
          url: "http://127.0.0.1:2/",
          headers: { "X-V": "@1.10" },
          data: { n: "@1.50", list: ["@1.0", "@2.50"] },
          retry: { attempts: "@3.0" },
        },
        { id: "l", type: "loop", items: ["@1.10", "@1e3", "@5"], task: { command: "echo" } },
      ],
    },
    null,
    1,
  ).replace(/"@([^"]*)"/g, "$1").replace('"X-V"', '"X-\\u0056"');
  const { workflow, problems: found } = parseWorkflowSource(source, "w.json");
  assert.deepEqual(found, []);
  assert.ok(workflow);
  assert.equal(workflow.version, "1.10");
  assert.equal(workflow.max_parallel, 2); // a number where a number is wanted
  assert.equal(workflow.params?.p.default, "1.50");
  assert.equal(workflow.params?.big.default, "12345678901234567890");
  assert.deepEqual(workflow.environment, { A: "1.10", B: "1E+3", C: "-0.0", D: "7", E: "0.50" });
  const [http, loop] = workflow.tasks as unknown as Record<string, unknown>[];
  assert.deepEqual(http.headers, { "X-V": "1.10" });
  // Free-form data keeps numbers: as the token written where a double would respell it.
  assert.equal(JSON.stringify(http.data), '{"n":1.50,"list":[1.0,2.50]}');
  assert.deepEqual(http.retry, { attempts: 3 });
  assert.deepEqual(loop.items, ["1.10", "1e3", 5]);
  // Strings that look like numbers, and numbers spelled as String() would, are untouched.
  const plain = parseWorkflowSource(
    '{"name": "1.10", "version": "2.0", "tasks": [{"id": "a", "command": "x", "timeout": 5}]}',
    "w.json",
  );
  assert.equal(plain.workflow?.name, "1.10");
  assert.equal(plain.workflow?.version, "2.0");
});

Deno.test("an alias to an unquoted scalar keeps the anchor's text", () => {
  const { workflow, problems: found } = parseWorkflowSource(
    "name: x\nparams:\n  py: &py 3.10\nenvironment: {PY: *py}\ntasks: [{id: a, command: x}]\n",
    "w.yml",
  );
  assert.deepEqual(found, []);
  assert.deepEqual(workflow?.environment, { PY: "3.10" });
});
