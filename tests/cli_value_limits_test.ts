/**
 * A value too large for where it goes is refused naming the field as the workflow writes
 * it, its size and Linux's limit, through the real CLI, for every task type:
 * - in a field naming a file or folder (expr/path.ts): a name over NAME_MAX (255 bytes),
 *   before anything looks at the disk — not "File name too long" about a temp file weft
 *   made, a raw ENAMETOOLONG, or "not found";
 * - in a field that becomes one argument of a program (tasks/exec_limits.ts
 *   argumentValue): over MAX_ARG_STRLEN (128 KiB), named `args[1]`, not the argument's
 *   position in weft's own `deno run … SCRIPT ARGS` command line.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { dockerCalls, STANDIN_BIN } from "./_docker_standin.ts";
import { testTempCopy } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/value_limits/", import.meta.url).pathname;
const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

/** Runs `file` of a private copy of the fixtures with the stand-in docker on PATH. */
async function run(file: string, ...args: string[]) {
  const dir = testTempCopy(FIXTURES, "value-limits-");
  const log = `${dir}/docker.log`;
  const env = { PATH: `${STANDIN_BIN}:${PATH}`, DOCKER_STANDIN_LOG: log };
  const result = await weft(["run", `${dir}/${file}`, "--json", "--quiet", ...args], { env });
  const report: RunReport = JSON.parse(result.stdout);
  return { ...result, dir, report, docker: await dockerCalls(log) };
}

const NAME_LIMIT = "Linux allows 255 bytes for one file or folder name (NAME_MAX)";

Deno.test("CLI value limits: a value making a name over 255 bytes names the path field, in every task type", async () => {
  const { code, report, dir, docker, stderr } = await run(
    "paths.yml",
    "-p",
    `p=${"d".repeat(300)}`,
  );
  assert.equal(code, 1, stderr);
  // The field and the length of the name the value is part of (".json" adds 5, and so on).
  const expected: Record<string, string> = {
    dp_out: "output.path: a value makes a name in the path 305 bytes long",
    dp_in: "input.path: a value makes a name in the path 305 bytes long",
    dp_script: "processor.script: a value makes a name in the path 303 bytes long",
    sqlite: "connection: a value makes a name in the path 303 bytes long",
    sql_file: "file: a value makes a name in the path 304 bytes long",
    py: "script: a value makes a name in the path 303 bytes long",
    js: "script: a value makes a name in the path 303 bytes long",
    interp: "interpreter: a value makes a name in the path 300 bytes long",
    sh_cwd: "cwd: a value makes a name in the path 300 bytes long",
    dk: "config.volumes[0]: a value makes a name in the path 300 bytes long",
  };
  for (const [id, start] of Object.entries(expected)) {
    const error = reportTask(report, id).error ?? "";
    assert.equal(
      error,
      `${start}; ${NAME_LIMIT} in \${params.p} ` +
        "(shorten the value: no file or folder can have a longer name)",
    );
  }
  // Nothing was started or created for them: no container, no sqlite file, no output.
  assert.deepEqual(docker, []);
  const made = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.startsWith("d"));
  assert.deepEqual(made, []);
  assert.doesNotMatch(stderr, /os error|ENAMETOOLONG|\.tmp|not found/);
});

Deno.test("CLI value limits: an output name under 255 bytes works though weft's temp name beside it would not fit", async () => {
  // out/<245 bytes>.json: `.NAME.weft-RUN-1.tmp.inputs` would be ~300 bytes.
  const p = "é".repeat(120); // 240 bytes in UTF-8
  const { code, report, dir, stderr } = await run("paths.yml", "-p", `p=${p}`);
  assert.equal(code, 1, stderr); // the other tasks still fail: their files are not there
  const task = reportTask(report, "dp_out");
  assert.equal(task.status, "success", task.error ?? "");
  assert.equal(Deno.readTextFileSync(`${dir}/out/${p}.json`), '{"a":1}\n');
  // Renamed over the output, and the list beside it removed.
  const left = [...Deno.readDirSync(`${dir}/out`)].map((e) => e.name);
  assert.deepEqual(left, [`${p}.json`]);
});

Deno.test("CLI value limits: a value over 128 KiB in an argument names its field and task type, not weft's argv", async () => {
  const { code, report, docker, stderr } = await run("args.yml");
  assert.equal(code, 1, stderr);
  const expected: Record<string, string> = {
    js: "args[1] is 140000 bytes once resolved, over the 131072 bytes (MAX_ARG_STRLEN, " +
      "execve(2)) Linux allows one argument of the javascript script",
    py: "args[0] is 140000 bytes once resolved, over the 131072 bytes (MAX_ARG_STRLEN, " +
      "execve(2)) Linux allows one argument of the python script",
    dp_js: "processor.args[0] is 140000 bytes once resolved, over the 131072 bytes " +
      "(MAX_ARG_STRLEN, execve(2)) Linux allows one argument of the javascript processor",
    dp_py: "processor.args[2] is 140000 bytes once resolved, over the 131072 bytes " +
      "(MAX_ARG_STRLEN, execve(2)) Linux allows one argument of the python processor",
    dk_list: "config.command[1] is 140000 bytes once resolved, over the 131072 bytes " +
      "(MAX_ARG_STRLEN, execve(2)) Linux allows one argument of docker run",
    dk_words: "config.command (word 3) is 140000 bytes once resolved, over the 131072 bytes " +
      "(MAX_ARG_STRLEN, execve(2)) Linux allows one argument of docker run",
    dk_port: "config.ports[0] is 140000 bytes once resolved, over the 131072 bytes " +
      "(MAX_ARG_STRLEN, execve(2)) Linux allows one argument of docker run",
  };
  for (const [id, start] of Object.entries(expected)) {
    const task = reportTask(report, id);
    assert.equal(task.status, "failed");
    assert.equal(
      task.error,
      `${start}: write the value to a file and pass the file's path instead`,
    );
  }
  assert.equal(reportTask(report, "gen").status, "success");
  assert.deepEqual(docker, []);
  assert.doesNotMatch(stderr, /deno|argument \d|cannot write the output|xxxx/);
});
