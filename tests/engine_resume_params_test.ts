/**
 * `weft run --resume` runs with the params of the run it resumes (engine/resume_params.ts):
 * the tasks run again see what the kept successes saw; a `-p` with another value is
 * refused; a secret param, recorded masked, must be given again and never falls back
 * to its default. Real runs through the CLI, plus the matching of masked values.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { fitsMasked, resumedParams } from "../src/engine/resume_params.ts";
import type { Workflow } from "../src/model/workflow.ts";
import { WeftError } from "../src/model/errors.ts";
import { tempHome, weft } from "./fixtures/history/cli.ts";

const FIXTURES = new URL("./fixtures/resume_params/", import.meta.url).pathname;
const PASSWORD = "Sekrit-pw-5e1a";

function env(home: string): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: "/nonexistent",
    FIXED_MARKER: `${home}.fixed`,
    EXPECTED_PW: PASSWORD,
  };
}

/** Runs `file` with `params` (its task b fails), then fixes b; returns the failed run's id. */
async function failFirst(home: string, file: string, params: string[]): Promise<string> {
  const first = await weft(
    ["run", FIXTURES + file, "--json", "--home", home, ...params],
    env(home),
  );
  assert.equal(first.code, 1, first.stderr);
  const failed: RunReport = JSON.parse(first.stdout);
  assert.equal(failed.tasks.find((t) => t.id === "a")?.status, "success");
  await Deno.writeTextFile(`${home}.fixed`, "");
  return failed.id;
}

function resume(home: string, file: string, id: string, params: string[] = []) {
  return weft(
    ["run", FIXTURES + file, "--json", "--home", home, "--resume", id, ...params],
    env(home),
  );
}

function outputsOf(stdout: string, id: string): Record<string, string> {
  const report: RunReport = JSON.parse(stdout);
  const task = report.tasks.find((t) => t.id === id);
  assert.ok(task, `task ${id}`);
  return task.outputs;
}

/** How many runs history holds. */
async function runCount(home: string): Promise<number> {
  const listed = await weft(["history", "--json", "--home", home]);
  assert.equal(listed.code, 0, listed.stderr);
  return JSON.parse(listed.stdout).length;
}

async function done(home: string, cleanup: () => Promise<void>): Promise<void> {
  await Deno.remove(`${home}.fixed`).catch(() => {});
  await cleanup();
}

Deno.test("--resume runs again with the resumed run's params, not the defaults", async () => {
  const { home, cleanup } = await tempHome();
  const id = await failFirst(home, "region.yml", ["-p", "region=eu"]);
  const second = await resume(home, "region.yml", id);
  assert.equal(second.code, 0, second.stderr);
  // Kept a (its bucket) and re-run b agree on the region.
  assert.equal(outputsOf(second.stdout, "a").bucket, "backups-eu");
  assert.deepEqual(outputsOf(second.stdout, "b"), { to: "backups-eu", region: "eu" });
  const report: RunReport = JSON.parse(second.stdout);
  const status = await weft(["status", report.id, "--json", "--home", home]);
  assert.deepEqual(JSON.parse(status.stdout).params, { region: "eu" });
  await done(home, cleanup);
});

Deno.test("--resume refuses a -p that differs from the run's value, naming it; the same value runs", async () => {
  const { home, cleanup } = await tempHome();
  const id = await failFirst(home, "region.yml", ["-p", "region=eu"]);
  const changed = await resume(home, "region.yml", id, ["-p", "region=us"]);
  assert.equal(changed.code, 2, changed.stderr);
  assert.match(changed.stderr, /-p region differs from the value run \S+ had \("eu"\)/);
  assert.match(changed.stderr, /run without --resume/);
  assert.equal(changed.stdout, "");
  assert.equal(await runCount(home), 1, "nothing ran");

  const same = await resume(home, "region.yml", id, ["-p", "region=eu"]);
  assert.equal(same.code, 0, same.stderr);
  assert.deepEqual(outputsOf(same.stdout, "b"), { to: "backups-eu", region: "eu" });
  await done(home, cleanup);
});

