/**
 * Sub-workflows in the engine (engine/child.ts, tasks/workflow.ts): a `workflow` task
 * runs another file as a child run with its own events, linked to the parent; the
 * child's outputs become the task's (last finished wins); cancel and timeout reach the
 * child's processes; a load problem fails the task in one line.
 */
import assert from "node:assert/strict";
import type { EngineEvent, RunInfo } from "../src/engine/events.ts";
import { eventSeen, runTest, startTestRun, survivors } from "./_engine.ts";
import { testTempDir } from "./_tmp.ts";

const CHILD = `name: child
params:
  greeting:
    required: true
tasks:
  - id: first
    command: |
      echo "child says \${params.greeting}"
      echo "answer=\${params.greeting}!" >> "$WEFT_OUTPUT"
      echo "shared=from-first" >> "$WEFT_OUTPUT"
  - id: second
    depends_on: [first]
    command: echo "shared=from-second" >> "$WEFT_OUTPUT"
`;

function folderWith(files: Record<string, string>): string {
  const dir = testTempDir("child-");
  for (const [name, text] of Object.entries(files)) Deno.writeTextFileSync(`${dir}/${name}`, text);
  return dir;
}

Deno.test("workflow task: the child runs as its own run, linked, and its outputs flow on", async () => {
  const dir = folderWith({ "child.yml": CHILD });
  const childEvents: EngineEvent[] = [];
  const run = await runTest({
    name: "parent",
    params: { who: { default: "world" } },
    tasks: [
      { id: "call", type: "workflow", file: "child.yml", params: { greeting: "hi ${params.who}" } },
      {
        id: "use",
        depends_on: ["call"],
        command: 'echo "${tasks.call.outputs.answer} ${tasks.call.outputs.shared}"',
      },
    ],
  }, { dir, childListeners: [(e) => void childEvents.push(e)] });
  assert.equal(run.report.status, "success");
  // The task that finished last (second) wins the clash on `shared`.
  assert.deepEqual(run.task("call").outputs, { answer: "hi world!", shared: "from-second" });
  assert.deepEqual(run.lines("use"), ["hi world! from-second"]);

  const started = childEvents.find((e) => e.type === "run_started") as
    | { run: RunInfo }
    | undefined;
  assert.ok(started, "the child's run_started reaches the child listeners");
  assert.equal(started.run.parentRunId, run.report.id);
  assert.equal(started.run.parentTaskId, "call");
  assert.equal(started.run.workflow, "child");
  assert.deepEqual(started.run.params, { greeting: "hi world" });
  assert.ok(childEvents.some((e) => e.type === "run_finished"));
  // The parent's listeners see none of the child's events, only the task's own lines.
  assert.ok(run.events.every((e) => !("runId" in e) || e.runId === run.report.id));
  assert.deepEqual(run.lines("call"), [
    `child run ${started.run.id}: child.yml`,
    "[first] child says hi world",
  ]);
});

Deno.test("workflow task: a failing child fails the task, naming the child task", async () => {
  const dir = folderWith({
    "child.yml": "name: bad-child\ntasks:\n  - id: boom\n    command: echo no >&2; exit 3\n",
  });
  const run = await runTest({
    name: "parent",
    tasks: [{ id: "call", type: "workflow", file: "child.yml" }],
  }, { dir });
  assert.equal(run.report.status, "failed");
  assert.equal(run.task("call").status, "failed");
  assert.equal(run.task("call").exitCode, 1);
  assert.match(
    run.task("call").error ?? "",
    /child workflow "bad-child" \(run \S+\) failed: task "boom" failed/,
  );
});

Deno.test("workflow task: the task's timeout fails the child run and kills its processes", async () => {
  const dir = folderWith({
    "child.yml": `name: sleepy
tasks:
  - id: nap
    command: |
      echo "$$" > pids
      sleep 30 & echo "$!" >> pids
      wait
`,
  });
  const childEvents: EngineEvent[] = [];
  const run = await runTest({
    name: "parent",
    tasks: [{ id: "call", type: "workflow", file: "child.yml", timeout: "1s" }],
  }, { dir, childListeners: [(e) => void childEvents.push(e)] });
  assert.equal(run.task("call").status, "timed_out");
  const finished = childEvents.find((e) => e.type === "run_finished");
  assert.ok(finished && finished.type === "run_finished");
  // Stopped as its own workflow timeout would stop it: failed, not cancelled.
  assert.equal(finished.report.status, "failed");
  // Its task was ended by the caller's timeout, and says so (not `killed by SIGTERM`).
  const nap = finished.report.tasks[0];
  assert.deepEqual([nap.status, nap.reason, nap.error], [
    "timed_out",
    "timeout",
    'the timeout of "call" (1.0s)',
  ]);
  const pids = Deno.readTextFileSync(`${dir}/pids`).trim().split("\n").map(Number);
  assert.equal(pids.length, 2);
  assert.deepEqual(await survivors(pids), []);
});

