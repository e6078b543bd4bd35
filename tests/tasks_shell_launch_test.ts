/**
 * Values and commands of any size reach the shell (shell_launch.ts): unit checks with a
 * real `sh`, and the scenarios of issue 7 §2 through the real CLI.
 */
import assert from "node:assert/strict";
import {
  execLimitError,
  INLINE_VALUE_BYTES,
  MAX_ARG_STRLEN,
  prepareShell,
} from "../src/tasks/shell_launch.ts";
import { resolveQuoted } from "../src/model/data_text.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

async function runSh(args: string[], env: Record<string, string>): Promise<string> {
  const out = await new Deno.Command("sh", { args, env, clearEnv: true, stdout: "piped" })
    .output();
  assert.equal(out.code, 0);
  return new TextDecoder().decode(out.stdout);
}

Deno.test("prepareShell: small values stay in the environment, no files", async () => {
  const dir = testTempDir("launch-");
  const launch = await prepareShell(
    'printf %s "${WEFT_V_1}"',
    { WEFT_V_1: "hi" },
    {},
    `${dir}/out`,
  );
  assert.deepEqual(launch.args, ["-c", 'printf %s "${WEFT_V_1}"']);
  assert.equal(launch.env.WEFT_V_1, "hi");
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  await launch.cleanup();
});

Deno.test("prepareShell: a large value travels in a private file, exactly, never as syntax", async () => {
  const dir = testTempDir("launch-");
  // Shell syntax, quotes, trailing newlines and non-ASCII: all must come back unchanged.
  const value = `$(touch ${dir}/pwned) '"\`;|&\n`.repeat(10_000) + "é日\n\n";
  assert.ok(value.length > INLINE_VALUE_BYTES);
  const launch = await prepareShell('printf %s "${WEFT_V_1}"', { WEFT_V_1: value }, {
    PATH: "/usr/bin:/bin",
  }, `${dir}/out`);
  assert.equal(launch.env.WEFT_V_1, undefined, "not in the environment");
  const files = [...Deno.readDirSync(dir)];
  assert.equal(files.length, 1);
  const folder = `${dir}/${files[0].name}`;
  assert.equal(Deno.statSync(folder).mode! & 0o777, 0o700);
  for (const file of Deno.readDirSync(folder)) {
    assert.equal(Deno.statSync(`${folder}/${file.name}`).mode! & 0o777, 0o600);
  }
  assert.equal(await runSh(launch.args, launch.env), value);
  await launch.cleanup();
  assert.deepEqual([...Deno.readDirSync(dir)], [], "files removed");
  assert.throws(() => Deno.statSync(`${dir}/pwned`));
});

Deno.test("prepareShell: a 300 KB command runs from a file, as sh -c would", async () => {
  const dir = testTempDir("launch-");
  const command = `x='${"a".repeat(300_000)}'; printf '%s %s %s' "\${#x}" "$0" "$#"`;
  const launch = await prepareShell(command, {}, { PATH: "/usr/bin:/bin" }, `${dir}/out`);
  assert.ok(launch.args.every((arg) => arg.length < 1000));
  const zero = await runSh(["-c", 'printf %s "$0"'], {});
  assert.equal(await runSh(launch.args, launch.env), `300000 ${zero} 0`);
  await launch.cleanup();
});

Deno.test("execLimitError: names the variable that is too large, and the limit", () => {
  assert.equal(execLimitError("sh", ["-c", "true"], { A: "x" }), null);
  const message = resolveQuoted(
    execLimitError("sh", ["-c", "true"], { BIG: "x".repeat(MAX_ARG_STRLEN) })!,
  );
  assert.match(message!, /environment variable BIG is 131072 bytes/);
  assert.match(message!, /MAX_ARG_STRLEN/);
  const many: Record<string, string> = {};
  for (let i = 0; i < 40; i++) many[`V${i}`] = "x".repeat(60_000);
  assert.match(resolveQuoted(execLimitError("sh", [], many)!), /ARG_MAX/);
});

