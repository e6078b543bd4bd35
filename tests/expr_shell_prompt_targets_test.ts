/**
 * The variable a value is assigned to (src/expr/shell_words.ts assignmentTargets), asked
 * alike for arithmetic (a name declared -i) and for prompts (PS0-PS4, PROMPT_COMMAND,
 * shell_later.ts promptAssignedHere): through a nameref, a name given after a here-string,
 * the reads inside a loop or block whose input is redirected, a process substitution read
 * into it; and zsh's `print -P`. Each form runs a value's `$(…)` under real bash (or zsh)
 * when the value is there as data, and weft refuses it; `PS4=…` as written keeps its
 * reference, the value right after `=` too.
 */
import assert from "node:assert/strict";
import { compileTemplate, ExpressionError } from "../src/expr/mod.ts";
import { refusedByValidateAndRun, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const DIR = new URL("./fixtures/shell_prompt_targets/", import.meta.url).pathname;

const render = (template: string, value = "v") =>
  compileTemplate(template).renderShell(() => value);

const hasZsh = (() => {
  try {
    return new Deno.Command("zsh", { args: ["-c", "exit 0"] }).outputSync().success;
  } catch {
    return false;
  }
})();

/** Runs `command` under `shell` in `dir` with `env`; whether it created `dir`/PWNED (removed). */
async function ranPayload(
  shell: string,
  command: string,
  env: Record<string, string>,
  dir: string,
): Promise<boolean> {
  await new Deno.Command(shell, {
    args: ["-c", command],
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...env },
    cwd: dir,
    stdout: "null",
    stderr: "null",
  }).output();
  try {
    Deno.removeSync(`${dir}/PWNED`);
    return true;
  } catch {
    return false;
  }
}

/** A value that creates PWNED when a prompt expansion reads it as its own text. */
const PAYLOAD = "x=$(touch PWNED)";

/**
 * For each template: `shell` runs PAYLOAD given as plain data where `${v}` stands (as a
 * variable of its own: the form itself is what runs it; skipped for zsh where none is
 * installed), and weft refuses the value there, by render and by checkShell, with an
 * error `refused` accepts.
 */
async function ranThenRefused(
  shell: string,
  templates: readonly string[],
  refused: (e: unknown, template: string) => boolean,
): Promise<void> {
  const dir = testTempDir("prompt-ran-");
  for (const template of templates) {
    if (shell !== "zsh" || hasZsh) {
      const plain = template.replaceAll("${v}", "${V}");
      assert.ok(
        await ranPayload(shell, plain, { V: PAYLOAD }, dir),
        `${shell} ran nothing: ${plain}`,
      );
    }
    assert.throws(() => render(template, PAYLOAD), (e) => refused(e, template), template);
    assert.ok(compileTemplate(template).checkShell() instanceof ExpressionError, template);
  }
}

/** An assignment to `name` refused at the template's `${v}`. */
const assignmentTo = (name: string) => (e: unknown, template: string) =>
  e instanceof ExpressionError && e.offset === template.indexOf("${v}") &&
  e.message.startsWith(`cannot assign a value to ${name} this way`);

/** A value refused in an argument of zsh's print -P. */
const printP = (e: unknown) =>
  e instanceof ExpressionError &&
  e.message.startsWith("cannot substitute a value into an argument of zsh's `print -P`");

