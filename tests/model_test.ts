/**
 * The zod model: what it accepts, how it normalises (durations in ms, lists, default
 * task type), and what it rejects.
 */
import assert from "node:assert/strict";
import {
  formatDuration,
  parseDuration,
  type TaskOf,
  type Workflow,
  workflowSchema,
} from "../src/model/mod.ts";

const SEED = new URL("./fixtures/seed/", import.meta.url);

function parse(input: unknown): Workflow {
  const result = workflowSchema.safeParse(input);
  if (!result.success) throw new Error(JSON.stringify(result.error.issues));
  return result.data;
}

function issues(input: unknown): string[] {
  const result = workflowSchema.safeParse(input);
  assert.equal(result.success, false, "expected the schema to reject the input");
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

const one = (task: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: "t",
  tasks: [task],
  ...extra,
});

Deno.test("the schema accepts every seed JSON workflow", async () => {
  let count = 0;
  for await (const entry of Deno.readDir(SEED)) {
    if (!entry.name.endsWith(".json")) continue;
    const data = JSON.parse(await Deno.readTextFile(new URL(entry.name, SEED)));
    const result = workflowSchema.safeParse(data);
    assert.ok(
      result.success,
      `${entry.name}: ${JSON.stringify(!result.success && result.error.issues)}`,
    );
    count++;
  }
  assert.ok(count >= 10);
});

Deno.test("durations: one rule, bare numbers in the field's unit, results in ms", () => {
  const w = parse(one({
    id: "a",
    command: "x",
    timeout: 300,
    retry: { attempts: 3, delay: 5000, max_delay: "1m" },
  }, { timeout: "1h30m", expected_duration: "2.5s" }));
  const task = w.tasks[0] as TaskOf<"shell">;
  assert.equal(task.timeout, 300_000);
  assert.equal(task.retry?.delay, 5000);
  assert.equal(task.retry?.max_delay, 60_000);
  assert.equal(w.timeout, 5_400_000);
  assert.equal(w.expected_duration, 2500);
  assert.equal(parseDuration("500ms"), 500);
  assert.equal(parseDuration("10", "ms"), 10);
  assert.equal(parseDuration("5 minutes"), undefined);
  assert.equal(parseDuration(-1), undefined);
  assert.equal(formatDuration(90_000), "1m30s");
  // One form per range, chosen after rounding: no `60.0s`, `1000ms` or `60m00s`.
  const cases: [number, string][] = [
    [0, "0ms"],
    [250, "250ms"],
    [999.4, "999ms"],
    [999.6, "1.0s"],
    [1000, "1.0s"],
    [12_345, "12.3s"],
    [59_949, "59.9s"],
    [59_960, "1m00s"],
    [123_000, "2m03s"],
    [3_599_400, "59m59s"],
    [3_599_600, "1h00m"],
    [3_720_000, "1h02m"],
    [93_600_000, "26h00m"],
    [999_999 * 3_600_000, "999999h00m"],
    [1e303, "over 999999h"], // a `retry.delay` of 1e300 seconds
    [-5, "0ms"],
    [Number.NaN, "0ms"],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, String(ms));
  assert.match(
    issues(one({ id: "a", command: "x", timeout: "soon" })).join(),
    /invalid duration "soon"/,
  );
  // Durations count whole milliseconds: 0.4ms is 0, refused in words that fit it.
  for (const timeout of [0, "0s", "0.4ms"]) {
    assert.match(
      issues(one({ id: "a", command: "x", timeout })).join(),
      /a timeout must be at least 1ms/,
      String(timeout),
    );
  }
});

Deno.test("a task without type is a shell task; lists accept a single string", () => {
  const w = parse({
    name: "t",
    tasks: [
      { id: "a", command: "x" },
      { id: "b", command: "y", depends_on: "a", on_failure: "c" },
      { id: "c", command: "z" },
    ],
  });
  assert.equal(w.tasks[0].type, "shell");
  assert.deepEqual(w.tasks[1].depends_on, ["a"]);
  assert.deepEqual(w.tasks[1].on_failure, ["c"]);
});

