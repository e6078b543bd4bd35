/**
 * src/store/stray_work_dirs.ts through the real CLI: any command that opens the history
 * removes the work folders of wefts proven dead (their name's owner: pid, start time, kernel
 * and PID namespace, work_dir_owner.ts), and nothing else: not a live weft's, not one of
 * another kernel or namespace, not an unmarked one, not what a link points to.
 * @module
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { readProcStat } from "../src/proc.ts";
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
  const tmp = testTempDir("tmp-");
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

    const shown = await weft(["history"], { env: { TMPDIR: tmp } });
    assert.equal(shown.code, 0, shown.stderr);
    for (const path of removed) assert.throws(() => Deno.lstatSync(path), Deno.errors.NotFound);
    for (const path of kept) assert.ok(Deno.statSync(`${path}/1.out`).isFile, `${path} kept`);
    assert.ok(Deno.statSync(`${target}/1.out`).isFile, "the link's target is kept");
  } finally {
    live.child.kill("SIGKILL");
    await live.child.status;
  }
});