/** Forms that assign the value's own text to a prompt variable: `[shell, template, name]`. */
const FORMS: Array<[string, string, string]> = [
  // Namerefs.
  ["bash", 'declare -n r=PS4; r="${v}"; set -x; :', "PS4"],
  ["bash", 'f() { local -n r=PS4; r="${v}"; set -x; :; }; f', "PS4"],
  ["bash", 'typeset -n r=PS4; r="${v}"; set -x; :', "PS4"],
  ["bash", 'declare -n r; r=PS4; r="${v}"; set -x; :', "PS4"],
  ["bash", 'declare -n r=PS4; declare r="${v}"; set -x; :', "PS4"],
  ["bash", 'declare -n r=PS4; printf -v r %s "${v}"; set -x; :', "PS4"],
  ["bash", 'declare -n r=PS4; read -r r <<< "${v}"; set -x; :', "PS4"],
  ["bash", 'declare -n r=PROMPT_COMMAND; r="${v}"; eval "$PROMPT_COMMAND"', "PROMPT_COMMAND"],
  // The name after the here-string or the heredoc.
  ["bash", 'read -r <<< "${v}" PS4; set -x; :', "PS4"],
  ["bash", "read -r <<EOF PS4\n${v}\nEOF\nset -x; :", "PS4"],
  // A compound command whose input is read into it.
  ["bash", 'while read -r PS4; do set -x; :; done <<< "${v}"', "PS4"],
  ["bash", 'until ! read -r PS4; do set -x; :; done <<< "${v}"', "PS4"],
  ["bash", '{ read -r PS4; } <<< "${v}"; set -x; :', "PS4"],
  ["bash", '( read -r PS4; set -x; : ) <<< "${v}"', "PS4"],
  ["bash", 'if read -r PS4; then set -x; :; fi <<< "${v}"', "PS4"],
  ["bash", 'for i in 1; do read -r PS4; done <<< "${v}"; set -x; :', "PS4"],
  ["bash", '{ if read -r PS4; then :; fi; } <<< "${v}"; set -x; :', "PS4"],
  ["bash", "while read -r PS4; do set -x; :; done <<EOF\n${v}\nEOF", "PS4"],
  // A process substitution read into it.
  ["bash", 'read -r PS4 < <(printf %s "${v}"); set -x; :', "PS4"],
  ["bash", 'mapfile -t PS4 < <(printf %s "${v}"); set -x; :', "PS4"],
  ["bash", 'read -r < <(printf %s "${v}") PS4; set -x; :', "PS4"],
  ["bash", 'while read -r PS4; do set -x; :; done < <(printf "%s\\n" "${v}")', "PS4"],
  // A pipe into it.
  ["bash", 'printf %s "${v}" | { read -r PS4; set -x; :; }', "PS4"],
  ["bash", 'printf "%s\\n" "${v}" | while read -r PS4; do set -x; :; done', "PS4"],
  ["bash", 'shopt -s lastpipe; set +m; printf %s "${v}" | read -r PS4; set -x; :', "PS4"],
  ["bash", 'echo "${v}" | cat | { if read -r PS4; then set -x; :; fi; }', "PS4"],
];

Deno.test("shell prompt targets: bash runs the value in each form, and weft refuses it there", async () => {
  for (const [shell, template, name] of FORMS) {
    await ranThenRefused(shell, [template], assignmentTo(name));
  }
});

/**
 * Input given in one place and read into a prompt variable in another, by ways the lexer
 * does not follow (`exec`, `coproc`, a function): where a text reads into one anywhere,
 * every value given as input anywhere in it is refused.
 */
const ELSEWHERE_FORMS = [
  'exec 3<<< "${v}"; read -r PS4 <&3; set -x; :',
  'exec {fd}<<< "${v}"; read -r -u "$fd" PS4; set -x; :',
  'exec <<< "${v}"; read -r PS4; set -x; :',
  "exec < <(printf '%s\\n' \"${v}\"); read -r PS4; set -x; :",
  'coproc cat <<< "${v}"; read -r -u "${COPROC[0]}" PS4; set -x; :',
  'f() { read -r PS4; }; f <<< "${v}"; set -x; :',
  "f() { read -r PS4; set -x; :; }; printf '%s\\n' \"${v}\" | f",
  "exec 3<<EOF\n${v}\nEOF\nread -r PS4 <&3; set -x; :",
];

Deno.test("shell prompt targets: input given by exec, coproc or to a function, read into PS4 elsewhere, is refused", async () => {
  await ranThenRefused("bash", ELSEWHERE_FORMS, assignmentTo("PS4"));
  // The read may come after the input, and in a function defined later; and the rule
  // takes the whole text, where the value may not reach the read at all (over-refusal
  // accepted: scripts rarely read into a prompt variable).
  for (
    const template of [
      "printf '%s\\n' \"${v}\" | f; f() { read -r PS4; }",
      'cat <<< "${v}"; mapfile -t PS0',
      '( read -r a ) <<< "${v}"; read -r PS4 <<< "+ "',
      'read -r PS4 <<< "+ "; cat <<< "${v}"',
      'while read -r PS4; do :; done <<< "+ "; cat < <(printf %s "${v}")',
      'echo "${v}" | grep -c x; read -r PS4 <<< "+ "',
    ]
  ) {
    assert.ok(compileTemplate(template).checkShell() instanceof ExpressionError, template);
  }
});

Deno.test("shell prompt targets: zsh's print -v PS4 assigns the value, and weft refuses it", async () => {
  await ranThenRefused("zsh", [
    'setopt promptsubst; print -v PS4 -r -- "${v}"; set -x; :',
    'setopt promptsubst; print -rv PS4 -- "${v}"; set -x; :',
  ], assignmentTo("PS4"));
  // Into another name, as before.
  assert.equal(compileTemplate('print -v x -r -- "${v}"').checkShell(), undefined);
});

Deno.test("shell prompt targets: zsh's print -P after an option taking an argument runs the value, and weft refuses it", async () => {
  await ranThenRefused("zsh", [
    'setopt promptsubst; print -u 1 -P "${v}"',
    'setopt promptsubst; print -u1 -P "${v}"',
    'setopt promptsubst; print -C 1 -P "${v}"',
    'setopt promptsubst; print -v x -P "${v}"; print -r -- "$x"',
  ], printP);
  // `-P` as an option's argument, or after the operands start, is no -P.
  for (const template of ['print -u 1 -r -- "${v}"', 'print -f -P "${v}"']) {
    assert.equal(compileTemplate(template).checkShell(), undefined, template);
  }
});

