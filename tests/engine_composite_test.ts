import assert from "node:assert/strict";
import { runTest, survivors } from "./_engine.ts";

Deno.test("conditional: runs `then` or `else`, records the branch; neither → skipped", async () => {
  const r = await runTest({
    name: "conditional",
    environment: { DEPLOY_ENABLED: "true" },
    tasks: [
      { id: "test", command: "exit 0" },
      {
        id: "deploy",
        type: "conditional",
        depends_on: ["test"],
        condition: "${tasks.test.exit_code} == 0 && ${env.DEPLOY_ENABLED} == 'true'",
        then: { command: "echo deploying; echo where=prod >> $WEFT_OUTPUT" },
        else: { command: "echo skipping" },
      },
      {
        id: "other",
        type: "conditional",
        condition: "${env.DEPLOY_ENABLED} == 'no'",
        then: { command: "echo yes" },
        else: { command: "echo no; exit 3" },
      },
      {
        id: "nothing",
        type: "conditional",
        condition: "false",
        then: { command: "touch ran" },
      },
      {
        id: "after",
        command: "echo ${tasks.deploy.outputs.where}",
        depends_on: ["deploy", "nothing"],
      },
    ],
  });
  assert.deepEqual(r.lines("deploy"), ["deploying"]);
  assert.deepEqual(r.task("deploy").outputs, { where: "prod", branch: "then" });
  assert.equal(r.task("deploy").status, "success");
  assert.deepEqual(r.lines("other"), ["no"]);
  assert.equal(r.task("other").status, "failed");
  assert.equal(r.task("other").exitCode, 3);
  assert.equal(r.task("other").outputs.branch, "else");
  assert.deepEqual([r.task("nothing").status, r.task("nothing").reason], ["skipped", "condition"]);
  assert.deepEqual(r.lines("after"), ["prod"]);
  assert.equal(r.report.status, "failed");
});

Deno.test("conditional: the step's retry and timeout apply", async () => {
  const r = await runTest({
    name: "conditional-retry",
    tasks: [{
      id: "c",
      type: "conditional",
      condition: "true",
      then: { command: "sleep 1000", timeout: "200ms", retry: { attempts: 2 } },
    }],
  });
  assert.equal(r.task("c").status, "timed_out");
  assert.equal(r.task("c").attempts, 2);
});

Deno.test("parallel wait_for all: children are tasks of their own; outputs addressable", async () => {
  const r = await runTest({
    name: "par-all",
    tasks: [
      {
        id: "tests",
        type: "parallel",
        tasks: [
          { id: "unit", command: "echo unit; echo n=10 >> $WEFT_OUTPUT" },
          { id: "integration", command: "echo integration" },
          { id: "e2e", command: "echo e2e" },
        ],
      },
      {
        id: "sum",
        command: "echo ${tasks.unit.outputs.n} ${tasks.tests.status}",
        depends_on: ["tests"],
      },
    ],
  });
  assert.equal(r.report.status, "success");
  assert.deepEqual(r.report.tasks.map((t) => t.id), ["tests", "unit", "integration", "e2e", "sum"]);
  assert.deepEqual(r.lines("unit"), ["unit"]);
  assert.deepEqual(r.lines("sum"), ["10 success"]);
  assert.deepEqual(r.task("tests").outputs, { succeeded: "3", failed: "0" });
  for (const id of ["unit", "integration", "e2e"]) assert.equal(r.task(id).status, "success");
});

Deno.test("parallel wait_for all: one failure fails it (continue_on_error children excepted)", async () => {
  const r = await runTest({
    name: "par-all-fail",
    tasks: [
      {
        id: "p",
        type: "parallel",
        tasks: [
          { id: "ok", command: "true" },
          { id: "soft", command: "exit 1", continue_on_error: true },
          { id: "hard", command: "exit 2" },
        ],
      },
      {
        id: "q",
        type: "parallel",
        tasks: [{ id: "soft2", command: "exit 1", continue_on_error: true }],
      },
      { id: "after", command: "true", depends_on: ["p"] },
    ],
  });
  assert.equal(r.task("p").status, "failed");
  assert.equal(r.task("hard").exitCode, 2);
  assert.equal(r.task("q").status, "success");
  assert.deepEqual([r.task("after").status, r.task("after").reason], ["skipped", "upstream"]);
});

Deno.test("parallel wait_for any: the first success wins and the rest are stopped", async () => {
  const r = await runTest({
    name: "par-any",
    tasks: [{
      id: "mirror",
      type: "parallel",
      wait_for: "any",
      tasks: [
        { id: "bad", command: "echo $$ > bad.pid; exit 1" },
        { id: "slow", command: "echo $$; sleep 1000" },
        // Succeeds only once "bad" has exited and been reaped (kill -0 fails), and a
        // moment more for the engine to record it, so a failure is seen not to decide.
        {
          id: "good",
          command: "until [ -s bad.pid ] && ! kill -0 $(cat bad.pid) 2>/dev/null; " +
            "do sleep 0.01; done; sleep 0.3; echo good",
          timeout: "20s",
        },
      ],
    }],
  }, { maxParallel: 4 });
  const mirror = r.task("mirror");
  assert.equal(mirror.status, "success");
  assert.equal(r.report.status, "success");
  assert.equal(mirror.outputs.winner, "good");
  assert.equal(r.task("bad").status, "failed");
  assert.equal(r.task("slow").status, "cancelled");
  assert.match(r.task("slow").error!, /not needed/);
  assert.deepEqual(await survivors(r.lines("slow").map(Number)), []);
});