Deno.test("CLI: a 140 KB output and a 250 KB stdout pass to the next command", async () => {
  const dir = testTempDir("launch-cli-");
  const file = `${dir}/wf.yml`;
  await Deno.writeTextFile(
    file,
    `name: big-values
tasks:
  - id: produce
    command: |
      printf 'payload=' >> "$WEFT_OUTPUT"
      head -c 140000 /dev/zero | tr '\\0' 'p' >> "$WEFT_OUTPUT"
      echo >> "$WEFT_OUTPUT"
      i=0; while [ $i -lt 1000 ]; do printf '%s\\n' '${"é".repeat(50)}${
      "日".repeat(50)
    }'; i=$((i+1)); done
  - id: consume
    depends_on: produce
    command: |
      printf '%s' "\${tasks.produce.outputs.payload}" | wc -c
      printf '%s' "\${tasks.produce.stdout}" | wc -c
`,
  );
  const home = `${dir}/home`;
  const run = await weft(["run", file, "--quiet"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  const id = (await weft(["history", "-q", "-n1"], { env: { WEFT_HOME: home } })).stdout.trim();
  const logs = await weft(["logs", id, "consume"], { env: { WEFT_HOME: home } });
  // The whole stdout (101,000 characters, under 1 MiB): 1,000 lines of 251 bytes of UTF-8.
  const [payload, stdout] = logs.stdout.trim().split("\n").map((l) => Number(l.trim()));
  assert.equal(payload, 140_000);
  assert.equal(stdout, 1000 * 251 - 1, "the final newline trimmed");
});

Deno.test("CLI: a 300 KB inline command runs", async () => {
  const dir = testTempDir("launch-cli-");
  const file = `${dir}/wf.json`;
  const command = `x='${"a".repeat(300_000)}'; echo "$\${#x}"`;
  await Deno.writeTextFile(file, JSON.stringify({ name: "long", tasks: [{ id: "t", command }] }));
  const home = `${dir}/home`;
  const run = await weft(["run", file, "--quiet"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  const id = (await weft(["history", "-q", "-n1"], { env: { WEFT_HOME: home } })).stdout.trim();
  assert.equal((await weft(["logs", id, "t"], { env: { WEFT_HOME: home } })).stdout, "300000\n");
});

Deno.test("CLI: an environment variable too large for exec is named, with the limit", async () => {
  const dir = testTempDir("launch-cli-");
  const file = `${dir}/wf.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      name: "big-env",
      // A literal value this big is refused by validate; one known only at run time
      // (a parameter) reaches exec and must be named there.
      params: { big: { default: "b".repeat(200_000) } },
      tasks: [{ id: "t", command: "true $X", environment: { BIG: "${params.big}" } }],
    }),
  );
  const run = await weft(["run", file], { env: { WEFT_HOME: `${dir}/home`, NO_COLOR: "1" } });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /environment variable BIG is 200000 bytes/);
  assert.doesNotMatch(run.stderr, /internal error|errno 7/);
});

Deno.test("prepareShell: a value used again is read from its file once and copied by the shell", async () => {
  const dir = testTempDir("launch-");
  const big = "x\n".repeat(INLINE_VALUE_BYTES) + "'$(y)\n\n";
  // Past the 256 KiB budget small values spill too: 30,000 uses of one small value.
  const values: Record<string, string> = { WEFT_V_1: big, WEFT_V_2: big };
  for (let i = 3; i <= 30_000; i++) values[`WEFT_V_${i}`] = i % 2 ? "v" : "w z";
  const names = Object.keys(values);
  const command = `printf '%s|' ${names.map((n) => `"\${${n}}"`).join(" ")}`;
  const launch = await prepareShell(command, values, { PATH: "/usr/bin:/bin" }, `${dir}/out`);
  const folder = `${dir}/${[...Deno.readDirSync(dir)][0].name}`;
  const files = [...Deno.readDirSync(folder)].map((f) => f.name).filter((n) => n !== "command.sh");
  // One file for the large value; every other spilled one repeats a value held already.
  assert.deepEqual(files, ["value-1"]);
  assert.equal(await runSh(launch.args, launch.env), names.map((n) => `${values[n]}|`).join(""));
  await launch.cleanup();
});

Deno.test("CLI: one param used 32,000 times in a command reaches every use", async () => {
  const dir = testTempDir("launch-cli-");
  const file = `${dir}/wf.json`;
  const uses = Array(32_000).fill("${params.p}").join(" ");
  const command = `set -- ${uses}; for x; do last=$x; done; echo "$# $1 $last"`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      name: "many",
      params: { p: { default: "v" } },
      tasks: [{ id: "t", command }],
    }),
  );
  const home = `${dir}/home`;
  const run = await weft(["run", file, "--quiet"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  const id = (await weft(["history", "-q", "-n1"], { env: { WEFT_HOME: home } })).stdout.trim();
  assert.equal((await weft(["logs", id, "t"], { env: { WEFT_HOME: home } })).stdout, "32000 v v\n");
});
