/**
 * A full disk and a run's final record, through the real CLI (store/full_disk.ts,
 * store/dead_runs.ts): a run of hundreds of tasks stopped by a full disk is recorded
 * `failed` whatever the bulk of its task records, and a run whose process is gone reads
 * `interrupted` even while the disk is too full to mark it so, and `--resume` never keeps
 * a success whose record did not fit (its outputs are unknown). Needs a tmpfs (root);
 * skipped, saying so, elsewhere.
 */
import assert from "node:assert/strict";
import { historyJson, weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { fillDisk, MOUNTABLE, NEEDS_MOUNT, sh, withTmpfs } from "./_tmpfs.ts";

/** A workflow of `count` tasks with 128-character ids, each writing a 2,000-byte output. */
function bigWorkflow(count: number): string {
  const lines = ["name: full_disk_big", "tasks:"];
  for (let i = 0; i < count; i++) {
    const id = `t${String(i).padStart(5, "0")}_`.padEnd(128, "x");
    lines.push(
      `  - id: ${id}`,
      `    command: 'echo out=$(head -c 2000 /dev/zero | tr "\\\\0" z) >> "$WEFT_OUTPUT"'`,
    );
  }
  return lines.join("\n") + "\n";
}

interface Listed {
  id: string;
  status: string;
}

function history(env: { WEFT_HOME: string }): Promise<Listed[]> {
  return historyJson<Listed>(env.WEFT_HOME);
}

Deno.test({
  name: "full disk: a 300-task run is recorded failed while the disk stays full" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("1m", async (mnt) => {
      const env = { WEFT_HOME: `${mnt}/home` };
      const file = `${testTempDir("full-disk-")}/big.yml`;
      Deno.writeTextFileSync(file, bigWorkflow(300));
      const run = await weft(["run", file], { env });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /cannot record the run .*no space left on the device/);
      assert.doesNotMatch(run.stderr, /internal error|Uncaught/);
      const [listed] = await history(env);
      assert.equal(listed.status, "failed", "the run's final state is recorded");
      const status = await weft(["status", listed.id, "--json"], { env });
      assert.equal(status.code, 0, status.stderr);
      const details = JSON.parse(status.stdout);
      assert.match(details.error, /no space left on the device/);
      assert.equal(details.tasks.length, 300);
      // Task records that did not fit are not shown as still going under a failed run.
      for (const task of details.tasks) {
        assert.ok(!["pending", "running"].includes(task.status), `${task.id}: ${task.status}`);
      }
    }),
});

Deno.test({
  name: "full disk: a run whose process died reads interrupted before it can be marked" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("1m", async (mnt) => {
      const env = { WEFT_HOME: `${mnt}/home` };
      const file = `${testTempDir("full-disk-")}/slow.yml`;
      Deno.writeTextFileSync(
        file,
        "name: slow\ntasks:\n  - id: a\n    command: sleep 30; echo done\n",
      );
      const child = new Deno.Command(Deno.execPath(), {
        args: weftArgs(["run", file]),
        env: weftEnv(env),
        clearEnv: true,
        stdout: "null",
        stderr: "null",
      }).spawn();
      // Until its task runs (a process group for recovery to end).
      let listed: Listed[] = [];
      let task = "";
      for (let i = 0; i < 100 && task !== "running"; i++) {
        await new Promise((r) => setTimeout(r, 100));
        listed = await history(env);
        if (!listed.length) continue;
        const status = await weft(["status", listed[0].id, "--json"], { env });
        task = JSON.parse(status.stdout).tasks[0].status;
      }
      assert.equal(task, "running", "the task started");
      child.kill("SIGKILL");
      await child.status;
      const fill = await fillDisk(mnt);
      const full = await weft(["history", "--json"], { env });
      assert.equal(full.code, 0, full.stderr);
      assert.match(full.stderr, /shown interrupted but cannot be marked so yet.*no space left/);
      assert.equal(JSON.parse(full.stdout)[0].status, "interrupted");
      // Filters go by the state shown, not the one still stored.
      const interrupted = await weft(["history", "--status", "interrupted", "--json"], { env });
      assert.equal(interrupted.code, 0, interrupted.stderr);
      assert.deepEqual(JSON.parse(interrupted.stdout).map((r: Listed) => r.id), [listed[0].id]);
      const running = await weft(["history", "--status", "running", "--json"], { env });
      assert.deepEqual(JSON.parse(running.stdout), []);
      const status = await weft(["status", listed[0].id, "--json"], { env });
      const details = JSON.parse(status.stdout);
      assert.equal(details.status, "interrupted");
      assert.match(details.error, /could not be recorded: no space left on the device/);
      assert.deepEqual(details.tasks.map((t: Listed) => t.status), ["interrupted"]);
      // Room again: recovery marks it for real (its task's group was ended already, by
      // the recovery that could not write).
      Deno.removeSync(fill);
      const freed = await weft(["history", "--json"], { env });
      assert.match(freed.stderr, /process \d+ is gone; marked interrupted/);
      assert.equal(JSON.parse(freed.stdout)[0].status, "interrupted");
    }),
});

