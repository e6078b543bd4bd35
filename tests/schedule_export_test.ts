/**
 * `weft schedule export` text (src/schedule/export.ts) with hostile names and values:
 * nothing a name, path or param holds can add a line to a crontab or a unit file, and
 * unit names stay within systemd's limits.
 */
import assert from "node:assert/strict";
import { crontabText, systemdUnits, unitName } from "../src/schedule/export.ts";
import { WeftError } from "../src/model/errors.ts";
import type { Schedule } from "../src/model/schedule.ts";

function schedule(over: Partial<Schedule> = {}): Schedule {
  return {
    name: "nightly",
    file: "/srv/flows/backup.yml",
    cron: "0 2 * * *",
    tz: null,
    catchupMs: 0,
    overlap: "skip",
    params: {},
    paused: false,
    source: "cli",
    createdAt: "2026-12-01T00:00:00.000Z",
    lastFire: null,
    ...over,
  };
}

const WEFT = ["/usr/bin/weft"];

Deno.test("crontab: a line break in a schedule's name stays inside its comment", () => {
  const text = crontabText(
    [schedule({ name: "x\n* * * * * touch /tmp/pwned" })],
    WEFT,
    "/home/u/.weft",
  );
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 3, text);
  assert.equal(lines[1], "# x\\n* * * * * touch /tmp/pwned");
  assert.ok(lines.every((l) => l.startsWith("#") || l.startsWith("0 2 * * * ")), text);
});

Deno.test("crontab: a line break in a param or path is refused, naming the schedule", () => {
  for (
    const s of [
      schedule({ params: { note: "a\n* * * * * touch /tmp/pwned" } }),
      schedule({ file: "/srv/odd\rname.yml" }),
    ]
  ) {
    assert.throws(() => crontabText([s], WEFT, "/h"), (e: unknown) => {
      assert.ok(e instanceof WeftError);
      assert.match(e.message, /schedule nightly .*a line break in .*not exported to crontab/);
      return true;
    });
  }
});

Deno.test("crontab: quotes, spaces and % in a path are quoted for sh and escaped for cron", () => {
  const text = crontabText([schedule({ file: `/srv/b 'q"%x.yml` })], WEFT, "/h");
  assert.ok(text.includes(`'/srv/b '\\''q"\\%x.yml'`), text);
});

Deno.test("systemd: control characters in a word become C escapes in ExecStart=, on one line", () => {
  const { service } = systemdUnits(
    schedule({ params: { note: "a\nExecStartPre=/bin/touch /tmp/pwned\t%h $HOME" } }),
    WEFT,
    "/h",
  );
  const exec = service.split("\n").filter((l) => l.startsWith("Exec"));
  assert.equal(exec.length, 1, service);
  assert.ok(
    exec[0].includes(`"note=a\\x0aExecStartPre=/bin/touch /tmp/pwned\\x09%%h $$HOME"`),
    exec[0],
  );
});

Deno.test("systemd: a long name makes a unit name systemd takes; two such names differ", () => {
  const a = unitName(schedule({ name: "a".repeat(10_000) }));
  const b = unitName(schedule({ name: "a".repeat(10_001) }));
  assert.ok(`${a}.service`.length <= 255, `${a.length}`);
  assert.match(a, /^weft-[A-Za-z0-9_.-]+$/);
  assert.notEqual(a, b);
  assert.equal(unitName(schedule({ name: "nightly" })), "weft-nightly");
});

Deno.test("crontab: with `refused`, a schedule cron cannot take is a comment, the others are written", () => {
  const told: string[] = [];
  const text = crontabText(
    [
      schedule({ name: "fast", cron: "*/10 * * * * *" }),
      schedule({ name: "nightly", cron: "0 2 * * *" }),
      schedule({ name: "broken", params: { note: "a\nb" } }),
    ],
    WEFT,
    "/h",
    (e) => told.push(e.message),
  );
  assert.equal(told.length, 2);
  assert.match(told[0], /schedule fast .*a seconds field: not exported to crontab/);
  assert.match(text, /^# fast: not exported: schedule fast /m);
  assert.match(text, /^# broken: not exported: schedule broken .*a line break in "note=a\\nb"/m);
  assert.match(text, /^# fast: .*\("\*\/10 \* \* \* \* \*"\) has a seconds field.*\n# hint: /m);
  assert.match(text, /^0 2 \* \* \* /m);
  assert.doesNotMatch(text, /^\*\/10/m);
});
