/**
 * Several runs in flight in one home on a full disk (store/run_reserve.ts): each holds a
 * space reserve of its own, so the first run stopped by the fault, which spends its
 * reserve on its final record, leaves the others theirs, and every run is recorded
 * `failed` with the reason, never later found `interrupted` — two `weft run`s side by
 * side, and two runs at once in one `weft daemon`. A held reserve is named for its weft,
 * and one a weft killed with -9 left is removed by the next weft that opens the history
 * for writing, never a live weft's nor a file weft did not make. The full-disk tests need
 * a tmpfs (root); skipped, saying so, elsewhere.
 */
import assert from "node:assert/strict";
import { freePort, startDaemon, writeFlow } from "./_daemon.ts";
import { startRecordingServer } from "./_loopback_server.ts";
import { HELD_RESERVE } from "./_reserves.ts";
import { historyJson, startWeft, waitForFile, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { fillDisk, MOUNTABLE, NEEDS_MOUNT, withTmpfs } from "./_tmpfs.ts";

const GREEDY = new URL("./fixtures/full_disk_runs/greedy.yml", import.meta.url).pathname;
const QUICK = new URL("./fixtures/full_disk_runs/quick.yml", import.meta.url).pathname;
const GATED = new URL("./fixtures/full_disk_runs/gated.yml", import.meta.url).pathname;

/** The names of the space reserves in `home`: the idle one and those runs hold. */
function reserves(home: string): string[] {
  return [...Deno.readDirSync(home)].map((e) => e.name).filter((n) => n.startsWith("weft.reserve"))
    .sort();
}

/** Each run in `home` as [workflow, status, error] (`weft status --json`). */
async function outcomes(home: string): Promise<string[][]> {
  const rows: string[][] = [];
  for (const { id } of await historyJson(home)) {
    const shown = await weft(["status", id, "--json"], { env: { WEFT_HOME: home } });
    assert.equal(shown.code, 0, shown.stderr);
    const run = JSON.parse(shown.stdout);
    rows.push([run.workflow, run.status, run.error ?? ""]);
  }
  return rows.sort();
}

/** Both runs recorded `failed` for the full disk: none left to be found `interrupted`. */
function assertBothFailed(rows: string[][]): void {
  assert.deepEqual(rows.map(([workflow, status]) => [workflow, status]), [
    ["greedy", "failed"],
    ["quick", "failed"],
  ]);
  for (const [, , error] of rows) assert.match(error, /no space left on the device/);
}

/**
 * The two runs' steps (fixtures/full_disk_runs): once both are in flight, the disk is
 * filled; the greedy run meets it and is stopped, its task going on; then the quick run
 * meets it and ends, spending its reserve on its final record (`quickEnded` resolves once
 * that end is recorded); then the greedy task takes every byte left on the disk, so that
 * its own run's end finds room only in a reserve of its own.
 */
async function fillBetweenRuns(mnt: string, gate: string, quickEnded: () => Promise<unknown>) {
  await waitForFile(`${gate}/ready-greedy`);
  await waitForFile(`${gate}/ready-quick`);
  await fillDisk(mnt);
  await Deno.writeTextFile(`${gate}/go-greedy`, "");
  await waitForFile(`${gate}/stopped-greedy`);
  await Deno.writeTextFile(`${gate}/go-quick`, "");
  await quickEnded();
  await Deno.writeTextFile(`${gate}/fill`, "");
}

Deno.test({
  name: "full disk, two weft runs on one home: each run's end is recorded with its own reserve" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("2m", async (mnt) => {
      const gate = testTempDir("gate-");
      const home = `${mnt}/home`;
      const env = { WEFT_HOME: home, GATE_DIR: gate, SPILL: `${mnt}/spill` };
      const greedy = startWeft(["run", GREEDY], env);
      const quick = startWeft(["run", QUICK], env);
      let quickRun: { code: number; stderr: string } | undefined;
      await fillBetweenRuns(mnt, gate, async () => quickRun = await quick.finish());
      for (const r of [quickRun!, await greedy.finish()]) {
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /no space left on the device/);
        assert.doesNotMatch(r.stderr, /internal error|Uncaught/);
      }
      assertBothFailed(await outcomes(home));
    }),
});

