/**
 * Every process weft starts goes through one check of the kernel's exec limits
 * (tasks/exec_limits.ts, called by the spawner): a value too large for one argument or
 * environment string is named, with its size and the limit, whatever the task type; a
 * value weft exports on its own (WEFT_ITEM) never fails the task.
 */
import assert from "node:assert/strict";
import {
  checkExecLimits,
  ExecLimitError,
  execLimitError,
  MAX_ARG_STRLEN,
} from "../src/tasks/exec_limits.ts";
import { DenoSpawner } from "../src/tasks/spawner.ts";
import { resolveQuoted } from "../src/model/data_text.ts";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { dockerCalls, STANDIN_BIN } from "./_docker_standin.ts";
import { testTempDir } from "./_tmp.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";
const BIG = 140_000;
/** ARG_MAX is a quarter of the stack limit: the E2BIG tests assume the usual 8 MiB. */
const STACK_8MIB = /^Max stack size\s+8388608\s/m.test(
  Deno.readTextFileSync("/proc/self/limits"),
);

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ExecLimitError, String(error));
    return resolveQuoted(error.reason);
  }
  assert.fail("no ExecLimitError");
}

Deno.test("checkExecLimits: names the argument or variable, its size and MAX_ARG_STRLEN", () => {
  checkExecLimits(["-c", "x".repeat(MAX_ARG_STRLEN - 1)], { A: "y".repeat(MAX_ARG_STRLEN - 3) });
  const arg = reasonOf(() => checkExecLimits(["-", "q".repeat(BIG)], {}));
  assert.match(arg, /^argument 2 is 140000 bytes, over the 131072 bytes/);
  // No cut of the value is shown (it could be the start of a secret); a NAME= prefix is.
  assert.doesNotMatch(arg, /qqq/);
  const named = reasonOf(() => checkExecLimits(["-e", `TOKEN=${"s".repeat(BIG)}`], {}));
  assert.match(named, /^argument 2 \("TOKEN=…"\) is 140006 bytes/);
  assert.match(arg, /MAX_ARG_STRLEN/);
  assert.match(arg, /pass the file's path instead$/);
  // UTF-8 bytes count, not characters: 50,000 "é" are 100,000 bytes, 50,000 "日" 150,000.
  checkExecLimits(["é".repeat(50_000)], {});
  assert.match(reasonOf(() => checkExecLimits(["日".repeat(50_000)], {})), /150000 bytes/);
  const env = reasonOf(() => checkExecLimits([], { BIG: "b".repeat(BIG) }));
  assert.match(env, /^environment variable BIG is 140000 bytes; Linux limits one variable to/);
  assert.match(env, /131067 bytes \(MAX_ARG_STRLEN/);
});

Deno.test("execLimitError: the total of all strings is checked against ARG_MAX", () => {
  assert.equal(execLimitError("sh", ["-c", "true"], { A: "x" }), null);
  const many: Record<string, string> = {};
  for (let i = 0; i < 40; i++) many[`V${i}`] = "x".repeat(60_000);
  assert.match(resolveQuoted(execLimitError("sh", [], many)!), /ARG_MAX/);
});

for (const [name, options] of [["posix_spawn", {}], ["fork", { setsid: null }]] as const) {
  Deno.test(`DenoSpawner (${name}): refuses an argument over the limit before starting`, () => {
    const spawner = new DenoSpawner(options);
    const spawn = () =>
      spawner.spawn({
        cmd: "true",
        args: ["a".repeat(BIG)],
        cwd: "/",
        env: { PATH },
        signal: new AbortController().signal,
      });
    assert.match(reasonOf(spawn), /argument 1 is 140000 bytes/);
  });

  Deno.test({
    name: `DenoSpawner (${name}): an E2BIG from exec says ARG_MAX, not an errno`,
    ignore: !STACK_8MIB,
  }, async () => {
    // Each string fits; together (2.4 MB) they pass the 8 MiB stack's 2 MiB ARG_MAX.
    const env: Record<string, string> = { PATH };
    for (let i = 0; i < 40; i++) env[`V${i}`] = "x".repeat(60_000);
    const error = await Promise.resolve().then(() =>
      new DenoSpawner(options).spawn({
        cmd: "true",
        args: [],
        cwd: "/",
        env,
        signal: new AbortController().signal,
      })
    ).then((child) => child.status, (e) => e);
    assert.ok(error instanceof ExecLimitError, String(error));
    assert.match(resolveQuoted(error.reason), /take \d+ bytes; .*ARG_MAX/);
  });
}

/** Runs `yaml` with the stand-in docker on PATH; returns the JSON report and stderr. */
async function run(yaml: string): Promise<{ code: number; report: RunReport; stderr: string }> {
  const dir = testTempDir("exec-limits-");
  await Deno.writeTextFile(`${dir}/wf.yml`, yaml);
  const env = { PATH: `${STANDIN_BIN}:${PATH}`, DOCKER_STANDIN_LOG: `${dir}/docker.log` };
  const result = await weft(["run", `${dir}/wf.yml`, "--json", "--quiet"], { env });
  return { code: result.code, report: JSON.parse(result.stdout), stderr: result.stderr };
}

const PRODUCE = `  - id: produce
    command: |
      printf 'payload=' >> "$WEFT_OUTPUT"
      head -c ${BIG} /dev/zero | tr '\\0' 'p' >> "$WEFT_OUTPUT"
      echo >> "$WEFT_OUTPUT"
`;

Deno.test("CLI: a value over 128 KiB in python/javascript args or docker env is named", async () => {
  const { code, report, stderr } = await run(`name: big-args
tasks:
${PRODUCE}  - id: py
    depends_on: produce
    type: python
    code: import sys; print(len(sys.argv[1]))
    args: ["\${tasks.produce.outputs.payload}"]
  - id: js
    depends_on: produce
    type: javascript
    code: console.log(process.argv.length)
    args: ["\${tasks.produce.outputs.payload}"]
  - id: dk
    depends_on: produce
    type: docker
    config:
      image: alpine
      env: {BIG: "\${tasks.produce.outputs.payload}"}
`);
  assert.equal(code, 1, stderr);
  // Each names the field as written and the task type, not a position in weft's own
  // `deno run … SCRIPT ARGS` or `docker run … -e` command line.
  const expected: Record<string, RegExp> = {
    py: /^args\[0\] is 1400\d\d bytes once resolved, .* one argument of the python script: /,
    js: /^args\[0\] is 1400\d\d bytes once resolved, .* one argument of the javascript script: /,
    dk: /^config\.env\.BIG is 1400\d\d bytes once resolved, .* one argument of docker run: /,
  };
  for (const [id, reason] of Object.entries(expected)) {
    const task = reportTask(report, id);
    assert.equal(task.status, "failed");
    assert.match(task.error ?? "", reason);
    assert.match(task.error ?? "", / over the 131072 bytes \(MAX_ARG_STRLEN, execve\(2\)\) Linux/);
    assert.doesNotMatch(task.error ?? "", /errno|os error|argument \d|deno/);
  }
  assert.doesNotMatch(reportTask(report, "py").error ?? "", /ppp/);
  assert.doesNotMatch(stderr, /errno 7/);
});

Deno.test("CLI: a docker env value over the limit starts nothing", async () => {
  const dir = testTempDir("exec-limits-");
  await Deno.writeTextFile(
    `${dir}/wf.json`,
    JSON.stringify({
      name: "docker-big",
      params: { big: { default: "d".repeat(BIG) } },
      tasks: [{
        id: "dk",
        type: "docker",
        config: { image: "alpine", env: { V: "${params.big}" } },
      }],
    }),
  );
  const log = `${dir}/docker.log`;
  const env = { PATH: `${STANDIN_BIN}:${PATH}`, DOCKER_STANDIN_LOG: log };
  const result = await weft(["run", `${dir}/wf.json`, "--quiet"], { env });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /config\.env\.V is 140002 bytes once resolved/);
  assert.deepEqual(await dockerCalls(log), []);
});

Deno.test("CLI: a loop item over 128 KiB used as ${item} runs; WEFT_ITEM is left out with a note", async () => {
  const dir = testTempDir("exec-limits-");
  await Deno.writeTextFile(
    `${dir}/wf.yml`,
    `name: big-item
tasks:
  - id: a
    command: |
      { printf 'files<<EOF\\n'; head -c ${BIG} /dev/zero | tr '\\0' f; printf '\\nsmall\\nEOF\\n'; } >> "$WEFT_OUTPUT"
  - id: each
    depends_on: a
    type: loop
    items: \${tasks.a.outputs.files}
    task:
      command: printf '%s %s\\n' "$(printf '%s' "\${item}" | wc -c)" "$\${WEFT_ITEM-unset}"
`,
  );
  const home = `${dir}/home`;
  const result = await weft(["run", `${dir}/wf.yml`, "--quiet"], { env: { WEFT_HOME: home } });
  assert.equal(result.code, 0, result.stderr);
  const id = (await weft(["history", "-q", "-n1"], { env: { WEFT_HOME: home } })).stdout.trim();
  const first = await weft(["logs", id, "each[0]"], { env: { WEFT_HOME: home } });
  assert.match(first.stdout, /^\s*140000 unset$/m);
  assert.match(first.stdout + first.stderr, /WEFT_ITEM is not set: the item is 140000 bytes/);
  const second = await weft(["logs", id, "each[1]"], { env: { WEFT_HOME: home } });
  assert.match(second.stdout, /^\s*5 small$/m);
});
