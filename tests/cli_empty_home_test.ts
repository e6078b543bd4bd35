/**
 * A `--home` that holds no history says which folder it looked in (issue 8 §1), in the
 * one wording `status`, `logs`, `history` and `metrics` use (history_shared.ts
 * noRunsLine), from every verb that reads runs: `monitor` (once, `--json`, `--live`),
 * `alerts`, `history prune`, `history mark-interrupted`, `run --resume`. On stderr, so a
 * `--json` output stays one JSON document. Through the real CLI.
 */
import assert from "node:assert/strict";
import { weft, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { tmux, TMUX_MISSING, weftCommandLine } from "./_tmux.ts";

const NOTE = (home: string) => `no runs recorded in ${home}\n`;

Deno.test("reading verbs on a home without runs name the folder, --json on stderr only", async () => {
  const parent = testTempDir("empty-home-");
  const home = `${parent}/nothing-here`;
  const cases: [string[], "json" | "text"][] = [
    [["monitor"], "text"],
    [["monitor", "--json"], "json"],
    [["alerts"], "text"],
    [["alerts", "--json"], "json"],
    [["history", "--json"], "json"],
    [["metrics", "--json"], "json"],
    [["history", "prune", "--keep-runs", "1", "--dry-run"], "text"],
  ];
  for (const [args, kind] of cases) {
    const out = await weft([...args, "--home", home]);
    const label = args.join(" ");
    assert.equal(out.code, 0, `${label}: ${out.stderr}`);
    assert.ok(out.stderr.endsWith(NOTE(home)), `${label} names the folder:\n${out.stderr}`);
    if (kind === "json") JSON.parse(out.stdout); // still one JSON document
    else assert.doesNotMatch(out.stdout, /no runs recorded/, label);
  }
  // Still what they said before the note.
  const monitor = await weft(["monitor", "--home", home]);
  assert.match(monitor.stdout, /^Running: none\n/);
  const alerts = await weft(["alerts", "--home", home]);
  assert.match(alerts.stdout, /^no alert rules evaluated yet/);
  assert.deepEqual([...Deno.readDirSync(parent)], [], "reading created nothing");
});

Deno.test("a run id in a home without runs: the folder, not 'no run with id'", async () => {
  const dir = testTempDir("empty-home-");
  const file = `${dir}/ok.yml`;
  await Deno.writeTextFile(file, "name: ok\ntasks:\n  - id: a\n    command: 'true'\n");
  const cases = [
    ["history", "mark-interrupted", "20261126T0"],
    ["run", file, "--dry-run", "--resume", "20261126T0"],
    ["run", file, "--resume", "20261126T0"],
  ];
  for (const args of cases) {
    const home = `${dir}/home-${args[0]}-${args.length}`;
    const out = await weft([...args, "--home", home]);
    assert.equal(out.code, 2, args.join(" "));
    assert.ok(out.stderr.startsWith(NOTE(home)), `${args.join(" ")}:\n${out.stderr}`);
  }
});

Deno.test({
  name: "monitor --live on a home without runs names the folder on its screen",
  ignore: TMUX_MISSING !== "",
  sanitizeResources: false,
  async fn() {
    const home = `${testTempDir("empty-home-")}/nothing-here`;
    const env = weftEnv({ NO_COLOR: "1", WEFT_HOME: home });
    const socket = `weft-empty-home-${Deno.pid}`;
    await tmux(socket, "new-session", "-d", "-x", "200", "-y", "20", "sh");
    try {
      await tmux(socket, "send-keys", "-l", `${weftCommandLine(["monitor", "--live"], env)}`);
      await tmux(socket, "send-keys", "Enter");
      let screen = "";
      // A bounded wait for the first frame, not a timing assertion.
      for (let i = 0; i < 300 && !/^weft monitor/m.test(screen); i++) {
        await new Promise((r) => setTimeout(r, 100));
        screen = await tmux(socket, "capture-pane", "-p");
      }
      assert.match(screen, /^weft monitor +0 running .*no runs recorded in (.*)$/m, screen);
      assert.equal(/no runs recorded in (.*)$/m.exec(screen)?.[1].trimEnd(), home);
      await tmux(socket, "send-keys", "q");
    } finally {
      await tmux(socket, "kill-server").catch(() => {});
    }
  },
});

Deno.test("verbs that change runs make nothing where no history is (prune, mark-interrupted, --resume)", async () => {
  const dir = testTempDir("empty-home-");
  const file = `${dir}/ok.yml`;
  await Deno.writeTextFile(file, "name: ok\ntasks:\n  - id: a\n    command: 'true'\n");
  const cases: [string[], number][] = [
    [["history", "prune", "--keep-days", "30"], 0],
    [["history", "prune", "--keep-runs", "1"], 0],
    [["history", "mark-interrupted", "20261126T0"], 2],
    [["run", file, "--resume", "20261126T0"], 2],
  ];
  for (const [i, [args, code]] of cases.entries()) {
    const label = args.join(" ");
    // A home that is not there stays so; an empty folder given as home stays empty.
    const missing = `${dir}/missing-${i}`;
    const empty = `${dir}/empty-${i}`;
    Deno.mkdirSync(empty);
    for (const home of [missing, empty]) {
      const out = await weft([...args, "--home", home]);
      assert.equal(out.code, code, `${label}: ${out.stderr}`);
      assert.match(out.stderr, new RegExp(`^no runs recorded in ${RegExp.escape(home)}$`, "m"));
    }
    assert.throws(() => Deno.lstatSync(missing), Deno.errors.NotFound, `${label} made the home`);
    assert.deepEqual([...Deno.readDirSync(empty)], [], `${label} wrote into an empty home`);
  }
  // Where history is, prune still opens it for writing and deletes what it is told to.
  const home = `${dir}/with-runs`;
  assert.equal((await weft(["run", file, "-q", "--home", home])).code, 0);
  assert.equal((await weft(["run", file, "-q", "--home", home])).code, 0);
  const pruned = await weft(["history", "prune", "--keep-runs", "1", "--home", home]);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stderr, /^deleted 1 run$/m);
});
