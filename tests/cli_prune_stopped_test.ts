/**
 * `weft history prune` after a prune stopped part way (kill -9, power loss): a run whose
 * record it had deleted keeps a mark (`["gone", id]`, written with the record's delete,
 * store/kv.ts), and the next prune removes what is left of it, its task and attempt
 * records and its log folder, which no run names any more (verifier V2 F4).
 */
import assert from "node:assert/strict";
import { historyJson, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("history prune finishes the delete of a run a stopped prune left half done", async () => {
  const home = testTempDir("prune-stopped-");
  const flow = `${testTempDir("prune-stopped-flow-")}/two.yml`;
  Deno.writeTextFileSync(flow, "name: two\ntasks:\n  - id: a\n    command: echo hello\n");
  for (let i = 0; i < 3; i++) {
    const r = await weft(["run", "-q", flow], { env: { WEFT_HOME: home } });
    assert.equal(r.code, 0, r.stderr);
  }
  const [newest, middle, oldest] = await historyJson(home);
  // What a prune killed right after its first commit leaves of the oldest run: the
  // record and its index keys gone, the mark written, tasks, attempts and logs still there.
  const kv = await Deno.openKv(`${home}/weft.kv`);
  try {
    const op = kv.atomic().set(["gone", oldest.id], true).delete(["run", oldest.id]);
    for await (const e of kv.list({ prefix: ["run_wf"] })) {
      if (e.key[2] === oldest.id) op.delete(e.key);
    }
    for await (const e of kv.list({ prefix: ["run_st"] })) {
      if (e.key[2] === oldest.id) op.delete(e.key);
    }
    assert.ok((await op.commit()).ok);
    const left = await Array.fromAsync(kv.list({ prefix: ["task", oldest.id] }));
    assert.ok(left.length > 0, "the fixture leaves task records");
  } finally {
    kv.close();
  }
  assert.ok(Deno.statSync(`${home}/logs/${oldest.id}`).isDirectory);

  // A prune that deletes nothing else still finishes it.
  const pruned = await weft(["history", "prune", "--keep-runs", "5"], { env: { WEFT_HOME: home } });
  assert.equal(pruned.code, 0, pruned.stderr);
  const folders = [...Deno.readDirSync(`${home}/logs`)].map((e) => e.name).sort();
  assert.deepEqual(folders, [middle.id, newest.id].sort());
  const after = await Deno.openKv(`${home}/weft.kv`);
  try {
    for (const prefix of [["task", oldest.id], ["att", oldest.id], ["gone"]]) {
      const keys = await Array.fromAsync(after.list({ prefix }));
      assert.deepEqual(keys, [], `nothing left under ${JSON.stringify(prefix)}`);
    }
  } finally {
    after.close();
  }
  assert.deepEqual((await historyJson(home)).map((run) => run.id), [newest.id, middle.id]);
});
