/**
 * Later code found the way a shell finds it (src/expr/shell_lexer.ts, shell_words.ts,
 * shell_later.ts, shell_code_options.ts): the command's name after redirections, quotes
 * and line continuations; a shell's `-c` behind any wrapper; programs whose own option
 * takes code. And the places weft refuses because a value would become code whatever it
 * is (shell.ts): inside `$(...)` within later code, inside backticks with backslashes,
 * `env -S`, a container's shell; bash's `declare` re-parsing `name=(…)`. Through the real
 * CLI: a marker file the value tries to create must not appear.
 */
import assert from "node:assert/strict";
import { compileTemplate, ExpressionError } from "../src/expr/mod.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const DIR = new URL("./fixtures/shell_later_forms/", import.meta.url).pathname;

const render = (template: string, value = "v") =>
  compileTemplate(template).renderShell(() => value).command;

/** A value that runs `touch` in `dir` if the shell ever parses it, in every quoting. */
const hostile = (dir: string) =>
  `$(touch ${dir}/a)\`touch ${dir}/b\`"; touch ${dir}/c; "'; touch ${dir}/d; ' * $HOME`;

Deno.test("shell later forms: the command word and a shell's -c wherever it stands", () => {
  const child = '"echo \\"\\${WEFT_V_1-}\\""';
  for (
    const prefix of [
      "2>/dev/null sh -c",
      "{fd}>/dev/null 2>&1 sh -c",
      '"sh" -c',
      "sh '-c'",
      "sh \\\n  -c",
      "coproc sh -c",
      "time -p sh -c",
      "A=1 &>/dev/null sh -c",
      "taskset -c 0 sh -c",
      "chrt -o 0 sh -c",
      "prlimit --nofile=1024 sh -c",
      "strace -o f sh -c",
      "nsenter -t 1 sh -c",
      "setarch x86_64 -R sh -c",
      "timeout 5s sh -c",
      "unshare -r --propagation private sh -c",
      "nice -n 5 taskset 1 sh -c",
      '"$BASH" -c',
      "$SHELL -c",
      "script -qec",
      "sg root -c",
      "runuser -u me -- sh -c",
    ]
  ) assert.equal(render(`${prefix} "echo \${v}"`), `${prefix} ${child}`, prefix);
  // bash evaluates these words itself: a reference read when the code runs.
  assert.equal(render('"eval" "echo ${v}"'), '"eval" "echo \\"\\${WEFT_V_1}\\""');
  assert.equal(render("2>&1 eval 'echo ${v}'"), `2>&1 eval 'echo "\${WEFT_V_1}"'`);
  assert.equal(render("mapfile -t -C ${v} arr"), 'mapfile -t -C \\"\\${WEFT_V_1}\\" arr');
  assert.equal(render('compgen -W "${v}" -- a'), 'compgen -W "\\"\\${WEFT_V_1}\\"" -- a');
  assert.equal(render('complete -C "${v}" f'), 'complete -C "\\"\\${WEFT_V_1}\\"" f');
  // Clearing the environment is still seen through an unknown wrapper.
  assert.throws(() => render("env -i taskset 1 sh -c 'ls ${v}'"), ExpressionError);
  // Data stays data.
  for (
    const template of [
      "sh -c 'ls \"$1\"' sh ${v}",
      "echo sh ${v}",
      "taskset -c ${v} sh -c 'ls'",
      "grep -c ${v} f",
      "mapfile -d ${v} arr",
      "docker exec -e X=${v} c sh -c 'echo \"$X\"'",
    ]
  ) assert.ok(!render(template).includes("WEFT_V_1-}"), template);
});

Deno.test("shell later forms: another program's -c is data, unchanged; a shell named by an option of a program weft does not know is refused", () => {
  // The value's reference is the plain one: what the program gets is the value itself.
  for (
    const template of [
      'grep -w bash -c "${v}" f',
      'npm run script -- -c "${v}"',
      "printf '%s' sh -c \"${v}\"",
      'echo sg users "${v}"',
      'chrt -p 0 sh -c "${v}"',
    ]
  ) assert.ok(render(template).includes('"${WEFT_V_1}"'), template);
  // An operand of a program weft does not know, or a shell right after one of its options
  // (its argument, or a command after a flag: `foo -v sh -c …` would run the value):
  // refused, never silently rewritten nor spliced in; behind sudo or a container's exec
  // too, with the same words (no shell may run there at all).
  for (
    const template of [
      'useradd -m -s /bin/bash -c "${v}" ada',
      'sudo useradd -m -s /bin/bash -c "${v}" ada',
      'sudo -E usermod -s /bin/sh -c "${v}" ada',
      'docker exec app usermod -s /bin/bash -c "${v}" ada',
      'kubectl exec pod -- useradd -s /bin/sh -c "${v}" ada',
      'conda install -y bash -c "${v}"',
      'foo -v sh -c "echo ${v}"',
      'conda install bash -c "${v}"',
      'some-wrapper --flag x /bin/bash -ec "echo ${v}"',
      'sudo my-wrapper sh -c "echo ${v}"',
      'tool sg users "${v}"',
    ]
  ) assert.throws(() => render(template), /cannot tell whether this value is code/, template);
  // A real shell -c behind sudo or in a container is still refused.
  assert.throws(() => render('sudo sh -c "echo ${v}"'), /environment is cleared/);
  assert.throws(() => render('docker exec app sh -c "echo ${v}"'), /in a container/);
  assert.throws(() => render('kubectl exec p -- bash -c "echo ${v}"'), /in a container/);
});

