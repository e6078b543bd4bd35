/** `weft status` through the real CLI, on a seeded WEFT_HOME. */
import assert from "node:assert/strict";
import { fakeRunId } from "./fixtures/history/events.ts";
import { seed, tempHome, weft } from "./fixtures/history/cli.ts";
import { FIXTURES, weft as weftCli } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { cutNames } from "../src/cli/status.ts";

const STATUS_FIXTURES = new URL("./fixtures/status/", import.meta.url).pathname;

Deno.test("weft status --json: the run report plus host, pid, resumedFrom, file", async () => {
  const { home, cleanup } = await tempHome();
  const id = fakeRunId();
  await seed(home, [{
    id,
    workflow: "deploy",
    tasks: [
      { id: "build", outputs: { version: "1.2.3" } },
      { id: "test", status: "failed", attempts: 2, exitCode: 3 },
      { id: "ship", status: "skipped" },
    ],
  }]);
  const result = await weft(["status", id, "--json", "--home", home]);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.id, id);
  assert.equal(report.workflow, "deploy");
  assert.equal(report.status, "failed");
  assert.equal(report.host, Deno.hostname());
  assert.equal(typeof report.pid, "number");
  assert.equal(report.resumedFrom, null);
  assert.equal(report.file, "/tmp/demo.yml");
  assert.ok(report.durationMs > 0 && report.finishedAt);
  assert.deepEqual(
    report.tasks.map((t: Record<string, unknown>) => [t.id, t.status, t.exitCode, t.attempts]),
    [["build", "success", 0, 1], ["test", "failed", 3, 2], ["ship", "skipped", null, 0]],
  );
  assert.deepEqual(report.tasks[0].outputs, { version: "1.2.3" });
  // Same fields as `weft run --json` (RunReport) first.
  assert.deepEqual(Object.keys(report).slice(0, 7), [
    "id",
    "workflow",
    "status",
    "startedAt",
    "finishedAt",
    "durationMs",
    "tasks",
  ]);
  await cleanup();
});

Deno.test("weft status: unique prefix and --execution-id; human lines per task", async () => {
  const { home, cleanup } = await tempHome();
  const id = fakeRunId(new Date("2026-02-03T04:05:06Z"), "zz");
  await seed(home, [{ id, tasks: [{ id: "only", status: "failed", exitCode: 7 }] }]);
  const prefix = id.slice(0, id.length - 3);
  const human = await weft(["status", prefix, "--home", home]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`^run\\s+${id}$`, "m"));
  assert.match(human.stdout, /^status\s+failed$/m);
  assert.match(human.stdout, /^TASK\s+STATE\s+DURATION\s+EXIT\s+ATTEMPTS\s+REASON$/m);
  assert.match(human.stdout, /^only\s+failed\s+\S+\s+7\s+1\s+exit_code$/m);
  const seedForm = await weft(["status", "--execution-id", id, "--json", "--home", home]);
  assert.equal(JSON.parse(seedForm.stdout).id, id);
  await cleanup();
});

Deno.test("weft status: unknown, ambiguous and missing ids are usage errors (exit 2)", async () => {
  const { home, cleanup } = await tempHome();
  const date = new Date("2026-02-03T04:05:06Z");
  const a = fakeRunId(date, "aa");
  const b = fakeRunId(date, "ab");
  await seed(home, [{ id: a }, { id: b }]);
  const unknown = await weft(["status", "1999", "--home", home]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no run with id "1999"/);
  const ambiguous = await weft(["status", a.slice(0, -7), "--home", home]);
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.stderr, /ambiguous/);
  assert.ok(ambiguous.stderr.includes(a) && ambiguous.stderr.includes(b));
  for (const r of [unknown, ambiguous]) assert.equal(r.stdout, "");
  await cleanup();
});

Deno.test("weft status without an id shows the latest run; an empty home names its folder", async () => {
  const { home, cleanup } = await tempHome();
  const older = fakeRunId(new Date("2026-02-03T04:05:06Z"), "aa");
  const newer = fakeRunId(new Date("2026-02-04T04:05:06Z"), "aa");
  await seed(home, [{ id: newer }, { id: older }]);
  const latest = await weft(["status", "--home", home]);
  assert.equal(latest.code, 0, latest.stderr);
  assert.match(latest.stdout, new RegExp(`^run\\s+${newer}$`, "m"));
  const json = await weft(["status", "--json", "--home", home]);
  assert.equal(JSON.parse(json.stdout).id, newer);
  await cleanup();

  const empty = await tempHome();
  for (const args of [["status"], ["status", "2026"], ["logs"]]) {
    const none = await weft([...args, "--home", empty.home]);
    assert.equal(none.code, 2, args.join(" "));
    assert.equal(none.stdout, "");
    assert.ok(none.stderr.includes(`no runs recorded in ${empty.home}`), none.stderr);
  }
  await empty.cleanup();
});