Deno.test("shell prompt targets: zsh's print -P runs the value under promptsubst, and weft refuses it", async () => {
  const forms = [
    'setopt promptsubst; print -P "${v}"',
    'setopt promptsubst; print -rP -- "${v}"',
    'setopt promptsubst; print -n -P x "${v}"',
    'setopt promptsubst; print -P "$(printf %s "${v}")"',
  ];
  await ranThenRefused("zsh", forms, printP);
  // Without -P (or after its operands start), as before.
  for (const template of ['print -r -- "${v}"', 'print "${v}" -P', 'printf -P "${v}"']) {
    assert.ok(!render(template).command.includes("${v}"), template);
    assert.equal(compileTemplate(template).checkShell(), undefined, template);
  }
});

Deno.test("shell prompt targets: a value assigned by printf -v, read or a nameref gets the arithmetic checks of n=…", async () => {
  const dir = testTempDir("prompt-arith-");
  const hostile = "a[$(touch PWNED)]";
  for (
    const template of [
      'printf -v n %s "${v}"; echo $(( n ))',
      'read -r n <<< "${v}"; echo $(( n ))',
      'read -r <<< "${v}" n; echo $(( n ))',
      'while read -r n; do echo $(( n )); done <<< "${v}"',
      'declare -n r=n; r="${v}"; echo $(( n ))',
    ]
  ) {
    const plain = template.replaceAll("${v}", "${V}");
    assert.ok(await ranPayload("bash", plain, { V: hostile }, dir), `bash ran nothing: ${plain}`);
    assert.throws(() => render(template, hostile), /holds "\[" followed by "\$"/, template);
    assert.equal(render(template, "12").command, template.replaceAll("${v}", "${WEFT_V_1}"));
  }
  // Declared -i: an integer only, in every form.
  for (
    const template of [
      'declare -i n; printf -v n %s "${v}"',
      'declare -i n; read -r <<< "${v}" n',
      'declare -i n; { read -r n; } <<< "${v}"',
      'declare -i n; declare -n r=n; r="${v}"',
    ]
  ) {
    const plain = template.replaceAll("${v}", "${V}");
    assert.ok(await ranPayload("bash", plain, { V: hostile }, dir), `bash ran nothing: ${plain}`);
    assert.throws(() => render(template, "1+1"), /is not an integer/, template);
  }
});

Deno.test("shell prompt targets: PS4='${x}' keeps a reference xtrace expands once, the value right after = too", async () => {
  const dir = testTempDir("prompt-deferred-");
  // The value's own text in PS4 (what weft must never write) runs under set -x...
  assert.ok(await ranPayload("bash", `PS4='${PAYLOAD}'; set -x; :`, {}, dir));
  const cases: Array<[string, string]> = [
    ["PS4='${v}'; set -x; :", "PS4='${WEFT_V_1}'; set -x; :"],
    ["PS4=${v}; set -x; :", "PS4=\\${WEFT_V_1}; set -x; :"],
    ['PS4="${v}"; set -x; :', 'PS4="\\${WEFT_V_1}"; set -x; :'],
    ["export PS4='${v}'; set -x; :", "export PS4='${WEFT_V_1}'; set -x; :"],
    ["PS4='+ ${v} '; set -x; :", "PS4='+ ${WEFT_V_1} '; set -x; :"],
  ];
  for (const [template, expected] of cases) {
    const { command, env } = render(template, PAYLOAD);
    assert.equal(command, expected, template);
    // ...a reference does not: the trace shows the value, which is not expanded again.
    const out = await new Deno.Command("bash", { args: ["-c", command], env, cwd: dir }).output();
    assert.match(new TextDecoder().decode(out.stderr), /\$\(touch PWNED\)/, template);
    assert.deepEqual([...Deno.readDirSync(dir)], [], `ran: ${template}`);
  }
  // PROMPT_COMMAND's value is code read as such (`eval` in it is later code again).
  const { command, env } = render("PROMPT_COMMAND='eval ${v}'", `printf %s 'kept'; touch PWNED`);
  const out = await new Deno.Command("bash", {
    args: ["-c", `${command}; eval "$PROMPT_COMMAND"`],
    env,
    cwd: dir,
  }).output();
  assert.match(new TextDecoder().decode(out.stderr), /command not found|No such file/);
  assert.deepEqual([...Deno.readDirSync(dir)], [], "PROMPT_COMMAND ran the value");
});

