/**
 * validate = run, through the real CLI: what `weft validate` reports, `weft run` refuses
 * the same way before starting anything (exit 2, same first line), and what validate
 * accepts about environment blocks, run resolves as documented.
 */
import assert from "node:assert/strict";
import { FIXTURES, weft } from "./_run_cli.ts";

const INVALID = new URL("./fixtures/invalid/", import.meta.url).pathname;

/** Fixtures for checks that used to pass validate and fail (or race) only at run time. */
const STATIC = [
  "quoted-heredoc.yml",
  "output-ref-without-dependency.yml",
  "env-later-name.yml",
  "task-id-too-long.yml",
  "http-bad-url.yml",
  "http-unknown-method.yml",
  "http-bad-header-name.yml",
  "http-get-with-data.yml",
  "nul-in-command.yml",
  "nul-in-cwd.yml",
  "http-auth-line-break.yml",
];

for (const file of STATIC) {
  Deno.test(`validate = run: invalid/${file} is refused by both, at the same place`, async () => {
    const checked = await weft(["validate", file], { cwd: INVALID });
    const ran = await weft(["run", file], { cwd: INVALID });
    assert.equal(checked.code, 2, checked.stderr);
    assert.equal(ran.code, 2, ran.stderr);
    const first = checked.stderr.split("\n")[0];
    assert.match(first, new RegExp(`^${file.replace(/\./g, "\\.")}:\\d+:\\d+: `));
    assert.ok(ran.stderr.includes(first), `run did not report ${first}:\n${ran.stderr}`);
    assert.ok(!/run_started|✔|✘/.test(ran.stderr), `something ran:\n${ran.stderr}`);
  });
}

Deno.test("weft run: an environment block reads names set above it, at every layer", async () => {
  const { code, stderr } = await weft(["run", `${FIXTURES}env-chain.yml`, "--verbose"]);
  assert.equal(code, 0, stderr);
  assert.match(
    stderr,
    /^\[show\] IMAGE=registry\.example\.org\/team\/app TAG=v2\.0 REF=registry\.example\.org\/team\/app:stage@v2\.0$/m,
  );
});
