/**
 * Faults the user or the machine caused, through the real CLI: every malformed input
 * fixture, a file where WEFT_HOME should be, a missing home, a home weft did not
 * create, a read-only home and a full disk. None may end in "internal error", an
 * uncaught error or a stack trace; each says what failed, where, and what to do.
 *
 * A full and a read-only disk need a tmpfs, which only root can mount (permission
 * bits do not stop root, so chmod cannot fake them): those tests are skipped, saying
 * so, where `mount` is not allowed.
 */
import assert from "node:assert/strict";
import { runCli } from "../src/cli/main.ts";
import type { CliIO } from "../src/cli/io.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { MOUNTABLE, NEEDS_MOUNT, sh, withTmpfs } from "./_tmpfs.ts";

const INVALID = new URL("./fixtures/invalid/", import.meta.url).pathname;
const FAULTS = new URL("./fixtures/faults/", import.meta.url).pathname;

/** What must never reach a user: a crash report instead of a message. */
function assertNoCrash(stderr: string, what: string): void {
  assert.doesNotMatch(stderr, /internal error/i, `${what}: ${stderr}`);
  assert.doesNotMatch(
    stderr,
    /Uncaught|Stack backtrace|^\s+at .+:\d+:\d+\)?$/m,
    `${what}: ${stderr}`,
  );
}

/** Runs the CLI in this process with captured streams (for many quick invocations). */
async function cliInProcess(args: string[], env: Record<string, string>) {
  const text = { stdout: "", stderr: "" };
  const sink = (name: "stdout" | "stderr") => ({
    write: (bytes: Uint8Array) => {
      text[name] += new TextDecoder().decode(bytes);
      return Promise.resolve();
    },
  });
  const io: CliIO = {
    stdout: sink("stdout"),
    stderr: sink("stderr"),
    env,
    cwd: Deno.cwd(),
    stderrIsTTY: false,
    stdin: new Blob([]).stream(),
  };
  const code = await runCli(args, io);
  return { code, ...text };
}

const invalidFiles = [...Deno.readDirSync(INVALID)].map((e) => INVALID + e.name).sort();

Deno.test("every malformed input: validate and run say what is wrong, exit 2, never crash", async () => {
  assert.ok(invalidFiles.length > 10);
  const all = await weft(["validate", ...invalidFiles]);
  assert.equal(all.code, 2);
  assertNoCrash(all.stderr, "weft validate <every fixture>");
  const home = testTempDir("home-");
  for (const file of invalidFiles) {
    const r = await cliInProcess(["run", file], { WEFT_HOME: home, PATH: "/usr/bin:/bin" });
    assert.equal(r.code, 2, `weft run ${file}: ${r.stderr}`);
    assertNoCrash(r.stderr, `weft run ${file}`);
    assert.ok(r.stderr.includes(file), `weft run ${file} names the file: ${r.stderr}`);
  }
});

Deno.test("a file where WEFT_HOME should be: run exits 2 naming it; readers explain it", async () => {
  const home = `${testTempDir("fault-")}/home`;
  await Deno.writeTextFile(home, "not a folder");
  const env = { WEFT_HOME: home };
  const run = await weft(["run", `${FAULTS}/hello.yml`], { env });
  assert.equal(run.code, 2);
  assertNoCrash(run.stderr, "run");
  assert.match(run.stderr, new RegExp(`^${home}: cannot create the history folder: .+\n  hint: `));
  for (const args of [["history"], ["status", "x"], ["logs", "x"], ["metrics"]]) {
    const r = await weft(args, { env });
    assert.notEqual(r.code, 0, args.join(" "));
    assertNoCrash(r.stderr, args.join(" "));
    assert.ok(r.stderr.includes(home), `${args.join(" ")} names the home: ${r.stderr}`);
  }
  assert.equal(await Deno.readTextFile(home), "not a folder");
});

Deno.test("reading verbs create nothing when the home does not exist", async () => {
  const parent = testTempDir("fault-");
  const home = `${parent}/no/such/home`;
  const history = await weft(["history"], { env: { WEFT_HOME: home } });
  assert.equal(history.code, 0);
  assert.equal(history.stderr, `no runs recorded in ${home}\n`);
  assert.equal((await weft(["history", "--json"], { env: { WEFT_HOME: home } })).stdout, "[]\n");
  assert.equal((await weft(["metrics"], { env: { WEFT_HOME: home } })).code, 0);
  for (const args of [["status", "abc"], ["logs", "abc"], ["status"], ["logs"]]) {
    const r = await weft(args, { env: { WEFT_HOME: home } });
    assert.equal(r.code, 2);
    assertNoCrash(r.stderr, args.join(" "));
    // Not "no run with id": the folder holds no runs at all, so name the folder looked in.
    assert.ok(r.stderr.startsWith(`no runs recorded in ${home}\n`), r.stderr);
  }
  assert.deepEqual([...Deno.readDirSync(parent)], []);
});

Deno.test("run keeps the mode of a home it did not create; a home it creates is 0700", async () => {
  const theirs = testTempDir("theirs-");
  await Deno.chmod(theirs, 0o755);
  const r = await weft(["run", `${FAULTS}/hello.yml`], { env: { WEFT_HOME: theirs } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await Deno.stat(theirs)).mode! & 0o777, 0o755);
  assert.equal((await Deno.stat(`${theirs}/weft.kv`)).mode! & 0o777, 0o600);
  const ours = `${testTempDir("ours-")}/a/home`;
  assert.equal((await weft(["run", `${FAULTS}/hello.yml`], { env: { WEFT_HOME: ours } })).code, 0);
  assert.equal((await Deno.stat(ours)).mode! & 0o777, 0o700);
  assert.equal((await Deno.stat(`${ours}/..`)).mode! & 0o777, 0o700, "parents it made, too");
});