Deno.test("shell later forms: a quoted builtin or a leading redirection keeps arithmetic integer-only", () => {
  for (
    const template of [
      '"let" "y=${v}"',
      '2>&1 let "y=${v}"',
      '"declare" -i y="${v}"',
      'builtin "let" y=${v}',
    ]
  ) {
    assert.throws(() => render(template, "a[$(id)0]"), /not an integer/, template);
    assert.equal(render(template, "7").includes("WEFT_V_1"), true, template);
  }
  assert.throws(() => render('"printf" -v "${v}" %s x', "a[$(id)0]"), /holds "\["/);
});

Deno.test("shell later forms: declare's `name=(…)` is refused, other values pass", () => {
  for (
    const template of [
      'declare -a "l=${v}"',
      "local -A m=${v}",
      'typeset -a l="${v}"',
      'l=(1); declare l="${v}"',
      'declare -a l; f() { local l="${v}"; }',
    ]
  ) {
    assert.throws(() => render(template, " ($(id))"), /starts with "\("/, template);
    assert.ok(render(template, "a (b)").includes("WEFT_V_1"), template);
  }
  // Not an array: bash 5.2 assigns the text as it is.
  for (const template of ['typeset l="${v}"', 'local t="${v}"', 'm=(1); declare l="${v}"']) {
    assert.ok(render(template, "(WIP) $(id)").includes("WEFT_V_1"), template);
  }
  for (const template of ['declare "${v}"', 'readonly -a "${v}"', 'declare "l${v}"']) {
    assert.throws(() => render(template, "a=($(id))"), /holds "=" followed by "\("/, template);
    assert.ok(render(template, "a=b").includes("WEFT_V_1"), template);
  }
  // Elements of a literal list, and plain assignments, are never re-parsed.
  assert.ok(render('declare -a l=("${v}")', "($(id))").includes("WEFT_V_1"));
  assert.ok(render("l=${v}", "($(id))").includes("WEFT_V_1"));
});

Deno.test("shell later forms: through the CLI, every form prints the value and runs none of it", async () => {
  const marks = testTempDir("later-forms-marks-");
  const x = hostile(marks);
  const ran = await weft(["run", "-v", `${DIR}forms.yml`, "-p", `x=${x}`]);
  assert.equal(ran.code, 0, ran.stdout + ran.stderr);
  const lines = new Set((ran.stdout + ran.stderr).split("\n"));
  const labels = [
    "redir",
    "quoted",
    "cont",
    "dqc",
    "evalredir",
    "evalq",
    "trapredir",
    "taskset",
    "chrt",
    "unshare",
    "prlimit",
    "setpriv",
    "fakeroot",
    "setarch",
    "script",
    "sg",
    "sg2",
    "usrtime",
  ];
  for (const label of labels) {
    assert.ok(lines.has(`[dash] ${label}: ${x}`), `${label} in:\n${ran.stdout}${ran.stderr}`);
  }
  for (const label of ["timep", "coproc", "bashvar", "compgen"]) {
    assert.ok(lines.has(`[bash] ${label}: ${x}`), `${label} in:\n${ran.stdout}${ran.stderr}`);
  }
  assert.ok(lines.has("[bash] mapfile: 1"), ran.stderr);
  assert.deepEqual([...Deno.readDirSync(marks)], [], "the value ran as code");
});

