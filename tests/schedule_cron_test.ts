/**
 * Cron in time zones (src/schedule/cron.ts, zone.ts): DST in Europe/Berlin and
 * America/New_York as cronie does it, month ends, leap days, steps, L, #, names,
 * nicknames, seconds, and errors that name the bad field.
 */
import assert from "node:assert/strict";
import {
  compileCron,
  firesBetween,
  firesBetweenAtMost,
  nextFires,
  previousFire,
} from "../src/schedule/cron.ts";
import { formatZoned, parseZonedTime } from "../src/schedule/zone.ts";
import { WeftError } from "../src/model/errors.ts";

const BERLIN = "Europe/Berlin";
const NY = "America/New_York";

/** The next `n` fires after `after`, as ISO text in the zone. */
function next(cron: string, tz: string, after: string, n: number): string[] {
  return nextFires({ cron, tz }, new Date(after), n).map((t) => formatZoned(t, tz));
}

function between(cron: string, tz: string, from: string, to: string): string[] {
  return firesBetween({ cron, tz }, new Date(from), new Date(to)).map((t) => formatZoned(t, tz));
}

Deno.test("Berlin spring forward: a fixed time in the skipped hour fires once right after the gap", () => {
  assert.deepEqual(next("30 2 * * *", BERLIN, "2026-03-28T12:00:00Z", 3), [
    "2026-03-29T03:00:00+02:00",
    "2026-03-30T02:30:00+02:00",
    "2026-03-31T02:30:00+02:00",
  ]);
  // Two skipped times of one job still fire once.
  assert.deepEqual(
    between("0,30 2 * * *", BERLIN, "2026-03-29T00:00:00Z", "2026-03-29T06:00:00Z"),
    [
      "2026-03-29T03:00:00+02:00",
    ],
  );
  // A list of hours is fixed-time for cronie (croner would call it an interval job).
  assert.deepEqual(
    between("30 2,14 * * *", BERLIN, "2026-03-29T00:00:00Z", "2026-03-29T23:00:00Z"),
    [
      "2026-03-29T03:00:00+02:00",
      "2026-03-29T14:30:00+02:00",
    ],
  );
});

Deno.test("Berlin spring forward: an interval job skips the times that do not exist", () => {
  assert.deepEqual(
    between("*/30 * * * *", BERLIN, "2026-03-29T00:10:00Z", "2026-03-29T02:00:00Z"),
    [
      "2026-03-29T01:30:00+01:00",
      "2026-03-29T03:00:00+02:00",
      "2026-03-29T03:30:00+02:00",
      "2026-03-29T04:00:00+02:00",
    ],
  );
  // Every minute: 60 fewer fires on the short day.
  const day = firesBetween(
    { cron: "* * * * *", tz: BERLIN },
    new Date("2026-03-28T23:00:00Z"),
    new Date("2026-03-29T22:00:00Z"),
  );
  assert.equal(day.length, 23 * 60);
});

Deno.test("Berlin fall back: a fixed time in the repeated hour fires once, the first time", () => {
  assert.deepEqual(next("30 2 * * *", BERLIN, "2026-10-24T12:00:00Z", 2), [
    "2026-10-25T02:30:00+02:00",
    "2026-10-26T02:30:00+01:00",
  ]);
  // An interval job fires on both passes, every 30 minutes of real time.
  assert.deepEqual(next("*/30 * * * *", BERLIN, "2026-10-24T23:40:00Z", 5), [
    "2026-10-25T02:00:00+02:00",
    "2026-10-25T02:30:00+02:00",
    "2026-10-25T02:00:00+01:00",
    "2026-10-25T02:30:00+01:00",
    "2026-10-25T03:00:00+01:00",
  ]);
  const day = firesBetween(
    { cron: "0 * * * *", tz: BERLIN },
    new Date("2026-10-24T22:00:00Z"),
    new Date("2026-10-25T23:00:00Z"),
  );
  assert.equal(day.length, 25, "@hourly on the 25-hour day");
});

