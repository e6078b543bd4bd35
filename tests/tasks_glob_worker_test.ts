/**
 * A data_processor glob matched in a worker (src/tasks/glob_worker.ts): weft's thread
 * keeps serving timers, signals and other tasks while a costly glob is matched, and the
 * task's signal (its timeout) ends the match.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { GlobAbortedError, globFiles } from "../src/tasks/glob_worker.ts";
import { reportTask as task, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

/** 200,000 patterns after brace expansion: about 100 s of globSync on a quiet machine. */
const COSTLY = "data/{1..200000}.txt";

Deno.test("globFiles: absolute, files only, sorted, as globSync gives them", async () => {
  const dir = testTempDir("glob-");
  Deno.mkdirSync(`${dir}/data/sub.txt`, { recursive: true });
  Deno.writeTextFileSync(`${dir}/data/b.txt`, "b");
  Deno.writeTextFileSync(`${dir}/data/a.txt`, "a");
  assert.deepEqual(await globFiles("data/*.txt", dir), [`${dir}/data/a.txt`, `${dir}/data/b.txt`]);
  assert.deepEqual(await globFiles(`${dir}/data/{b,a}.txt`, undefined), [
    `${dir}/data/a.txt`,
    `${dir}/data/b.txt`,
  ]);
  assert.deepEqual(await globFiles("*", `${dir}/no-such-folder`), []);
});

Deno.test("globFiles: the thread stays free during a costly glob, and an abort ends it", async () => {
  const dir = testTempDir("glob-");
  Deno.mkdirSync(`${dir}/data`);
  Deno.writeTextFileSync(`${dir}/data/1.txt`, "1");
  const controller = new AbortController();
  let timerFired = false;
  // This timer can fire only if the glob does not hold the thread; it is what aborts.
  const timer = setTimeout(() => {
    timerFired = true;
    controller.abort("timeout");
  }, 200);
  try {
    await assert.rejects(globFiles(COSTLY, dir, controller.signal), GlobAbortedError);
  } finally {
    clearTimeout(timer);
  }
  assert.ok(timerFired);
  // An already aborted signal starts no worker.
  await assert.rejects(globFiles("*", dir, controller.signal), GlobAbortedError);
});

Deno.test("data_processor: a costly glob times out by its task's timeout while another task runs", async () => {
  const dir = testTempDir("glob-cli-");
  Deno.mkdirSync(`${dir}/data`);
  Deno.writeTextFileSync(`${dir}/data/1.txt`, "1");
  Deno.writeTextFileSync(
    `${dir}/costly.yml`,
    `name: costly-glob
tasks:
  - id: dp
    type: data_processor
    timeout: 1s
    input: {type: file, path: "${COSTLY}", allow_empty: true}
    processor:
      command: cat "$@" > "$WEFT_OUTPUT_FILE"
    output: {type: file, path: out/r.txt}
  - id: other
    command: echo other-ran
`,
  );
  const run = await weft(["run", "--json", `${dir}/costly.yml`], {
    env: { WEFT_HOME: `${dir}/home` },
  });
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  const dp = task(report, "dp");
  const other = task(report, "other");
  assert.equal(dp.status, "timed_out");
  assert.equal(other.status, "success");
  // The other task started and ended while the glob was being matched, not after it.
  assert.ok(Date.parse(other.finishedAt!) <= Date.parse(dp.finishedAt!));
  assert.ok(Date.parse(other.startedAt!) < Date.parse(dp.finishedAt!));
  assert.throws(() => Deno.statSync(`${dir}/out/r.txt`), Deno.errors.NotFound);
});
