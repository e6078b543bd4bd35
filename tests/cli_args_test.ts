/**
 * src/cli/args.ts: `KEY=VALUE` flag values (`-p`, `--env`), here a value that was not
 * valid UTF-8, which Deno hands over with U+FFFD in place of the bad bytes.
 * @module
 */
import assert from "node:assert/strict";
import { parseAssignments } from "../src/cli/args.ts";
import { WeftError } from "../src/model/errors.ts";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/args/", import.meta.url).pathname;

Deno.test("parseAssignments: a value holding U+FFFD (bytes that were not UTF-8) is refused, exit 2", () => {
  for (const flag of ["--param", "--env"] as const) {
    assert.throws(
      () => parseAssignments(["ok=1", "V=a\uFFFDb"], flag),
      (e: unknown) =>
        e instanceof WeftError && e.exitCode === 2 &&
        e.problems[0].message === `${flag} V: the value is not valid UTF-8 ` +
            "(a byte that is not UTF-8 arrives as \uFFFD)" &&
        /give it as UTF-8/.test(e.problems[0].hint ?? ""),
    );
  }
  assert.deepEqual(parseAssignments(["v=héllo ✓", "w=a=b"], "--param"), {
    v: "héllo ✓",
    w: "a=b",
  });
});

Deno.test("weft run --env/-p with a bad name: the error quotes the name, never the value", async () => {
  const dir = testTempDir();
  for (
    const [flag, item, shown] of [
      ["--env", "DB PASSWORD=SecretVal_5678", '--env "DB PASSWORD=…": expected VAR=value'],
      ["--env", "BAD-NAME_TOKEN=SecretVal_5678", '--env "BAD-NAME_TOKEN=…": expected VAR=value'],
      ["-p", "api token=SecretVal_5678", '--param "api token=…": expected name=value'],
    ]
  ) {
    const out = await weft(["run", `${FIXTURES}param.yml`, flag, item], {
      env: { WEFT_HOME: `${dir}/home`, MARKER_DIR: dir },
    });
    assert.equal(out.code, 2, out.stderr);
    assert.ok(out.stderr.includes(shown), out.stderr);
    assert.ok(!out.stderr.includes("SecretVal"), out.stderr);
  }
  await assert.rejects(Deno.stat(`${dir}/ran`), Deno.errors.NotFound);
});

Deno.test("weft run -p v=<bytes not UTF-8>: refused with the reason, exit 2, nothing runs", async () => {
  const dir = testTempDir();
  const home = `${dir}/home`;
  // The shell passes the byte 0xFF as it is, which a Deno test cannot put in an argument.
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      `exec "$@" -p "v=$(printf 'a\\377b')"`,
      "sh",
      Deno.execPath(),
      ...weftArgs(["run", `${FIXTURES}param.yml`]),
    ],
    env: weftEnv({ WEFT_HOME: home, MARKER_DIR: dir }),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await child.output();
  const said = new TextDecoder().decode(stderr);
  assert.equal(code, 2, said);
  assert.match(
    said,
    /^--param v: the value is not valid UTF-8 \(a byte that is not UTF-8 arrives as \uFFFD\)$/m,
  );
  assert.match(said, /hint: weft passes values as UTF-8 text/);
  assert.equal(stdout.length, 0);
  await assert.rejects(Deno.stat(`${dir}/ran`), Deno.errors.NotFound);
  await assert.rejects(Deno.stat(`${home}/weft.kv`), Deno.errors.NotFound, "no run recorded");
});

Deno.test("weft run --env: a name a workflow layer sets over it gets one warning naming the layer", async () => {
  const { weft } = await import("./_run_cli.ts");
  const args = ["run", `${FIXTURES}env_layers.yml`];
  for (const name of ["NODE_ENV", "REGION", "LOG_LEVEL", "FREE"]) args.push("--env", `${name}=cli`);
  const { code, stderr } = await weft(args);
  assert.equal(code, 0, stderr);
  assert.match(
    stderr,
    /warning: --env NODE_ENV has no effect: the workflow's `environment` sets it, over --env, for every task\n/,
  );
  assert.match(stderr, /warning: --env REGION has no effect: `defaults.environment` sets it/);
  assert.match(
    stderr,
    /warning: --env LOG_LEVEL has no effect in task a: its `environment` sets it/,
  );
  assert.doesNotMatch(stderr, /--env FREE/);
  const own = await weft(["run", `${FIXTURES}env_layers.yml`, "--env", "WEFT_TASK_ID=x"]);
  assert.equal(own.code, 0, own.stderr);
  assert.match(
    own.stderr,
    /warning: --env WEFT_TASK_ID has no effect: weft sets it in each task's environment itself/,
  );
  // What the task saw: the layers' values, and --env's where no layer sets the name.
  assert.match(stderr, /production eu debug cli/);
});

Deno.test("weft run --env: a layer reading the name itself passes --env through, no warning (verifier N2)", async () => {
  const { weft } = await import("./_run_cli.ts");
  const args = ["run", `${FIXTURES}env_reads.yml`];
  for (const name of ["NODE_ENV", "REGION", "MODE", "LOG_LEVEL"]) args.push("--env", `${name}=cli`);
  const { code, stderr } = await weft(args);
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /--env (NODE_ENV|REGION)/);
  // A later layer that sets the name without reading it still wins; reading another name
  // (LOG_LEVEL: ${env.NODE_ENV}) does not pass --env LOG_LEVEL through.
  assert.match(stderr, /warning: --env MODE has no effect: `defaults.environment` sets it/);
  assert.match(stderr, /warning: --env LOG_LEVEL has no effect in task a/);
  assert.match(stderr, /cli-x cli-d-t fixed cli-x/);
});
