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