// ---- faults that need a tmpfs ----------------------------------------------------

/** Pids of live processes whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name) || Number(entry.name) === Deno.pid) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`);
      const state = Deno.readTextFileSync(`/proc/${entry.name}/stat`).split(") ")[1]?.[0];
      if (cmdline.includes(marker) && state !== "Z") found.push(Number(entry.name));
    } catch {
      // ended while we looked
    }
  }
  return found;
}

Deno.test({
  name: "read-only home: readers read it; run names the folder and exits 2" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("8m", async (home) => {
      const env = { WEFT_HOME: home };
      const first = await weft(["run", `${FAULTS}/hello.yml`, "--json"], { env });
      assert.equal(first.code, 0, first.stderr);
      const id = JSON.parse(first.stdout).id;
      assert.ok(await sh("mount", "-o", "remount,ro", home));
      const history = await weft(["history", "--json"], { env });
      assert.equal(history.code, 0, history.stderr);
      assert.equal(JSON.parse(history.stdout)[0].id, id);
      const status = await weft(["status", id, "--json"], { env });
      assert.equal(status.code, 0, status.stderr);
      assert.equal(JSON.parse(status.stdout).status, "success");
      const logs = await weft(["logs", id], { env });
      assert.equal(logs.code, 0, logs.stderr);
      assert.match(logs.stdout, /hello from weft/);
      const metrics = await weft(["metrics"], { env });
      assert.equal(metrics.code, 0, metrics.stderr);
      for (const where of [home, `${home}/new`]) {
        const run = await weft(["run", `${FAULTS}/hello.yml`], { env: { WEFT_HOME: where } });
        assert.equal(run.code, 2, run.stderr);
        assertNoCrash(run.stderr, `run with home ${where}`);
        assert.ok(run.stderr.startsWith(`${where}`), run.stderr);
        assert.match(run.stderr, /\n {2}hint: .*WEFT_HOME/);
      }
    }),
});

Deno.test({
  name: "disk full while logging: said plainly, tasks ended, run recorded failed" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("1m", async (mnt) => {
      const home = `${mnt}/home`;
      const env = { WEFT_HOME: home };
      const run = await weft(["run", `${FAULTS}/fill_disk.yml`, "--json"], { env });
      assert.equal(run.code, 1, run.stderr);
      assertNoCrash(run.stderr, "run on a full disk");
      assert.match(run.stderr, /error: cannot write the log \(.+\/big\.1\.log\): no space left/);
      assert.deepEqual(processesWith("weft-fault-fill-marker"), [], "no task outlives weft");
      const report = JSON.parse(run.stdout);
      assert.equal(report.status, "failed");
      assert.match(report.error, /no space left on the device/);
      assert.ok(report.tasks.every((t: { reason: string }) => t.reason === "fault"));
      // The disk is still full: every reader still works.
      for (const args of [["history", "--json"], ["status", report.id]]) {
        const r = await weft(args, { env });
        assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
        assertNoCrash(r.stderr, args.join(" "));
      }
      // What of the log is there, then that the full disk kept the rest out (exit 1).
      const logs = await weft(["logs", report.id], { env });
      assertNoCrash(logs.stderr, "logs");
      assert.equal(logs.code, 1, logs.stderr);
      assert.match(
        logs.stderr,
        /the log of big \(attempt 1\) lacks lines the task printed: .*no space/,
      );
      const metrics = await weft(["metrics"], { env });
      assert.equal(metrics.code, 0, metrics.stderr);
      const history = await weft(["history", "--json"], { env });
      assert.equal(JSON.parse(history.stdout)[0].status, "failed");
      const status = await weft(["status", report.id, "--json"], { env });
      assert.match(JSON.parse(status.stdout).error, /cannot write the log/);
      // A second run on the nearly full disk: a one-line run may fit in what the stopped
      // run left (its log was cut short); when it does not, it is refused or stopped
      // plainly. Never a crash either way.
      const again = await weft(["run", `${FAULTS}/hello.yml`], { env });
      assertNoCrash(again.stderr, "second run on a full disk");
      if (again.code !== 0) assert.match(again.stderr, /no space left/);
      else assert.match(again.stderr, /success/);
    }),
});

Deno.test({
  name: "disk full before a run: run refuses with exit 2 in plain words; readers work" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("1m", async (home) => {
      const env = { WEFT_HOME: home };
      const first = await weft(["run", `${FAULTS}/hello.yml`, "--json"], { env });
      assert.equal(first.code, 0, first.stderr);
      const id = JSON.parse(first.stdout).id;
      // Fill what is left (dd stops with ENOSPC, so its exit status is not success).
      await sh("dd", "if=/dev/zero", `of=${home}/fill`, "bs=4k");
      const run = await weft(["run", `${FAULTS}/hello.yml`], { env });
      assert.equal(run.code, 2, run.stderr);
      assertNoCrash(run.stderr, "run on a disk full before it starts");
      // SQLite says "disk I/O error" here: weft must find out that the disk is full.
      assert.match(run.stderr, /no space left on the device/);
      assert.doesNotMatch(run.stderr, /input\/output/);
      assert.match(run.stderr, /\n {2}hint: free some space/);
      assert.deepEqual(
        [...Deno.readDirSync(home)].filter((e) => e.name.includes("probe")),
        [],
        "the space probe leaves no file behind",
      );
      for (const args of [["history"], ["status", id], ["logs", id], ["metrics"]]) {
        const r = await weft(args, { env });
        assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
        assertNoCrash(r.stderr, args.join(" "));
      }
    }),
});
