/**
 * A data_processor glob (src/tasks/glob_files.ts): matched with asynchronous folder
 * reads, so weft's thread keeps serving timers, signals and other tasks, and the task's
 * signal (its timeout) stops the walk; the matching rules are node:fs globSync's
 * (minimatch).
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import {
  GlobAbortedError,
  globFiles,
  GlobTooWideError,
  MAX_PATTERNS,
} from "../src/tasks/glob_files.ts";
import { reportTask as task, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("globFiles: absolute, files only, sorted; dots, braces, classes, extglobs", async () => {
  const dir = testTempDir("glob-");
  Deno.mkdirSync(`${dir}/data/sub.txt`, { recursive: true });
  Deno.mkdirSync(`${dir}/data/deep/er`, { recursive: true });
  for (const name of ["b.txt", "a.txt", "10.txt", "2.txt", ".hidden.txt", "deep/er/c.txt"]) {
    Deno.writeTextFileSync(`${dir}/data/${name}`, name);
  }
  const at = (...names: string[]) => names.map((name) => `${dir}/data/${name}`);
  assert.deepEqual(await globFiles("data/*.txt", dir), at("10.txt", "2.txt", "a.txt", "b.txt"));
  assert.deepEqual(await globFiles(`${dir}/data/{b,a}.txt`, undefined), at("a.txt", "b.txt"));
  assert.deepEqual(await globFiles("data/{1..12}.txt", dir), at("10.txt", "2.txt"));
  assert.deepEqual(await globFiles("data/[ab].txt", dir), at("a.txt", "b.txt"));
  assert.deepEqual(await globFiles("data/@(a|10).txt", dir), at("10.txt", "a.txt"));
  assert.deepEqual(await globFiles("data/**/c.txt", dir), at("deep/er/c.txt"));
  // A dot is matched only where the pattern names it.
  assert.deepEqual(await globFiles("data/.*", dir), at(".hidden.txt"));
  assert.deepEqual(await globFiles("data/**/.*.txt", dir), at(".hidden.txt"));
  assert.deepEqual(await globFiles("data/a.txt", dir), at("a.txt"));
  assert.deepEqual(await globFiles("data/A.txt", dir), []);
  assert.deepEqual(await globFiles("*", `${dir}/no-such-folder`), []);
});

Deno.test("globFiles: a link counts as its file; linked folders are not walked by **", async () => {
  const dir = testTempDir("glob-links-");
  Deno.mkdirSync(`${dir}/real/deep`, { recursive: true });
  Deno.mkdirSync(`${dir}/data`);
  Deno.writeTextFileSync(`${dir}/real/r.txt`, "r");
  Deno.writeTextFileSync(`${dir}/real/deep/d.txt`, "d");
  Deno.writeTextFileSync(`${dir}/data/a.txt`, "a");
  Deno.symlinkSync("../real/r.txt", `${dir}/data/file-link.txt`);
  Deno.symlinkSync("nowhere.txt", `${dir}/data/broken.txt`);
  Deno.symlinkSync("../real", `${dir}/data/folder-link.txt`);
  const at = (...names: string[]) => names.map((name) => `${dir}/data/${name}`);
  // The link to a file is a file; the broken link and the link to a folder are not.
  assert.deepEqual(await globFiles("data/*.txt", dir), at("a.txt", "file-link.txt"));
  // `**` does not descend into the linked folder (a loop of links cannot trap it); a
  // named step does.
  assert.deepEqual(await globFiles("data/**/d.txt", dir), []);
  assert.deepEqual(
    await globFiles("data/folder-link.txt/**/d.txt", dir),
    at("folder-link.txt/deep/d.txt"),
  );
  Deno.symlinkSync("..", `${dir}/data/loop`);
  assert.deepEqual(await globFiles("data/**/a.txt", dir), at("a.txt"));
});