Deno.test({
  name: "full disk as the run ends: failed, exit 1, the error before the summary, logs kept" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("2m", async (mnt) => {
      const env = { WEFT_HOME: `${mnt}/home` };
      const file = `${testTempDir("full-disk-")}/end.yml`;
      // u fills the disk and succeeds: its own records, and the run's end, find no room.
      Deno.writeTextFileSync(
        file,
        "name: end_full\ntasks:\n  - id: t\n    command: seq 1 2000\n  - id: u\n" +
          "    depends_on: t\n" +
          `    command: sleep 0.3; dd if=/dev/zero of=${mnt}/fill bs=4k 2>/dev/null; true\n`,
      );
      const run = await weft(["run", file], { env });
      assert.equal(run.code, 1, run.stderr);
      assert.doesNotMatch(run.stderr, /internal error|Uncaught/);
      const lines = run.stderr.split("\n");
      const error = lines.findIndex((l) => /error: cannot .*no space left on the device/.test(l));
      const summary = lines.findIndex((l) => /^run \S+ (success|failed)/.test(l));
      assert.ok(error >= 0 && summary > error, `the error, then the summary:\n${run.stderr}`);
      assert.match(lines[summary], /^run \S+ failed/);
      const [listed] = await history(env);
      assert.equal(listed.status, "failed");
      const status = await weft(["status", listed.id, "--json"], { env });
      assert.match(JSON.parse(status.stdout).error, /no space left on the device/);
      // What reached the disk stays readable; nothing of the run is left for recovery.
      const logs = await weft(["logs", listed.id, "t"], { env });
      assert.equal(logs.code, 0, logs.stderr);
      assert.equal(logs.stdout.split("\n").length, 2001);
      const left = [...Deno.readDirSync(`${mnt}/home/logs/${listed.id}`)].map((e) => e.name);
      assert.ok(!left.includes("process-groups"), left.join(", "));
    }),
});

/**
 * Four tasks each writing a 900,000-byte output `big`, and `m` writing the length of
 * each to `MARKER.counts`, then failing unless `marker` exists.
 */
function bigOutputsWorkflow(marker: string): string {
  const lines = ["name: full_disk_outputs", "tasks:"];
  for (const id of ["e1", "e2", "e3", "e4"]) {
    lines.push(
      `  - id: ${id}`,
      `    command: '{ echo "big<<EOF"; head -c 900000 /dev/zero | tr "\\\\0" z; echo; echo EOF; } >> "$WEFT_OUTPUT"'`,
    );
  }
  lines.push(
    "  - id: m",
    "    depends_on: [e1, e2, e3, e4]",
    `    command: 'for v in "\${tasks.e1.outputs.big}" "\${tasks.e2.outputs.big}" "\${tasks.e3.outputs.big}" "\${tasks.e4.outputs.big}"; do printf %s "$v" | wc -c; done > ${marker}.counts; test -f ${marker}'`,
  );
  return lines.join("\n") + "\n";
}

interface ShownTask extends Listed {
  exitCode: number | null;
  outputs: Record<string, string>;
}

Deno.test({
  name: "full disk: --resume refuses a success whose record did not fit, naming it" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("2m", async (mnt) => {
      const env = { WEFT_HOME: `${mnt}/home` };
      const dir = testTempDir("full-disk-");
      const file = `${dir}/outputs.yml`;
      Deno.writeTextFileSync(file, bigOutputsWorkflow(`${dir}/ok`));
      const run = await weft(["run", file], { env });
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, /cannot record the run .*no space left on the device/);
      const [listed] = await history(env);
      assert.equal(listed.status, "failed");
      const status = await weft(["status", listed.id, "--json"], { env });
      const tasks: ShownTask[] = JSON.parse(status.stdout).tasks;
      // Successes known only from the run's summary: no exit code, no outputs.
      const derived = tasks.filter((t) => t.status === "success" && t.exitCode === null)
        .map((t) => t.id);
      // Room again, and m would succeed: resuming must still not pass their outputs empty.
      assert.ok(await sh("mount", "-o", "remount,size=20m", mnt));
      Deno.writeTextFileSync(`${dir}/ok`, "");
      // m may have run (and failed) in the first run, as the disk filled: what is checked
      // below is whether the resume ran it.
      try {
        Deno.removeSync(`${dir}/ok.counts`);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      const resumed = await weft(["run", file, "--resume", listed.id], { env });
      if (derived.length === 0) {
        // The summary did not fit either (timing): those tasks read `interrupted` and
        // run again, so m gets every output whole.
        assert.equal(resumed.code, 0, resumed.stderr);
        assert.equal(Deno.readTextFileSync(`${dir}/ok.counts`), "900000\n".repeat(4));
        return;
      }
      assert.equal(resumed.code, 2, resumed.stdout + resumed.stderr);
      for (const id of derived) {
        assert.match(
          resumed.stderr,
          new RegExp(
            `task "${id}" succeeded in run \\S+, but its record was not written: the disk was full`,
          ),
        );
      }
      assert.equal((await history(env)).length, 1, "no run was started");
      assert.throws(() => Deno.statSync(`${dir}/ok.counts`), Deno.errors.NotFound);
    }),
});
