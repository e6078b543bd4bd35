/** Long windows of fires (src/schedule/cron_spans.ts) against firesBetween as the oracle. */
import assert from "node:assert/strict";
import { firesBetween } from "../src/schedule/cron.ts";
import { countFires, iterateFires } from "../src/schedule/cron_spans.ts";

Deno.test("iterateFires and countFires agree with firesBetween across DST changes, month ends and L", () => {
  const cases: Array<[string, string | null, string, string]> = [
    ["* * * * * *", "Europe/Berlin", "2026-03-27T20:00:03.5Z", "2026-03-30T01:00:00Z"],
    ["* * * * * *", "Europe/Berlin", "2026-10-23T20:00:03.5Z", "2026-10-26T01:00:07Z"],
    ["*/7 * * * *", "America/New_York", "2026-03-01T10:00:03.5Z", "2026-12-02T01:00:00Z"],
    ["30 2 * * *", "America/New_York", "2026-01-01T00:00:00Z", "2027-12-02T01:00:00Z"],
    ["0 0 L * *", "Asia/Kolkata", "2026-01-01T00:00:00Z", "2029-12-02T01:00:00Z"],
    ["15 1 * * MON-FRI", "UTC", "2026-01-01T00:00:00Z", "2027-12-02T01:00:00Z"],
    ["0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", "2033-01-01T00:00:00Z"],
  ];
  for (const [cron, tz, a, b] of cases) {
    const spec = { cron, tz };
    const [from, to] = [new Date(a), new Date(b)];
    const exact = firesBetween(spec, from, to).map((d) => d.getTime());
    const lazy = [...iterateFires(spec, from, to)].map((d) => d.getTime());
    assert.deepEqual(lazy, exact, `${cron} ${tz}`);
    assert.equal(countFires(spec, from, to), exact.length, `${cron} ${tz}`);
  }
  // A year of seconds in real time (an interval job keeps it across both DST changes).
  const year = { cron: "* * * * * *", tz: "Europe/Berlin" };
  assert.equal(
    countFires(year, new Date("2025-12-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z")),
    365 * 86_400,
  );
});
