import assert from "node:assert/strict";
import { readsStdout, stdoutReaders } from "../src/engine/stdout_readers.ts";
import type { Workflow } from "../src/model/workflow.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("stdoutReaders: the ids read in dotted and bracket forms, anywhere in the workflow", () => {
  const readers = stdoutReaders({
    name: "w",
    tasks: [
      { id: "a", command: "seq 3" },
      { id: "b", command: 'echo "${tasks.a.stdout}"', depends_on: ["a"] },
      {
        id: "loop",
        type: "loop",
        items: '${tasks["pre-build"].stdout}',
        task: { command: "echo ${item} ${tasks.c['stdout']}" },
      },
      { id: "d", condition: "${tasks . e . stdout == 'x'}", command: "true" },
    ],
  });
  assert.deepEqual([...readers as Set<string>].sort(), ["a", "c", "e", "pre-build"]);
});

Deno.test("stdoutReaders: none read when no string names stdout; a bare condition reads", () => {
  assert.deepEqual(
    stdoutReaders({ tasks: [{ id: "a", command: "echo ${tasks.a.status}" }] }),
    new Set(),
  );
  // A condition is an expression without `${`.
  assert.deepEqual(
    stdoutReaders({ tasks: [{ id: "b", condition: "tasks.a.stdout == ''", command: "true" }] }),
    new Set(["a"]),
  );
});

Deno.test("stdoutReaders: a stdout it cannot attribute keeps every task's", () => {
  assert.equal(stdoutReaders({ tasks: [{ command: 'echo "${params.x}" >/dev/stdout' }] }), "all");
  assert.equal(stdoutReaders({ tasks: [{ command: "echo stdout" }] }), "all");
  assert.equal(stdoutReaders({ tasks: [{ command: '${tasks["a\\"b"].stdout}' }] }), "all");
  const workflow = { name: "w", tasks: [{ command: '${tasks["q\\""].stdout}' }] };
  assert.equal(readsStdout(workflow as unknown as Workflow, "anything"), true);
});

Deno.test("cli run: the stdout an expression reads is whole; a task nobody reads still logs all", async () => {
  const dir = await testTempDir();
  const file = `${dir}/w.yml`;
  await Deno.writeTextFile(
    file,
    [
      "name: readers",
      "tasks:",
      "  - id: big",
      "    command: seq 1 200000",
      "  - id: listed",
      "    command: seq 1 3",
      "  - id: use",
      "    depends_on: [big, listed]",
      "    command: printf '%s\\n' \"${tasks.listed.stdout}\" | wc -l",
      "    live_output: true",
    ].join("\n") + "\n",
  );
  const env = { WEFT_HOME: `${dir}/home` };
  const run = await weft(["run", "-v", file], { env });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\[use\] 3\n/);
  const logs = await weft(["logs", "--no-prefix", "big"], { env });
  assert.equal(logs.code, 0, logs.stderr);
  assert.equal(logs.stdout.trimEnd().split("\n").length, 200000);
});

Deno.test("cli run: a bare condition reads the stdout it names", async () => {
  const dir = await testTempDir();
  const file = `${dir}/w.yml`;
  await Deno.writeTextFile(
    file,
    [
      "name: bare",
      "tasks:",
      "  - id: a",
      "    command: echo hello",
      "  - id: b",
      "    depends_on: [a]",
      "    condition: tasks.a.stdout == ''",
      "    command: echo b ran",
      "  - id: c",
      "    depends_on: [a]",
      "    condition: tasks.a.stdout == 'hello'",
      "    command: echo c ran",
      "    live_output: true",
    ].join("\n") + "\n",
  );
  const run = await weft(["run", "--json", file], { env: { WEFT_HOME: `${dir}/home` } });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  const status = Object.fromEntries(
    report.tasks.map((t: { id: string; status: string }) => [t.id, t.status]),
  );
  assert.deepEqual(status, { a: "success", b: "skipped", c: "success" });
});
