/**
 * A file_change workflow's own writes into its watched globs start no run of it
 * (src/schedule/daemon_own_writes.ts): through a real `weft daemon`, for a run started
 * by a file change and one started by a webhook, and the time windows on their own.
 */
import assert from "node:assert/strict";
import { freePort, startDaemon, writeFlow } from "./_daemon.ts";
import { testTempDir } from "./_tmp.ts";
import { OwnWrites } from "../src/schedule/daemon_own_writes.ts";

const FLOW = `name: gen
trigger:
  type: webhook|file_change
  config:
    webhook: /trigger/gen
    files: ["data/*.txt"]
    debounce: 0.2
tasks:
  - id: build
    command: |
      date +%s%N >> data/processed.txt
      echo tmp > data/scratch.txt
      rm data/scratch.txt
`;

Deno.test("daemon own writes: a run writing into its own glob does not start itself again", async () => {
  const dir = testTempDir("own-");
  Deno.mkdirSync(`${dir}/data`);
  writeFlow(dir, "gen.yml", FLOW);
  const port = freePort();
  const daemon = startDaemon(["--dir", dir, "--listen", `127.0.0.1:${port}`], { cwd: dir });
  try {
    await daemon.waitFor(/daemon started/);
    Deno.writeTextFileSync(`${dir}/data/in.txt`, "x\n");
    await daemon.waitFor(/run \S+ ended success/);
    // Its writes (processed.txt, and scratch.txt made and removed) are passed over.
    const over = await daemon.waitFor(/changed while a run of it went on; not run for them/);
    assert.match(over, /gen\.yml: [12] path\(s\) changed while/);

    // A change after the run is the user's: it runs, once.
    let from = daemon.lines.length;
    Deno.writeTextFileSync(`${dir}/data/in2.txt`, "y\n");
    await daemon.waitFor(/run \S+ started \(file\)/, { from });
    await daemon.waitFor(/run \S+ ended success/, { from });
    await daemon.waitFor(/changed while a run of it went on/, { from });

    // A webhook run of the same workflow writing there starts no file run either.
    from = daemon.lines.length;
    const res = await fetch(`http://127.0.0.1:${port}/trigger/gen`, { method: "POST", body: "{}" });
    assert.equal(res.status, 202);
    await res.body?.cancel();
    await daemon.waitFor(/run \S+ ended success/, { from });
    await daemon.waitFor(/changed while a run of it went on/, { from });

    assert.equal(await daemon.stop("SIGTERM"), 0);
    assert.equal(daemon.count(/started \(file\)/), 2, daemon.lines.join("\n"));
    assert.equal(daemon.count(/started \(webhook\)/), 1);
    const processed = Deno.readTextFileSync(`${dir}/data/processed.txt`).trim().split("\n");
    assert.equal(processed.length, 3);
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon own writes: a path is passed over when its last event came during a run", () => {
  let now = 1_000;
  const own = new OwnWrites(() => now);
  const seen = (entries: [string, number][]) => new Map(entries);
  assert.deepEqual(own.keep("/f.yml", ["a"], seen([["a", 900]])), ["a"], "no run yet");
  const end = own.begin("/f.yml");
  assert.ok(own.during("/f.yml", 5_000), "an ongoing run has no end yet");
  now = 2_000;
  end(true);
  assert.ok(own.during("/f.yml", 1_000));
  assert.ok(own.during("/f.yml", 1_999.5));
  assert.ok(!own.during("/f.yml", 2_000), "an event in the very ms of the end came after it");
  assert.ok(!own.during("/f.yml", 999));
  assert.ok(!own.during("/other.yml", 1_500), "per workflow file");
  assert.deepEqual(
    own.keep(
      "/f.yml",
      ["before", "inside", "after"],
      seen([["before", 500], ["inside", 1_500], ["after", 2_500]]),
    ),
    ["before", "after"],
  );
  // A run that never started leaves no window.
  now = 10_000;
  own.begin("/g.yml")(false);
  assert.ok(!own.during("/g.yml", 10_000));
  // Only the last windows are kept, ongoing ones always.
  const ongoing = own.begin("/h.yml");
  for (let i = 0; i < 40; i++) {
    now = 20_000 + i * 10;
    own.begin("/h.yml")(true);
  }
  assert.ok(own.during("/h.yml", 99_999), "the ongoing run is kept");
  ongoing(true);
});