Deno.test("parallel wait_for any: nothing succeeds → failed", async () => {
  const r = await runTest({
    name: "par-any-fail",
    tasks: [{
      id: "p",
      type: "parallel",
      wait_for: "any",
      tasks: [{ id: "a", command: "exit 1" }, { id: "b", command: "exit 2" }],
    }],
  });
  assert.equal(r.task("p").status, "failed");
});

Deno.test("parallel wait_for first: the first to finish decides, even a failure", async () => {
  const r = await runTest({
    name: "par-first",
    tasks: [{
      id: "race",
      type: "parallel",
      wait_for: "first",
      tasks: [
        { id: "fast-fail", command: "exit 5" },
        { id: "slow-ok", command: "sleep 1000" },
      ],
    }],
  }, { maxParallel: 2 });
  assert.equal(r.task("race").status, "failed");
  assert.equal(r.task("race").exitCode, 5);
  assert.equal(r.task("race").outputs.winner, "fast-fail");
  assert.equal(r.task("race").error, "first to finish: fast-fail: exited with code 5");
  assert.equal(r.task("slow-ok").status, "cancelled");
});

Deno.test("parallel wait_for first: a child's timeout fails it naming the child, not as its own", async () => {
  const r = await runTest({
    name: "par-first-timeout",
    tasks: [{
      id: "race",
      type: "parallel",
      wait_for: "first",
      tasks: [
        { id: "short", command: "sleep 1000", timeout: "200ms" },
        { id: "slow-ok", command: "sleep 1000" },
      ],
    }],
  }, { maxParallel: 2 });
  assert.equal(r.task("short").status, "timed_out");
  const race = r.task("race");
  assert.equal(race.status, "failed");
  assert.equal(race.reason, "error");
  assert.equal(race.exitCode, 1);
  assert.equal(race.outputs.winner, "short");
  assert.equal(race.error, "first to finish: short: timed out: its own timeout of 200ms");
});

Deno.test("parallel: children obey max-parallel; a timeout on the group stops them", async () => {
  const r = await runTest({
    name: "par-timeout",
    tasks: [{
      id: "p",
      type: "parallel",
      timeout: "300ms",
      tasks: [{ id: "a", command: "sleep 1000" }, { id: "b", command: "sleep 1000" }, {
        id: "c",
        command: "sleep 1000",
      }],
    }],
  }, { maxParallel: 1 });
  assert.deepEqual([r.task("p").status, r.task("p").reason], ["timed_out", "timeout"]);
  assert.equal(r.task("a").status, "timed_out");
  // b and c never got a slot: they were stopped while waiting.
  assert.equal(r.task("b").attempts, 0);
  assert.equal(r.task("c").attempts, 0);
});

Deno.test("parallel: a skipped group skips its children too", async () => {
  const r = await runTest({
    name: "par-skip",
    tasks: [{
      id: "p",
      type: "parallel",
      condition: "false",
      tasks: [{ id: "a", command: "true" }],
    }],
  });
  assert.deepEqual([r.task("a").status, r.task("a").reason], ["skipped", "condition"]);
});

Deno.test("loop: one run per item with ${item}; outputs count and failed", async () => {
  const r = await runTest({
    name: "loop",
    tasks: [{
      id: "deploy",
      type: "loop",
      items: ["staging", "qa", "production"],
      task: { command: "echo deploy ${item} $WEFT_ITEM_INDEX >> log; echo ${item}" },
      parallel: false,
    }],
  });
  assert.equal(r.task("deploy").status, "success");
  assert.deepEqual(await lines(`${r.dir}/log`), [
    "deploy staging 0",
    "deploy qa 1",
    "deploy production 2",
  ]);
  // Each iteration is a record of its own, with its own output.
  const ids = ["deploy[staging]", "deploy[qa]", "deploy[production]"];
  assert.deepEqual(ids.map((id) => r.lines(id)), [["staging"], ["qa"], ["production"]]);
  assert.deepEqual(ids.map((id) => r.task(id).status), ["success", "success", "success"]);
  assert.deepEqual(r.task("deploy").outputs, {
    total: "3",
    count: "3",
    succeeded: "3",
    failed: "0",
  });
});