Deno.test("composites: defaults and nested steps", () => {
  const w = parse({
    name: "t",
    tasks: [
      { id: "p", type: "parallel", tasks: [{ id: "u", command: "x" }] },
      { id: "l", type: "loop", items: ["a", 1, true], task: { command: "echo ${item}" } },
      { id: "c", type: "conditional", condition: "true", then: { type: "http", url: "http://x" } },
    ],
  });
  const parallel = w.tasks[0] as TaskOf<"parallel">;
  assert.equal(parallel.wait_for, "all");
  assert.equal(parallel.tasks[0].type, "shell");
  assert.equal((w.tasks[1] as TaskOf<"loop">).task.type, "shell");
  assert.equal((w.tasks[2] as TaskOf<"conditional">).then.type, "http");
});

Deno.test("params, environment and http fields are normalised", () => {
  const w = parse(one(
    { id: "a", type: "http", url: "http://x", method: "post" },
    {
      params: { region: "eu", size: { default: 3, required: true } },
      environment: { N: 1, B: true },
    },
  ));
  assert.deepEqual(w.params?.region, { default: "eu", required: false, description: undefined });
  assert.deepEqual(w.params?.size, { default: "3", required: true });
  assert.deepEqual(w.environment, { N: "1", B: "true" });
  assert.equal((w.tasks[0] as TaskOf<"http">).method, "POST");
});

Deno.test("triggers: cron strings and time zones are checked", () => {
  const schedule = (config: Record<string, unknown>) =>
    one({ id: "a", command: "x" }, { trigger: { type: "schedule", config } });
  parse(schedule({ schedule: "0 2 * * *", timezone: "Europe/Berlin" }));
  parse(schedule({ schedule: "*/10 * * * * *" }));
  parse(schedule({ schedule: "@daily" }));
  assert.match(issues(schedule({ schedule: "0 2 * *" })).join(), /has 4 fields/);
  assert.match(issues(schedule({ schedule: "0 2 * * * * *" })).join(), /has 7 fields/);
  assert.match(issues(schedule({ schedule: "61 * * * *" })).join(), /invalid cron expression/);
  assert.match(
    issues(schedule({ schedule: "0 2 * * *", timezone: "Mars/Base" })).join(),
    /unknown time zone/,
  );
  assert.match(issues(schedule({})).join(), /needs config.schedule/);
  parse(
    one({ id: "a", command: "x" }, {
      triggers: [{ type: "manual" }, { type: "webhook", config: { webhook: "/x" } }],
    }),
  );
  assert.match(
    issues(
      one({ id: "a", command: "x" }, {
        trigger: { type: "manual" },
        triggers: [{ type: "manual" }],
      }),
    ).join(),
    /either `trigger` or `triggers`/,
  );
});

Deno.test("strict objects: unknown keys are rejected everywhere", () => {
  assert.match(issues(one({ id: "a", comand: "x" })).join(), /Unrecognized key: "comand"/);
  assert.match(issues({ ...one({ id: "a", command: "x" }), extra: 1 }).join(), /Unrecognized key/);
  assert.match(
    issues(one({ id: "a", command: "x", retry: { attempts: 2, dealy: 1 } })).join(),
    /Unrecognized key: "dealy"/,
  );
  // $schema is how editors find the schema: always allowed.
  parse({ $schema: "../schemas/workflow.schema.json", ...one({ id: "a", command: "x" }) });
});

Deno.test("task type configs say what they need", () => {
  assert.match(issues(one({ id: "a", type: "docker", config: {} })).join(), /needs `image`/);
  assert.match(
    issues(one({ id: "a", type: "database", config: { connection: "x" } })).join(),
    /needs `query`/,
  );
  assert.match(issues(one({ id: "a", type: "javascript" })).join(), /exactly one of `script`/);
  assert.match(issues(one({ id: "a", command: "" })).join(), /command is empty/);
  assert.match(issues(one({ id: "9a", command: "x" })).join(), /task ids use letters/);
  assert.match(issues({ name: "t", tasks: [] }).join(), /at least one task/);
});
