/**
 * Sub-workflows through the real CLI: `weft run` records the child as a run of its own
 * linked to the parent, `weft status` of either shows the link, `weft history` hides
 * child runs unless `--all`, a timeout reaches the child's processes, and a cycle is
 * refused before anything runs.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { weft } from "./_run_cli.ts";
import { survivors } from "./_engine.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/subworkflow/", import.meta.url).pathname;

Deno.test("weft run: a parent calls a child; status and history show the link", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const run = await weft(["run", `${FIXTURES}parent.yml`, "--json"], { env });
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  const call = report.tasks.find((t) => t.id === "call")!;
  assert.deepEqual(call.outputs, { answer: "hello world!", shared: "from-second" });

  // history hides the child run; --all lists it, naming its caller.
  const hidden = await weft(["history", "-q"], { env });
  assert.deepEqual(hidden.stdout.trim().split("\n"), [report.id]);
  const all = await weft(["history", "--all", "--json"], { env });
  const runs = JSON.parse(all.stdout) as Array<
    { id: string; workflow: string; parentRunId?: string; parentTaskId?: string }
  >;
  assert.equal(runs.length, 2);
  const child = runs.find((r) => r.workflow === "sub-child")!;
  assert.equal(child.parentRunId, report.id);
  assert.equal(child.parentTaskId, "call");
  const table = await weft(["history", "--all"], { env });
  assert.match(table.stdout, new RegExp(`sub-child \\(called by ${report.id}\\)`));

  const parentStatus = await weft(["status", report.id], { env });
  assert.match(parentStatus.stdout, new RegExp(`^child {5}call: ${child.id}$`, "m"));
  const parentJson = JSON.parse((await weft(["status", report.id, "--json"], { env })).stdout);
  assert.deepEqual(parentJson.childRuns, { call: [child.id] });
  assert.equal(parentJson.parentRunId, undefined);

  // Without an id, status reads the latest top-level run, not the child started after it.
  const latest = JSON.parse((await weft(["status", "--json"], { env })).stdout);
  assert.equal(latest.id, report.id);

  const childStatus = await weft(["status", child.id], { env });
  assert.match(childStatus.stdout, new RegExp(`^called by ${report.id} task call$`, "m"));
  assert.match(childStatus.stdout, /^params {4}greeting=hello world$/m);
  const childJson = JSON.parse((await weft(["status", child.id, "--json"], { env })).stdout);
  assert.equal(childJson.parentRunId, report.id);
  assert.equal(childJson.parentTaskId, "call");

  // The child's lines are the calling task's log, prefixed with the child task's id.
  const logs = await weft(["logs", report.id, "call"], { env });
  assert.match(logs.stdout, /\[first\] child says hello world/);
  assert.match(logs.stdout, new RegExp(`child run ${child.id}: child\\.yml`));
});

Deno.test("weft run: the task's timeout ends the child run failed and leaves no process", async () => {
  const home = testTempDir("home-");
  const pidFile = `${testTempDir("pids-")}/pids`;
  const run = await weft(["run", `${FIXTURES}timeout_parent.yml`, "--json"], {
    env: { WEFT_HOME: home, PID_FILE: pidFile },
  });
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  assert.equal(report.tasks[0].status, "timed_out");
  const pids = Deno.readTextFileSync(pidFile).trim().split("\n").map(Number);
  assert.equal(pids.length, 2);
  assert.deepEqual(await survivors(pids), []);
  const all = JSON.parse(
    (await weft(["history", "--all", "--json"], { env: { WEFT_HOME: home } })).stdout,
  );
  const child = all.find((r: { parentRunId?: string }) => r.parentRunId === report.id);
  // As its own workflow timeout would (README, `workflow` tasks): failed, not cancelled.
  assert.equal(child?.status, "failed");
});

Deno.test("weft run / validate: a workflow calling itself through another is refused (exit 2)", async () => {
  for (const verb of ["run", "validate"]) {
    const result = await weft([verb, "cycle_a.yml"], {
      cwd: FIXTURES,
      env: { WEFT_HOME: testTempDir("home-") },
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stdout + result.stderr,
      /cycle_b\.yml:5:11: a workflow must not call itself: cycle_a\.yml -> cycle_b\.yml -> cycle_a\.yml/,
    );
  }
});

Deno.test("weft validate / run: calls nested past 10 levels are refused at the file: that goes too deep", async () => {
  const dir = testTempDir("subwf-deep-");
  // f0 calls f1 ... calls f11; f11 runs a task that leaves a mark.
  for (let i = 0; i < 11; i++) {
    await Deno.writeTextFile(
      `${dir}/f${i}.yml`,
      `name: f${i}\ntasks:\n  - id: call\n    type: workflow\n    file: f${i + 1}.yml\n`,
    );
  }
  await Deno.writeTextFile(
    `${dir}/f11.yml`,
    "name: f11\ntasks:\n  - id: leaf\n    command: touch ran\n",
  );
  const env = { WEFT_HOME: testTempDir("home-") };
  for (const verb of ["validate", "run"]) {
    const deep = await weft([verb, "f0.yml"], { cwd: dir, env });
    assert.equal(deep.code, 2, deep.stderr);
    assert.match(
      deep.stdout + deep.stderr,
      /f9\.yml:5:11: workflow calls nest more than 10 levels deep: f0\.yml -> … -> f10\.yml \(11 levels\)/,
    );
  }
  assert.throws(() => Deno.statSync(`${dir}/ran`), Deno.errors.NotFound, "nothing ran");
  // Ten levels (f2 ... f11) are fine.
  const ten = await weft(["run", "-q", "f2.yml"], { cwd: dir, env });
  assert.equal(ten.code, 0, ten.stderr);
  assert.ok(Deno.statSync(`${dir}/ran`).isFile);
});

Deno.test("weft validate / run: `file: 1.10` names the file 1.10, as the model reads it", async () => {
  const dir = testTempDir("subwf-written-");
  const parent = "name: p\ntasks:\n  - id: call\n    type: workflow\n    file: 1.10\n";
  await Deno.writeTextFile(`${dir}/parent.yml`, parent);
  // A file named as YAML's number (1.1) would hide the missing 1.10 if read so.
  await Deno.writeTextFile(`${dir}/1.1`, "name: wrong\ntasks:\n  - id: a\n    command: 'true'\n");
  const env = { WEFT_HOME: testTempDir("home-") };
  const missing = await weft(["validate", "parent.yml"], { cwd: dir, env });
  assert.equal(missing.code, 2, missing.stdout + missing.stderr);
  assert.match(
    missing.stdout + missing.stderr,
    /parent\.yml:5:11: workflow file not found: "1\.10"/,
  );

  // With 1.10 present, its own problems are found, and then it runs.
  await Deno.writeTextFile(`${dir}/1.10`, "name: c\ntasks:\n  - id: a\n    depends_on: [x]\n");
  const broken = await weft(["validate", "parent.yml"], { cwd: dir, env });
  assert.equal(broken.code, 2, broken.stdout + broken.stderr);
  assert.match(broken.stdout + broken.stderr, /1\.10:4:18: unknown task "x"/);
  await Deno.writeTextFile(`${dir}/1.10`, "name: c\ntasks:\n  - id: a\n    command: echo ok\n");
  assert.equal((await weft(["validate", "parent.yml"], { cwd: dir, env })).code, 0);
  const run = await weft(["run", "parent.yml", "--json"], { cwd: dir, env });
  assert.equal(run.code, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as RunReport).status, "success");
});
