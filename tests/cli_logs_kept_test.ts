/**
 * `weft logs` of a task that `--resume` kept (cli/logs_kept.ts, verify N5): it made no
 * attempt in the resumed run, so weft shows its log in the run it was kept from (however
 * far back), says so when that run is gone (exit 2), and retention keeps such a run.
 */
import assert from "node:assert/strict";
import { historyJson, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { KvRunStore } from "../src/store/kv.ts";
import { kvPath, logsPath } from "../src/store/open.ts";

const FILE = new URL("./fixtures/logs_kept/kept.yml", import.meta.url).pathname;

/** A home, the flag file task b needs to succeed, and weft run there. */
function setup() {
  const dir = testTempDir("kept-");
  const home = `${dir}/home`;
  const flag = `${dir}/flag`;
  const run = (args: string[]) => weft(args, { env: { WEFT_HOME: home, KEPT_FLAG: flag } });
  const latest = async () => (await historyJson(home))[0].id;
  return { home, flag, run, latest };
}

Deno.test("weft logs follows a kept task back through a chain of resumes", async () => {
  const { home, flag, run, latest } = setup();
  assert.equal((await run(["run", FILE])).code, 1);
  const first = await latest();
  // Resumed while b still fails: a kept from the first run.
  assert.equal((await run(["run", FILE, "--resume", first])).code, 1);
  const second = await latest();
  Deno.writeTextFileSync(flag, "");
  assert.equal((await run(["run", FILE, "--resume", second])).code, 0);
  const third = await latest();
  // keep_runs 1, yet the runs the last one's kept task came from stay.
  assert.deepEqual((await historyJson(home)).map((r) => r.id), [third, second, first]);

  const a = await run(["logs", third, "a"]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, "from-a\n");
  assert.match(a.stderr, new RegExp(`a was kept from run ${first} by --resume`));
  const b = await run(["logs", third, "b"]);
  assert.deepEqual([b.code, b.stdout, b.stderr], [0, "from-b\n", ""]);
  const all = await run(["logs", third]);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /^b \| from-b$/m);
  // Named with the run its log is in, as `weft logs third a` shows it.
  assert.match(all.stderr, new RegExp(`kept by --resume from run ${first}, .*: a\\n`));

  // `weft history prune` spares them as well.
  const pruned = await run(["history", "prune", "--keep-runs", "1"]);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.equal((await historyJson(home)).length, 3, pruned.stdout + pruned.stderr);

  // A new run (nothing kept) lets retention take the whole chain.
  assert.equal((await run(["run", FILE])).code, 0);
  assert.deepEqual((await historyJson(home)).length, 1);
});

Deno.test("weft logs of a kept task whose run is gone says so, exit 2", async () => {
  const { home, flag, run, latest } = setup();
  assert.equal((await run(["run", FILE])).code, 1);
  const first = await latest();
  Deno.writeTextFileSync(flag, "");
  assert.equal((await run(["run", FILE, "--resume", first])).code, 0);
  const resumed = await latest();
  // As an older weft's retention (or a hand) could have left it.
  const store = await KvRunStore.open(kvPath(home), logsPath(home));
  try {
    await store.deleteRun(first);
  } finally {
    store.close();
  }
  const a = await run(["logs", resumed, "a"]);
  assert.equal(a.code, 2, a.stderr);
  assert.equal(a.stdout, "");
  assert.match(a.stderr, new RegExp(`kept by --resume from run ${first}, which is no longer in`));
  const b = await run(["logs", resumed, "b"]);
  assert.deepEqual([b.code, b.stdout], [0, "from-b\n"]);
});
