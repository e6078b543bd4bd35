/**
 * `weft run FILE --resume RUN` of a workflow with a parallel group, after the file was
 * edited, through the real CLI: a parallel child is checked as its group (store/resume.ts
 * checkResumable), as a loop iteration is as its loop — an edit that leaves the group as
 * it was keeps its succeeded children; one that changes the group runs it again whole; a
 * child made a task of its own is refused as changed, not "no longer in the workflow".
 */
import assert from "node:assert/strict";
import { historyJson, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FLOW = new URL("./fixtures/resume_parallel/flow.yml", import.meta.url).pathname;

interface ShownTask {
  id: string;
  status: string;
  attempts: number;
  reason: string | null;
}

/** A copy of the fixture in a fresh folder, run once (flaky fails); its path and run id. */
async function failedRun(): Promise<{ dir: string; file: string; runId: string }> {
  const dir = testTempDir("resume-parallel-");
  const file = `${dir}/flow.yml`;
  await Deno.copyFile(FLOW, file);
  const r = await weft(["run", file, "-q"], { env: { WEFT_HOME: `${dir}/home`, OUT: dir } });
  assert.equal(r.code, 1, r.stderr);
  await Deno.writeTextFile(`${dir}/ran`, "");
  return { dir, file, runId: (await historyJson(`${dir}/home`))[0].id };
}

async function resume(dir: string, file: string, runId: string) {
  return await weft(["run", file, "-q", "--resume", runId], {
    env: { WEFT_HOME: `${dir}/home`, OUT: dir },
  });
}

async function lastTasks(dir: string): Promise<Record<string, ShownTask>> {
  const r = await weft(["status", "--json"], { env: { WEFT_HOME: `${dir}/home` } });
  assert.equal(r.code, 0, r.stderr);
  const tasks: ShownTask[] = JSON.parse(r.stdout).tasks;
  return Object.fromEntries(tasks.map((t) => [t.id, t]));
}

Deno.test("--resume after an edit that leaves the parallel group as it was keeps its succeeded child", async () => {
  const { dir, file, runId } = await failedRun();
  await Deno.writeTextFile(`${dir}/fixed`, "");
  await Deno.writeTextFile(file, "# only a comment added\n", { append: true });
  const r = await resume(dir, file, runId);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await Deno.readTextFile(`${dir}/ran`), "flaky\n");
  const tasks = await lastTasks(dir);
  assert.deepEqual([tasks.migrate.status, tasks.migrate.attempts, tasks.migrate.reason], [
    "success",
    0,
    "resumed",
  ]);
  assert.deepEqual([tasks.flaky.status, tasks.flaky.attempts], ["success", 1]);
});

Deno.test("--resume after the failed child's fix runs the changed group again, its children too", async () => {
  const { dir, file, runId } = await failedRun();
  const text = await Deno.readTextFile(file);
  await Deno.writeTextFile(file, text.replace('test -f "$OUT/fixed"', "true"));
  const r = await resume(dir, file, runId);
  assert.equal(r.code, 0, r.stderr);
  const ran = (await Deno.readTextFile(`${dir}/ran`)).trim().split("\n").sort();
  assert.deepEqual(ran, ["flaky", "migrate"]);
  const tasks = await lastTasks(dir);
  assert.deepEqual([tasks.migrate.status, tasks.migrate.attempts], ["success", 1]);
});

Deno.test("--resume refuses a succeeded parallel child made a task of its own, as changed", async () => {
  const { dir, file, runId } = await failedRun();
  await Deno.writeTextFile(
    file,
    `name: resume-parallel
tasks:
  - id: migrate
    command: echo migrate | tee -a "$OUT/ran"
  - id: grp
    type: parallel
    tasks:
      - id: flaky
        command: echo flaky | tee -a "$OUT/ran"; test -f "$OUT/fixed"
`,
  );
  const r = await resume(dir, file, runId);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /task "migrate" changed since run \S+, where it succeeded as a parallel task's child/,
  );
  assert.doesNotMatch(r.stderr, /no longer in the workflow/);
  assert.equal(await Deno.readTextFile(`${dir}/ran`), "");
});