Deno.test("loop: items from an earlier task's output (JSON array with objects, or lines)", async () => {
  const r = await runTest({
    name: "loop-dynamic",
    tasks: [
      {
        id: "list",
        command:
          `echo 'json=[{"name":"a","n":1},{"name":"b","n":2}]' >> $WEFT_OUTPUT; printf 'x\\n\\ny\\n'`,
      },
      {
        id: "objects",
        type: "loop",
        depends_on: ["list"],
        items: "${tasks.list.outputs.json}",
        task: { command: "echo ${item.name}=${item.n}" },
      },
      {
        id: "lines",
        type: "loop",
        depends_on: ["list"],
        items: "${tasks.list.stdout}",
        task: { command: "echo line ${item}" },
      },
      { id: "bad", type: "loop", items: "[1, 2", task: { command: "true" } },
    ],
  });
  assert.deepEqual([...r.lines("objects[0]"), ...r.lines("objects[1]")], ["a=1", "b=2"]);
  assert.deepEqual([...r.lines("lines[x]"), ...r.lines("lines[y]")], ["line x", "line y"]);
  assert.equal(r.task("bad").status, "failed");
  assert.match(r.task("bad").error!, /loop items/);
});

Deno.test("loop: stop_on_failure stops at the first failure (default); false runs them all", async () => {
  const items = [1, 2, 3, 4];
  // $WEFT_TASK_ID is the iteration's (`stops[0]`…): the part before `[` names the loop.
  const step = {
    command: 'echo ${item} >> "log-$(echo "$WEFT_TASK_ID" | cut -d[ -f1)"; [ ${item} -ne 2 ]',
  };
  const r = await runTest({
    name: "loop-stop",
    tasks: [
      { id: "stops", type: "loop", items, task: step },
      { id: "goes-on", type: "loop", items, task: step, stop_on_failure: false },
    ],
  });
  assert.deepEqual(await lines(`${r.dir}/log-stops`), ["1", "2"]);
  assert.deepEqual(await lines(`${r.dir}/log-goes-on`), ["1", "2", "3", "4"]);
  assert.equal(r.task("stops").status, "failed");
  assert.equal(r.task("stops").outputs.failed, "1");
  assert.equal(r.task("stops").outputs.count, "2");
  assert.equal(r.task("goes-on").status, "failed");
  assert.deepEqual(r.task("goes-on").outputs, {
    total: "4",
    count: "4",
    succeeded: "3",
    failed: "1",
  });
});

Deno.test("loop: parallel iterations stay under max_parallel and the global limit", async () => {
  const measure =
    'mkdir -p run; touch "run/${item}"; echo "$(ls run | wc -l)" >> seen; sleep 0.05; rm "run/${item}"';
  const items = Array.from({ length: 10 }, (_, i) => `i${i}`);
  const r = await runTest({
    name: "loop-par",
    tasks: [
      {
        id: "two",
        type: "loop",
        items,
        parallel: true,
        max_parallel: 2,
        task: { command: measure },
      },
    ],
  }, { maxParallel: 8 });
  assert.equal(r.task("two").status, "success");
  const seen = (await lines(`${r.dir}/seen`)).map(Number);
  assert.equal(seen.length, 10);
  assert.ok(Math.max(...seen) <= 2, seen.join(","));
  const r2 = await runTest({
    name: "loop-par-global",
    tasks: [{ id: "all", type: "loop", items, parallel: true, task: { command: measure } }],
  }, { maxParallel: 3 });
  assert.ok(Math.max(...(await lines(`${r2.dir}/seen`)).map(Number)) <= 3);
});

Deno.test("loop: an empty list succeeds with count 0", async () => {
  const r = await runTest({
    name: "loop-empty",
    tasks: [{ id: "l", type: "loop", items: [], task: { command: "touch ran" } }],
  });
  assert.equal(r.task("l").status, "success");
  assert.equal(r.task("l").outputs.count, "0");
});

async function lines(path: string): Promise<string[]> {
  return (await Deno.readTextFile(path)).split("\n").filter((l) => l !== "");
}

Deno.test("conditional: the branch taken decides continue_on_error", async () => {
  const r = await runTest({
    name: "conditional-coe",
    tasks: [
      {
        id: "c",
        type: "conditional",
        condition: "false",
        then: { command: "exit 1" },
        else: { command: "exit 1", continue_on_error: true },
      },
      { id: "after", command: "true", depends_on: ["c"] },
    ],
  });
  assert.equal(r.task("c").status, "failed");
  assert.equal(r.task("after").status, "success");
  assert.equal(r.report.status, "success");
});

Deno.test("conditional: a branch step's timeout is named as the step's, its own as its own", async () => {
  const r = await runTest({
    name: "cond-timeouts",
    tasks: [
      {
        id: "step",
        type: "conditional",
        condition: "false",
        then: { command: "true" },
        else: { command: "sleep 1000", timeout: "200ms" },
      },
      {
        id: "own",
        type: "conditional",
        condition: "true",
        timeout: "200ms",
        then: { command: "sleep 1000" },
      },
    ],
  }, { maxParallel: 2 });
  assert.equal(r.task("step").status, "timed_out");
  assert.equal(r.task("step").error, "its else step's timeout of 200ms");
  assert.equal(r.task("own").status, "timed_out");
  assert.equal(r.task("own").error, "its own timeout of 200ms");
});
