/**
 * src/cli/run.ts through the real CLI, at a run's start: weft listens for Ctrl-C and
 * SIGTERM before it builds the run (which makes its work folder) and records it, so a
 * signal as the work folder appears gives a `cancelled` run and exit 130, never a run
 * killed mid-start that later reads as a crash (tester26 F7) nor a work folder or journal
 * left behind (F6); and a `kill -9` then leaves no work folder the next command does not
 * remove (store/stray_work_dirs.ts), whether the run was on record yet or not.
 * @module
 */
import assert from "node:assert/strict";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { workFolders } from "./_work_dirs.ts";

const FIXTURES = new URL("./fixtures/run_start/", import.meta.url).pathname;

/** Every `process-groups` journal under the home's logs folder. */
function journals(home: string): string[] {
  const found: string[] = [];
  try {
    for (const run of Deno.readDirSync(`${home}/logs`)) {
      for (const file of Deno.readDirSync(`${home}/logs/${run.name}`)) {
        if (file.name === "process-groups") found.push(`${run.name}/${file.name}`);
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return found;
}

/**
 * Starts `weft run sleepers.yml` with a private TMPDIR (where its work folder goes) and
 * sends `signal` the moment that folder appears: the start of the run, before its record
 * is surely written. Returns weft's exit code and stderr.
 */
async function signalAtStart(home: string, tmp: string, signal: Deno.Signal) {
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", `${FIXTURES}sleepers.yml`]),
    env: weftEnv({ WEFT_HOME: home, TMPDIR: tmp }),
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  // Looked for as often as the event loop allows: the window is tens of milliseconds.
  while (workFolders(tmp).length === 0) await new Promise((resolve) => setTimeout(resolve, 0));
  child.kill(signal);
  return { code: (await child.status).code, stderr: await stderr };
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`weft run: ${signal} as the work folder appears cancels the run, leaving nothing`, async () => {
    for (let i = 0; i < 3; i++) {
      const home = testTempDir("home-");
      const tmp = testTempDir("tmp-");
      const { code, stderr } = await signalAtStart(home, tmp, signal);
      assert.equal(code, 130, `exit 130 (stopped), not killed by the signal: ${stderr}`);
      assert.deepEqual(workFolders(tmp), [], "the run removed its work folder");
      const shown = await weft(["history", "--json"], { env: { WEFT_HOME: home, TMPDIR: tmp } });
      assert.equal(shown.code, 0, shown.stderr);
      assert.doesNotMatch(shown.stderr, /marked interrupted/, "no crash found");
      const runs = JSON.parse(shown.stdout) as { status: string }[];
      assert.deepEqual(runs.map((run) => run.status), ["cancelled"]);
      assert.match(stderr, /stopping… \(Ctrl-C again to kill\)/);
      assert.match(stderr, /cancelled in .*2 cancelled/, "the summary line is printed");
      assert.deepEqual(journals(home), [], "no process-group journal is left");
    }
  });
}

Deno.test("weft run: kill -9 as the work folder appears leaves nothing after the next command", async () => {
  for (let i = 0; i < 3; i++) {
    const home = testTempDir("home-");
    const tmp = testTempDir("tmp-");
    await signalAtStart(home, tmp, "SIGKILL");
    // The run may or may not be on record: either way the next command cleans up.
    const shown = await weft(["history", "--json"], { env: { WEFT_HOME: home, TMPDIR: tmp } });
    assert.equal(shown.code, 0, shown.stderr);
    const runs = JSON.parse(shown.stdout) as { id: string; status: string }[];
    for (const run of runs) assert.equal(run.status, "interrupted");
    assert.deepEqual(workFolders(tmp), [], "the dead weft's work folder is removed");
  }
});