Deno.test("globFiles: an abort rejects at once and ends the walk; an aborted signal reads nothing", async () => {
  // 400 folders one inside the other: the walk reads them one after another, so it is
  // still under way when a timer set beside it fires.
  const dir = testTempDir("glob-abort-");
  const deepest = `${dir}/d` + "/d".repeat(399);
  Deno.mkdirSync(deepest, { recursive: true });
  Deno.writeTextFileSync(`${deepest}/end.txt`, "end");
  assert.deepEqual(await globFiles("**/end.txt", dir), [`${deepest}/end.txt`]);
  const controller = new AbortController();
  let timerFired = false;
  // This timer can fire only if the glob does not hold the thread; it is what aborts.
  const timer = setTimeout(() => {
    timerFired = true;
    controller.abort("timeout");
  }, 0);
  try {
    await assert.rejects(globFiles("**/end.txt", dir, controller.signal), GlobAbortedError);
  } finally {
    clearTimeout(timer);
  }
  assert.ok(timerFired);
  await assert.rejects(globFiles("**/end.txt", dir, controller.signal), GlobAbortedError);
});

Deno.test("globFiles: braces up to the limit are matched in full; past it, refused", async () => {
  const dir = testTempDir("glob-braces-");
  // 2^13 = 8,192 patterns: the last of them still finds its file.
  Deno.writeTextFileSync(`${dir}/${"b".repeat(13)}.txt`, "b");
  assert.equal(2 ** 13 <= MAX_PATTERNS && 2 ** 14 > MAX_PATTERNS, true);
  assert.deepEqual(await globFiles(`${"{a,b}".repeat(13)}.txt`, dir), [
    `${dir}/${"b".repeat(13)}.txt`,
  ]);
  // A range is one pattern, however long.
  Deno.writeTextFileSync(`${dir}/150000.txt`, "n");
  assert.deepEqual(await globFiles("{1..200000}.txt", dir), [`${dir}/150000.txt`]);
  await assert.rejects(globFiles(`${"{a,b}".repeat(14)}.txt`, dir), GlobTooWideError);
  // Written in the file, `weft validate` refuses it first (parse/glob_checks.ts) ...
  const written = await weftIn(dir, `${"{a,b}".repeat(14)}.txt`);
  assert.equal(written.code, 2, written.stderr);
  assert.match(written.stderr, /wf\.yml:6:31: input\.path in task "dp": its braces expand to more/);
  // ... and from a parameter (a value starting the path is inserted as written), the run.
  const run = await weftIn(dir, "${params.g}", `g=${"{a,b}".repeat(14)}.txt`);
  assert.equal(run.code, 1, run.stderr);
  assert.match(
    task(JSON.parse(run.stdout) as RunReport, "dp").error ?? "",
    /^input "\{a,b\}.*": its braces expand to more than 10,000 patterns; narrow it/,
  );
});

/** `weft run --json` of one data_processor task matching `glob` in `dir` (`param`: a -p NAME=VALUE). */
function weftIn(dir: string, glob: string, param?: string) {
  Deno.writeTextFileSync(
    `${dir}/wf.yml`,
    `name: glob
params: {g: x}
tasks:
  - id: dp
    type: data_processor
    input: {type: file, path: "${glob}"}
    processor:
      command: cat "$@" > "$WEFT_OUTPUT_FILE"
    output: {type: file, path: out/r.txt}
`,
  );
  const args = param === undefined ? [] : ["-p", param];
  return weft(["run", "--json", `${dir}/wf.yml`, ...args], { env: { WEFT_HOME: `${dir}/home` } });
}

Deno.test("data_processor: a disk-wide glob times out by its task's timeout while another task runs", async () => {
  const dir = testTempDir("glob-cli-");
  // Every folder of the machine (/proc and /sys alone hold tens of thousands).
  Deno.writeTextFileSync(
    `${dir}/costly.yml`,
    `name: costly-glob
tasks:
  - id: dp
    type: data_processor
    timeout: 1s
    input: {type: file, path: "/**/*.weft-matches-nothing", allow_empty: true}
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
