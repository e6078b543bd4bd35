/**
 * `weft logs --follow` stops once nobody reads its output (cli/logs_printer.ts,
 * cli/io.ts ByteSink.gone, cli/reader_gone.ts), as `tail -f` does, with exit 0: the
 * reader closing after the line it wanted (`| grep -m1 ready`), and before any line
 * was written — while the followed run still runs and prints nothing (tester19 F3).
 * Following into a file that stays open goes on. Followed from a task's first attempt, the
 * headers and prefixes are those `weft logs` prints once the run ended (F11).
 */
import assert from "node:assert/strict";
import { readProcStat } from "../src/proc.ts";
import { startWeft, waitForFile, weft, weftArgs, weftEnv } from "./_run_cli.ts";
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

const RETRIED = new URL("./fixtures/logs_follow/retried.yml", import.meta.url).pathname;

Deno.test("logs --follow: attempt headers and prefixes are those weft logs prints afterwards, retries included", async () => {
  const home = testTempDir("home-");
  const dir = testTempDir("retried-");
  const env = { WEFT_HOME: home, NO_COLOR: "1" };
  const run = startWeft(["run", RETRIED, "-q", "-p", `dir=${dir}`], env);
  await waitForFile(`${dir}/started`); // the run is recorded
  // Followed from the first attempt on, before anyone knows whether a second comes.
  const views = [
    ["flaky"],
    ["steady"],
    ["flaky", "--no-prefix"],
    ["steady", "--no-prefix"],
    ["flaky", "--attempt", "2"],
  ];
  const followers = views.map((view) => startWeft(["logs", ...view, "--follow"], env));
  // Several tasks, prefixed or headed: the retry's label must not widen the others'.
  const mixed = [[], ["--no-prefix"]];
  const several = mixed.map((view) => startWeft(["logs", ...view, "--follow"], env));
  for (const [i, f] of followers.entries()) {
    if (views[i].includes("--attempt")) continue;
    await f.stdoutIncludes(views[i][0] === "flaky" ? "try" : "once");
  }
  for (const f of several) await f.stdoutIncludes("once");
  Deno.writeTextFileSync(`${dir}/go`, "1");
  const seen = await Promise.all(followers.map((f) => f.finish()));
  const seenSeveral = await Promise.all(several.map((f) => f.finish()));
  assert.equal((await run.finish()).code, 0);
  const sorted = (text: string) => text.split("\n").sort();
  for (const [i, view] of mixed.entries()) {
    const after = await weft(["logs", ...view], { env });
    assert.equal(seenSeveral[i].code, 0, seenSeveral[i].stderr);
    // The same lines with the same prefixes and headers; only tasks' interleaving differs.
    assert.deepEqual(sorted(seenSeveral[i].stdout), sorted(after.stdout), view.join(" "));
    assert.deepEqual(sorted(seenSeveral[i].stderr), sorted(after.stderr), view.join(" "));
  }
  assert.deepEqual(sorted(seenSeveral[0].stdout), [
    "",
    "flaky  | try",
    "flaky#2 | fine",
    "flaky#2 | try",
    "steady | once",
    "steady | twice",
  ]);
  for (const [i, view] of views.entries()) {
    const after = await weft(["logs", ...view], { env });
    assert.equal(after.code, 0, after.stderr);
    // Byte for byte: the same lines, and the same headers on stderr.
    assert.deepEqual(seen[i], after, view.join(" "));
  }
  // No header for a task's only attempt, nor before a first; one before each later.
  assert.equal(seen[1].stderr, "");
  assert.equal(seen[0].stdout, "try\ntry\nfine\n");
  assert.equal(seen[0].stderr, "==> flaky (attempt 2) <==\n");
  assert.equal(seen[4].stderr, "");
});

const LATE_LOOP = new URL("./fixtures/logs_follow/late_loop.yml", import.meta.url).pathname;

Deno.test("logs --follow: a loop whose items come from a task's outputs pads as weft logs does afterwards (v23 F8)", async () => {
  const home = testTempDir("home-");
  const dir = testTempDir("late-loop-");
  const env = { WEFT_HOME: home, NO_COLOR: "1" };
  const run = startWeft(["run", LATE_LOOP, "-q", "-p", `dir=${dir}`], env);
  await waitForFile(`${dir}/started`); // the run is recorded, the loop has no items yet
  // The whole run, and the loop alone (no iteration known yet), followed from here on.
  const views = [[], ["each"]];
  const followers = views.map((view) => startWeft(["logs", ...view, "--follow"], env));
  // Lines printed before the iterations exist: their width can only be the workflow's.
  await followers[0].stdoutIncludes("before");
  Deno.writeTextFileSync(`${dir}/go`, "1");
  const seen = await Promise.all(followers.map((f) => f.finish()));
  assert.equal((await run.finish()).code, 0);
  const sorted = (text: string) => text.split("\n").sort();
  for (const [i, view] of views.entries()) {
    const after = await weft(["logs", ...view], { env });
    assert.equal(after.code, 0, after.stderr);
    assert.equal(seen[i].code, 0, seen[i].stderr);
    // The same lines with the same prefixes; only the tasks' interleaving may differ.
    assert.deepEqual(sorted(seen[i].stdout), sorted(after.stdout), view.join(" "));
    assert.equal(seen[i].stderr, after.stderr);
  }
  // The workflow's tasks padded to its longest id (5), not widened by the iterations;
  // the iterations padded to their loop's longest.
  assert.deepEqual(sorted(seen[0].stdout), [
    "",
    "after | done",
    "each[a-rather-long-host-name] | at a-rather-long-host-name",
    "each[web]                     | at web",
    "list  | listed",
    "list  | listing",
    "side  | after",
    "side  | before",
  ]);
  assert.equal(
    seen[1].stdout,
    "each[web]                     | at web\n" +
      "each[a-rather-long-host-name] | at a-rather-long-host-name\n",
  );
});