Deno.test('shell prompt targets: export "PS4=…" & co., env NAME=…, BASH_ENV, ENV and zsh\'s prompts get the reference too', async () => {
  const dir = testTempDir("prompt-operands-");
  const cases: Array<[string, string]> = [
    // An operand of export & co. is an assignment whatever its quotes.
    ["bash", 'export "PS4=${v}"; set -x; :'],
    ["bash", "export 'PS4'=\"${v}\"; set -x; :"],
    ["bash", 'declare P"S4"="${v}"; set -x; :'],
    ["bash", 'f() { local "PS4=${v}"; set -x; :; }; f'],
    ["bash", 'declare -n r=PS4; declare "r=${v}"; set -x; :'],
    ["bash", 'readonly "PS4=${v}"; set -x; :'],
    // bash expands BASH_ENV as it starts, given by any means.
    ["bash", 'BASH_ENV="${v}" bash -c :'],
    ["bash", 'export BASH_ENV="${v}"; bash -c :'],
    ["bash", 'env BASH_ENV="${v}" bash -c :'],
    ["bash", 'env -i PATH="$PATH" BASH_ENV="${v}" bash -c :'],
    ...(hasZsh
      ? [
        ["zsh", 'setopt promptsubst; PROMPT4="${v}"; set -x; :'],
        ["zsh", 'setopt promptsubst; typeset "PS4=${v}"; set -x; :'],
      ] as Array<[string, string]>
      : []),
  ];
  for (const [shell, template] of cases) {
    // The value's own text there runs...
    const plain = template.replaceAll("${v}", "${V}");
    assert.ok(
      await ranPayload(shell, plain, { V: PAYLOAD }, dir),
      `${shell} ran nothing: ${plain}`,
    );
    // ...weft writes a reference the shell expands once instead.
    const { command, env } = render(template, PAYLOAD);
    assert.ok(command.includes("\\${WEFT_V_1}"), `${template} => ${command}`);
    assert.ok(!(await ranPayload(shell, command, env, dir)), `${shell} ran the value: ${command}`);
  }
  // `env` takes assignments before its command only: after it, a word is data.
  assert.equal(
    render('env grep "PS4=${v}" log').command,
    'env grep "PS4=${WEFT_V_1}" log',
  );
});

Deno.test("shell prompt targets: other names and plain prompt assignments are not refused", () => {
  for (
    const template of [
      'declare -n r=n; r="${v}"',
      'read -r m <<< "${v}"',
      'while read -r line; do echo "$line"; done <<< "${v}"',
      'read -r -p "${v}" PS4 <<< "+ "',
      'echo "${v}" || read -r PS4',
      'echo "${v}" | while read -r line; do echo "$line"; done',
      "PS4='+ ${v} '",
      'exec 3< file; while read -r line <&3; do echo "$line"; done; echo "${v}"',
      'read -r a b <<< "${v}"',
      'f() { echo "$1"; }; f "${v}"',
      'printf \'%s\\n\' "${v}" | while read -r line; do echo "$line"; done',
    ]
  ) {
    assert.equal(compileTemplate(template).checkShell(), undefined, template);
    assert.doesNotThrow(() => render(template, PAYLOAD), template);
  }
});

Deno.test("shell prompt targets: through the CLI, validate and run refuse each form; PS4=… runs showing the value", async () => {
  const env = { WEFT_HOME: testTempDir("home-") };
  await refusedByValidateAndRun(`${DIR}refused.yml`, env, (text, verb) => {
    for (
      const [line, col, id] of [
        [11, 35, "nameref"],
        [14, 39, "local"],
        [17, 27, "after"],
        [20, 60, "loop"],
        [23, 37, "block"],
        [26, 41, "process"],
        [32, 25, "pipe"],
      ] as const
    ) {
      assert.match(
        text,
        new RegExp(
          `refused\\.yml:${line}:${col}: command in task "${id}": cannot assign a value to PS4 this way`,
        ),
      );
    }
    assert.match(
      text,
      /refused\.yml:29:44: command in task "zsh": cannot substitute a value into an argument of zsh's `print -P`/,
    );
    assert.match(text, /hint: assign it plainly, where weft writes a reference the prompt reads/);
    assert.match(text, /hint: print the value without -P/);
    assert.doesNotMatch(text, /task "fine"/);
    if (verb === "validate") assert.match(text, /8 problems/);
  });
  const marks = testTempDir("prompt-targets-marks-");
  const allowed = await weft(
    ["run", "-v", `${DIR}allowed.yml`, "-p", `x=$(touch ${marks}/PWNED)`],
    {
      env,
    },
  );
  assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
  for (const id of ["single", "double", "bare"]) {
    assert.ok(
      (allowed.stdout + allowed.stderr).includes(`[${id}] $(touch ${marks}/PWNED)`),
      `${id} in:\n${allowed.stdout + allowed.stderr}`,
    );
  }
  assert.deepEqual([...Deno.readDirSync(marks)], [], "the value ran as code");
});
