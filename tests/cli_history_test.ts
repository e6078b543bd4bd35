/** `weft history` and `weft history prune` through the real CLI, on a seeded WEFT_HOME. */
import assert from "node:assert/strict";
import { fakeRunId } from "./fixtures/history/events.ts";
import { seed, tempHome, weft } from "./fixtures/history/cli.ts";
import { openStore } from "../src/store/open.ts";

const HOUR = 3_600_000;

/** Six runs: hours ago 100, 50, 30, 5, 2, 1; workflows alternate deploy/backup. */
async function seeded(home: string): Promise<string[]> {
  const now = Date.now();
  const hoursAgo = [100, 50, 30, 5, 2, 1];
  const ids = hoursAgo.map((h) => fakeRunId(new Date(now - h * HOUR)));
  await seed(
    home,
    hoursAgo.map((h, i) => ({
      id: ids[i],
      startedAt: new Date(now - h * HOUR).toISOString(),
      workflow: i % 2 ? "backup" : "deploy",
      tasks: [{ id: "t", status: i === 3 ? "failed" : "success", lines: [["stdout", `run ${i}`]] }],
    })),
  );
  return ids;
}

Deno.test("weft history --json: newest first, with the documented fields", async () => {
  const { home, cleanup } = await tempHome();
  const ids = await seeded(home);
  const result = await weft(["history", "--home", home, "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const runs = JSON.parse(result.stdout);
  assert.deepEqual(runs.map((r: { id: string }) => r.id), [...ids].reverse());
  assert.deepEqual(Object.keys(runs[0]).sort(), [
    "durationMs",
    "finishedAt",
    "host",
    "id",
    "pid",
    "startedAt",
    "status",
    "trigger",
    "workflow",
  ]);
  // Runs recorded without a trigger (older records) read as manual.
  assert.deepEqual(runs[0].trigger, { type: "manual" });
  assert.equal(runs[2].status, "failed");
  assert.equal(runs[0].host, Deno.hostname());
  await cleanup();
});

Deno.test("weft history filters: --limit, --workflow, --status, --since; -q prints ids", async () => {
  const { home, cleanup } = await tempHome();
  const ids = await seeded(home);
  const env = { WEFT_HOME: home }; // WEFT_HOME works like --home
  const json = async (...args: string[]) => {
    const r = await weft(["history", "--json", ...args], env);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).map((x: { id: string }) => x.id);
  };
  assert.deepEqual(await json("--limit", "2"), [ids[5], ids[4]]);
  assert.deepEqual(await json("--workflow", "deploy"), [ids[4], ids[2], ids[0]]);
  assert.deepEqual(await json("--status", "failed"), [ids[3]]);
  assert.deepEqual(await json("--since", "24h"), [ids[5], ids[4], ids[3]]);
  assert.deepEqual(await json("--since", "7d", "--workflow", "backup", "--limit", "1"), [ids[5]]);
  const quiet = await weft(["history", "-q", "--limit", "3"], env);
  assert.equal(quiet.stdout, `${ids[5]}\n${ids[4]}\n${ids[3]}\n`);
  await cleanup();
});

Deno.test("weft history prints a table for people; usage errors exit 2", async () => {
  const { home, cleanup } = await tempHome();
  const ids = await seeded(home);
  const table = await weft(["history", "--home", home, "--limit", "2"]);
  assert.equal(table.code, 0);
  const lines = table.stdout.trimEnd().split("\n");
  assert.match(lines[0], /^ID\s+WORKFLOW\s+STATUS\s+STARTED\s+DURATION\s+TRIGGER$/);
  assert.match(
    lines[1],
    new RegExp(
      `^${
        ids[5]
      }\\s+backup\\s+success\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\S+\\s+manual$`,
    ),
  );
  for (const args of [["--limit", "0"], ["--since", "yesterday"], ["--status", "weird"]]) {
    const bad = await weft(["history", "--home", home, ...args]);
    assert.equal(bad.code, 2, args.join(" "));
    assert.doesNotMatch(bad.stderr, /at .*\.ts:\d+/); // no stack trace
  }
  const empty = await tempHome();
  const none = await weft(["history", "--home", empty.home]);
  assert.equal(none.code, 0);
  assert.equal(none.stdout, "");
  assert.match(none.stderr, /no runs/);
  await empty.cleanup();
  await cleanup();
});

Deno.test("weft history prune: --dry-run, --keep-runs per workflow, --keep-days; logs go too", async () => {
  const { home, cleanup } = await tempHome();
  const ids = await seeded(home);
  const dry = await weft([
    "history",
    "prune",
    "--home",
    home,
    "--keep-days",
    "1",
    "--dry-run",
    "--json",
  ]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(JSON.parse(dry.stdout).map((r: { id: string }) => r.id), ids.slice(0, 3));
  assert.equal((await weft(["history", "--home", home, "-q"])).stdout.split("\n").length - 1, 6);

  const perWorkflow = await weft([
    "history",
    "prune",
    "--home",
    home,
    "--keep-runs",
    "1",
    "--workflow",
    "backup",
  ]);
  assert.equal(perWorkflow.code, 0, perWorkflow.stderr);
  assert.match(perWorkflow.stderr, /deleted 2 runs/);
  const days = await weft(["history", "--home", home, "prune", "--keep-days", "1"]);
  assert.equal(days.code, 0, days.stderr);
  assert.match(days.stderr, /deleted 2 runs/);
  const left = (await weft(["history", "--home", home, "-q"])).stdout.trim().split("\n");
  assert.deepEqual(left, [ids[5], ids[4]]);
  for (const id of ids.slice(0, 4)) {
    assert.equal(await Deno.stat(`${home}/logs/${id}`).then(() => true, () => false), false);
  }
  assert.ok(await Deno.stat(`${home}/logs/${ids[5]}/t.1.log`));

  const nothing = await weft(["history", "prune", "--home", home]);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /--keep-days N or --keep-runs N/);
  await cleanup();
});

Deno.test("weft history prune without flags uses WEFT_HOME/config.json retention", async () => {
  const { home, cleanup } = await tempHome();
  const ids = await seeded(home);
  await Deno.writeTextFile(`${home}/config.json`, JSON.stringify({ retention: { keep_runs: 4 } }));
  const result = await weft(["history", "prune", "--home", home]);
  assert.equal(result.code, 0, result.stderr);
  const store = await openStore(home);
  assert.deepEqual((await store.listRuns()).map((r) => r.id), ids.slice(2).reverse());
  store.close();
  await Deno.writeTextFile(`${home}/config.json`, '{"retention": {"keep_dayz": 3}}');
  const bad = await weft(["history", "prune", "--home", home]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /config\.json: unknown retention setting "keep_dayz"/);
  await cleanup();
});
