/**
 * The daemon's life through signals and its lock, on real processes: SIGTERM with a run
 * in flight (grace, then cancel; recorded; exit 0; no task process left), SIGHUP with a
 * file that no longer validates (reported, its previous version keeps answering), and a
 * second daemon on the same store refused.
 */
import assert from "node:assert/strict";
import { freePort, startDaemon, writeFlow } from "./_daemon.ts";
import { alive } from "./_engine.ts";
import { waitForFile, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

/** A workflow answering the webhook `/NAME` with one shell task running `command`. */
const webhookFlow = (name: string, command: string) =>
  `name: ${name}
trigger:
  type: webhook
  config:
    webhook: /${name}
tasks:
  - id: work
    type: shell
    command: ${command}
`;

/**
 * A daemon started with `--grace grace` on a fresh folder holding `NAME.yml` (its task runs
 * `command(folder)`), and the run its webhook started. The daemon is killed when this fails.
 */
async function daemonWithRun(name: string, command: (dir: string) => string, grace: string) {
  const dir = testTempDir(`${name}-`);
  writeFlow(dir, `${name}.yml`, webhookFlow(name, command(dir)));
  const port = freePort();
  const daemon = startDaemon(["--dir", dir, "--listen", `127.0.0.1:${port}`, "--grace", grace]);
  try {
    await daemon.waitFor(/daemon started/);
    const res = await fetch(`http://127.0.0.1:${port}/${name}`, { method: "POST" });
    assert.equal(res.status, 202);
    const { run_id: runId } = await res.json();
    return { dir, daemon, runId: runId as string };
  } catch (error) {
    await daemon.stop("SIGKILL");
    throw error;
  }
}

/** The task of a run that goes on until cancelled: it writes its pid to `DIR/pid`. */
const sleeper = (dir: string) => `echo $$ > ${dir}/pid; exec sleep 60`;

Deno.test("daemon SIGTERM: a run still going after the grace period is cancelled and recorded; exit 0", async () => {
  const { dir, daemon, runId } = await daemonWithRun("slow", sleeper, "0.5s");
  try {
    const pid = Number(await waitForFile(`${dir}/pid`));
    assert.ok(alive(pid));
    assert.equal(await daemon.stop("SIGTERM"), 0);
    assert.ok(daemon.count(/SIGTERM: stopping/) === 1);
    assert.ok(daemon.count(new RegExp(`cancelling run ${runId}`)) === 1);
    assert.ok(daemon.count(new RegExp(`run ${runId} ended cancelled`)) === 1);
    assert.ok(!alive(pid), "the task's process is gone");
    const status = await weft(["status", runId, "--json"], { env: { WEFT_HOME: daemon.home } });
    const report = JSON.parse(status.stdout);
    assert.equal(report.status, "cancelled");
    assert.ok(report.tasks.every((t: { status: string }) => t.status !== "running"));
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon: a second SIGTERM during the grace period cancels the runs now; still exit 0", async () => {
  const { dir, daemon, runId } = await daemonWithRun("slow", sleeper, "10m");
  try {
    const pid = Number(await waitForFile(`${dir}/pid`));
    daemon.child.kill("SIGTERM");
    await daemon.waitFor(/waiting up to 10m00s for 1 running run/);
    assert.equal(await daemon.stop("SIGTERM"), 0);
    assert.equal(daemon.count(new RegExp(`run ${runId} ended cancelled`)), 1);
    assert.ok(!alive(pid), "the task's process is gone");
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon SIGTERM: a run that ends within the grace period finishes as it would", async () => {
  const { dir, daemon, runId } = await daemonWithRun(
    "short",
    (dir) => `echo go > ${dir}/started; sleep 1`,
    "20s",
  );
  try {
    await waitForFile(`${dir}/started`);
    assert.equal(await daemon.stop("SIGTERM"), 0);
    assert.equal(daemon.count(new RegExp(`run ${runId} ended success`)), 1);
  } finally {
    await daemon.stop("SIGKILL");
  }
});

const hupFlow = (word: string, name = "hup") => webhookFlow(name, `echo version ${word}`);

/** A daemon on a folder holding hup.yml, whose file is then broken and added.yml added, and SIGHUP sent. */
async function brokenAfterHup() {
  const dir = testTempDir("sighup-");
  writeFlow(dir, "hup.yml", hupFlow("one"));
  const port = freePort();
  const daemon = startDaemon(["--dir", dir, "--listen", `127.0.0.1:${port}`]);
  await daemon.waitFor(/daemon started/);
  writeFlow(dir, "hup.yml", hupFlow("two").replace("tasks:", "tasks: [oops"));
  writeFlow(dir, "added.yml", hupFlow("three", "added"));
  daemon.child.kill("SIGHUP");
  await daemon.waitFor(/hup\.yml does not validate, keeping its previous version/);
  await daemon.waitFor(/loaded 2 workflow/);
  return { daemon, base: `http://127.0.0.1:${port}` };
}

Deno.test("daemon SIGHUP: a file broken since the last load is reported and keeps its trigger; new files are picked up", async () => {
  const { daemon, base } = await brokenAfterHup();
  try {
    assert.ok(daemon.count(/SIGHUP: reloading/) === 1);
    const added = await fetch(`${base}/added`, { method: "POST" });
    assert.equal(added.status, 202, "a file added before SIGHUP is served after it");
    const { run_id: runId } = await added.json();
    await daemon.waitFor(new RegExp(`run ${runId} ended success`));
    const logs = await weft(["logs", runId], { env: { WEFT_HOME: daemon.home } });
    assert.match(logs.stdout, /version three/);
    const kept = await fetch(`${base}/hup`, { method: "POST" });
    assert.notEqual(kept.status, 404, "the broken file's webhook is still served");
    await kept.body?.cancel();
    assert.equal(await daemon.stop(), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test({
  name: "daemon SIGHUP: the broken file's previous version is what runs",
  async fn() {
    const { daemon, base } = await brokenAfterHup();
    try {
      const res = await fetch(`${base}/hup`, { method: "POST" });
      assert.equal(res.status, 202);
      const { run_id: runId } = await res.json();
      await daemon.waitFor(new RegExp(`run ${runId} ended success`));
      const logs = await weft(["logs", runId], { env: { WEFT_HOME: daemon.home } });
      assert.match(logs.stdout, /version one/);
      assert.equal(await daemon.stop(), 0);
    } finally {
      await daemon.stop("SIGKILL");
    }
  },
});

Deno.test("a second daemon on the same store refuses to start, naming the first one", async () => {
  const dir = testTempDir("lock-");
  const first = startDaemon(["--dir", dir]);
  try {
    await first.waitFor(/daemon started/);
    const second = await weft(["daemon", "--dir", dir], { env: { WEFT_HOME: first.home } });
    assert.equal(second.code, 2);
    assert.match(
      second.stderr,
      new RegExp(
        `another weft daemon \\(pid ${first.child.pid}\\) is already running on this store`,
      ),
    );
    assert.match(second.stderr, /hint: stop it first/);
    assert.equal(await first.stop(), 0);
    const third = startDaemon(["--dir", dir], { home: first.home });
    await third.waitFor(/daemon started/);
    assert.equal(await third.stop(), 0, "the lock is free once the first one stopped");
  } finally {
    await first.stop("SIGKILL");
  }
});

Deno.test("a daemon.lock that is a symbolic link or a FIFO is refused, the file it points to unchanged", async () => {
  const dir = testTempDir("lock-link-");
  const home = `${dir}/home`;
  await Deno.mkdir(home);
  const target = `${dir}/precious.txt`;
  await Deno.writeTextFile(target, "keep me\n");
  await Deno.symlink(target, `${home}/daemon.lock`);
  const linked = await weft(["daemon", "--dir", dir], { env: { WEFT_HOME: home } });
  assert.equal(linked.code, 2, linked.stderr);
  assert.match(
    linked.stderr,
    /daemon\.lock: is a symbolic link; weft does not follow links for its own files\n {2}hint: remove it/,
  );
  assert.equal(await Deno.readTextFile(target), "keep me\n", "not truncated");
  await Deno.remove(`${home}/daemon.lock`);
  new Deno.Command("mkfifo", { args: [`${home}/daemon.lock`] }).outputSync();
  const fifo = await weft(["daemon", "--dir", dir], { env: { WEFT_HOME: home } });
  assert.equal(fifo.code, 2, fifo.stderr);
  assert.match(fifo.stderr, /daemon\.lock: /);
  assert.doesNotMatch(fifo.stderr, /internal error/);
});
