/**
 * `weft logs --follow` stops once nobody reads its output (cli/logs_printer.ts,
 * cli/io.ts ByteSink.gone, cli/reader_gone.ts), as `tail -f` does, with exit 0: the
 * reader closing after the line it wanted (`| grep -m1 ready`), and before any line
 * was written — while the followed run still runs and prints nothing (tester19 F3).
 * Following into a file that stays open goes on.
 */
import assert from "node:assert/strict";
import { readProcStat } from "../src/proc.ts";
import { waitForFile, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/logs_follow/ready.yml", import.meta.url).pathname;

/** Starts `weft run ready.yml` in `home`; resolves once its task runs (its pid written). */
async function startRun(home: string) {
  const out = testTempDir("out-");
  const run = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", FIXTURE, "-q", "-p", `out=${out}`]),
    env: weftEnv({ WEFT_HOME: home }),
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const task = Number(await waitForFile(`${out}/srv.pid`));
  return {
    /** Whether the followed run still runs (its task is alive). */
    running: () => {
      const stat = readProcStat(task);
      return stat !== null && stat !== "absent" && stat.state !== "Z";
    },
    async stop() {
      run.kill("SIGTERM");
      await run.status;
    },
  };
}

/** `weft logs --follow` of the latest run in `home`, its stdout piped to the test. */
function follow(home: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: weftArgs(["logs", "--follow"]),
    env: weftEnv({ WEFT_HOME: home, NO_COLOR: "1" }),
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
}

Deno.test("logs --follow: the reader closes after the line it wanted, follow exits 0", async () => {
  const home = testTempDir("home-");
  const run = await startRun(home);
  try {
    const follower = follow(home);
    const reader = follower.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes("ready")) {
      const { value, done } = await reader.read();
      assert.ok(!done, `follow ended before "ready": ${seen}`);
      seen += value;
    }
    await reader.cancel(); // as `grep -m1 ready` exits
    assert.equal((await follower.status).code, 0);
    assert.ok(run.running(), "it stopped for its reader, not because the run ended");
  } finally {
    await run.stop();
  }
});

Deno.test("logs --follow: a reader gone before anything is written still ends it", async () => {
  const home = testTempDir("home-");
  const run = await startRun(home);
  try {
    // Only `ready` was ever written to the log, and nothing of it reaches this reader.
    const follower = follow(home);
    await follower.stdout.cancel();
    assert.equal((await follower.status).code, 0);
    assert.ok(run.running(), "the run prints nothing more, yet follow noticed");
  } finally {
    await run.stop();
  }
});

Deno.test("logs --follow: into a file it keeps following until the run ends", async () => {
  const home = testTempDir("home-");
  const file = `${testTempDir("follow-")}/out.txt`;
  const run = await startRun(home);
  // A regular file never reads as gone: `weft logs -f > file` goes on.
  const follower = new Deno.Command("sh", {
    args: ["-c", 'exec "$0" "$@" > "$FOLLOW_FILE"', Deno.execPath(), ...weftArgs(["logs", "-f"])],
    env: weftEnv({ WEFT_HOME: home, NO_COLOR: "1", FOLLOW_FILE: file }),
    clearEnv: true,
    stderr: "null",
  }).spawn();
  let ended: string;
  try {
    await waitForFile(file);
    // Several of its polls (200 ms each) go by: a follow that stopped would be gone.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    ended = await Promise.race([follower.status.then(() => "ended"), Promise.resolve("running")]);
  } finally {
    await run.stop();
  }
  assert.equal(ended, "running");
  assert.equal((await follower.status).code, 0, "it ends with the run");
  assert.match(Deno.readTextFileSync(file), /ready/);
});