Deno.test("workflow task: a child that cannot load fails the task in one line", async () => {
  const dir = folderWith({ "child.yml": CHILD });
  const run = await runTest({
    name: "parent",
    tasks: [
      { id: "gone", type: "workflow", file: "missing.yml" },
      { id: "unknown", type: "workflow", file: "child.yml", params: { nope: "x" } },
    ],
  }, { dir });
  assert.equal(run.task("gone").status, "failed");
  assert.match(run.task("gone").error ?? "", /missing\.yml/);
  assert.equal(run.task("unknown").status, "failed");
  assert.match(run.task("unknown").error ?? "", /unknown parameter "nope"/);
  for (const id of ["gone", "unknown"]) assert.ok(!run.task(id).error!.includes("\n"));
});

Deno.test("workflow task: a file already on the call chain is refused at run time", async () => {
  // validate catches cycles; this guards a file that changed after it was checked.
  const dir = folderWith({});
  const run = await runTest({
    name: "parent",
    tasks: [{ id: "again", type: "workflow", file: "workflow.yml" }],
  }, { dir });
  assert.equal(run.task("again").status, "failed");
  assert.match(
    run.task("again").error ?? "",
    /workflow\.yml -> .*workflow\.yml: a workflow must not call itself/,
  );
});

Deno.test("workflow task: cancelling the parent run cancels the child and its processes", async () => {
  const dir = folderWith({
    "child.yml":
      'name: sleepy\ntasks:\n  - id: nap\n    command: echo "$$" > pids; echo ready; exec sleep 30\n',
  });
  const childEvents: EngineEvent[] = [];
  const { handle } = await startTestRun({
    name: "parent",
    tasks: [{ id: "call", type: "workflow", file: "child.yml" }],
  }, { dir, childListeners: [(e) => void childEvents.push(e)] });
  // The pid is written before "ready" is printed.
  await eventSeen(childEvents, (e) => e.type === "output" && e.line === "ready");
  handle.cancel();
  const report = await handle.done;
  assert.equal(report.status, "cancelled");
  assert.equal(report.tasks[0].status, "cancelled");
  const finished = childEvents.find((e) => e.type === "run_finished");
  assert.ok(finished?.type === "run_finished");
  assert.equal(finished.report.status, "cancelled");
  const pid = Number(Deno.readTextFileSync(`${dir}/pids`).trim());
  assert.deepEqual(await survivors([pid]), []);
});

/** The report of the child run in `events` (a child listener's), once it finished. */
function childReport(events: EngineEvent[]) {
  const finished = events.find((e) => e.type === "run_finished");
  assert.ok(finished?.type === "run_finished", "the child run finished");
  return finished.report;
}

Deno.test("workflow task: after the caller's timeout the child's callbacks get the grace window, no more", async () => {
  const dir = folderWith({
    "child.yml": `name: cleanup
tasks:
  - id: nap
    command: sleep 30
    on_failure: [rollback]
  - id: rollback
    command: echo "$$"; sleep 30
`,
  });
  const childEvents: EngineEvent[] = [];
  const run = await runTest({
    name: "parent",
    tasks: [{ id: "call", type: "workflow", file: "child.yml", timeout: "300ms" }],
  }, { dir, callbackGraceMs: 400, childListeners: [(e) => void childEvents.push(e)] });
  // The calling task waited for the window and kept its own outcome.
  assert.deepEqual([run.task("call").status, run.task("call").reason, run.task("call").error], [
    "timed_out",
    "timeout",
    "its own timeout of 300ms",
  ]);
  const child = childReport(childEvents);
  const rollback = child.tasks.find((t) => t.id === "rollback")!;
  assert.deepEqual([rollback.status, rollback.attempts, rollback.error], [
    "timed_out",
    1,
    'the 400ms callbacks get after the timeout of "call" (300ms)',
  ]);
  const pids = childEvents.flatMap((e) =>
    e.type === "output" && e.taskId === "rollback" ? [Number(e.line)] : []
  );
  assert.equal(pids.length, 1);
  assert.deepEqual(await survivors(pids), []);
});

Deno.test("workflow task: a child the end of its caller's callback window stops calls no callback", async () => {
  const dir = folderWith({
    "child.yml": `name: cleanup
tasks:
  - id: nap
    command: sleep 30
    on_failure: [rollback]
  - id: rollback
    command: echo ran > rolled-back
`,
  });
  const childEvents: EngineEvent[] = [];
  // `cleanup` (a callback calling the child) runs in the parent's window; its end stops the child.
  const run = await runTest({
    name: "parent",
    timeout: "200ms",
    tasks: [
      { id: "deploy", command: "sleep 30", on_failure: ["cleanup"] },
      { id: "cleanup", type: "workflow", file: "child.yml" },
    ],
  }, { dir, callbackGraceMs: 400, childListeners: [(e) => void childEvents.push(e)] });
  assert.equal(run.task("cleanup").status, "timed_out");
  const child = childReport(childEvents);
  const nap = child.tasks.find((t) => t.id === "nap")!;
  assert.deepEqual([nap.status, nap.error], [
    "timed_out",
    "the 400ms callbacks get after the workflow's timeout of 200ms",
  ]);
  const rollback = child.tasks.find((t) => t.id === "rollback")!;
  assert.deepEqual([rollback.status, rollback.attempts], ["skipped", 0]);
  assert.equal(await Deno.stat(`${dir}/rolled-back`).then(() => true, () => false), false);
});