Deno.test("shell later forms: through the CLI, a program's own -c gets the value unchanged; a shell named by an option of an unknown program is refused", async () => {
  const marks = testTempDir("later-operands-marks-");
  const x = hostile(marks);
  const ran = await weft(["run", "-v", `${DIR}operands.yml`, "-p", `x=${x}`]);
  assert.equal(ran.code, 0, ran.stdout + ran.stderr);
  const lines = new Set((ran.stdout + ran.stderr).split("\n"));
  for (
    const line of [
      `npm[${x}]`,
      `printf[${x}]`,
      `sg[${x}]`,
      `grep: ${x}: No such file or directory`,
      `taskset: ${x}`,
      `runuser: ${x}`,
    ]
  ) assert.ok(lines.has(`[data] ${line}`), `${line} in:\n${ran.stdout}${ran.stderr}`);
  assert.deepEqual([...Deno.readDirSync(marks)], [], "the value ran as code");
  const elsewhere = await weft(["validate", `${DIR}operands_elsewhere.yml`]);
  assert.equal(elsewhere.code, 2, elsewhere.stdout + elsewhere.stderr);
  const said = elsewhere.stdout + elsewhere.stderr;
  for (const id of ["t", "u", "v", "w"]) {
    assert.match(said, new RegExp(`command in task "${id}": cannot tell whether`), id);
  }
  assert.doesNotMatch(said, /cleared|in a container|task "fine"/);
  const refused = await weft(["validate", `${DIR}operands_refused.yml`]);
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  const text = refused.stdout + refused.stderr;
  assert.match(text, /operands_refused\.yml:8:37: command in task "conda": cannot tell whether/);
  assert.match(text, /operands_refused\.yml:10:54: command in task "wrapper": cannot tell/);
  assert.match(text, /hint: pass the value through a variable, which keeps it data either way/);
  assert.doesNotMatch(text, /task "fine"/);
  assert.match(text, /2 problems/);
});

Deno.test("shell later forms: through the CLI, a declare value starting with ( is text unless the name is an array", async () => {
  const ran = await weft(["run", "-v", `${DIR}declare_plain.yml`]);
  assert.equal(ran.code, 1, ran.stdout + ran.stderr);
  const text = ran.stdout + ran.stderr;
  for (
    const line of ["PR: (WIP) fix login", "declare: (WIP) fix login", "readonly: (WIP) fix login"]
  ) {
    assert.ok(text.includes(`[t] ${line}`), `${line} in:\n${text}`);
  }
  assert.match(text, /✖ arr failed: value "\(WIP\) fix login" starts with "\(".*for an array/);
});

Deno.test("shell later forms: validate refuses a value that would become code, placed, with a hint", async () => {
  const out = await weft(["validate", `${DIR}refused.yml`]);
  assert.equal(out.code, 2, out.stdout + out.stderr);
  const text = out.stdout + out.stderr;
  const output = "cannot substitute a value inside \\$\\(\\.\\.\\.\\) or backticks within code";
  assert.match(text, new RegExp(`refused\\.yml:7:34: command in task "cdmake": ${output}`));
  assert.match(text, new RegExp(`refused\\.yml:10:37: command in task "ev": ${output}`));
  assert.match(text, new RegExp(`refused\\.yml:12:43: command in task "tr": ${output}`));
  assert.match(
    text,
    /hint: pass the value through a variable and run the substitution in that code/,
  );
  assert.match(text, /for `printf %q`, quote the variable, not the \$\{\.\.\.\}/);
  assert.match(
    text,
    /refused\.yml:14:40: command in task "bt": .*inside backticks that hold a backslash/,
  );
  assert.match(text, /hint: use \$\(\.\.\.\) instead of backticks/);
  assert.match(text, /refused\.yml:16:34: command in task "envs": .*`env -S` splits/);
  assert.match(text, /refused\.yml:18:49: command in task "docker": .*or in a container/);
  assert.doesNotMatch(text, /task "fine"/);
  assert.match(text, /6 problems/);
});

Deno.test("shell later forms: through the CLI, declare's list and quoted arithmetic refuse the value before the task starts", async () => {
  const marks = testTempDir("later-declare-marks-");
  const ok = await weft(["run", "-v", `${DIR}declare.yml`]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout + ok.stderr, /\[declare_a\] declare -a list=\(\[0\]="plain"\)/);
  const bad = await weft([
    "run",
    `${DIR}declare.yml`,
    "-p",
    `v=($(touch ${marks}/v))`,
    "-p",
    `spec=a=(\`touch ${marks}/s\`)`,
  ]);
  assert.equal(bad.code, 1, bad.stdout + bad.stderr);
  const text = bad.stdout + bad.stderr;
  for (const id of ["declare_a", "assoc", "typeset", "local"]) {
    assert.match(text, new RegExp(`✖ ${id} failed: value .* starts with "\\("`), id);
  }
  for (const id of ["readonly", "plain"]) {
    assert.match(text, new RegExp(`✖ ${id} failed: value .* holds "=" followed by "\\("`), id);
  }
  const arith = await weft([
    "run",
    `${DIR}arith.yml`,
    "-p",
    `n=a[$(touch ${marks}/n)0]`,
    "-p",
    `name=a[$(touch ${marks}/m)0]`,
  ]);
  assert.equal(arith.code, 1, arith.stdout + arith.stderr);
  assert.match(arith.stdout + arith.stderr, /4 failed/);
  assert.deepEqual([...Deno.readDirSync(marks)], [], "the value ran as code");
});