Deno.test({
  name: "full disk, two runs at once in one daemon: each run's end is recorded failed" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("2m", async (mnt) => {
      const gate = testTempDir("gate-");
      const home = `${mnt}/home`;
      const dir = testTempDir("daemon-runs-");
      // The quick run's notification is answered once the greedy run ended: until its
      // notifications are done, the daemon does not restart the history's write-ahead log
      // (store/kv_checkpoint.ts), whose room would otherwise take the greedy run's end.
      const answer = Promise.withResolvers<void>();
      const server = startRecordingServer(() => null, async () => {
        await answer.promise;
        return new Response("ok");
      });
      const notify =
        `notifications: {channels: [webhook], webhook: {url: "http://127.0.0.1:${server.port}/n"}}\n`;
      for (const [name, file] of [["quick", QUICK], ["greedy", GREEDY]]) {
        const hook = `trigger: {type: webhook, config: {webhook: /${name}}}\n`;
        const text = (name === "quick" ? notify : "") + hook + Deno.readTextFileSync(file);
        writeFlow(dir, `${name}.yml`, text);
      }
      const port = freePort();
      const daemon = startDaemon(["--dir", dir, "--listen", `127.0.0.1:${port}`], {
        home,
        env: { GATE_DIR: gate, SPILL: `${mnt}/spill` },
      });
      try {
        await daemon.waitFor(/daemon started/);
        const ids: Record<string, string> = {};
        for (const name of ["greedy", "quick"]) {
          const res = await fetch(`http://127.0.0.1:${port}/${name}`, {
            method: "POST",
            body: "{}",
          });
          assert.equal(res.status, 202);
          ids[name] = (await res.json()).run_id;
        }
        const ended = (name: string) => daemon.waitFor(new RegExp(`run ${ids[name]} ended`));
        await fillBetweenRuns(mnt, gate, () => ended("quick"));
        for (const name of ["quick", "greedy"]) {
          // Stopped by the fault, or ended just before it was told: failed either way.
          assert.match(await ended(name), /ended failed\b.*no space left on the device/);
        }
        assert.equal(server.seen.length, 1, "the quick run's notification was still going");
      } finally {
        answer.resolve();
        assert.equal(await daemon.stop(), 0);
        await server.close();
      }
      // Read while the disk is still full and the daemon gone: a run whose end was not
      // recorded would read `interrupted` now.
      assertBothFailed(await outcomes(home));
    }),
});

Deno.test("a weft killed with -9 leaves its reserve to the next weft to remove; a live one's stays", async () => {
  const gate = testTempDir("gate-");
  const home = testTempDir("home-");
  const env = (name: string) => ({ WEFT_HOME: home, GATE_DIR: gate, NAME: name });
  const live = startWeft(["run", GATED], env("live"));
  await waitForFile(`${gate}/ready-live`);
  const [held] = reserves(home);
  const killed = startWeft(["run", GATED], env("killed"));
  await waitForFile(`${gate}/ready-killed`);
  const dead = reserves(home).find((n) => n !== held)!;
  assert.match(dead, HELD_RESERVE);
  killed.child.kill("SIGKILL");
  assert.equal((await killed.finish()).code, 137);
  // Files weft did not make, though named like its own: another machine's reserve, a link.
  const where = dead.split("-")[2];
  const foreign = dead.replace(`-${where}-`, "-00000000-");
  Deno.writeTextFileSync(`${home}/${foreign}`, "another machine's\n");
  const link = dead.replace(/-\d+$/, "-99");
  Deno.symlinkSync(`${home}/${foreign}`, `${home}/${link}`);
  Deno.writeTextFileSync(`${home}/weft.reserve.notes`, "mine\n");

  // The next run opens the history for writing: the dead weft's reserve goes, nothing else.
  await Deno.writeTextFile(`${gate}/go-next`, "");
  const next = await weft(["run", "-q", GATED], { env: env("next") });
  assert.equal(next.code, 0, next.stderr);
  assert.deepEqual(
    reserves(home),
    [foreign, link, held, "weft.reserve", "weft.reserve.notes"].sort(),
  );

  // The live run ends: its reserve is the home's idle one again, for the next run.
  await Deno.writeTextFile(`${gate}/go-live`, "");
  assert.equal((await live.finish()).code, 0);
  assert.deepEqual(reserves(home), [foreign, link, "weft.reserve", "weft.reserve.notes"].sort());
  assert.equal(Deno.readTextFileSync(`${home}/weft.reserve.notes`), "mine\n");
  assert.equal(Deno.statSync(`${home}/weft.reserve`).size, 128 * 1024);
});
