/**
 * keepDataNumbers (src/parse/written_data.ts) through both parse paths: the numbers of
 * an http task's `data` become the JSON token written (model/json_number.ts), only
 * there, only where a double would write them otherwise; the data the checks read keeps
 * plain numbers; resume's task hash reads the token.
 */
import assert from "node:assert/strict";
import { isWrittenNumber } from "../src/model/json_number.ts";
import { parseWorkflowSource } from "../src/parse/mod.ts";
import { cleanJsonWorkflow } from "../src/parse/clean_json.ts";
import { canonicalJson } from "../src/store/resume.ts";

const YAML = `name: w
tasks:
  - id: post
    type: http
    url: http://127.0.0.1:2/
    data: {big: 12345678901234567890, v: 1.10, n: 10, z: "0012", l: [2.50]}
  - id: each
    type: loop
    items: [{v: 3.10}]
    task:
      command: echo \${item.v} 1.10
  - id: shell
    command: echo hi
    environment: {V: 1.10}
`;

Deno.test("keepDataNumbers: YAML http data numbers are their written tokens, elsewhere nothing changes", () => {
  const parsed = parseWorkflowSource(YAML, "w.yml");
  assert.deepEqual(parsed.problems, []);
  const tasks = parsed.workflow!.tasks as unknown as Record<string, unknown>[];
  const data = tasks[0].data as Record<string, unknown>;
  assert.ok(isWrittenNumber(data.big));
  assert.ok(isWrittenNumber(data.v));
  assert.equal(data.n, 10); // written as a double writes it: stays a number
  assert.equal(data.z, "0012"); // quoted: text (unquoted, a validate error: below)
  assert.ok(isWrittenNumber((data.l as unknown[])[0]));
  assert.equal(
    JSON.stringify(data),
    '{"big":12345678901234567890,"v":1.10,"n":10,"z":"0012","l":[2.50]}',
  );
  // An object loop item's number is a JSON number as written (keepItemNumbers), read
  // alone as its text (engine/expressions.ts); environment keeps the text.
  assert.equal(JSON.stringify(tasks[1].items), '[{"v":3.10}]');
  assert.deepEqual(tasks[2].environment, { V: "1.10" });
  // The data the checks read is not the model's copy: plain numbers there.
  const checked = (parsed.data as { tasks: { data: Record<string, unknown> }[] }).tasks[0].data;
  assert.equal(checked.v, 1.1);
  assert.equal(typeof checked.big, "number");
});

Deno.test("keepDataNumbers: the quick path of a clean .json file keeps the tokens too", () => {
  const text = '{"name":"j","tasks":[{"id":"a","type":"http","url":"http://127.0.0.1:2/",' +
    '"data":{"x":[1.10,{"y":12345678901234567890}],"n":1}},' +
    '{"id":"b","command":"echo","environment":{"X":"1"}}]}';
  const workflow = cleanJsonWorkflow(text);
  assert.ok(workflow);
  const data = (workflow.tasks[0] as unknown as { data: unknown }).data;
  assert.equal(JSON.stringify(data), '{"x":[1.10,{"y":12345678901234567890}],"n":1}');
  const full = parseWorkflowSource(text, "j.json").workflow!;
  assert.equal(
    JSON.stringify((full.tasks[0] as unknown as { data: unknown }).data),
    JSON.stringify(data),
  );
});

Deno.test("keepDataNumbers: resume's task hash reads a kept number as its token", () => {
  const parsed = parseWorkflowSource(YAML, "w.yml");
  const task = parsed.workflow!.tasks[0];
  assert.match(
    canonicalJson(task),
    /"data":\{"big":12345678901234567890,"l":\[2\.50\],"n":10,"v":1\.10,"z":"0012"\}/,
  );
});

const ALIASES = `name: a
environment: &env {id: 12345678901234567890, f: 1.10}
tasks:
  - id: post
    type: http
    url: http://127.0.0.1:2/
    data:
      first: &b {id: 12345678901234567890, f: 1.10}
      again: *b
      nums: &n [1.10, 9007199254740993]
      nums2: *n
      deep: {in: [*b]}
      one: &s 1.10
      same: *s
      from_env: *env
`;

