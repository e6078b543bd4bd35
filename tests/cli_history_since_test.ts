/**
 * `--since DATE` of `weft history` and `weft metrics` through the real CLI
 * (cli/history_shared.ts parseSince): a date alone is local midnight, in the zone the
 * times are shown in, whatever the zone's distance from UTC.
 */
import assert from "node:assert/strict";
import { historyJson, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { parseSince } from "../src/cli/history_shared.ts";

const OK = new URL("./fixtures/io_full/ok.yml", import.meta.url).pathname;

/** `YYYY-MM-DD` of `time` in `zone`, `days` later. */
function dayIn(time: Date, zone: string, days = 0): string {
  const later = new Date(time.getTime() + days * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(later);
}

Deno.test("cli history --since DATE: the local day a run is shown in includes it, in zones east and west of UTC", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", OK, "-q"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  const [record] = await historyJson<{ id: string; startedAt: string }>(home);
  const started = new Date(record.startedAt);
  for (const zone of ["Pacific/Kiritimati", "America/Los_Angeles", "UTC", "Asia/Kolkata"]) {
    const env = { WEFT_HOME: home, TZ: zone };
    const today = dayIn(started, zone);
    const listed = await weft(["history", "--since", today, "-q"], { env });
    assert.equal(listed.stdout.trim(), record.id, `${zone} --since ${today}: ${listed.stderr}`);
    const tomorrow = dayIn(started, zone, 1);
    const none = await weft(["history", "--since", tomorrow, "-q"], { env });
    assert.equal(none.stdout.trim(), "", `${zone} --since ${tomorrow}`);
    const metrics = await weft(["metrics", "--since", today], { env });
    assert.match(metrics.stdout, new RegExp(`since ${today} 00:00:00\\): 1 finished run`));
  }
});

Deno.test("parseSince: a date alone is local midnight; an impossible date is refused; durations as before", () => {
  const since = parseSince("2026-11-01");
  assert.deepEqual(
    [since.getFullYear(), since.getMonth(), since.getDate(), since.getHours(), since.getMinutes()],
    [2026, 10, 1, 0, 0],
  );
  assert.equal(parseSince("2026-11-01T08:00:00Z").toISOString(), "2026-11-01T08:00:00.000Z");
  assert.throws(() => parseSince("2026-02-31"), /expected a duration or a date/);
  const now = new Date("2026-01-02T00:00:00Z");
  assert.equal(parseSince("24h", now).toISOString(), "2026-01-01T00:00:00.000Z");
});

Deno.test("parseSince: a date-time is ISO 8601 naming a day and time that exist; nothing else is read loosely", () => {
  assert.equal(
    parseSince("2026-11-01T08:00:30.250+02:00").toISOString(),
    "2026-11-01T06:00:30.250Z",
  );
  const local = parseSince("2026-11-01T08:00");
  assert.deepEqual([local.getDate(), local.getHours()], [1, 8]);
  // Date.parse read the first as June 12 and rolled the second into May.
  for (
    const text of [
      "2026-12-05 junk",
      "2026-04-31T10:00Z",
      "2026-11-01T24:00Z",
      "2026-11-01T08:60",
      "2026-11-01T08:00:60Z",
    ]
  ) {
    assert.throws(() => parseSince(text), /expected a duration or a date/, text);
  }
});

Deno.test("cli history and metrics --since a duration past the date range: refused in words, exit 2", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", OK, "-q"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  for (const verb of [["history", "--json"], ["metrics"], ["metrics", "--json"]]) {
    const r = await weft([...verb, "--since", "101000000d"], { env: { WEFT_HOME: home } });
    assert.equal(r.code, 2, `${verb}: ${r.stderr}`);
    assert.equal(r.stdout, "", verb.join(" "));
    assert.match(r.stderr, /--since "101000000d" is longer than weft counts: at most 50000000d/);
    assert.doesNotMatch(r.stderr, /internal error|Invalid time value/);
  }
  // The longest it takes still reads every run.
  const all = await weft(["history", "--since", "50000000d", "-q"], { env: { WEFT_HOME: home } });
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stdout.trim().split("\n").length, 1);
});

Deno.test("weft validate: a duration past the date range (an alert's window) is refused where it is written", async () => {
  const file = new URL("./fixtures/durations/alert_window_too_long.yml", import.meta.url).pathname;
  const r = await weft(["validate", file]);
  assert.equal(r.code, 2, r.stderr + r.stdout);
  assert.match(
    r.stdout + r.stderr,
    /:6:13: .*duration "101000000d" is longer than weft counts: at most 50000000d/,
  );
  assert.match(r.stdout + r.stderr, /hint: write a shorter one/);
});
