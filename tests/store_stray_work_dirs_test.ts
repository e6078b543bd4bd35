/**
 * src/store/stray_work_dirs.ts through the real CLI: any command that opens the history
 * removes the work folders of wefts proven dead (their name's owner: pid, start time, kernel
 * and PID namespace, work_dir_owner.ts), and nothing else: not a live weft's, not one of
 * another kernel or namespace, not an unmarked one, not what a link points to. It lists only
 * this user's parent folder of each place (`<place>/weft-<uid>`), so what it reads does not
 * grow with the place (verifier V4 F1); the place itself only where that parent is unsafe
 * (where this user's wefts put their folders straight in the place).
 * @module
 */
import assert from "node:assert/strict";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { workParent } from "./_work_dirs.ts";
import { readProcStat } from "../src/proc.ts";
import { removeStrayWorkDirs } from "../src/store/stray_work_dirs.ts";
import { ownerWhere, workDirPrefix } from "../src/work_dir_owner.ts";

/** Starts `sleep 300`; its pid and start ticks. */
function sleeper() {
  const child = new Deno.Command("sleep", { args: ["300"] }).spawn();
  const stat = readProcStat(child.pid);
  assert.ok(stat && stat !== "absent", "the sleeper's /proc entry is read");
  return { child, pid: child.pid, ticks: stat.startTicks };
}

/** Makes folder `name` in `dir` with a file in it; returns its path. */
function folder(dir: string, name: string): string {
  Deno.mkdirSync(`${dir}/${name}`, { mode: 0o700 });
  Deno.writeTextFileSync(`${dir}/${name}/1.out`, "k=v\n");
  return `${dir}/${name}`;
}

Deno.test("weft history removes the work folders of dead wefts, and only those", async () => {
  const where = ownerWhere();
  if (where === null) return; // no /proc: folders carry no owner (work_dir_owner.ts)
  const place = testTempDir("tmp-");
  const tmp = workParent(place);
  Deno.mkdirSync(tmp, { mode: 0o700 });
  const dead = sleeper();
  dead.child.kill("SIGKILL");
  await dead.child.status;
  const live = sleeper();
  try {
    const removed = [
      folder(tmp, `${workDirPrefix(dead.pid, dead.ticks, where)}a1b2c3`),
      // The live pid, started at another time: a pid reused since its weft died.
      folder(tmp, `${workDirPrefix(live.pid, live.ticks + 1, where)}d4e5f6`),
    ];
    const otherWhere = where === "ffffffff" ? "00000000" : "ffffffff";
    const kept = [
      folder(tmp, `${workDirPrefix(live.pid, live.ticks, where)}0a0b0c`),
      folder(tmp, `${workDirPrefix(dead.pid, dead.ticks, otherWhere)}1a1b1c`),
      folder(tmp, "weft-run-4dc80443d671bb35"),
    ];
    // A link named as a dead weft's folder: never followed.
    const target = folder(testTempDir("target-"), "inside");
    Deno.symlinkSync(target, `${tmp}/${workDirPrefix(dead.pid, dead.ticks, where)}2a2b2c`);

    // A dead weft's folder straight in the place, beside a usable parent: not looked for.
    kept.push(folder(place, `${workDirPrefix(dead.pid, dead.ticks, where)}3a3b3c`));

    const shown = await weft(["history"], { env: { TMPDIR: place } });
    assert.equal(shown.code, 0, shown.stderr);
    for (const path of removed) assert.throws(() => Deno.lstatSync(path), Deno.errors.NotFound);
    for (const path of kept) assert.ok(Deno.statSync(`${path}/1.out`).isFile, `${path} kept`);
    assert.ok(Deno.statSync(`${target}/1.out`).isFile, "the link's target is kept");
  } finally {
    live.child.kill("SIGKILL");
    await live.child.status;
  }
});