Deno.test("New York: spring gap 02:00-03:00 and fall repeat 01:00-02:00", () => {
  assert.deepEqual(next("30 2 * * *", NY, "2026-03-07T12:00:00Z", 2), [
    "2026-03-08T03:00:00-04:00",
    "2026-03-09T02:30:00-04:00",
  ]);
  assert.deepEqual(next("30 1 * * *", NY, "2026-11-01T00:00:00Z", 2), [
    "2026-11-01T01:30:00-04:00",
    "2026-11-02T01:30:00-05:00",
  ]);
  assert.deepEqual(between("15 1 * * *", NY, "2026-11-01T04:00:00Z", "2026-11-01T08:00:00Z"), [
    "2026-11-01T01:15:00-04:00",
  ]);
  assert.deepEqual(between("*/20 1 * * *", NY, "2026-11-01T04:00:00Z", "2026-11-01T08:00:00Z"), [
    "2026-11-01T01:00:00-04:00",
    "2026-11-01T01:20:00-04:00",
    "2026-11-01T01:40:00-04:00",
    "2026-11-01T01:00:00-05:00",
    "2026-11-01T01:20:00-05:00",
    "2026-11-01T01:40:00-05:00",
  ]);
});

Deno.test("month ends, L, the 31st and leap days", () => {
  assert.deepEqual(next("0 12 L * *", BERLIN, "2027-12-31T12:00:00Z", 3), [
    "2028-01-31T12:00:00+01:00",
    "2028-02-29T12:00:00+01:00",
    "2028-03-31T12:00:00+02:00",
  ]);
  assert.deepEqual(next("0 0 31 * *", "UTC", "2026-01-31T00:00:00Z", 3), [
    "2026-03-31T00:00:00+00:00",
    "2026-05-31T00:00:00+00:00",
    "2026-07-31T00:00:00+00:00",
  ]);
  assert.deepEqual(next("0 6 29 2 *", NY, "2026-01-01T00:00:00Z", 2), [
    "2028-02-29T06:00:00-05:00",
    "2032-02-29T06:00:00-05:00",
  ]);
  // The last Friday, the first Monday (#), and day-of-month OR weekday.
  assert.deepEqual(next("0 9 * * FRI#L", BERLIN, "2026-01-01T00:00:00Z", 2), [
    "2026-01-30T09:00:00+01:00",
    "2026-02-27T09:00:00+01:00",
  ]);
  assert.deepEqual(next("0 9 * * MON#1", BERLIN, "2026-01-01T00:00:00Z", 2), [
    "2026-01-05T09:00:00+01:00",
    "2026-02-02T09:00:00+01:00",
  ]);
  assert.deepEqual(next("0 0 13 * FRI", "UTC", "2026-02-01T00:00:00Z", 3), [
    "2026-02-06T00:00:00+00:00",
    "2026-02-13T00:00:00+00:00",
    "2026-02-20T00:00:00+00:00",
  ]);
});

Deno.test("steps, names, nicknames and a seconds field", () => {
  assert.deepEqual(next("*/5 * * * *", "UTC", "2026-06-01T10:58:30Z", 3), [
    "2026-06-01T11:00:00+00:00",
    "2026-06-01T11:05:00+00:00",
    "2026-06-01T11:10:00+00:00",
  ]);
  assert.deepEqual(next("0 9 * JAN,JUL MON-FRI", BERLIN, "2026-07-30T12:00:00Z", 2), [
    "2026-07-31T09:00:00+02:00",
    "2027-01-01T09:00:00+01:00",
  ]);
  assert.deepEqual(next("@daily", NY, "2026-06-01T12:00:00Z", 1), ["2026-06-02T00:00:00-04:00"]);
  assert.deepEqual(next("@weekly", "UTC", "2026-06-01T12:00:00Z", 1), [
    "2026-06-07T00:00:00+00:00",
  ]);
  assert.deepEqual(next("*/20 * * * * *", "UTC", "2026-06-01T12:00:05Z", 3), [
    "2026-06-01T12:00:20+00:00",
    "2026-06-01T12:00:40+00:00",
    "2026-06-01T12:01:00+00:00",
  ]);
  assert.equal(compileCron({ cron: "@hourly", tz: "UTC" }).fixed, false);
  assert.equal(compileCron({ cron: "@daily", tz: "UTC" }).fixed, true);
  assert.equal(compileCron({ cron: "0-59/5 2 * * *", tz: "UTC" }).fixed, true);
});

