/**
 * `weft run --resume` passes a kept task's outputs on whole, though history keeps them
 * cut for display (records.ts capOutputs); a run recorded before whole outputs were kept
 * is refused instead of passing cut values on.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { tempHome, weft } from "./fixtures/history/cli.ts";

const FIXTURES = new URL("./fixtures/resume_outputs/", import.meta.url).pathname;

const SECRET = "sek-resume-7d41c9";

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: "/nonexistent", ...extra };
}

/** Runs `file` (its task m fails), fixes it, resumes; returns both reports and the home. */
async function failThenResume(
  file: string,
  beforeResume: (home: string) => Promise<void> = () => Promise.resolve(),
) {
  const { home, cleanup } = await tempHome();
  const vars = env({ FIXED_MARKER: `${home}.fixed`, BIG_SECRET: SECRET });
  const first = await weft(["run", `${FIXTURES}${file}`, "--json", "--home", home], vars);
  assert.equal(first.code, 1, first.stderr);
  const failed: RunReport = JSON.parse(first.stdout);
  await Deno.writeTextFile(`${home}.fixed`, "");
  await beforeResume(home);
  const second = await weft(
    ["run", `${FIXTURES}${file}`, "--json", "--home", home, "--resume", failed.id],
    vars,
  );
  await Deno.remove(`${home}.fixed`);
  return { failed, second, home, cleanup };
}

function outputsOf(report: RunReport, id: string): Record<string, string> {
  const task = report.tasks.find((t) => t.id === id);
  assert.ok(task, `task ${id}`);
  return task.outputs;
}

Deno.test("--resume passes a kept 100,000-byte output on whole; status still shows it cut", async () => {
  const { second, home, cleanup } = await failThenResume("big.yml");
  assert.equal(second.code, 0, second.stderr);
  const resumed: RunReport = JSON.parse(second.stdout);
  assert.equal(resumed.tasks.find((t) => t.id === "e")?.reason, "resumed");
  assert.equal(outputsOf(resumed, "e").big, "D".repeat(100_000));
  assert.equal(outputsOf(resumed, "m").len, "100000");
  // A secret in an output is stored masked, so it is resumed masked (as before).
  assert.equal(outputsOf(resumed, "e").tail, `${"T".repeat(20_000)}***`);
  for await (const entry of Deno.readDir(home)) {
    if (!entry.isFile) continue;
    const bytes = await Deno.readFile(`${home}/${entry.name}`);
    assert.ok(!new TextDecoder("latin1").decode(bytes).includes(SECRET), entry.name);
  }
  // Display keeps the capped copy and says so.
  const status = await weft(["status", resumed.id, "--home", home]);
  assert.match(status.stdout, /outputs cut: big/);
  await cleanup();
});

Deno.test("--resume passes six kept 9,000-byte outputs on whole (over the per-task cap)", async () => {
  const { second, cleanup } = await failThenResume("many.yml");
  assert.equal(second.code, 0, second.stderr);
  const resumed: RunReport = JSON.parse(second.stdout);
  for (const key of ["a", "b", "c", "d", "e", "f"]) {
    assert.equal(outputsOf(resumed, "e")[key], "X".repeat(9000), key);
  }
  assert.deepEqual(outputsOf(resumed, "m"), { len_a: "9000", len_f: "9000" });
  await cleanup();
});

Deno.test("--resume of a run recorded without whole outputs refuses, naming the task and outputs", async () => {
  // An earlier weft kept only the capped outputs: remove the whole ones it would not have.
  const dropWhole = async (home: string) => {
    const kv = await Deno.openKv(`${home}/weft.kv`);
    let dropped = 0;
    for await (const entry of kv.list({ prefix: ["out"] })) {
      await kv.delete(entry.key);
      dropped++;
    }
    kv.close();
    assert.equal(dropped, 1);
  };
  const { second, cleanup } = await failThenResume("many.yml", dropWhole);
  assert.equal(second.code, 2, second.stderr);
  assert.equal(second.stdout, "");
  assert.match(second.stderr, /task "e"/);
  assert.match(second.stderr, /"f"/);
  assert.match(second.stderr, /without --resume/);
  await cleanup();
});
