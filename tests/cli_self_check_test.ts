/**
 * `weft self-check` through the real CLI: the report's fields, --json, and exit 1 when
 * the store cannot be written, or when a run would be refused there (it makes the checks
 * `weft run` makes before it starts, cli/run_home.ts, and gives the same reason).
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { fillDisk, MOUNTABLE, NEEDS_MOUNT, withTmpfs } from "./_tmpfs.ts";
import { findOnPath } from "../src/cli/self_check.ts";

Deno.test("self-check --json: version, writable store, time zone, tools, spawner; exit 0", async () => {
  const home = `${testTempDir("self-check-")}/home`;
  const bin = testTempDir("self-check-bin-");
  await Deno.writeTextFile(`${bin}/python3`, "#!/bin/sh\n", { mode: 0o755 });
  const r = await weft(["self-check", "--json"], {
    env: { WEFT_HOME: home, TZ: "Europe/Paris", PATH: `${bin}:/usr/bin:/bin` },
    fromSource: true,
  });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.match(report.version, /^\d+\.\d+\.\d+$/);
  assert.equal(report.commit, "source");
  assert.deepEqual(report.store, { path: home, writable: true, readable: true, runs: true });
  // A check makes nothing: the run's checks are foretold (run_home.ts foretellRun).
  assert.equal(await exists(home), false, "the home is left to the first run to make");
  assert.equal(report.kv, true);
  assert.equal(report.timeZone, "Europe/Paris");
  assert.equal(report.timeZoneWarning, null);
  assert.equal(report.tools.python3, `${bin}/python3`);
  assert.equal(report.tools.sh, findOnPath("sh", "/usr/bin:/bin"));
  assert.ok(["posix_spawn", "setsid", "detached"].includes(report.spawner));
  if (Deno.build.os === "linux") assert.equal(report.spawner, "posix_spawn", "FFI allowed by -A");
  assert.equal(report.ok, true);
});

Deno.test("self-check: a store that cannot be written is said, exit 1", async () => {
  const dir = testTempDir("self-check-ro-");
  await Deno.writeTextFile(`${dir}/file`, "");
  // A home below a regular file can never be created, even by root.
  const r = await weft(["self-check", "--home", `${dir}/file/home`]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, new RegExp(`^store +${dir}/file/home \\(NOT writable: .+\\)$`, "m"));
  assert.match(r.stdout, /^not ok: weft cannot work here/m);
  const json = await weft(["self-check", "--json", "--home", `${dir}/file/home`]);
  assert.equal(json.code, 1);
  assert.equal(JSON.parse(json.stdout).store.writable, false);
  assert.equal(JSON.parse(json.stdout).ok, false);
});

Deno.test("self-check: a damaged history (weft.kv) is said, exit 1, and left as it was", async () => {
  const home = testTempDir("self-check-damaged-");
  const junk = new Uint8Array(8192).fill(0x5a);
  await Deno.writeFile(`${home}/weft.kv`, junk, { mode: 0o600 });
  const r = await weft(["self-check", "--home", home]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^store +.+ \(NOT readable: .*weft\.kv: .*damaged.*\)$/m);
  assert.match(r.stdout, /^not ok: weft cannot work here/m);
  const json = await weft(["self-check", "--json", "--home", home]);
  assert.equal(json.code, 1);
  const report = JSON.parse(json.stdout);
  assert.deepEqual([report.store.writable, report.store.readable, report.ok], [true, false, false]);
  assert.deepEqual(await Deno.readFile(`${home}/weft.kv`), junk, "not repaired or replaced");
});

Deno.test("self-check: human report lists every optional tool, found or not", async () => {
  const empty = testTempDir("self-check-path-");
  const r = await weft(["self-check"], { env: { PATH: empty }, fromSource: true });
  assert.equal(r.code, 0, r.stderr);
  for (const tool of ["docker", "python3", "sh", "bash"]) {
    assert.match(r.stdout, new RegExp(`^  ${tool} +not found on PATH$`, "m"));
  }
  assert.match(r.stdout, /^weft +\d+\.\d+\.\d+ \(from source\)$/m);
  assert.match(r.stdout, /^ok: weft can work here$/m);
});

Deno.test("findOnPath: the first executable file, skipping folders and plain files", () => {
  const a = testTempDir("path-a-");
  const b = testTempDir("path-b-");
  Deno.mkdirSync(`${a}/tool`); // a folder named like the tool
  Deno.writeTextFileSync(`${b}/tool`, "", { mode: 0o644 }); // not executable
  assert.equal(findOnPath("tool", `${a}:${b}`), null);
  Deno.chmodSync(`${b}/tool`, 0o755);
  assert.equal(findOnPath("tool", `:${a}:${b}`), `${b}/tool`);
});

Deno.test("self-check: a TZ no zone database knows is UTC with a warning; JSON keeps its shape", async () => {
  const home = testTempDir("self-check-tz-");
  // A POSIX rule too: glibc reads it, but it names no zone a schedule can use (tester25 F7).
  for (const tz of ["Nowhere/Bogus", "UTC+3", "CET-1CEST,M3.5.0,M10.5.0/3"]) {
    const r = await weft(["self-check", "--json"], { env: { WEFT_HOME: home, TZ: tz } });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.timeZone, "UTC", tz);
    assert.match(
      report.timeZoneWarning,
      /names no time zone weft can use for schedules .*: schedules without tz use UTC/,
    );
    const text = await weft(["self-check"], { env: { WEFT_HOME: home, TZ: tz } });
    assert.match(text.stdout, /^time zone UTC \(warning: TZ=".+" names no time zone weft can use/m);
  }
  // An empty TZ is UTC (as glibc reads it), not ICU's "Etc/Unknown", and no warning.
  const r = await weft(["self-check", "--json"], { env: { WEFT_HOME: home, TZ: "" } });
  const report = JSON.parse(r.stdout);
  assert.equal(report.timeZone, "UTC");
  assert.equal(report.timeZoneWarning, null);
});

Deno.test({
  name:
    "self-check as root in another user's fresh home makes nothing there: that user's run starts" +
    (Deno.uid() === 0 ? "" : " (skipped: needs root)"),
  ignore: Deno.uid() !== 0,
  fn: async () => {
    const home = testTempDir("self-check-foreign-");
    Deno.chmodSync(home, 0o777); // a path nobody can reach down to
    const theirs = `${home}/home`;
    Deno.mkdirSync(theirs, { mode: 0o700 });
    Deno.chownSync(theirs, 65534, 65534);
    const r = await weft(["self-check"], { env: { WEFT_HOME: theirs } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual([...Deno.readDirSync(theirs)], [], "nothing made in a home of another user");
  },
});

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

/** One run of a one-task flow in `home`, which must succeed. */
async function runOnce(home: string): Promise<void> {
  const flow = `${testTempDir("self-check-flow-")}/o.yml`;
  Deno.writeTextFileSync(flow, "name: o\ntasks:\n  - id: a\n    command: echo hi\n");
  const run = await weft(["run", "-q", flow], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
}

/**
 * `weft run FLOW` in `home` is refused (exit 2), and `weft self-check` says not ok (exit 1)
 * with the same reason, on one line (the run's lines joined with "; "), text and --json.
 */
async function assertRefusedAlike(home: string, reason: RegExp): Promise<void> {
  const flow = `${testTempDir("self-check-flow-")}/o.yml`;
  Deno.writeTextFileSync(flow, "name: o\ntasks:\n  - id: a\n    command: echo hi\n");
  const run = await weft(["run", "-q", flow], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, reason);
  const said = run.stderr.trim().replace(/\s*\n\s*/g, "; ");
  const json = await weft(["self-check", "--json"], { env: { WEFT_HOME: home } });
  assert.equal(json.code, 1, json.stderr);
  const report = JSON.parse(json.stdout);
  assert.deepEqual(
    [report.store.writable, report.store.readable, report.store.runs, report.ok],
    [true, true, false, false],
  );
  assert.equal(report.store.error, said);
  const text = await weft(["self-check"], { env: { WEFT_HOME: home } });
  assert.equal(text.code, 1, text.stderr);
  assert.ok(text.stdout.includes(`(runs refused: ${said})\n`), text.stdout);
  assert.match(text.stdout, /^not ok: weft cannot work here/m);
}

Deno.test("self-check: a config.json over 1 MiB, which refuses every run, is said as weft run says it, exit 1", async () => {
  const home = testTempDir("self-check-config-");
  Deno.writeTextFileSync(`${home}/config.json`, " ".repeat(2_000_000));
  await assertRefusedAlike(home, /config\.json: is larger than 1 MiB/);
});

Deno.test({
  name: "self-check: a disk too full to start a run is said as weft run says it, exit 1" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("1m", async (mnt) => {
      const home = `${mnt}/home`;
      const ok = await weft(["self-check"], { env: { WEFT_HOME: home } });
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      await runOnce(home);
      // Full, and weft.reserve's room taken as well: no run can start here.
      await fillDisk(mnt);
      Deno.removeSync(`${home}/weft.reserve`);
      await fillDisk(`${mnt}/home`);
      await assertRefusedAlike(home, /no space left on the device/);
    }),
});

Deno.test({
  name: "self-check: a fresh home on a disk with too little room is said as weft run says it, " +
    "and the check leaves the disk as it found it" + (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("1m", async (mnt) => {
      // 100 KiB free: room for a new history, not for weft.reserve besides (verifier V2 F3).
      const fill = await fillDisk(mnt);
      Deno.truncateSync(fill, (await Deno.stat(fill)).size - 100 * 1024);
      const home = `${mnt}/fresh`;
      Deno.mkdirSync(home, { mode: 0o700 });
      const r = await weft(["self-check", "--json"], { env: { WEFT_HOME: home } });
      assert.equal(r.code, 1, r.stderr);
      assert.match(JSON.parse(r.stdout).store.error, /weft\.reserve: no room to start a run/);
      assert.deepEqual([...Deno.readDirSync(home)], [], "nothing made by the check");
      // With the room, ok; still nothing made.
      Deno.removeSync(fill);
      const ok = await weft(["self-check"], { env: { WEFT_HOME: home } });
      assert.equal(ok.code, 0, ok.stdout);
      assert.deepEqual([...Deno.readDirSync(home)], [], "nothing made by the check");
    }),
});
