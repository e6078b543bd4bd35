/**
 * A history folder (WEFT_HOME, --home) that cannot be used as given: a file where the
 * folder should be, a folder below a file, a damaged weft.kv. Every verb exits 2 for it
 * (README "Exit codes": nothing ran), as `weft run` always did: the readers exited 1
 * (store/open.ts homeFault is the one place all of them take the error from). And
 * `weft self-check` says what is wrong with the path in the words `weft run` uses, not
 * the OS's raw message (exit 1: its own verdict, "weft cannot work here").
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const HELLO = new URL("./fixtures/faults/hello.yml", import.meta.url).pathname;

/** Every verb that opens the history, with arguments that get it that far. */
const VERBS = [
  ["run", HELLO],
  ["history"],
  ["status", "x"],
  ["logs", "x"],
  ["metrics"],
  ["alerts"],
  ["schedule", "list"],
  ["history", "prune", "--keep-runs", "1"],
  ["history", "mark-interrupted", "x"],
];

/** Homes no verb can use: a file, a folder below a file, a folder with a damaged weft.kv. */
function brokenHomes(): Record<string, string> {
  const dir = testTempDir("home-unusable-");
  Deno.writeTextFileSync(`${dir}/file`, "not a folder");
  Deno.mkdirSync(`${dir}/damaged`, { mode: 0o700 });
  Deno.writeFileSync(`${dir}/damaged/weft.kv`, new Uint8Array(8192).fill(0x5a), { mode: 0o600 });
  return {
    "a file": `${dir}/file`,
    "a folder below a file": `${dir}/file/sub/home`,
    "a damaged weft.kv": `${dir}/damaged`,
  };
}

Deno.test("an unusable history folder: every verb exits 2, naming it with a hint", async () => {
  for (const [what, home] of Object.entries(brokenHomes())) {
    const results = await Promise.all(
      VERBS.map(async (args) => ({ args, r: await weft(args, { env: { WEFT_HOME: home } }) })),
    );
    for (const { args, r } of results) {
      const label = `${what}: weft ${args.join(" ")}`;
      assert.equal(r.code, 2, `${label}: ${r.stderr}`);
      assert.ok(r.stderr.startsWith(home), `${label} names the home: ${r.stderr}`);
      assert.match(r.stderr, /\n {2}hint: /, label);
      assert.doesNotMatch(r.stderr, /os error| {4}at /, label);
    }
  }
});

Deno.test("self-check --home FILE: says what is wrong with the path as run does, exit 1", async () => {
  const home = brokenHomes()["a file"];
  const run = await weft(["run", HELLO, "--home", home]);
  assert.equal(run.code, 2, run.stderr);
  const said = `${home}: cannot create the history folder: it exists and is not a folder`;
  const hint = "move it away, or point WEFT_HOME (or --home) at another folder";
  assert.equal(run.stderr, `${said}\n  hint: ${hint}\n`);
  const check = await weft(["self-check", "--home", home]);
  assert.equal(check.code, 1, check.stderr);
  assert.ok(
    check.stdout.includes(`\nstore     ${home} (NOT writable: ${said}; hint: ${hint})\n`),
    check.stdout,
  );
  assert.doesNotMatch(check.stdout, /os error/);
  const json = await weft(["self-check", "--json", "--home", home]);
  assert.equal(json.code, 1, json.stderr);
  const { store } = JSON.parse(json.stdout);
  assert.deepEqual(store, {
    path: home,
    writable: false,
    readable: false,
    runs: false,
    error: `${said}; hint: ${hint}`,
  });
  assert.equal(await Deno.readTextFile(home), "not a folder", "left as it was");
  // A home below that file: the words of `weft run` there too.
  const below = `${home}/sub/home`;
  const runBelow = await weft(["run", HELLO, "--home", below]);
  const [first] = runBelow.stderr.split("\n");
  assert.equal(
    first,
    `${below}: cannot create the history folder: a part of the path is a file, not a folder`,
  );
  const checkBelow = await weft(["self-check", "--home", below]);
  assert.equal(checkBelow.code, 1);
  assert.ok(checkBelow.stdout.includes(`(NOT writable: ${first}; hint: `), checkBelow.stdout);
});