Deno.test("--resume refuses a secret param it cannot restore until it is given again", async () => {
  const { home, cleanup } = await tempHome();
  const id = await failFirst(home, "secret.yml", [
    "-p",
    `db_password=${PASSWORD}`,
    "-p",
    "region=eu",
  ]);

  const missing = await resume(home, "secret.yml", id);
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /param "db_password" of run \S+ is recorded masked/);
  assert.match(missing.stderr, /does not fall back to its default/);
  assert.match(missing.stderr, /-p db_password=VALUE/);
  assert.doesNotMatch(missing.stderr, /region/, "the plain param is restored, not asked for");

  // The mask itself, or a value too short to have been masked, is not the value.
  for (const wrong of ["***", "x"]) {
    const refused = await resume(home, "secret.yml", id, ["-p", `db_password=${wrong}`]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /-p db_password does not match the value run \S+ had/);
  }
  assert.equal(await runCount(home), 1, "nothing ran");

  const given = await resume(home, "secret.yml", id, ["-p", `db_password=${PASSWORD}`]);
  assert.equal(given.code, 0, given.stderr);
  assert.deepEqual(outputsOf(given.stdout, "b"), { pw: "expected", region: "eu" });
  assert.ok(!given.stdout.includes(PASSWORD) && !given.stderr.includes(PASSWORD));
  await done(home, cleanup);
});

Deno.test("--resume takes a secret param recorded in clear (too short to mask) as it was", async () => {
  const { home, cleanup } = await tempHome();
  const id = await failFirst(home, "secret.yml", ["-p", "db_password=abc"]);
  const second = await resume(home, "secret.yml", id);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(outputsOf(second.stdout, "b"), { pw: "other", region: "us" });
  const report: RunReport = JSON.parse(second.stdout);
  const status = await weft(["status", report.id, "--json", "--home", home]);
  assert.deepEqual(JSON.parse(status.stdout).params, { db_password: "abc", region: "us" });
  await done(home, cleanup);
});

const WORKFLOW = {
  name: "w",
  params: { region: { default: "us" }, url: { default: "" }, added: { default: "d" } },
  secrets: ["url_key"],
  tasks: [],
} as unknown as Workflow;

Deno.test("resumedParams: a param declared since takes -p or its default; an undeclared -p is refused", () => {
  const run = { id: "R", params: { region: "eu", url: "" } };
  assert.deepEqual(resumedParams(WORKFLOW, run, {}), { region: "eu", url: "", added: "d" });
  assert.deepEqual(resumedParams(WORKFLOW, run, { added: "x" }), {
    region: "eu",
    url: "",
    added: "x",
  });
  assert.throws(() => resumedParams(WORKFLOW, run, { nope: "1" }), WeftError);
});

Deno.test("resumedParams: a plain param whose value held a secret is given again, fitting the record", () => {
  const run = { id: "R", params: { region: "eu", url: "https://x/?key=***&v=1" } };
  assert.throws(() => resumedParams(WORKFLOW, run, {}), /param "url" of run R is recorded masked/);
  assert.throws(
    () => resumedParams(WORKFLOW, run, { url: "https://y/?key=abcdef&v=1" }),
    /-p url does not match/,
  );
  assert.equal(
    resumedParams(WORKFLOW, run, { url: "https://x/?key=abcdef&v=1" }).url,
    "https://x/?key=abcdef&v=1",
  );
  // Not secret by name: a value truly holding `***` can be given as it was.
  const glob = { id: "R", params: { region: "***" } };
  assert.equal(resumedParams(WORKFLOW, glob, { region: "***" }).region, "***");
});

Deno.test("fitsMasked: each *** stands for at least 4 characters, pieces in order", () => {
  assert.ok(fitsMasked("abcd", "***"));
  assert.ok(!fitsMasked("abc", "***"));
  assert.ok(fitsMasked("u:pass1@h/pass2", "u:***@h/***"));
  assert.ok(!fitsMasked("u:pa@h/pass2", "u:***@h/***"));
  assert.ok(fitsMasked("x-aaaa-aaaa-y", "x-***-***-y"));
  assert.ok(!fitsMasked("x-aaaa-y", "x-***-***-y"));
  assert.ok(fitsMasked("same", "same"));
  assert.ok(!fitsMasked("other", "same"));
});