/** `count` files in `dir`: a busy place. */
function fill(dir: string, count: number): void {
  for (let i = 0; i < count; i++) Deno.writeTextFileSync(`${dir}/f${i}`, "");
}

Deno.test("the sweep lists this user's parent folder only, however full the place is", async () => {
  const where = ownerWhere();
  if (where === null) return;
  const dead = sleeper();
  dead.child.kill("SIGKILL");
  await dead.child.status;
  const place = testTempDir("tmp-");
  fill(place, 3000);
  const parent = workParent(place);
  Deno.mkdirSync(parent, { mode: 0o700 });
  const gone = folder(parent, `${workDirPrefix(dead.pid, dead.ticks, where)}a1b2c3`);
  const listed: string[] = [];
  const removed = removeStrayWorkDirs((name) => name === "TMPDIR" ? place : undefined, (dir) => {
    listed.push(dir);
  });
  assert.deepEqual(listed, [parent], "the place itself is never listed");
  assert.deepEqual(removed, [gone]);

  // No parent there (no weft of this user made a folder in that place): nothing is listed.
  const empty = testTempDir("tmp-");
  fill(empty, 100);
  listed.length = 0;
  removeStrayWorkDirs((name) => name === "TMPDIR" ? empty : undefined, (dir) => listed.push(dir));
  assert.deepEqual(listed, []);
});

/** Whether `strace` can trace a process here (not in every container). */
async function canTrace(): Promise<boolean> {
  try {
    const out = await new Deno.Command("strace", { args: ["-qq", "-o", "/dev/null", "true"] })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "weft status reads nothing of a full TMPDIR but its own folder (strace)",
  ignore: !(await canTrace()),
  async fn() {
    const place = testTempDir("tmp-");
    fill(place, 3000);
    const home = testTempDir("home-");
    const hello = new URL("./fixtures/stray_work_dirs/hello.yml", import.meta.url).pathname;
    const ran = await weft(["run", hello, "-q"], { env: { WEFT_HOME: home, TMPDIR: place } });
    assert.equal(ran.code, 0, ran.stderr);
    const trace = `${testTempDir("trace-")}/out`;
    const out = await new Deno.Command("strace", {
      args: [
        "-f",
        "-qq",
        "-e",
        "trace=openat,open",
        "-o",
        trace,
        Deno.execPath(),
        ...weftArgs(["status"]),
      ],
      env: weftEnv({ WEFT_HOME: home, TMPDIR: place }),
      clearEnv: true,
      stdout: "null",
      stderr: "piped",
    }).output();
    const opened = Deno.readTextFileSync(trace).split("\n").filter((l) =>
      l.includes("O_DIRECTORY")
    );
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.ok(opened.some((l) => l.includes(`"${workParent(place)}"`)), "its own folder is read");
    assert.deepEqual(opened.filter((l) => l.includes(`"${place}"`)), [], "the place is not listed");
  },
});

Deno.test("an unsafe parent is not followed: the sweep looks in the place, where the runs go", async () => {
  const where = ownerWhere();
  if (where === null) return;
  const dead = sleeper();
  dead.child.kill("SIGKILL");
  await dead.child.status;
  const name = `${workDirPrefix(dead.pid, dead.ticks, where)}a1b2c3`;
  const target = testTempDir("target-");
  const inTarget = folder(target, name);
  const place = testTempDir("tmp-");
  Deno.symlinkSync(target, workParent(place));
  const flat = folder(place, name);

  const shown = await weft(["history"], { env: { TMPDIR: place } });
  assert.equal(shown.code, 0, shown.stderr);
  assert.throws(
    () => Deno.lstatSync(flat),
    Deno.errors.NotFound,
    "the dead weft's folder is removed",
  );
  assert.ok(Deno.statSync(`${inTarget}/1.out`).isFile, "nothing removed through the link");
  assert.ok(Deno.lstatSync(workParent(place)).isSymlink, "the link is left as it is");
});
