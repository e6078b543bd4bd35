/**
 * src/stale_temporaries.ts through the real CLI: the temporary file a weft killed
 * between its write and its rename left (`FILE.PID.tmp`) is removed by the next write of
 * that kind once an hour old — a schedule's secret params (in clear in it) by
 * `weft schedule add`, a `weft.reserve` by the run that makes the reserve again — and a
 * live writer's (new), or a file not named as weft's, is kept.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { STALE_TEMPORARY_MS } from "../src/stale_temporaries.ts";

const DEPLOY = new URL("./fixtures/schedule_secrets/deploy.yml", import.meta.url).pathname;
const OLD = new Date(Date.now() - STALE_TEMPORARY_MS - 60_000);

/** Writes `dir/name`, an hour and a minute old when `old`. */
function plant(dir: string, name: string, old: boolean): string {
  Deno.writeTextFileSync(`${dir}/${name}`, '{"name":"x","params":{"api_token":"tok_');
  if (old) Deno.utimeSync(`${dir}/${name}`, OLD, OLD);
  return name;
}

const names = (dir: string) => new Set([...Deno.readDirSync(dir)].map((e) => e.name));

Deno.test("weft schedule add removes the stale temporary copies of secret params a killed weft left", async () => {
  const home = testTempDir("home-");
  const env = { WEFT_HOME: home };
  const add = (name: string) =>
    weft([
      "schedule",
      "add",
      DEPLOY,
      "--name",
      name,
      "--cron",
      "0 2 * * *",
      "--tz",
      "UTC",
      "-p",
      "api_token=tok_XYZ_123",
    ], { env });
  const first = await add("a");
  assert.equal(first.code, 0, first.stderr);
  const dir = `${home}/schedule-secrets`;
  const [kept] = [...names(dir)];
  assert.match(kept, /^[0-9a-f]{64}\.json$/);
  const other = "0".repeat(64) + ".json";
  const stale = [plant(dir, `${kept}.4242.tmp`, true), plant(dir, `${other}.77.tmp`, true)];
  const live = plant(dir, `${kept}.4343.tmp`, false);
  const foreign = [plant(dir, "notes.json.12.tmp", true), plant(dir, `${kept}.tmp`, true)];
  const second = await add("b");
  assert.equal(second.code, 0, second.stderr);
  const left = names(dir);
  for (const name of stale) assert.equal(left.has(name), false, `${name} removed`);
  assert.ok(left.has(live), "a live writer's temporary is kept");
  for (const name of foreign) assert.ok(left.has(name), `${name} is not weft's: kept`);
  assert.ok(left.has(kept), "the first schedule's secrets are kept");
  assert.equal([...left].filter((n) => /^[0-9a-f]{64}\.json$/.test(n)).length, 2);
});

Deno.test("a run that makes weft.reserve again removes the stale temporary reserve a killed weft left", async () => {
  const home = testTempDir("home-");
  const dir = testTempDir("flow-");
  const flow = `${dir}/f.yml`;
  Deno.writeTextFileSync(flow, `name: f\ntasks:\n  - id: a\n    command: "true"\n`);
  const env = { WEFT_HOME: home };
  const first = await weft(["run", flow], { env });
  assert.equal(first.code, 0, first.stderr);
  assert.ok(Deno.statSync(`${home}/weft.reserve`).isFile);
  // Killed mid-write: no reserve, its temporary left; a live writer's and another file too.
  Deno.removeSync(`${home}/weft.reserve`);
  const stale = plant(home, "weft.reserve.31337.tmp", true);
  const live = plant(home, "weft.reserve.31338.tmp", false);
  const foreign = plant(home, "weft.kv.31337.tmp", true);
  const second = await weft(["run", flow], { env });
  assert.equal(second.code, 0, second.stderr);
  const left = names(home);
  assert.ok(left.has("weft.reserve"));
  assert.equal(left.has(stale), false, "the stale temporary reserve is removed");
  assert.ok(left.has(live), "a live writer's temporary is kept");
  assert.ok(left.has(foreign), "another file's temporary is not the reserve's: kept");
});
