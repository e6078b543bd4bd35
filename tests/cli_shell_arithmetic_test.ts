/**
 * Values where bash evaluates arithmetic, through the real `weft validate` and `weft run`
 * (expr/shell_frames.ts inArithmetic, outputInArithmetic): inside the shell's own
 * `${N:-…}`, an offset or a quoted subscript within arithmetic a value is integer-only,
 * as directly in `$(( ))`; inside a `$(...)` whose output is arithmetic, refused.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/shell_arithmetic/", import.meta.url).pathname;
const PAYLOAD = "a[$(echo PWNED >&2)0]";

Deno.test("cli shell arithmetic: a value nested in the shell's ${...} within arithmetic is integer-only", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const file = `${FIXTURES}nested.yml`;
  const ok = await weft(["run", file, "-v"], { env });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout + ok.stderr, /\[a\] 4 ab z\n/);
  const bad = await weft(["run", file, "-v", "-p", `n=${PAYLOAD}`], { env });
  assert.equal(bad.code, 1, bad.stderr);
  const out = bad.stdout + bad.stderr;
  assert.match(out, /is not an integer and cannot be used where the shell evaluates arithmetic/);
  // The payload's command never ran: PWNED shows only inside the quoted value.
  assert.doesNotMatch(out.replaceAll(PAYLOAD, ""), /PWNED/);
});

Deno.test("cli shell arithmetic: validate refuses a value in a $(...) whose output is arithmetic, at its place", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const file = `${FIXTURES}output.yml`;
  for (const verb of ["validate", "run"]) {
    const result = await weft([verb, file], { env });
    assert.equal(result.code, 2, `${verb}: ${result.stderr}`);
    assert.match(
      result.stderr,
      /output\.yml:9:23: command in task "a": cannot substitute a value inside \$\(\.\.\.\) or backticks within arithmetic/,
    );
    assert.match(result.stderr, /hint: put the value straight into the arithmetic/);
    assert.doesNotMatch(result.stdout + result.stderr, /start/);
  }
});

Deno.test("cli shell arithmetic: a value in a name's subscript or a [[ ]] over lines is integer-only", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const file = `${FIXTURES}subscripts.yml`;
  const ok = await weft(["run", file, "-v"], { env });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout + ok.stderr, /\[a\] x Y z one\n/);
  for (const payload of ["$(echo PWNED >&2)", PAYLOAD]) {
    const bad = await weft(["run", file, "-v", "-p", `i=${payload}`], { env });
    assert.equal(bad.code, 1, bad.stderr);
    const out = bad.stdout + bad.stderr;
    assert.match(out, /is not an integer and cannot be used where the shell evaluates arithmetic/);
    assert.doesNotMatch(out.replaceAll(payload, ""), /PWNED/);
  }
});

Deno.test("cli shell arithmetic: a value naming a variable that holds another value's code is refused", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const file = `${FIXTURES}named.yml`;
  const ok = await weft(["run", file, "-v", "-p", "replicas=1"], { env });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout + ok.stderr, /\[scale\] replica 0 in staging\n/);
  const args = ["run", file, "-v", "-p", `env_name=${PAYLOAD}`, "-p", "replicas=TARGET_ENV"];
  const bad = await weft(args, { env });
  assert.equal(bad.code, 1, bad.stderr);
  const out = bad.stdout + bad.stderr;
  assert.match(
    out,
    /value "TARGET_ENV", read as a variable name, leads to TARGET_ENV, whose value holds "\["/,
  );
  assert.doesNotMatch(out.replaceAll(PAYLOAD, ""), /PWNED/);
});
