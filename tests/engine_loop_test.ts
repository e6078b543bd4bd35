/** Loop iterations as records of their own (engine/loop.ts). */
import assert from "node:assert/strict";
import { iterationKeys } from "../src/engine/loop.ts";
import { BoardRenderer } from "../src/cli/render/board.ts";
import { runTest } from "./_engine.ts";

Deno.test("iterationKeys: readable item texts when every item has one, else the index", () => {
  assert.deepEqual(iterationKeys(["staging", "qa", "prod-eu_1", "v3.11"]), [
    "staging",
    "qa",
    "prod-eu_1",
    "v3.11",
  ]);
  // Numbers and digit-only texts would read like an index: the index is used.
  assert.deepEqual(iterationKeys([3, 1, 2]), ["0", "1", "2"]);
  assert.deepEqual(iterationKeys(["10", "20"]), ["0", "1"]);
  // Repeated, spaced, empty, long or structured items: the index for every item.
  assert.deepEqual(iterationKeys(["a", "a"]), ["0", "1"]);
  assert.deepEqual(iterationKeys(["a", "b c"]), ["0", "1"]);
  assert.deepEqual(iterationKeys(["a", ""]), ["0", "1"]);
  assert.deepEqual(iterationKeys(["a", "x".repeat(65)]), ["0", "1"]);
  assert.deepEqual(iterationKeys(["a", "b]"]), ["0", "1"]);
  assert.deepEqual(iterationKeys([{ name: "a" }, { name: "b" }]), ["0", "1"]);
  assert.deepEqual(iterationKeys([]), []);
  // Items of which one holds or is part of a secret (loop_secrets.ts): never written into an id.
  assert.deepEqual(iterationKeys(["qa", "s3cr3t"], true), ["0", "1"]);
});

Deno.test("loop: each iteration is its own record with its attempts, exit code and output", async () => {
  const r = await runTest({
    name: "loop-records",
    tasks: [
      { id: "before", command: "true" },
      {
        id: "deploy",
        type: "loop",
        depends_on: ["before"],
        items: ["staging", "qa", "production"],
        stop_on_failure: false,
        task: {
          // qa fails its first attempt (exit 7), then succeeds; production always exits 4.
          command: 'echo "${index}:${item}:$WEFT_TASK_ID"; ' +
            "[ ${item} != qa ] || [ -e qa-done ] || { touch qa-done; exit 7; }; " +
            "[ ${item} != production ] || exit 4",
          retry: { attempts: 2, delay: "10ms" },
        },
      },
      { id: "after", command: "true", depends_on: ["deploy"] },
    ],
  });
  // The loop first, its iterations right after it, in item order.
  assert.deepEqual(r.report.tasks.map((t) => t.id), [
    "before",
    "deploy",
    "deploy[staging]",
    "deploy[qa]",
    "deploy[production]",
    "after",
  ]);
  const facts = (id: string) => {
    const t = r.task(id);
    return [t.status, t.exitCode, t.attempts, t.type, t.name];
  };
  assert.deepEqual(facts("deploy[staging]"), ["success", 0, 1, "shell", "deploy[staging]"]);
  assert.deepEqual(facts("deploy[qa]"), ["success", 0, 2, "shell", "deploy[qa]"]);
  assert.deepEqual(facts("deploy[production]"), ["failed", 4, 2, "shell", "deploy[production]"]);
  assert.equal(r.task("deploy").status, "failed");
  assert.match(r.task("deploy").error!, /1 of 3 iterations failed; first: deploy\[production\]/);
  assert.deepEqual(r.task("deploy").outputs, {
    total: "3",
    count: "3",
    succeeded: "2",
    failed: "1",
  });
  assert.deepEqual(r.lines("deploy[qa]"), ["1:qa:deploy[qa]", "1:qa:deploy[qa]"]);
  assert.deepEqual(r.lines("deploy"), [], "the lines belong to the iterations");
  // Every attempt is an event of the iteration, as for any task.
  const attempts = r.events.flatMap((e) =>
    e.type === "attempt_finished" && e.taskId.startsWith("deploy[")
      ? [`${e.taskId}#${e.attempt}:${e.exitCode}`]
      : []
  );
  assert.deepEqual(attempts, [
    "deploy[staging]#1:0",
    "deploy[qa]#1:7",
    "deploy[qa]#2:0",
    "deploy[production]#1:4",
    "deploy[production]#2:4",
  ]);
  assert.equal(r.task("after").reason, "upstream");
});

