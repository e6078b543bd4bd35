/**
 * The secrets of called workflows (engine/called_secrets.ts) are the caller's from its
 * start, through the real `weft run` and `--dry-run`: a caller task that runs before the
 * call, or beside it, masks them as one after it does, nested calls included, and
 * WEFT_HOME never holds them.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/called_secrets/", import.meta.url).pathname;
const VALUES = ["mycred-554433", "deepcred-7788", "childtok-998877", "deeptok-112233"];

/** Every file under `home`, as text. */
function homeText(home: string): string {
  let text = "";
  const walk = (folder: string) => {
    for (const entry of Deno.readDirSync(folder)) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (entry.isFile) text += new TextDecoder().decode(Deno.readFileSync(path));
    }
  };
  walk(home);
  return text;
}

const env = (home: string) => ({
  WEFT_HOME: home,
  MY_CRED: "mycred-554433",
  DEEP_CRED: "deepcred-7788",
});

Deno.test("cli called secrets: a called workflow's secrets are masked in its caller's tasks before and beside the call", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", `${FIXTURES}caller.yml`, "-v"], { env: env(home) });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\[early\] early \*\*\* \*\*\* \*\*\* \*\*\* \*\*\*\n/);
  assert.match(run.stderr, /\[beside\] beside \*\*\* \*\*\* \*\*\* \*\*\*\n/);
  assert.match(run.stderr, /\[late\] late \*\*\* \*\*\* \*\*\* \*\*\* \*\*\*\n/);
  assert.match(run.stderr, /\[call\] \[deeper\] \[d\] leaf \*\*\* \*\*\*\n/);
  const stored = homeText(home);
  for (const value of [...VALUES, "pdefault-445566"]) {
    assert.ok(!run.stderr.includes(value) && !run.stdout.includes(value), value);
    assert.ok(!stored.includes(value), `WEFT_HOME holds ${value}`);
  }
});

Deno.test("cli called secrets: --dry-run masks a called workflow's literal secrets", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", `${FIXTURES}caller.yml`, "--dry-run"], { env: env(home) });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\$ echo "early \$MY_CRED \$DEEP_CRED \*\*\* \*\*\* \*\*\*"/);
});

Deno.test("cli called secrets: a secret param's default the call does not use stays; the value given is masked", async () => {
  const home = testTempDir("home-");
  const run = await weft(["run", `${FIXTURES}passes.yml`, "-v"], { env: env(home) });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\[early\] early \*\*\* pdefault-445566 \*\*\*\n/);
});