Deno.test("keepDataNumbers: an alias sends its anchor's numbers as written, an anchor in environment too", () => {
  const parsed = parseWorkflowSource(ALIASES, "a.yml");
  assert.deepEqual(parsed.problems, []);
  const workflow = parsed.workflow!;
  const b = '{"id":12345678901234567890,"f":1.10}';
  assert.equal(
    JSON.stringify((workflow.tasks[0] as unknown as { data: unknown }).data),
    `{"first":${b},"again":${b},"nums":[1.10,9007199254740993],` +
      `"nums2":[1.10,9007199254740993],"deep":{"in":[${b}]},"one":1.10,"same":1.10,` +
      `"from_env":${b}}`,
  );
  // The environment keeps its text; its alias in data is not turned into text with it.
  assert.deepEqual(workflow.environment, { id: "12345678901234567890", f: "1.10" });
});

Deno.test("unsendableNumbers: 1E400, .inf, .nan in http data are validate errors at their place", () => {
  const text = `name: u
environment: {BIG: 1E400}
tasks:
  - id: post
    type: http
    url: http://127.0.0.1:2/
    data:
      e: &e 1E400
      again: *e
      list: [.inf, -.inf, .nan]
      ok: "1E400"
  - id: shell
    command: echo
    environment: {X: .inf}
`;
  const { problems, workflow } = parseWorkflowSource(text, "u.yml");
  assert.equal(workflow, undefined);
  // One problem per place written (the alias's number is the anchor's); environment is text.
  assert.deepEqual(
    problems.map((p) => `${p.line}:${p.column} ${p.message}`),
    [
      "8:13 the number 1E400 cannot be sent as JSON",
      "10:14 the number .inf cannot be sent as JSON",
      "10:20 the number -.inf cannot be sent as JSON",
      "10:27 the number .nan cannot be sent as JSON",
    ],
  );
  assert.match(problems[0].hint!, /quote it: "1E400"/);
});

Deno.test("unsendableNumbers: a JSON file's 1E400 in http data takes the full path to its error", () => {
  const text = '{"name":"j","tasks":[{"id":"a","type":"http","url":"http://127.0.0.1:2/",\n' +
    '"data":{"x":[1, 1E400]}}]}';
  assert.equal(cleanJsonWorkflow(text), undefined);
  const { problems } = parseWorkflowSource(text, "j.json");
  assert.deepEqual(
    problems.map((p) => `${p.line}:${p.column} ${p.message}`),
    ["2:17 the number 1E400 cannot be sent as JSON"],
  );
});

Deno.test("unsendableNumbers: YAML spellings JSON cannot carry as written are validate errors", () => {
  const text = `name: z
tasks:
  - id: post
    type: http
    url: http://127.0.0.1:2/
    data:
      zip: 01234
      phone: +4915112345678
      codes: [0x1F, 0o17, 007, +1, .5]
      ok: [1e3, 1.0e+3, -0.0, 1.50, 0, -12, "01234"]
  - id: shell
    command: echo
    environment: {ZIP: 01234}
`;
  const { problems, workflow } = parseWorkflowSource(text, "z.yml");
  assert.equal(workflow, undefined);
  // Environment values are text (kept as written): only data's numbers are problems.
  assert.deepEqual(
    problems.map((p) => `${p.line}:${p.column} ${p.message}`),
    [
      "7:12 \`zip: 01234\` would be sent as the number 1234",
      "8:14 \`phone: +4915112345678\` would be sent as the number 4915112345678",
      "9:15 \`0x1F\` would be sent as the number 31",
      "9:21 \`0o17\` would be sent as the number 15",
      "9:27 \`007\` would be sent as the number 7",
      "9:32 \`+1\` would be sent as the number 1",
      "9:36 \`.5\` would be sent as the number 0.5",
    ],
  );
  assert.match(problems[0].hint!, /quote it to send the text: "01234"/);
});
