/**
 * Code a shell evaluates later (src/expr/shell_later.ts, shell.ts deferredReference): in
 * the argument of `eval`/`trap`/`alias`, a `PS4=` assignment, the command string of
 * `sh -c` (directly or through xargs, find -exec, env, timeout, nice, flock…), a value
 * gets a reference read when that code runs, never its text; `ssh`'s remote command and
 * code run after the environment is cleared are refused. Against real shells (dash, bash)
 * and through the real CLI: a marker file the value tries to create must not appear.
 */
import assert from "node:assert/strict";
import { compileTemplate, ExpressionError } from "../src/expr/mod.ts";
import { exportedLater } from "../src/expr/shell_deferred.ts";
import { refusedByValidateAndRun, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const DIR = new URL("./fixtures/shell_later/", import.meta.url).pathname;

const render = (template: string, value = "v") =>
  compileTemplate(template).renderShell(() => value).command;

Deno.test("shell later: deferred references by quoting context and program", () => {
  const cases: Array<[string, string]> = [
    ["trap 'echo ${v}' EXIT", `trap 'echo "\${WEFT_V_1}"' EXIT`],
    ['trap -- "echo ${v}" INT', 'trap -- "echo \\"\\${WEFT_V_1}\\"" INT'],
    ["eval echo ${v}", 'eval echo \\"\\${WEFT_V_1}\\"'],
    ["builtin eval 'x=${v}'", `builtin eval 'x="\${WEFT_V_1}"'`],
    ["alias g='echo ${v}'", `alias g='echo "\${WEFT_V_1}"'`],
    ["PS4='+ ${v} '", "PS4='+ ${WEFT_V_1} '"],
    ["export PROMPT_COMMAND='echo ${v}'", `export PROMPT_COMMAND='echo "\${WEFT_V_1}"'`],
    ["sh -c 'ls ${v}'", `sh -c 'ls "\${WEFT_V_1-}"'`],
    ['/bin/bash -eo pipefail -c "ls ${v}"', '/bin/bash -eo pipefail -c "ls \\"\\${WEFT_V_1-}\\""'],
    ["xargs -n 1 sh -c 'ls ${v}'", `xargs -n 1 sh -c 'ls "\${WEFT_V_1-}"'`],
    ["find . -exec sh -c 'ls ${v}' \\;", `find . -exec sh -c 'ls "\${WEFT_V_1-}"' \\;`],
    [
      "sudo -E -u me timeout -s KILL 5 dash -c 'ls ${v}'",
      `sudo -E -u me timeout -s KILL 5 dash -c 'ls "\${WEFT_V_1-}"'`,
    ],
    ["su me -c 'ls ${v}'", `su me -c 'ls "\${WEFT_V_1-}"'`],
    ["flock /tmp/l -c 'ls ${v}'", `flock /tmp/l -c 'ls "\${WEFT_V_1-}"'`],
    ["watch -n 5 'ls ${v}'", `watch -n 5 'ls "\${WEFT_V_1-}"'`],
    // The later code's own quotes: its '...' is closed around the reference.
    [`sh -c "echo '\${v}'"`, `sh -c "echo ''\\"\\\${WEFT_V_1-}\\"''"`],
    [`sh -c 'echo "\${v}"'`, `sh -c 'echo "\${WEFT_V_1-}"'`],
    // Data, not code: as before.
    ["sh -c 'ls \"$1\"' sh ${v}", `sh -c 'ls "$1"' sh "\${WEFT_V_1}"`],
    ["timeout ${v} sh -c 'ls'", `timeout "\${WEFT_V_1}" sh -c 'ls'`],
    ["sh ./script.sh '${v}'", `sh ./script.sh ''"\${WEFT_V_1}"''`],
    ["find . -name '${v}' -exec rm {} \\;", `find . -name ''"\${WEFT_V_1}"'' -exec rm {} \\;`],
    ["find . -exec grep ${v} {} \\;", `find . -exec grep "\${WEFT_V_1}" {} \\;`],
    ["echo 'eval ${v}'", `echo 'eval '"\${WEFT_V_1}"''`],
    ["trap 'echo' ${v}", `trap 'echo' "\${WEFT_V_1}"`],
    ["ssh ${v} uptime", `ssh "\${WEFT_V_1}" uptime`],
  ];
  for (const [template, expected] of cases) assert.equal(render(template), expected, template);
  // Where weft's shell evaluates arithmetic itself, integers only, as before.
  assert.equal(render('eval "echo $((${v}))"', "3"), 'eval "echo $((${WEFT_V_1}))"');
  assert.throws(() => render('eval "echo $((${v}))"', "1+1"), ExpressionError);
});

Deno.test("shell later: remote and environment-clearing programs are refused", () => {
  for (
    const template of [
      "ssh host 'ls ${v}'",
      "ssh -p 22 -i key host ls ${v}",
      'timeout 5 ssh host "ls ${v}"',
      "sudo sh -c 'ls ${v}'",
      "doas sh -c 'ls ${v}'",
      "su - me -c 'ls ${v}'",
      "env -i sh -c 'ls ${v}'",
    ]
  ) {
    assert.throws(() => render(template), ExpressionError, template);
    assert.ok(compileTemplate(template).checkShell() instanceof ExpressionError, template);
  }
});

Deno.test("shell later: only a child shell's reference asks for the variable to be exported", () => {
  assert.ok(exportedLater(render("sh -c 'ls ${v}'"), "WEFT_V_1"));
  assert.ok(exportedLater(render('bash -c "ls ${v}"'), "WEFT_V_1"));
  assert.ok(!exportedLater(render("trap 'ls ${v}' EXIT"), "WEFT_V_1"));
  assert.ok(!exportedLater(render("ls ${v}"), "WEFT_V_1"));
  assert.ok(!exportedLater(render("sh -c 'ls ${v}'"), "WEFT_V_12"));
});

/** A value that runs `touch` in `dir` if the shell ever parses it, in every quoting. */
const hostile = (dir: string) =>
  `$(touch ${dir}/a)\`touch ${dir}/b\`"; touch ${dir}/c; "'; touch ${dir}/d; ' * $HOME`;

Deno.test("shell later: through the CLI, dash and bash print the value and run none of it", async () => {
  const marks = testTempDir("later-marks-");
  const x = hostile(marks);
  const big = "b".repeat(40_000); // read from a file, exported only for the child shell
  const ran = await weft(["run", "-v", `${DIR}later.yml`, "-p", `x=${x}`, "-p", `big=${big}`]);
  assert.equal(ran.code, 0, ran.stdout + ran.stderr);
  const lines = new Set((ran.stdout + ran.stderr).split("\n"));
  for (
    const label of [
      "[dash] trap:",
      "[dash] eval:",
      "[dash] bare:",
      "[dash] shc:",
      "[dash] shec:",
      "[dash] xargs:",
      "[dash] find:",
      "[dash] wrapped:",
      "[dash] data:",
      "[dash] inner:",
      "[bash] alias:",
      "[bash] + " + x + " :",
      "[bash] ansi:",
      "[bash] trap2:",
      "[bash] flock:",
      "[bash] command:",
    ]
  ) {
    const line = label.endsWith(" :") ? `${label} traced` : `${label} ${x}`;
    assert.ok(lines.has(line), `missing ${JSON.stringify(line)} in:\n${ran.stderr}`);
  }
  assert.ok(lines.has("[dash] 40000"), ran.stderr);
  assert.deepEqual([...Deno.readDirSync(marks)], [], "the value ran as code");
});

Deno.test("shell later: validate names each refused place; the allowed forms pass", async () => {
  const out = await weft(["validate", `${DIR}refused.yml`]);
  assert.equal(out.code, 2, out.stdout + out.stderr);
  const text = out.stdout + out.stderr;
  assert.match(
    text,
    /refused\.yml:6:35: command in task "remote": cannot substitute a value into a command run on another machine/,
  );
  assert.match(text, /hint: send the value on the remote command's standard input/);
  for (const [line, col, id] of [[8, 41, "sudo"], [10, 33, "login"], [12, 33, "cleared"]]) {
    assert.match(
      text,
      new RegExp(
        `refused\\.yml:${line}:${col}: command in task "${id}": cannot substitute a value into code run after the environment is cleared`,
      ),
    );
  }
  assert.doesNotMatch(text, /task "fine"/);
  assert.match(text, /4 problems/);
});

Deno.test("shell later: many values through real sh and bash, each printed as it is", async () => {
  const dir = testTempDir("later-real-");
  const values = [
    hostile(dir),
    `'"'"'; touch ${dir}/e #`,
    `\\"; touch ${dir}/f; \\"`,
    `\${IFS}touch\${IFS}${dir}/g`,
    `a  b\t*`,
    `-n`,
    ``,
  ];
  const templates: Array<[string, string]> = [
    ["sh", "trap 'printf %s ${v}' EXIT"],
    ["sh", `eval "printf %s \${v}"`],
    ["sh", "eval printf %s ${v}"],
    ["sh", "sh -c 'printf %s ${v}'"],
    ["sh", `echo | xargs sh -c "printf %s \${v}"`],
    ["bash", `bash -c $'printf %s \${v}'`],
    ["bash", "shopt -s expand_aliases\nalias p='printf %s ${v}'\np"],
    // The later code's own quotes, around the value.
    ["sh", `sh -c "printf %s '\${v}'"`],
    ["sh", `sh -c 'printf %s "\${v}"'`],
    ["sh", `eval "printf %s \\"\${v}\\""`],
    ["sh", `eval printf %s \\'\${v}\\'`],
    ["sh", `trap "printf %s '\${v}'" EXIT`],
    ["bash", `bash -c "printf %s \$'\${v}'"`],
  ];
  for (const [shell, template] of templates) {
    for (const value of values) {
      const { command, env } = compileTemplate(template).renderShell(() => value);
      const out = await new Deno.Command(shell, { args: ["-c", command], env, cwd: dir }).output();
      const shown = `${shell} -c ${JSON.stringify(command)} with ${JSON.stringify(value)}`;
      assert.equal(new TextDecoder().decode(out.stdout), value, shown);
    }
  }
  assert.deepEqual([...Deno.readDirSync(dir)], [], "a value ran as code");
});

Deno.test("shell later: nested later code, 1 to 3 levels deep, under dash and bash", async () => {
  const dir = testTempDir("later-nested-");
  const values = [
    hostile(dir),
    `it's "q" \\ \`touch ${dir}/n\`\n$(touch ${dir}/m)\nlast`,
    `'"'"'; touch ${dir}/e #`,
    `\\"; touch ${dir}/f; \\"`,
    `x\n\n`,
    ``,
  ];
  const templates = [
    // 1 level, for comparison.
    "sh -c 'printf %s ${v}'",
    // 2 levels: each pair of eval, trap, sh -c, find -exec, and both kinds of quotes.
    `sh -c "eval 'printf %s \${v}'"`,
    `bash -c "eval 'printf %s \${v}'"`,
    `sh -c "trap 'printf %s \${v}' EXIT"`,
    `eval "sh -c 'printf %s \${v}'"`,
    `trap "sh -c 'printf %s \${v}'" EXIT`,
    `find / -maxdepth 0 -exec sh -c "sh -c 'printf %s \${v}'" \\;`,
    `sh -c "sh -c 'printf %s \${v}'"`,
    `sh -c "sh -c \\"printf %s \${v}\\""`,
    `sh -c 'sh -c "printf %s \${v}"'`,
    `sh -c 'sh -c "printf %s '"'"'\${v}'"'"'"'`,
    `sh -c "printf %s \\"\\$(sh -c 'printf %s \${v}')\\""`,
    `sh -c "cat <<E\n\\$(sh -c 'printf %s \${v}')\nE" | tr -d '\\n'`,
    // 3 levels.
    `sh -c "sh -c 'eval \\"printf %s \${v}\\"'"`,
    `bash -c "trap 'sh -c \\"printf %s \${v}\\"' EXIT"`,
    `eval "sh -c 'bash -c \\"printf %s \${v}\\"'"`,
    `trap 'eval "sh -c '\\''printf %s \${v}'\\''"' EXIT`,
  ];
  for (const shell of ["dash", "bash"]) {
    for (const template of templates) {
      for (const value of values) {
        const { command, env } = compileTemplate(template).renderShell(() => value);
        const out = await new Deno.Command(shell, { args: ["-c", command], env, cwd: dir })
          .output();
        const shown = `${shell} -c ${JSON.stringify(command)} with ${JSON.stringify(value)}`;
        // $(...) drops trailing newlines; the heredoc's are removed by tr.
        let expected = template.includes("$(") ? value.replace(/\n+$/, "") : value;
        if (template.includes("<<")) expected = expected.replaceAll("\n", "");
        assert.equal(new TextDecoder().decode(out.stdout), expected, shown);
      }
    }
  }
  assert.deepEqual([...Deno.readDirSync(dir)], [], "a value ran as code");
});

Deno.test("shell later: through the CLI, nested later code prints the value and runs none of it", async () => {
  const marks = testTempDir("later-nested-marks-");
  const x = hostile(marks) + "\nit's";
  const ran = await weft(["run", "-v", `${DIR}nested.yml`, "-p", `x=${x}`]);
  assert.equal(ran.code, 0, ran.stdout + ran.stderr);
  const out = ran.stdout + ran.stderr;
  // The two tasks run at once: their lines interleave, so each task's are read apart.
  const linesOf = (task: string) =>
    out.split("\n").filter((line) => line.startsWith(`[${task}] `)).join("\n") + "\n";
  for (const label of ["n1", "n2", "n3", "n4", "n5", "n6", "b1", "b2", "b3"]) {
    const first = x.split("\n")[0];
    const task = label.startsWith("n") ? "dash" : "bash";
    assert.ok(
      linesOf(task).includes(`[${task}] ${label}: ${first}\n[${task}] it's\n`),
      `${label} in:\n${out}`,
    );
  }
  assert.deepEqual([...Deno.readDirSync(marks)], [], "the value ran as code");
});

Deno.test("shell later: validate refuses nesting it cannot follow, placed, with a hint", async () => {
  const out = await weft(["validate", `${DIR}nested_refused.yml`]);
  assert.equal(out.code, 2, out.stdout + out.stderr);
  const text = out.stdout + out.stderr;
  assert.match(text, /nested_refused\.yml:6:49: command in task "deep": .*more than the 3 levels/);
  assert.match(
    text,
    /nested_refused\.yml:8:36: command in task "remote": .*run on another machine/,
  );
  assert.match(
    text,
    /nested_refused\.yml:11:33: command in task "prompt": .*inside a prompt string/,
  );
  assert.match(text, /hint: pass the value through a variable of the code's own/);
  assert.doesNotMatch(text, /task "fine"/);
  assert.match(text, /3 problems/);
});

Deno.test("shell later: a value over MAX_ARG_STRLEN for a child shell fails the task before it starts", async () => {
  const dir = testTempDir("later-big-");
  const file = `${dir}/big.yml`;
  Deno.writeTextFileSync(
    file,
    "name: big\ntasks:\n" +
      "  - id: gen\n    command: head -c 140000 /dev/zero | tr '\\0' q\n" +
      "  - id: b\n    depends_on: gen\n    command: |\n" +
      `      touch ${dir}/started; ls / > /dev/null\n` +
      `      sh -c 'printf %s "\${tasks.gen.stdout}" | wc -c'\n` +
      "  - id: c\n    depends_on: gen\n    command: |\n" +
      `      sh -c 'printf %s "\${tasks.gen.stdout}" | head -c 3'; ls / > /dev/null\n` +
      "    environment: { N: '1' }\n",
  );
  const ran = await weft(["run", file, "-v"]);
  const out = ran.stdout + ran.stderr;
  assert.notEqual(ran.code, 0);
  assert.match(
    out,
    /✖ b failed: the value of the \$\{\.\.\.\} at character \d+ of the command is 140000 bytes/,
  );
  assert.match(out, /131072 bytes \(MAX_ARG_STRLEN/);
  assert.doesNotMatch(out, /Argument list too long\n|: Argument list too long/);
  assert.throws(() => Deno.statSync(`${dir}/started`), Deno.errors.NotFound, "b started");
  // Just under the limit, the child reads it whole, and the task's other commands run.
  Deno.writeTextFileSync(file, Deno.readTextFileSync(file).replace("140000", "120000"));
  const small = await weft(["run", file, "-v"]);
  assert.equal(small.code, 0, small.stderr);
  assert.match(small.stdout + small.stderr, /\[b\] 120000\n/);
  assert.match(small.stdout + small.stderr, /\[c\] qqq/);
});

Deno.test("shell later: eval's arguments are joined and parsed again, at every level, under dash and bash", async () => {
  const dir = testTempDir("later-joined-");
  const values = [hostile(dir), `'"'"'; touch ${dir}/e #`, `\\"; touch ${dir}/f; \\"`, ``];
  const templates: Array<[string[], string]> = [
    // `eval eval X` is `eval X` parsed again: the second eval runs what the first expanded.
    [["dash", "bash"], "eval eval printf %s ${v}"],
    [["dash", "bash"], 'eval eval "printf %s ${v}"'],
    [["dash", "bash"], "eval eval eval printf %s ${v}"],
    [["dash", "bash"], 'trap "eval eval printf %s ${v}" EXIT'],
    [["dash", "bash"], 'sh -c "eval eval printf %s ${v}"'],
    // A `-c` script quoted in a word of eval's: its quotes are read at eval's level.
    [["dash", "bash"], `eval sh -c "'printf %s \${v}'"`],
    [["dash", "bash"], `eval bash -c "'printf %s \${v}'"`],
    [["dash", "bash"], `eval "printf %s '" \${v} "'"`],
    [["bash"], "eval -- eval printf %s ${v}"],
  ];
  for (const [shells, template] of templates) {
    for (const shell of shells) {
      for (const value of values) {
        const { command, env } = compileTemplate(template).renderShell(() => value);
        const out = await new Deno.Command(shell, { args: ["-c", command], env, cwd: dir })
          .output();
        const shown = `${shell} -c ${JSON.stringify(command)} with ${JSON.stringify(value)}`;
        const expected = template.includes(`'" `) ? ` ${value} ` : value;
        assert.equal(new TextDecoder().decode(out.stdout), expected, shown);
      }
    }
  }
  assert.deepEqual([...Deno.readDirSync(dir)], [], "a value ran as code");
  // Four levels of eval are more than weft follows.
  for (
    const template of ["eval eval eval eval printf %s ${v}", "eval 'eval eval eval echo ${v}'"]
  ) {
    assert.throws(() => render(template), ExpressionError, template);
    assert.ok(compileTemplate(template).checkShell() instanceof ExpressionError, template);
  }
});

Deno.test("shell later: through the CLI, eval eval and eval sh -c keep the value data; four levels are refused", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  const marks = testTempDir("later-joined-marks-");
  const x = hostile(marks);
  const ok = await weft(["validate", `${DIR}nested_eval.yml`], { env });
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const ran = await weft(["run", "-v", `${DIR}nested_eval.yml`, "-p", `x=${x}`], { env });
  assert.equal(ran.code, 0, ran.stdout + ran.stderr);
  const lines = new Set((ran.stdout + ran.stderr).split("\n"));
  // `echo` joins its words with one space: the value's own runs of blanks are kept.
  for (
    const label of [
      "[dash] e2:",
      "[dash] e2q:",
      "[dash] e3:",
      "[dash] trap:",
      "[dash] shc:",
      "[dash] evsh:",
      "[bash] e2:",
      "[bash] evbash:",
      "[bash] dashes:",
    ]
  ) assert.ok(lines.has(`${label} ${x}`), `missing ${label} in:\n${ran.stdout + ran.stderr}`);
  assert.deepEqual([...Deno.readDirSync(marks)], [], "the value ran as code");
  const refused = await weft(["validate", `${DIR}nested_eval_refused.yml`], { env });
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  const text = refused.stdout + refused.stderr;
  assert.match(
    text,
    /nested_eval_refused\.yml:6:39: command in task "deep": .*more than the 3 levels/,
  );
  assert.doesNotMatch(text, /task "fine"/);
  assert.match(text, /1 problem/);
  const run = await weft(["run", `${DIR}nested_eval_refused.yml`, "-p", `x=${x}`], { env });
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.deepEqual([...Deno.readDirSync(marks)], [], "the value ran as code");
});

Deno.test("shell later: every form of assignment to a prompt variable but NAME=… is refused", () => {
  for (
    const template of [
      "printf -v PS4 '%s' \"${v}\"",
      'printf -v PS4 "${v}"',
      "printf -vPS0 %s ${v}",
      'builtin printf -v PS1 %s "${v}"',
      'printf -v PS4 %s "$(echo "${v}")"',
      'PS4=("${v}")',
      'PS4+=(a "${v}")',
      'declare -a PS2=("${v}")',
      'PROMPT_COMMAND=("${v}")',
      ': "$${PS4:=${v}}"',
      ": $${PS3=${v}}",
      'mapfile -t PS4 <<< "${v}"',
      'readarray PS4 <<< "${v}"',
      'read -r PS4 <<< "${v}"',
      'read -r -a PS4 <<< "${v}"',
      "read -r PS4 <<EOF\n${v}\nEOF",
      'for PS4 in "${v}"; do :; done',
      "sh -c 'printf -v PS4 %s \"${v}\"'",
      'eval printf -v PS4 %s "${v}"',
    ]
  ) {
    assert.throws(
      () => render(template),
      /cannot assign a value to (PS[0-4]|PROMPT_COMMAND)/,
      template,
    );
    assert.ok(compileTemplate(template).checkShell() instanceof ExpressionError, template);
  }
  // Other names, and a plain prompt assignment (a reference the prompt reads), as before.
  const cases: Array<[string, string]> = [
    ['printf -v n %s "${v}"', 'printf -v n %s "${WEFT_V_1}"'],
    ['read -r n <<< "${v}"', 'read -r n <<< "${WEFT_V_1}"'],
    ['a=("${v}")', 'a=("${WEFT_V_1}")'],
    [': "$${n:=${v}}"', ': "${n:=${WEFT_V_1}}"'],
    ['for n in "${v}"; do :; done', 'for n in "${WEFT_V_1}"; do :; done'],
    ["PS4='+ ${v} '", "PS4='+ ${WEFT_V_1} '"],
    ['printf -v PS4 %s "+ "; echo "${v}"', 'printf -v PS4 %s "+ "; echo "${WEFT_V_1}"'],
  ];
  for (const [template, expected] of cases) assert.equal(render(template), expected, template);
});

Deno.test("shell later: through the CLI, validate and run refuse a value assigned to a prompt variable", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  await refusedByValidateAndRun(`${DIR}prompt_forms.yml`, env, (text, verb) => {
    for (
      const [line, col, id, name] of [
        [9, 34, "printf", "PS4"],
        [12, 20, "array", "PS4"],
        [15, 36, "default", "PS4"],
        [18, 34, "mapfile", "PS4"],
        [21, 31, "read", "PS4"],
        [26, 7, "heredoc", "PS4"],
        [31, 26, "for", "PS4"],
        [34, 45, "command", "PROMPT_COMMAND"],
      ] as const
    ) {
      assert.match(
        text,
        new RegExp(
          `prompt_forms\\.yml:${line}:${col}: command in task "${id}": cannot assign a value to ${name} this way`,
        ),
      );
    }
    assert.match(text, /hint: assign it plainly, where weft writes a reference the prompt reads/);
    assert.doesNotMatch(text, /task "fine"/);
    if (verb === "validate") assert.match(text, /8 problems/);
  });
});
