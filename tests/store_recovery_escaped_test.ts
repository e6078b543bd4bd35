/**
 * Crash recovery (src/store/recovery.ts, run_leaders.ts) ends every process of the
 * crashed run still alive, through the real CLI: not only the task groups but what left
 * them — `set -m` jobs, a child left by `setsid` in a session whose leader is gone — found
 * by the run's mark in their environment; one started with `env -i` (no mark) is left
 * running. After `kill -9` of `weft run` (recovered by the next `weft history`) and of
 * `weft daemon` (recovered by the next daemon at its start, its note a log line with
 * the daemon's UTC timestamp: tester19 F1, F2).
 */
import assert from "node:assert/strict";
import { readProcStat } from "../src/proc.ts";
import { freePort, startDaemon, writeFlow } from "./_daemon.ts";
import { waitForFile, weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/crash/", import.meta.url).pathname;
const LINUX = Deno.build.os === "linux";
/** The pid files the escaped.yml fixture writes: marked processes, then the unmarked one. */
const MARKED = ["job", "fg", "setsid"];

/** Whether `pid` is a live process (not a zombie). */
function alive(pid: number): boolean {
  const stat = readProcStat(pid);
  return stat !== null && stat !== "absent" && stat.state !== "Z" && stat.state !== "X";
}

/** The pids the fixture wrote in `out`, once all are there. */
async function pidsIn(out: string): Promise<Record<string, number>> {
  const pids: Record<string, number> = {};
  for (const name of [...MARKED, "unmarked"]) {
    pids[name] = Number(await waitForFile(`${out}/${name}.pid`));
  }
  return pids;
}

/** Until the marked processes are gone (reparented to init, reaped by it) or 10 s. */
async function waitGone(pids: Record<string, number>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (MARKED.some((name) => alive(pids[name])) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGKILL to each of `pids` still a `sleep` (what the fixture started), so nothing outlives the test. */
function killLeft(pids: Record<string, number>): void {
  for (const pid of Object.values(pids)) {
    try {
      if (Deno.readTextFileSync(`/proc/${pid}/cmdline`).startsWith("sleep\0")) {
        Deno.kill(pid, "SIGKILL");
      }
    } catch { /* gone, as expected */ }
  }
}

function assertEnded(pids: Record<string, number>): void {
  for (const name of MARKED) assert.ok(!alive(pids[name]), `${name} (${pids[name]}) was ended`);
  assert.ok(alive(pids.unmarked), "a process without the run's mark is not weft's to end");
}

Deno.test({
  name: "recovery: kill -9 of weft run ends its set -m jobs and setsid children, not env -i",
  ignore: !LINUX,
  fn: async () => {
    const home = testTempDir("home-");
    const out = testTempDir("out-");
    const child = new Deno.Command(Deno.execPath(), {
      args: weftArgs(["run", `${FIXTURES}escaped.yml`, "-q", "-p", `out=${out}`]),
      env: weftEnv({ WEFT_HOME: home }),
      clearEnv: true,
      stdout: "null",
      stderr: "null",
    }).spawn();
    let pids: Record<string, number> = {};
    try {
      pids = await pidsIn(out);
      child.kill("SIGKILL");
      await child.status;
      for (const name of MARKED) assert.ok(alive(pids[name]), `${name} outlived weft`);

      const result = await weft(["history", "--json"], { env: { WEFT_HOME: home } });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /marked interrupted and ended its \d+ task process groups/);
      await waitGone(pids);
      assertEnded(pids);
      assert.equal(JSON.parse(result.stdout)[0].status, "interrupted");
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* dead already */ }
      await child.status;
      // Had the test failed before: recovery ends what the run left (then the rest by pid).
      await weft(["history"], { env: { WEFT_HOME: home } });
      killLeft(pids);
    }
  },
});

Deno.test({
  name:
    "recovery: a daemon restarted after kill -9 ends what its predecessor's run left, in its log",
  ignore: !LINUX,
  fn: async () => {
    const dir = testTempDir("flows-");
    const out = testTempDir("out-");
    const home = testTempDir("home-");
    const fixture = Deno.readTextFileSync(`${FIXTURES}escaped.yml`)
      .replace(
        "name: escaped",
        "name: escaped\ntrigger:\n  type: webhook\n  config:\n    webhook: /esc",
      )
      .replace('out: ""', `out: ${JSON.stringify(out)}`);
    writeFlow(dir, "escaped.yml", fixture);
    const port = freePort();
    const args = ["--dir", dir, "--listen", `127.0.0.1:${port}`];
    const first = startDaemon(args, { home });
    let pids: Record<string, number> = {};
    try {
      await first.waitFor(/daemon started/);
      const response = await fetch(`http://127.0.0.1:${port}/esc`, { method: "POST", body: "{}" });
      assert.equal(response.status, 202, await response.text());
      pids = await pidsIn(out);
      await first.stop("SIGKILL");
      for (const name of MARKED) assert.ok(alive(pids[name]), `${name} outlived the daemon`);

      const second = startDaemon(args, { home });
      let stopped: number;
      try {
        const line = await second.waitFor(/marked interrupted/);
        // A log line like the daemon's others: UTC timestamp first.
        assert.match(
          line,
          /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z weft: run \S+ \(escaped\) .* ended its \d+ task process groups/,
        );
        // Before the daemon says it has started: no fire or POST needed.
        const started = await second.waitFor(/daemon started/);
        assert.ok(second.lines.indexOf(started) > second.lines.indexOf(line));
        await waitGone(pids);
        assertEnded(pids);
      } finally {
        stopped = await second.stop();
      }
      assert.equal(stopped, 0, second.lines.join("\n"));
      const history = await weft(["history", "--json"], { env: { WEFT_HOME: home } });
      assert.equal(JSON.parse(history.stdout)[0].status, "interrupted");
    } finally {
      await first.stop("SIGKILL");
      await weft(["history"], { env: { WEFT_HOME: home } });
      killLeft(pids);
    }
  },
});

Deno.test({
  name: "kill -9 of weft run: a weft command inside the run's own task recovers the run, " +
    "leaving its own task running",
  ignore: !LINUX,
  fn: async () => {
    const dir = testTempDir("inside-");
    const home = `${dir}/home`;
    const env = weftEnv({
      WEFT_HOME: home,
      CRASH_DIR: dir,
      DENO: Deno.execPath(),
      WEFT_ARGS: weftArgs([]).join(" "),
    });
    const child = new Deno.Command(Deno.execPath(), {
      args: weftArgs(["run", `${FIXTURES}inside.yml`]),
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitForFile(`${dir}/started`);
    child.kill("SIGKILL");
    await child.status;
    await Deno.writeTextFile(`${dir}/go`, "");
    // The task's own `weft status` finishes (it was SIGTERMed with its task before).
    assert.equal(await waitForFile(`${dir}/status.rc`), "rc=0");
    const status = await Deno.readTextFile(`${dir}/status.out`);
    assert.match(status, /marked interrupted/);
    const [run] = JSON.parse(
      (await weft(["history", "--json"], { env: { WEFT_HOME: home } })).stdout,
    );
    assert.equal(run.status, "interrupted");
  },
});
