/**
 * src/cli/signals.ts through the real CLI: once the run has ended and is recorded, a
 * SIGTERM or a second Ctrl-C ends weft even while its stderr is a pipe nobody reads
 * (`weft run -v | less` left waiting), with the run's record whole.
 * @module
 */
import assert from "node:assert/strict";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/signals/", import.meta.url).pathname;

/** Bytes of the task's log read so far (weft writes the log as it reads the output). */
async function logBytes(home: string): Promise<number> {
  let total = 0;
  try {
    for await (const run of Deno.readDir(`${home}/logs`)) {
      for await (const file of Deno.readDir(`${home}/logs/${run.name}`)) {
        if (file.name.endsWith(".log")) {
          total += (await Deno.stat(`${home}/logs/${run.name}/${file.name}`)).size;
        }
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return total;
}

/** Polls `check` every 100 ms until it holds; fails naming `what` after ~30 s. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`never: ${what}`);
}

/** The status of the home's one run, or undefined before it is recorded. */
async function recordedStatus(home: string): Promise<string | undefined> {
  const shown = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
  if (shown.code !== 0) return undefined;
  return (JSON.parse(shown.stdout) as { status: string }).status;
}

/**
 * Starts `weft run -v FILE` with stdout and stderr pipes the test never reads, and waits
 * until weft holds more output than the pipe and its queue take: from then on it can
 * write nothing more to stderr.
 */
async function startStuck(file: string) {
  const home = `${testTempDir()}/home`;
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", "-v", `${FIXTURES}${file}`]),
    env: weftEnv({ WEFT_HOME: home }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Far past what a pipe takes (64 KiB): the rest waits in weft for the terminal (it
  // stops reading the task's output at MAX_QUEUED_TEXT, 1 MiB, in progress.ts).
  await until(
    "the task's output fills the pipe",
    async () => await logBytes(home) > 512 * 1024,
  );
  return { home, child };
}

/**
 * Ends a test's weft if an assertion left it running (a SIGKILLed run's tasks are
 * ended by the next weft command, as after a crash), and closes its pipes.
 */
async function stopped(child: Deno.ChildProcess, home: string): Promise<void> {
  try {
    child.kill("SIGKILL");
    await child.status;
    await weft(["history"], { env: { WEFT_HOME: home } });
  } catch {
    // already exited: the usual case
  }
  await child.status;
  await child.stdout.cancel();
  await child.stderr.cancel();
}

for (const second of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`weft run -v, stderr not read: Ctrl-C cancels the run, then ${second} ends weft (exit ${second === "SIGINT" ? 130 : 143}), the run recorded cancelled`, async () => {
    const { home, child } = await startStuck("stuck.yml");
    try {
      Deno.kill(child.pid, "SIGINT");
      await until(
        "the run is recorded cancelled",
        async () => await recordedStatus(home) === "cancelled",
      );
      Deno.kill(child.pid, second);
      const status = await child.status;
      assert.equal(status.code, second === "SIGINT" ? 130 : 143);
      assert.equal(await recordedStatus(home), "cancelled");
    } finally {
      await stopped(child, home);
    }
  });
}

Deno.test("weft run -v, stderr not read: a run that ended on its own (timed out) is ended by SIGTERM, exit 143, recorded failed", async () => {
  const { home, child } = await startStuck("stuck_timeout.yml");
  try {
    await until("the run is recorded failed", async () => await recordedStatus(home) === "failed");
    Deno.kill(child.pid, "SIGTERM");
    const status = await child.status;
    assert.equal(status.code, 143);
    assert.equal(await recordedStatus(home), "failed");
  } finally {
    await stopped(child, home);
  }
});

Deno.test("weft run -v, stderr not read: a run that ended on its own is ended by SIGHUP (terminal gone), exit 129, recorded failed", async () => {
  const { home, child } = await startStuck("stuck_timeout.yml");
  try {
    await until("the run is recorded failed", async () => await recordedStatus(home) === "failed");
    Deno.kill(child.pid, "SIGHUP");
    const status = await child.status;
    assert.equal(status.code, 129);
    assert.equal(await recordedStatus(home), "failed");
  } finally {
    await stopped(child, home);
  }
});