Deno.test("weft status of a failed run: each failed task's reason and last lines, marked", async () => {
  const home = testTempDir("home-");
  const run = await weftCli(["run", `${FIXTURES}failing.yml`, "-q"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 1, run.stderr);
  const { code, stdout } = await weftCli(["status"], { env: { WEFT_HOME: home } });
  assert.equal(code, 0);
  const block = stdout.slice(stdout.indexOf("✖ breaks")).trimEnd().split("\n");
  // The same header as the run's summary gave: how many lines of how many.
  assert.equal(block[0], "✖ breaks failed: exited with code 3 — last 10 of 16 lines:");
  assert.ok(run.stderr.includes(`\n${block[0]}\n`), run.stderr);
  assert.equal(block[1], "    stdout │ breaks line 7");
  assert.equal(block[9], "    stdout │ breaks line 15");
  assert.equal(block[10], "    stderr │ the real reason");
  assert.equal(block.length, 11);
  assert.doesNotMatch(stdout, /✖ (after|fine)/, "only failed tasks");
});

Deno.test("weft status of a failed task: its tail's header is the run summary's, CR lines counted alike", async () => {
  const home = testTempDir("home-");
  const run = await weftCli(["run", `${STATUS_FIXTURES}progress_fails.yml`, "-q"], {
    env: { WEFT_HOME: home },
  });
  assert.equal(run.code, 1, run.stderr);
  const header = "✖ bar failed: exited with code 4 — last 10 of 16 lines:";
  assert.ok(run.stderr.includes(`\n${header}\n`), run.stderr);
  const status = await weftCli(["status"], { env: { WEFT_HOME: home } });
  assert.equal(status.code, 0, status.stderr);
  assert.ok(status.stdout.includes(`\n${header}\n`), status.stdout);
});

Deno.test("weft status of a failed task whose last line is 2 MB: its lines, the long one cut", async () => {
  const dir = testTempDir("long-line-");
  Deno.writeTextFileSync(
    `${dir}/long.yml`,
    "name: long\ntasks:\n  - id: a\n    command: |\n" +
      "      echo first; head -c 2000000 /dev/zero | tr '\\0' b; echo; exit 1\n",
  );
  const env = { WEFT_HOME: `${dir}/home` };
  assert.equal((await weftCli(["run", `${dir}/long.yml`, "-q"], { env })).code, 1);
  const { code, stdout } = await weftCli(["status"], { env });
  assert.equal(code, 0);
  const block = stdout.slice(stdout.indexOf("✖ a")).trimEnd().split("\n");
  assert.equal(block[0], "✖ a failed: exited with code 1 — last 2 lines:");
  assert.equal(block[1], "    stdout │ first");
  assert.match(
    block[2],
    /^ {4}stdout │ b{65536} … \[line cut at 64 KiB here; `weft logs` prints it whole\]$/,
  );
});

Deno.test("weft status of a failed task whose log file was deleted says so, not 'no output'", async () => {
  const home = testTempDir("home-");
  const run = await weftCli(["run", `${FIXTURES}failing.yml`, "-q"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 1, run.stderr);
  const logs = [...Deno.readDirSync(`${home}/logs`)].filter((e) => e.isDirectory);
  const folder = `${home}/logs/${logs[0].name}`;
  const log = [...Deno.readDirSync(folder)].find((e) => e.name.startsWith("breaks."));
  Deno.removeSync(`${folder}/${log!.name}`);
  const { code, stdout } = await weftCli(["status"], { env: { WEFT_HOME: home } });
  assert.equal(code, 0);
  const block = stdout.slice(stdout.indexOf("✖ breaks")).trimEnd().split("\n");
  assert.equal(block[0], "✖ breaks failed: exited with code 3");
  assert.equal(block[1], `    its log file is missing: ${folder}/${log!.name}`);
});

Deno.test("weft status of an interrupted run: when it was last seen, duration unknown", async () => {
  const { home, cleanup } = await tempHome();
  const id = fakeRunId();
  await seed(home, [{ id, status: "interrupted", tasks: [{ id: "a", status: "interrupted" }] }]);
  const { code, stdout } = await weft(["status", id, "--home", home]);
  assert.equal(code, 0);
  assert.match(
    stdout,
    /^last seen \d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}\(ran at least \S+; duration unknown: /m,
  );
  assert.doesNotMatch(stdout, /^finished/m);
  await cleanup();
});

Deno.test("weft status: a long param value (a file_change run's 1,000 paths) is cut and marked; --json keeps it whole", async () => {
  const { home, cleanup } = await tempHome();
  const id = fakeRunId(new Date("2026-02-03T04:05:06Z"), "pp");
  const paths = Array.from({ length: 1000 }, (_, i) => `src/dir${i}/file${i}.ts`).join("\n");
  await seed(home, [{ id, params: { changed_files: paths, env: "prod" }, tasks: [{ id: "a" }] }]);
  const human = await weft(["status", id, "--home", home]);
  assert.equal(human.code, 0, human.stderr);
  const line = human.stdout.split("\n").find((l) => l.startsWith("params"))!;
  const cut = [...paths].length - 200;
  assert.ok(line.endsWith(`… (${cut} more characters; --json shows all) env=prod`), line);
  assert.ok(line.length < 400, `one short line, not ${line.length} characters`);
  const json = JSON.parse((await weft(["status", id, "--json", "--home", home])).stdout);
  assert.equal(json.params.changed_files, paths);
  await cleanup();
});

Deno.test("cutNames: the first five names, then how many more", () => {
  assert.equal(cutNames(["a", "b"]), "a, b");
  assert.equal(cutNames(["a", "b", "c", "d", "e"]), "a, b, c, d, e");
  const many = Array.from({ length: 4304 }, (_, i) => `key_${i + 697}`);
  assert.equal(cutNames(many), "key_697, key_698, key_699, key_700, key_701 and 4,299 more");
});

Deno.test("weft status: a task with thousands of cut outputs keeps its row one short line", async () => {
  const home = testTempDir("home-");
  const file = new URL("./fixtures/status/many_outputs.yml", import.meta.url).pathname;
  const run = await weftCli(["run", file], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  const status = await weftCli(["status"], { env: { WEFT_HOME: home } });
  assert.equal(status.code, 0, status.stderr);
  const row = status.stdout.split("\n").find((line) => /^\s*t\s/.test(line));
  assert.ok(row, status.stdout);
  assert.match(row, /\(outputs cut: (key_\d+, ){4}key_\d+ and [\d,]+ more\)/);
  assert.ok(row.length < 300, `${row.length} characters`);
});

Deno.test("weft status: a callback never called reads not_called in the table and in --json, run --json alike", async () => {
  const home = testTempDir("home-");
  const file = new URL("./fixtures/status/uncalled.yml", import.meta.url).pathname;
  const run = await weftCli(["run", file, "--json"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  const fromRun = JSON.parse(run.stdout).tasks as { id: string; reason: string | null }[];
  const status = await weftCli(["status", "--json"], { env: { WEFT_HOME: home } });
  const fromStatus = JSON.parse(status.stdout).tasks as { id: string; reason: string | null }[];
  for (const tasks of [fromRun, fromStatus]) {
    const reasons = Object.fromEntries(tasks.map((t) => [t.id, t.reason]));
    assert.equal(reasons.rollback, "not_called");
    assert.equal(reasons.notify, null); // called: it ran and succeeded
  }
  const table = await weftCli(["status"], { env: { WEFT_HOME: home } });
  assert.match(table.stdout, /rollback \(callback\) +skipped +- +- +0 +not_called/);
});

Deno.test("weft run --json and weft status --json give the same file: its path, or - for stdin", async () => {
  const home = testTempDir("home-");
  const file = new URL("./fixtures/status/uncalled.yml", import.meta.url).pathname;
  const env = { WEFT_HOME: home };
  const fromFile = await weftCli(["run", file, "--json"], { env });
  const fromStdin = await weftCli(["run", "-", "--json"], {
    env,
    stdin: await Deno.readTextFile(file),
  });
  for (const [run, expected] of [[fromFile, file], [fromStdin, "-"]] as const) {
    const report = JSON.parse(run.stdout);
    assert.equal(report.file, expected);
    const status = await weftCli(["status", report.id, "--json"], { env: { WEFT_HOME: home } });
    assert.equal(JSON.parse(status.stdout).file, expected);
  }
});