Deno.test("window edges: (from, to], and nextFires agrees with firesBetween", () => {
  const spec = { cron: "0 * * * *", tz: BERLIN };
  const fires = firesBetween(
    spec,
    new Date("2026-06-01T10:00:00Z"),
    new Date("2026-06-01T12:00:00Z"),
  );
  assert.deepEqual(fires.map((d) => d.toISOString()), [
    "2026-06-01T11:00:00.000Z",
    "2026-06-01T12:00:00.000Z",
  ]);
  const start = new Date("2026-10-24T00:00:00Z");
  const chained: number[] = [];
  let at = start;
  for (let i = 0; i < 60; i++) {
    const [t] = nextFires({ cron: "*/30 * * * *", tz: BERLIN }, at, 1);
    chained.push(t.getTime());
    at = t;
  }
  const bulk = firesBetween({ cron: "*/30 * * * *", tz: BERLIN }, start, at).map((d) =>
    d.getTime()
  );
  assert.deepEqual(bulk, chained);
  assert.equal(
    previousFire(spec, new Date("2026-06-01T12:30:00Z"))?.toISOString(),
    "2026-06-01T12:00:00.000Z",
  );
});

Deno.test("errors name the field, the count, or the zone", () => {
  const message = (cron: string, tz: string | null = "UTC") => {
    try {
      compileCron({ cron, tz });
    } catch (e) {
      assert.ok(e instanceof WeftError);
      return e.problems[0].message;
    }
    assert.fail(`${cron} was accepted`);
  };
  assert.match(message("0 2 * *"), /has 4 fields; use 5/);
  assert.match(message("0 0 0 2 * * *"), /has 7 fields/);
  assert.match(message("0 61 * * *"), /hour value "61" is out of range/);
  assert.match(message("0 0 * FOO *"), /the month field "FOO"/);
  assert.match(message("@fortnightly"), /unknown cron nickname/);
  assert.match(message("0 2 * * *", "Mars/Olympus"), /unknown time zone "Mars\/Olympus"/);
});

Deno.test("window bounds: local times, offsets, dates, a time in a gap", () => {
  assert.equal(parseZonedTime("2026-11-01", BERLIN), Date.parse("2026-10-31T23:00:00Z"));
  assert.equal(parseZonedTime("2026-11-01T02:00", NY), Date.parse("2026-11-01T07:00:00Z"));
  // In the repeated hour: the first occurrence (EDT).
  assert.equal(parseZonedTime("2026-11-01T01:30", NY), Date.parse("2026-11-01T05:30:00Z"));
  assert.equal(parseZonedTime("2026-11-01T02:00+01:00", NY), Date.parse("2026-11-01T01:00:00Z"));
  assert.equal(parseZonedTime("2026-11-01T02:00Z", NY), Date.parse("2026-11-01T02:00:00Z"));
  assert.equal(parseZonedTime("2026-03-29T02:30", BERLIN), Date.parse("2026-03-29T01:00:00Z"));
  assert.equal(parseZonedTime("2026-02-30", BERLIN), undefined);
  assert.equal(parseZonedTime("yesterday", BERLIN), undefined);
  // A time that does not exist is refused, not rolled over into the next minute or day.
  for (const text of ["2026-11-01T24:00Z", "2026-11-01T08:60", "2026-11-01T08:00:60Z"]) {
    assert.equal(parseZonedTime(text, BERLIN), undefined, text);
  }
});

Deno.test("firesBetweenAtMost: the same fires as firesBetween across DST changes; null past the bound", () => {
  const cases: Array<[string, string | null, string, string]> = [
    ["*/15 * * * *", "Europe/Berlin", "2026-03-27T00:00:00Z", "2026-04-02T00:00:00Z"],
    ["30 2 * * *", "Europe/Berlin", "2026-03-01T00:00:00Z", "2026-11-30T00:00:00Z"],
    ["0 * * * *", "America/New_York", "2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z"],
    ["0 0 29 2 *", null, "2000-01-01T00:00:00Z", "2030-01-01T00:00:00Z"],
  ];
  for (const [cron, tz, from, to] of cases) {
    const spec = { cron, tz };
    const all = firesBetween(spec, new Date(from), new Date(to)).map((d) => d.getTime());
    const bounded = firesBetweenAtMost(spec, new Date(from), new Date(to), 100_000);
    assert.deepEqual(bounded?.map((d) => d.getTime()), all, `${cron} ${tz}`);
    assert.equal(firesBetweenAtMost(spec, new Date(from), new Date(to), all.length - 1), null);
  }
  const huge = firesBetweenAtMost(
    { cron: "* * * * * *", tz: null },
    new Date("2000-01-01T00:00:00Z"),
    new Date("2026-11-30T00:00:00Z"),
    10_000,
  );
  assert.equal(huge, null);
});
