/** Zone names as tzdata spells them (src/model/zone_name.ts; tester16 F6). */
import assert from "node:assert/strict";
import { isoAtOffset, zoneAsSpelled, zoneNameProblem } from "../src/model/zone_name.ts";

Deno.test("zoneNameProblem: exact IANA names and links pass; case slips get the right spelling", () => {
  for (
    const good of [
      "America/New_York",
      "US/Eastern",
      "UTC",
      "Etc/UTC",
      "Etc/GMT-5",
      "Asia/Calcutta",
      "EST5EDT",
    ]
  ) {
    assert.equal(zoneNameProblem(good), undefined, good);
  }
  const cases = {
    "america/new_york": "America/New_York",
    "us/eastern": "US/Eastern",
    "utc": "UTC",
    "etc/gmt-5": "Etc/GMT-5",
  };
  for (const [typed, right] of Object.entries(cases)) {
    const p = zoneNameProblem(typed)!;
    assert.match(p.message, /zone names are case-sensitive/, typed);
    assert.match(p.hint, new RegExp(`did you mean "${right}"`));
  }
  assert.match(zoneNameProblem("Europe/Berlinn")!.message, /unknown time zone "Europe\/Berlinn"$/);
  assert.match(zoneNameProblem("+05:00")!.hint, /Etc\/GMT-5 is a fixed UTC\+5/);
});

Deno.test("zoneAsSpelled: a case slip of a zone's name becomes tzdata's spelling; anything else stays", () => {
  assert.equal(zoneAsSpelled("america/new_york"), "America/New_York");
  assert.equal(zoneAsSpelled("us/eastern"), "US/Eastern");
  assert.equal(zoneAsSpelled("utc"), "UTC");
  for (const same of ["America/New_York", "Europe/Berlinn", "+05:00", ""]) {
    assert.equal(zoneAsSpelled(same), same, same);
  }
  assert.equal(zoneAsSpelled(null), null);
});

Deno.test("isoAtOffset: whole seconds, the offset always written, minutes included", () => {
  const t = Date.UTC(2026, 2, 29, 1, 0, 0, 999);
  assert.equal(isoAtOffset(t, 120), "2026-03-29T03:00:00+02:00");
  assert.equal(isoAtOffset(t, 0), "2026-03-29T01:00:00+00:00");
  assert.equal(isoAtOffset(t, -(9 * 60 + 30)), "2026-03-28T15:30:00-09:30");
  assert.equal(isoAtOffset(t, 5 * 60 + 45), "2026-03-29T06:45:00+05:45");
});
