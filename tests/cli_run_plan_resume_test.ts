/**
 * src/cli/run_plan_resume.ts through the real CLI: `weft run --dry-run --resume ID` checks
 * the id as `--resume` does (exit 2 for an unknown or succeeded run), shows the tasks the
 * resume keeps as kept and what it would run again with the params it would take, and
 * claims nothing (the real resume goes on after it).
 * @module
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/plan_resume/deploy.yml", import.meta.url).pathname;

interface PlanJson {
  resumedFrom?: string;
  waves: { id: string; kept?: boolean; runs: string[] }[][];
}

async function failedRun() {
  const out = testTempDir();
  const env = { WEFT_HOME: `${out}/home`, OUT: out };
  const run = (...args: string[]) => weft(["run", FIXTURE, ...args], { env });
  const first = await run("--json", "-p", "region=eu");
  assert.equal(first.code, 1, first.stderr);
  return { out, run, id: (JSON.parse(first.stdout) as RunReport).id };
}

Deno.test("weft run --dry-run --resume: kept tasks marked kept, the rest shown with the resumed params", async () => {
  const { run, id } = await failedRun();
  const text = await run("--dry-run", "--resume", id);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stderr, new RegExp(`resuming run ${id}: 1 task kept`));
  assert.match(text.stderr, /build\s+shell\s+kept/);
  assert.doesNotMatch(text.stderr, /echo built/);
  assert.match(text.stderr, /deploy to eu/, "the recorded param, not the default");
  const json = await run("--dry-run", "--resume", id.slice(0, 24), "--json");
  assert.equal(json.code, 0, json.stderr);
  const plan: PlanJson = JSON.parse(json.stdout);
  assert.equal(plan.resumedFrom, id);
  const tasks = plan.waves.flat();
  assert.deepEqual(tasks.map((t) => [t.id, t.kept]), [["build", true], ["deploy", false]]);
  assert.deepEqual(tasks[0].runs, []);
});

Deno.test("weft run --dry-run --resume: an unknown id, or another param value, is refused (exit 2) as --resume refuses it", async () => {
  const { run, id } = await failedRun();
  const unknown = await run("--dry-run", "--resume", "abc");
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no run with id "abc"/);
  const other = await run("--dry-run", "--resume", id, "-p", "region=ap");
  assert.equal(other.code, 2, other.stderr);
  assert.match(other.stderr, /region/);
});

Deno.test("weft run --dry-run --resume claims nothing: the resume then runs; a succeeded run is refused", async () => {
  const { out, run, id } = await failedRun();
  assert.equal((await run("--dry-run", "--resume", id)).code, 0);
  await Deno.writeTextFile(`${out}/fixed`, "");
  const resumed = await run("--resume", id, "--json");
  assert.equal(resumed.code, 0, resumed.stderr);
  const resumedId = (JSON.parse(resumed.stdout) as RunReport).id;
  const again = await run("--dry-run", "--resume", id);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already resumed/);
  const succeeded = await run("--dry-run", "--resume", resumedId);
  assert.equal(succeeded.code, 2);
  assert.match(succeeded.stderr, /succeeded; there is nothing to resume/);
});

const OUTPUTS = new URL("./fixtures/plan_resume/outputs.yml", import.meta.url).pathname;
const TOKEN = "tok-9f3c1e77aa";

/** A failed run of outputs.yml whose kept `build` recorded `version` and the secret `token`. */
async function failedOutputsRun() {
  const out = testTempDir();
  const env = { WEFT_HOME: `${out}/home`, OUT: out };
  const first = await weft(["run", OUTPUTS, "--json"], { env: { ...env, TOKEN } });
  assert.equal(first.code, 1, first.stderr);
  const id = (JSON.parse(first.stdout) as RunReport).id;
  const plan = (extra: Record<string, string> = {}, ...args: string[]) =>
    weft(["run", OUTPUTS, "--dry-run", "--resume", id, ...args], { env: { ...env, ...extra } });
  return { plan };
}

Deno.test("weft run --dry-run --resume: a kept task's recorded outputs fill the plan, placeholders only for tasks that run", async () => {
  const { plan } = await failedOutputsRun();
  const text = await plan();
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stderr,
    /\$ echo "deploy 1\.2 beta with \*\*\* \(build success, exit 0\)"; test -f/,
    "the recorded version, the recorded (masked) token, status and exit code",
  );
  assert.doesNotMatch(text.stderr, /<tasks\.build\./);
  // A URL with only known values is shown encoded as the run requests it; one waiting on a
  // task that runs again keeps its placeholder (as text).
  assert.match(
    text.stderr,
    /GET http:\/\/127\.0\.0\.1:8089\/releases\/1\.2 beta\/<tasks\.deploy\.outputs\.id>/,
  );
  assert.match(text.stderr, /PUT http:\/\/127\.0\.0\.1:8089\/tags\/1\.2%20beta/);
  assert.ok(!text.stderr.includes(TOKEN));
  const json = await plan({}, "--json");
  assert.equal(json.code, 0, json.stderr);
  const tasks = (JSON.parse(json.stdout) as PlanJson).waves.flat();
  assert.match(tasks[1].runs[0], /deploy 1\.2 beta with \*\*\*/);
  assert.ok(!json.stdout.includes(TOKEN));
});

Deno.test("weft run --dry-run --resume: a recorded secret output stays masked, whether the secret is known now or not", async () => {
  const { plan } = await failedOutputsRun();
  const envs: Record<string, string>[] = [{ TOKEN }, { TOKEN: "another-token-value" }, {}];
  for (const env of envs) {
    const text = await plan(env);
    assert.equal(text.code, 0, text.stderr);
    assert.ok(!text.stderr.includes(TOKEN), JSON.stringify(env));
    assert.match(text.stderr, /with \*\*\* \(build/, JSON.stringify(env));
  }
  // Without --resume the same task still shows placeholders: nothing is known before the run.
  const fresh = await weft(["run", OUTPUTS, "--dry-run"], { env: { TOKEN } });
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.match(
    fresh.stderr,
    /deploy <tasks\.build\.outputs\.version> with <tasks\.build\.outputs\.token>/,
  );
});
