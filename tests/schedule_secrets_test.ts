/**
 * store/schedule_secrets.ts: which params a schedule keeps aside in its private file
 * (Schedule.keptParams, set by splitSecrets) and that a read without the value of any of
 * them — a secret param or a param holding a secret value — marks the schedule
 * secretsUnreadable, also for a record written before keptParams existed.
 */
import assert from "node:assert/strict";
import type { Schedule } from "../src/model/schedule.ts";
import {
  keptNames,
  splitSecrets,
  withScheduleSecrets,
  writeScheduleSecrets,
} from "../src/store/schedule_secrets.ts";
import { keptAsideNames, shownParams } from "../src/schedule/secret_params.ts";
import { testTempDir } from "./_tmp.ts";

function schedule(params: Record<string, string>, extra: Partial<Schedule> = {}): Schedule {
  return {
    name: "s",
    file: "/w/s.yml",
    cron: "0 3 * * *",
    tz: null,
    catchupMs: 0,
    overlap: "skip",
    params,
    paused: false,
    source: "cli",
    createdAt: "2026-12-01T00:00:00.000Z",
    lastFire: null,
    // As `schedule add` records it for a workflow with `secrets: [DBPASS]`.
    secretParams: Object.hasOwn(params, "DBPASS") ? ["DBPASS"] : [],
    ...extra,
  };
}

const GIVEN = { DBPASS: "hunter2secret", url: "https://x/?key=hunter2secret", n: "1" };

Deno.test("splitSecrets records every param kept aside, not only the secret ones", () => {
  const { record, secret } = splitSecrets(schedule(GIVEN));
  assert.deepEqual(record.secretParams, ["DBPASS"]);
  assert.deepEqual(record.keptParams, ["DBPASS", "url"]);
  assert.deepEqual(record.params, { DBPASS: "***", url: "https://x/?key=***", n: "1" });
  assert.deepEqual(secret, { DBPASS: GIVEN.DBPASS, url: GIVEN.url });
  // A stale list read with other params is not carried over.
  const plain = splitSecrets(schedule({ n: "1" }, { keptParams: ["DBPASS", "url"] }));
  assert.equal(plain.record.keptParams, undefined);
});

Deno.test("a read lacking a kept-aside param that is no secret param is unreadable", async () => {
  const dir = testTempDir("sched-secrets-unit-");
  const { record } = splitSecrets(schedule(GIVEN));
  await writeScheduleSecrets(dir, "s", { DBPASS: GIVEN.DBPASS });
  const read = await withScheduleSecrets(dir, record);
  assert.match(read.secretsUnreadable ?? "", /lacks the value of url$/);
  assert.equal(read.params.url, "https://x/?key=***");

  await writeScheduleSecrets(dir, "s", { DBPASS: GIVEN.DBPASS, url: GIVEN.url });
  const whole = await withScheduleSecrets(dir, record);
  assert.equal(whole.secretsUnreadable, undefined);
  assert.deepEqual(whole.params, GIVEN);
});

Deno.test("a record without keptParams (older weft) needs each param whose value is masked", async () => {
  const dir = testTempDir("sched-secrets-unit-");
  const { keptParams: _, ...legacy } = splitSecrets(schedule(GIVEN)).record;
  assert.deepEqual(keptNames(legacy), ["DBPASS", "url"]);
  await writeScheduleSecrets(dir, "s", { DBPASS: GIVEN.DBPASS });
  const read = await withScheduleSecrets(dir, legacy);
  assert.match(read.secretsUnreadable ?? "", /lacks the value of url$/);
});

Deno.test("removing the secrets of a schedule that has none is no error", async () => {
  const dir = testTempDir("sched-secrets-unit-");
  await writeScheduleSecrets(dir, "none", {});
  await writeScheduleSecrets(`${dir}/not-there`, "none", {});
});

Deno.test("start secrets inside params: kept aside with no secret param, back with the read", async () => {
  const dir = testTempDir("sched-secrets-unit-");
  const given = schedule({ note: "x WfLiteralTok987 y", n: "1" }, {
    secretValues: ["WfLiteralTok987", "NotInAnyParam1"],
  });
  const { record, secret, values } = splitSecrets(given);
  assert.deepEqual(record.params, { note: "x *** y", n: "1" });
  assert.deepEqual(record.keptParams, ["note"]);
  assert.deepEqual(record.secretParams, []);
  assert.equal(record.secretValues, undefined); // never in weft.kv
  assert.deepEqual(secret, { note: "x WfLiteralTok987 y" });
  assert.deepEqual(values, ["WfLiteralTok987"]); // only what the file holds anyway
  await writeScheduleSecrets(dir, "s", secret, values);
  const read = await withScheduleSecrets(dir, record);
  assert.equal(read.secretsUnreadable, undefined);
  assert.deepEqual(read.params, { note: "x WfLiteralTok987 y", n: "1" });
  assert.deepEqual(read.secretValues, ["WfLiteralTok987"]);
  // Shown and exported as kept aside, from what the read gives back.
  assert.deepEqual(shownParams(read), { note: "x *** y", n: "1" });
  assert.deepEqual(keptAsideNames(read), ["note"]);
});

Deno.test("writeScheduleSecrets: a FIFO or a link at the file's name, or a linked folder, is refused, left as it was", async () => {
  const dir = testTempDir("secrets-");
  await writeScheduleSecrets(dir, "s", { token: "one" });
  const [file] = [...Deno.readDirSync(dir)].map((e) => `${dir}/${e.name}`);
  Deno.removeSync(file);
  const made = new Deno.Command("mkfifo", { args: [file] }).outputSync();
  assert.ok(made.success);
  await assert.rejects(
    writeScheduleSecrets(dir, "s", { token: "two" }),
    (e: Error) =>
      /is a named pipe \(FIFO\), not a regular file/.test(e.message) &&
      /left as it was/.test(e.message),
  );
  assert.ok(Deno.lstatSync(file).isFifo);
  assert.deepEqual([...Deno.readDirSync(dir)].length, 1, "no temporary file left");
  // A link to a file is not written through (README: WEFT_HOME; verifier N8).
  Deno.removeSync(file);
  Deno.writeTextFileSync(`${dir}/real`, "{}");
  Deno.symlinkSync("real", file);
  await assert.rejects(writeScheduleSecrets(dir, "s", { token: "three" }), /symbolic link/);
  assert.equal(Deno.readTextFileSync(`${dir}/real`), "{}");
  // Nor a linked folder: nothing is written where it points, the link stays as it was.
  const target = testTempDir("secrets-target-");
  const linked = `${testTempDir("secrets-home-")}/schedule-secrets`;
  Deno.symlinkSync(target, linked);
  await assert.rejects(
    writeScheduleSecrets(linked, "s", { token: "four" }),
    /schedule-secrets: is a symbolic link; weft does not follow links/,
  );
  assert.deepEqual([...Deno.readDirSync(target)], []);
  assert.ok(Deno.lstatSync(linked).isSymlink);
});
