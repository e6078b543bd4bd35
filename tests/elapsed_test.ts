/**
 * Durations against wall-clock steps (src/elapsed.ts, tester15 F6): between times the
 * run clock stamped, the monotonic clock decides; otherwise the wall-clock difference;
 * never negative. Through the real CLI, a run whose wall clock is stepped back (or
 * forward) an hour mid-task records the task's true duration (libfaketime, when
 * installed), and a workflow's `keep_runs: 1` keeps the run just made.
 */
import assert from "node:assert/strict";
import { elapsedMs, stampNow, stampNowIso } from "../src/elapsed.ts";
import { MAIN, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("elapsedMs: stamped times by the monotonic clock, others by the wall, never negative", async () => {
  const start = stampNow();
  await new Promise((r) => setTimeout(r, 30));
  const end = stampNow();
  const ms = elapsedMs(start.toISOString(), end);
  assert.ok(ms >= 25 && ms < 5000, String(ms));
  assert.equal(elapsedMs("2026-01-01T00:00:01.000Z", "2026-01-01T00:00:03.500Z"), 2500);
  assert.equal(elapsedMs("2026-01-01T00:00:03.000Z", new Date("2026-01-01T00:00:01Z")), 0);
  assert.equal(elapsedMs("not a time", end), 0);
});

Deno.test("stampNowIso: the clock as ISO text, one string per millisecond, stamped as stampNow's", async () => {
  // Readings within one millisecond are the very same string (formatted once).
  const readings: string[] = [];
  const until = Date.now() + 3;
  while (Date.now() < until) readings.push(stampNowIso());
  for (let i = 1; i < readings.length; i++) {
    if (readings[i] === readings[i - 1]) continue;
    assert.ok(readings[i] > readings[i - 1], `${readings[i - 1]} then ${readings[i]}`);
  }
  assert.ok(new Set(readings).size <= 4 && readings.length > new Set(readings).size);
  for (const text of readings) assert.equal(new Date(text).toISOString(), text);
  // As stampNow's readings, these are measured on the monotonic clock.
  const start = stampNowIso();
  await new Promise((r) => setTimeout(r, 30));
  const ms = elapsedMs(start, stampNow());
  assert.ok(ms >= 25 && ms < 5000, String(ms));
  assert.equal(stampNow().getTime() >= Date.parse(start), true);
});

const FAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
const HAS_FAKETIME = (() => {
  try {
    return Deno.statSync(FAKETIME).isFile;
  } catch {
    return false;
  }
})();

Deno.test({
  name: `a wall-clock step mid-run: true durations, never negative${
    HAS_FAKETIME ? "" : " (skipped: libfaketime not installed)"
  }`,
  ignore: !HAS_FAKETIME,
  fn: async () => {
    for (const step of ["-1h", "+1h"]) {
      const dir = testTempDir("clock-");
      const flow = `${dir}/clk.yml`;
      const marker = `${dir}/started`;
      Deno.writeTextFileSync(
        flow,
        `name: clk\ntasks:\n  - id: a\n    command: touch ${marker}; sleep 2\n`,
      );
      const stamp = `${dir}/faketime`;
      Deno.writeTextFileSync(stamp, "+0\n");
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MAIN, "run", flow, "-q"],
        env: {
          WEFT_HOME: `${dir}/home`,
          LD_PRELOAD: FAKETIME,
          FAKETIME_TIMESTAMP_FILE: stamp,
          FAKETIME_NO_CACHE: "1",
          FAKETIME_DONT_FAKE_MONOTONIC: "1",
        },
        stdout: "null",
        stderr: "piped",
      }).spawn();
      while (!(await Deno.stat(marker).then(() => true, () => false))) {
        await new Promise((r) => setTimeout(r, 50));
      }
      Deno.writeTextFileSync(stamp, `${step}\n`);
      const status = await child.output();
      assert.equal(status.code, 0, new TextDecoder().decode(status.stderr));
      const shown = await weft(["status", "--json"], { env: { WEFT_HOME: `${dir}/home` } });
      const report = JSON.parse(shown.stdout) as {
        durationMs: number;
        tasks: { durationMs: number }[];
      };
      for (const ms of [report.durationMs, report.tasks[0].durationMs]) {
        assert.ok(ms >= 1500 && ms < 60_000, `${step}: ${ms}`);
      }
    }
  },
});

Deno.test({
  name: `keep_runs: 1 after the clock went back keeps the run just made${
    HAS_FAKETIME ? "" : " (skipped: libfaketime not installed)"
  }`,
  ignore: !HAS_FAKETIME,
  fn: async () => {
    const dir = testTempDir("clock-");
    const flow = `${dir}/ret.yml`;
    Deno.writeTextFileSync(
      flow,
      "name: ret\nretention: {keep_runs: 1}\ntasks:\n  - id: a\n    command: echo run\n",
    );
    const env = { WEFT_HOME: `${dir}/home` };
    assert.equal((await weft(["run", flow, "-q"], { env })).code, 0);
    const back = await weft(["run", flow, "--json"], {
      env: { ...env, LD_PRELOAD: FAKETIME, FAKETIME: "-1h", FAKETIME_DONT_FAKE_MONOTONIC: "1" },
    });
    assert.equal(back.code, 0, back.stderr);
    const made = JSON.parse(back.stdout).id as string;
    const listed = await weft(["history", "-q"], { env });
    assert.equal(listed.stdout, `${made}\n`);
  },
});
