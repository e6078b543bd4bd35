/**
 * src/parse/shell_env_names.ts: a `${...}` in the value of an environment name a shell
 * runs as code (BASH_ENV, ENV, the prompts, PROMPT_COMMAND, BASH_FUNC_…) is refused at
 * its `${`, in every environment-like block; a literal value, or the same `${...}` under
 * another name, stays valid. `weft run` refuses it too, before anything runs.
 */
import assert from "node:assert/strict";
import { hints, lines, problems } from "./_problems.ts";
import { shellCodeName } from "../src/parse/shell_env_names.ts";
import { weft } from "./_run_cli.ts";
import { exists, testTempDir } from "./_tmp.ts";

Deno.test("shell env names: the names a shell runs as code, and only those", () => {
  for (
    const name of [
      "BASH_ENV",
      "ENV",
      "PS0",
      "PS1",
      "PS2",
      "PS3",
      "PS4",
      "PROMPT_COMMAND",
      "PROMPT",
      "PROMPT2",
      "PROMPT3",
      "PROMPT4",
      "RPROMPT",
      "RPROMPT2",
      "RPS1",
      "RPS2",
      "SPROMPT",
      "BASH_FUNC_greet%%",
    ]
  ) assert.ok(shellCodeName(name), name);
  for (const name of ["PATH", "HOME", "env", "bash_env", "PS5", "ENVIRONMENT", "BASH_FUNC"]) {
    assert.equal(shellCodeName(name), undefined, name);
  }
});

/** A bash task whose BASH_ENV is `${params.x}` (line 8, the `${` at column 17), running `command`. */
function bashEnvFlow(command: string): string {
  return lines(
    "name: n",
    "params:",
    "  x: {default: ''}",
    "tasks:",
    "  - id: t",
    "    shell: bash",
    "    environment:",
    "      BASH_ENV: ${params.x}",
    `    command: ${command}`,
  );
}

Deno.test("shell env names: a ${...} in BASH_ENV of a task is refused at its ${", () => {
  const text = bashEnvFlow("echo hello");
  assert.deepEqual(problems(text), [
    '8:17: environment.BASH_ENV in task "t": bash expands BASH_ENV when it starts, running ' +
    "any $(…) in it, and then runs the file it names: ${params.x} here would run as code, " +
    "not be passed as data",
  ]);
  assert.deepEqual(hints(text), [
    'pass the value under another name (VALUE: ${params.x}) for the command to read as data ("$VALUE"), or write the value of BASH_ENV literally',
  ]);
  // Under another name, or written literally, it is data (or the file's own code).
  assert.deepEqual(problems(text.replace("BASH_ENV:", "VALUE:")), []);
  assert.deepEqual(problems(text.replace("${params.x}", "/etc/weft_env")), []);
  assert.deepEqual(problems(text.replace("${params.x}", () => "$${params.x}")), []);
});

Deno.test("shell env names: every environment-like block, any interpolation", () => {
  const text = lines(
    "name: n",
    "params:",
    "  x: {default: ''}",
    "environment:",
    "  ENV: ${params.x}",
    "defaults:",
    "  environment:",
    "    PS4: '+ ${env.HOME} '",
    "tasks:",
    "  - id: a",
    "    command: echo a=1 >> $WEFT_OUTPUT",
    "  - id: l",
    "    type: loop",
    "    items: [1, 2]",
    "    task:",
    "      environment:",
    "        PROMPT_COMMAND: echo ${item}",
    "      command: echo l",
    "  - id: p",
    "    type: parallel",
    "    depends_on: [a]",
    "    tasks:",
    "      - id: c",
    "        environment:",
    "          PS1: ${tasks.a.outputs.a}",
    "          BASH_FUNC_f: () { ${params.x}; }",
    "        command: echo c",
    "  - id: d",
    "    type: docker",
    "    config:",
    "      image: alpine",
    "      context: .",
    "      tags: [t]",
    "      env: {PROMPT: '${params.x}', SAFE: '${params.x}'}",
    "      build_args: {BASH_ENV: '${params.x}'}",
  );
  const tail = /: (\$\{[^}]*\}) here would run as code, not be passed as data$/;
  const found = problems(text).map((p) => p.replace(tail, " [$1]"));
  assert.deepEqual(found, [
    "5:8: environment.ENV: an interactive POSIX sh (dash, ksh, bash as sh) expands ENV when it starts, running any $(…) in it, and then runs the file it names [${params.x}]",
    "8:13: defaults.environment.PS4: a shell expands PS4 as a prompt before each command it traces (set -x) (bash always, zsh with promptsubst), running any $(…) in it [${env.HOME}]",
    '17:30: task.environment.PROMPT_COMMAND in task "l": bash runs PROMPT_COMMAND before each prompt [${item}]',
    '25:16: environment.PS1 in task "c": a shell expands PS1 as a prompt (bash always, zsh with promptsubst), running any $(…) in it [${tasks.a.outputs.a}]',
    '26:29: environment.BASH_FUNC_f in task "c": bash imports an exported function from a name starting with BASH_FUNC_, running its body when the function is called [${params.x}]',
    '34:22: config.env.PROMPT in task "d": a shell expands PROMPT as a prompt (bash always, zsh with promptsubst), running any $(…) in it [${params.x}]',
    '35:31: config.build_args.BASH_ENV in task "d": bash expands BASH_ENV when it starts, running any $(…) in it, and then runs the file it names [${params.x}]',
  ]);
});

Deno.test("cli: validate and run refuse a ${...} in BASH_ENV, and nothing runs", async () => {
  const dir = testTempDir("shell-env-");
  const file = `${dir}/w.yml`;
  const mark = `${dir}/PWNED`;
  const ran = `${dir}/RAN`;
  Deno.writeTextFileSync(file, bashEnvFlow(`touch ${ran}`));
  // Run first: without the check the payload runs (the mark is made) and so does the task.
  const run = await weft(["run", file, "-p", `x=$(touch ${mark})`]);
  assert.equal(exists(mark), false, "the payload ran");
  assert.equal(exists(ran), false, "the task ran");
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /w\.yml:8:17: environment\.BASH_ENV in task "t"/);
  const validate = await weft(["validate", file]);
  assert.equal(validate.code, 2, validate.stdout + validate.stderr);
  assert.match(
    validate.stderr,
    /w\.yml:8:17: environment\.BASH_ENV in task "t": bash expands BASH_ENV when it starts.*\$\{params\.x\} here would run as code/,
  );
  assert.match(validate.stderr, /hint: pass the value under another name/);
});