Deno.test("loop: a list of objects gives ${item.name}, ${index}; iterations keyed by index", async () => {
  const r = await runTest({
    name: "loop-objects",
    tasks: [{
      id: "hosts",
      type: "loop",
      items: [{ name: "web", port: 80 }, { name: "db", port: 5432 }],
      task: { command: "echo ${index} ${item.name} ${item.port} $WEFT_ITEM" },
    }],
  });
  assert.equal(r.task("hosts").status, "success");
  assert.deepEqual(r.lines("hosts[0]"), ['0 web 80 {"name":"web","port":80}']);
  assert.deepEqual(r.lines("hosts[1]"), ['1 db 5432 {"name":"db","port":5432}']);
});

Deno.test("loop: stop_on_failure leaves the iterations not run skipped, naming the failure", async () => {
  const r = await runTest({
    name: "loop-stop-records",
    tasks: [{
      id: "l",
      type: "loop",
      items: ["a", "b", "c"],
      task: { command: "[ ${item} != b ]" },
    }],
  });
  assert.deepEqual(
    ["l[a]", "l[b]", "l[c]"].map((id) => [r.task(id).status, r.task(id).attempts]),
    [["success", 1], ["failed", 1], ["skipped", 0]],
  );
  assert.equal(r.task("l[c]").reason, "upstream");
  assert.equal(r.task("l[c]").error, "not run: l[b] failed and stop_on_failure is on");
});

Deno.test("loop: items that yield no list fail the loop with a clear reason; empty text is no items", async () => {
  const r = await runTest({
    name: "loop-bad-items",
    tasks: [
      {
        id: "src",
        command: `echo 'obj={"a":1}' >> $WEFT_OUTPUT; echo 'str="x"' >> $WEFT_OUTPUT; ` +
          `echo 'none=' >> $WEFT_OUTPUT`,
      },
      ...["obj", "str", "none"].map((key) => ({
        id: `over-${key}`,
        type: "loop",
        depends_on: ["src"],
        items: `\${tasks.src.outputs.${key}}`,
        task: { command: "echo ran" },
      })),
    ],
  });
  assert.equal(r.task("over-obj").status, "failed");
  assert.equal(
    r.task("over-obj").error,
    "loop items: the text is a JSON object, not a list: give a JSON array or one item per line",
  );
  assert.match(r.task("over-str").error!, /the text is a JSON string, not a list/);
  assert.ok(!r.report.tasks.some((t) => t.id.startsWith("over-obj[")), "no iterations");
  assert.equal(r.task("over-none").status, "success");
  assert.equal(r.task("over-none").outputs.total, "0");
});

Deno.test("loop: the iterations of a loop stopped by the workflow timeout all end, none pending", async () => {
  const r = await runTest({
    name: "loop-timeout",
    timeout: "400ms",
    tasks: [{ id: "slow", type: "loop", items: ["one", "two"], task: { command: "sleep 10" } }],
  });
  assert.equal(r.task("slow").status, "timed_out");
  assert.deepEqual(
    ["slow[one]", "slow[two]"].map((id) => [r.task(id).status, r.task(id).attempts]),
    [["timed_out", 1], ["cancelled", 0]], // never started: cancelled (README)
  );
});

Deno.test("loop: the live board shows a row per iteration, with its own state", async () => {
  const r = await runTest({
    name: "loop-board",
    tasks: [{ id: "l", type: "loop", items: ["ok", "bad"], task: { command: "[ ${item} = ok ]" } }],
  });
  const board = new BoardRenderer({
    color: false,
    verbose: false,
    quiet: false,
    liveOutput: new Set(),
    maxAttempts: new Map(),
    columns: 100,
    rows: 30,
  });
  // Every event but the run's end: the board as it stands once the tasks finished.
  for (const event of r.events.slice(0, -1)) board.apply(event);
  // The frame's terminal controls (clear line, reset) taken out, rows as printed.
  const esc = String.fromCharCode(27);
  const rows = board.frame(Date.now()).split("\n")
    .map((l) => l.replaceAll("\r", "").replaceAll(`${esc}[K`, "").replaceAll(`${esc}[0m`, ""))
    .filter((l) => /^ {2}\S l/.test(l)).map((l) => l.trim().split(/\s+/).slice(1, 3).join(" "));
  assert.deepEqual(rows, ["l failed", "l[ok] success", "l[bad] failed"]);
});
