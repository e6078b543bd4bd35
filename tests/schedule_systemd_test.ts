/**
 * `weft schedule export --systemd` translation (src/schedule/systemd.ts): systemd's own
 * `systemd-analyze calendar` accepts every OnCalendar= line weft writes, and the next
 * elapse it computes equals weft's next fire, for 24 expressions × 4 zones × 2 base
 * times. CI installs systemd (.ci/run); without systemd-analyze this test fails.
 */
import assert from "node:assert/strict";
import { nextFires } from "../src/schedule/cron.ts";
import { toOnCalendar } from "../src/schedule/systemd.ts";
import { WeftError } from "../src/model/errors.ts";

const EXPRESSIONS = [
  "0 2 * * *",
  "*/5 * * * *",
  "*/15 9-17 * * MON-FRI",
  "0 9 * * MON-FRI",
  "30 4 1,15 * *",
  "0 0 1 * *",
  "0 0 1 1 *",
  "@daily",
  "@hourly",
  "@weekly",
  "@monthly",
  "@yearly",
  "45 23 * * SUN",
  "0 12 * JAN,JUL *",
  "10-50/20 6 * * *",
  "0 0 13 * FRI",
  "30 4 1-7 * WED",
  "0 */6 * * *",
  "5 0 * 8 *",
  "0 22 * * 1-5",
  "*/20 * * * * *",
  "15 30 8 * * 7",
  "0 0 29 2 *",
  "0 0 31 * *",
];
const ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", null];
const BASES = ["2026-06-15T12:34:56Z", "2026-12-01T00:00:00Z"];

/** `systemd-analyze calendar` on many lines at once: each line's next elapse (UTC ms). */
async function systemdNext(lines: string[], base: string): Promise<number[]> {
  const out = await new Deno.Command("systemd-analyze", {
    args: [
      "calendar",
      "--iterations=1",
      `--base-time=${base.replace("T", " ").replace("Z", " UTC")}`,
      ...lines,
    ],
    env: { TZ: "UTC", LC_ALL: "C" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const found = [...text.matchAll(/Next elapse: \w{3} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/g)];
  assert.equal(found.length, lines.length, text);
  return found.map((m) => Date.parse(m[1].replace(" ", "T") + "Z"));
}

Deno.test("systemd-analyze accepts every OnCalendar= line and agrees on the next fire", async () => {
  let checked = 0;
  for (const base of BASES) {
    const cases = EXPRESSIONS.flatMap((cron) =>
      ZONES.map((tz) => ({ cron, tz, lines: toOnCalendar({ cron, tz }) }))
    );
    const elapses = await systemdNext(cases.flatMap((c) => c.lines), base);
    let i = 0;
    for (const c of cases) {
      const theirs = Math.min(...elapses.slice(i, i + c.lines.length));
      i += c.lines.length;
      // systemd-analyze takes whole seconds as the base; weft's first fire after it.
      const [ours] = nextFires({ cron: c.cron, tz: c.tz }, new Date(base), 1);
      assert.equal(
        new Date(theirs).toISOString(),
        ours.toISOString(),
        `${c.cron} ${c.tz} after ${base}: ${c.lines.join(" | ")}`,
      );
      checked++;
    }
  }
  assert.ok(checked >= 20 * 2);
});

Deno.test("day of month OR weekday becomes two OnCalendar= lines", () => {
  assert.deepEqual(toOnCalendar({ cron: "0 0 13 * FRI", tz: "UTC" }), [
    "*-*-13 00:00:00 UTC",
    "Fri *-*-* 00:00:00 UTC",
  ]);
  assert.deepEqual(toOnCalendar({ cron: "*/30 9 * * *", tz: null }), ["*-*-* 09:00,30:00"]);
});

Deno.test("L, #, W and + are refused, saying which and what to do", () => {
  for (
    const [cron, what] of [
      ["0 0 L * *", /L \(last day/],
      ["0 9 * * MON#1", /# \(nth weekday/],
      ["0 9 15W * *", /W \(nearest weekday/],
      ["0 9 1 * +MON", /\+ \(day of month AND weekday/],
    ] as const
  ) {
    assert.throws(() => toOnCalendar({ cron, tz: "UTC" }), (e: unknown) => {
      assert.ok(e instanceof WeftError);
      assert.match(e.message, what);
      assert.match(e.message, /cannot be a systemd timer/);
      assert.match(e.problems[0].hint ?? "", /weft daemon/);
      return true;
    });
  }
});
