/**
 * Shell-safe rendering, tested against real shells: every hostile value must come out
 * of the command exactly as it went in, and nothing it asks for may run.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { compileTemplate, ExpressionError, type Value } from "../src/expr/mod.ts";

const MARKER = "PWNED";

const PAYLOADS: string[] = [
  `$(touch ${MARKER})`,
  `\`touch ${MARKER}\``,
  `; touch ${MARKER}`,
  `&& touch ${MARKER}`,
  `| touch ${MARKER}`,
  `x\ntouch ${MARKER}\n`,
  `'; touch ${MARKER}; '`,
  `"; touch ${MARKER}; "`,
  `'"'"'; touch ${MARKER} #`,
  `"'\`$(touch ${MARKER})\`'"`,
  `*`,
  `.* [a-z]* ?`,
  `$HOME`,
  `$WEFT_V_1 \${WEFT_V_1}`,
  `\\`,
  `a\\b\\nc\\`,
  `\${IFS}touch\${IFS}${MARKER}`,
  `'$(x)'`,
  `} ; touch ${MARKER} ; {`,
  `$((1+1)) x[$(touch ${MARKER})]`,
  `~ ~root`,
  `héllo wörld 😀 \u202e مرحبا`,
  ``,
  ` `,
  `-n`,
  `--help`,
  `a  b\t\tc   `,
  `trailing newline\n`,
  `EOF\ntouch ${MARKER}\nEOF`,
  `!! !$ %s %d`,
];

const decoder = new TextDecoder();

/** Shells to test with; `sh` always, `bash` when installed. */
const SHELLS = ["sh", "bash"].filter((shell) => {
  try {
    return new Deno.Command(shell, { args: ["-c", "exit 0"] }).outputSync().success;
  } catch {
    return false;
  }
});

interface Ran {
  command: string;
  stdout: string;
  stderr: string;
  code: number;
}

async function run(shell: string, template: string, value: Value, cwd: string): Promise<Ran> {
  const { command, env } = compileTemplate(template).renderShell(() => value);
  const out = await new Deno.Command(shell, { args: ["-c", command], env, cwd }).output();
  return {
    command,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
    code: out.code,
  };
}

async function assertNoMarker(dir: string, context: string): Promise<void> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  assert.deepEqual(names.sort(), ["GLOB_BAIT.txt"], `unexpected files after ${context}`);
}

/** A temp dir with a file for stray globs to match. */
async function sandbox(): Promise<string> {
  const dir = testTempDir("weft_shell_");
  await Deno.writeTextFile(`${dir}/GLOB_BAIT.txt`, "");
  return dir;
}

interface Case {
  name: string;
  template: string;
  expected: (payload: string) => string;
  shells?: string[];
}

const stripTrailingNewlines = (s: string) => s.replace(/\n+$/, "");

const CASES: Case[] = [
  { name: "unquoted", template: "printf '%s' ${v}", expected: (p) => p },
  { name: "double quotes", template: `printf '%s' "\${v}"`, expected: (p) => p },
  { name: "single quotes", template: "printf '%s' '${v}'", expected: (p) => p },
  {
    name: "unquoted, inside a word",
    template: "printf '%s' pre${v}post",
    expected: (p) => `pre${p}post`,
  },
  {
    name: "double quotes, with text",
    template: `printf '%s' "a \${v} b \${v}"`,
    expected: (p) => `a ${p} b ${p}`,
  },
  {
    name: "single quotes, with text",
    template: "printf '%s' 'a ${v} b'",
    expected: (p) => `a ${p} b`,
  },
  {
    name: "all three in one command",
    template: `printf '%s|' ${"${v}"} "${"${v}"}" '${"${v}"}'`,
    expected: (p) => `${p}|${p}|${p}|`,
  },
  {
    name: "command substitution",
    template: `printf '%s' "$(printf '%s' \${v})"`,
    expected: (p) => stripTrailingNewlines(p),
  },
  {
    name: "single quotes inside $( ) inside double quotes",
    template: `printf '%s' "$(printf '%s' '\${v}')"`,
    expected: (p) => stripTrailingNewlines(p),
  },
  {
    name: "backticks",
    template: "printf '%s' \"`printf '%s' ${v}`\"",
    expected: (p) => stripTrailingNewlines(p),
  },
  {
    name: "parameter default, unquoted",
    template: "printf '%s' $${WEFT_UNSET_X:-${v}}",
    expected: (p) => p,
  },
  {
    name: "parameter default, in double quotes",
    template: `printf '%s' "$\${WEFT_UNSET_X:-\${v}}"`,
    expected: (p) => p,
  },
  {
    name: "backslash before the substitution",
    template: "printf '%s' \\${v} \"\\${v}\"",
    expected: (p) => `${p}${p}`,
  },
  { name: "heredoc", template: "cat <<EOF\n<${v}>\nEOF", expected: (p) => `<${p}>\n` },
  {
    name: "heredoc with <<- and more commands after",
    template: "cat <<-END; printf '%s' '${v}'\n\t${v}\n\tEND\nprintf '%s' \"${v}\"",
    expected: (p) => `${p}\n${p}${p}`,
  },
  {
    name: "comment",
    template: "printf '%s' ok # ${v}\nprintf '%s' ${v}",
    expected: (p) => `ok${p}`,
  },
  {
    name: "backslash before the substitution in $'...'",
    template: "printf '%s' $'\\${v}'",
    expected: (p) => `\\${p}`,
    shells: ["bash"],
  },
  {
    name: "heredoc inside command substitution",
    template: "printf '%s' \"$(cat <<EOF\n${v}\nEOF\n)\"",
    expected: (p) => stripTrailingNewlines(p),
  },
  {
    name: "case inside command substitution",
    template: `printf '%s' "$(case \${v} in *) printf '%s' \${v};; esac)" '\${v}'`,
    expected: (p) => stripTrailingNewlines(p) + p,
  },
  {
    name: "ANSI-C quotes",
    template: "printf '%s' $'\\t${v}\\t'",
    expected: (p) => `\t${p}\t`,
    shells: ["bash"],
  }, // The word of `${x%…}` & co. is a pattern even inside "...": `*` must stay a `*`.
  {
    name: "pattern removal, in double quotes",
    template: `set -- "pre\${v}post"; printf '%s|' "$\${1%%\${v}post}" "$\${1%\${v}post}" ` +
      `"$\${1#pre\${v}}" "$\${1##pre\${v}}"`,
    expected: () => "pre|pre|post|post|",
  },
  {
    name: "pattern removal, unquoted",
    template: `set -- "pre\${v}post"; printf '%s|' $\${1%%\${v}post} $\${1##pre\${v}}`,
    expected: () => "pre|post|",
  },
  {
    name: "pattern removal, single quotes and a backslash inside the braces",
    template: `set -- "pre\${v}post"; printf '%s|' "$\${1%%'\${v}post'}" "$\${1%%\\\${v}post}"`,
    expected: () => "pre|pre|",
  },
  {
    name: "pattern removal, a default nested in the pattern and a pattern in a default",
    template: `set -- "pre\${v}post"; printf '%s|' "$\${1%%$\${WEFT_UNSET_X:-\${v}}post}" ` +
      `"$\${WEFT_UNSET_X:-$\${1%%\${v}post}}" $\${1%%$\${WEFT_UNSET_X:-\${v}}post}`,
    expected: () => "pre|pre|pre|",
  },
  {
    name: "pattern substitution (bash), pattern and replacement",
    template: `set -- "pre\${v}post" a-b-c; printf '%s|' "$\${1/\${v}post/X}" ` +
      `"$\${1//\${v}p/X}" "$\${1/#pre\${v}/X}" "$\${1/%\${v}post/X}" "$\${2/-/\${v}}" ` +
      `"$\${2//-/\${v}}"`,
    // bash 5.2 (patsub_replacement) reads an unquoted `&` in the replacement as the match.
    expected: (p) =>
      `preX|${`pre${p}post`.replaceAll(`${p}p`, "X")}|Xpost|preX|a${p}b-c|a${p}b${p}c|`,
    shells: ["bash"],
  },
  {
    name: "case modification (bash)",
    template: `set -- "pre\${v}post"; printf '%s|' "$\${1^^\${v}}" "$\${1,,\${v}}" "$\${1^\${v}}"`,
    // No payload is one lowercase letter, so a literal pattern changes nothing.
    expected: (p) => `pre${p}post|pre${p}post|pre${p}post|`,
    shells: ["bash"],
  },
  {
    name: "parameter default inside a heredoc",
    template: "cat <<EOF\n<$${WEFT_UNSET_X:-${v}}>\nEOF",
    expected: (p) => `<${p}>\n`,
  },
];

for (const testCase of CASES) {
  Deno.test(`shell-safe: ${testCase.name}`, async () => {
    const shells = SHELLS.filter((s) => !testCase.shells || testCase.shells.includes(s));
    assert.ok(shells.length > 0, "no shell to test with");
    const runs = shells.flatMap((shell) => PAYLOADS.map((payload) => ({ shell, payload })));
    // Each run gets its own directory, so runs can go in parallel and a marker file
    // names the payload that created it.
    await forEachConcurrently(runs, 8, async ({ shell, payload }) => {
      const dir = await sandbox();
      try {
        const ran = await run(shell, testCase.template, payload, dir);
        const where = `${shell}, payload ${JSON.stringify(payload)}, command ${
          JSON.stringify(ran.command)
        }`;
        assert.equal(ran.code, 0, `${where}: exit ${ran.code}, stderr ${ran.stderr}`);
        assert.equal(ran.stdout, testCase.expected(payload), where);
        if (payload.includes(MARKER)) assert.ok(!ran.command.includes(payload), where);
        await assertNoMarker(dir, where);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  });
}

async function forEachConcurrently<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

Deno.test("shell-safe: rendered text for each context", () => {
  const scope = () => "v";
  const render = (text: string) => compileTemplate(text).renderShell(scope).command;
  assert.equal(render("echo ${x}"), 'echo "${WEFT_V_1}"');
  assert.equal(render('echo "${x}"'), 'echo "${WEFT_V_1}"');
  assert.equal(render("echo '${x}'"), `echo ''"\${WEFT_V_1}"''`);
  assert.equal(
    render(`echo "it's ${"${x}"}"`),
    'echo "it\'s ${WEFT_V_1}"',
    '\' inside "" is plain',
  );
  assert.equal(render(`echo '"' ${"${x}"}`), `echo '"' "\${WEFT_V_1}"`, "\" inside '' is plain");
  assert.equal(render(`echo \\" ${"${x}"}`), 'echo \\" "${WEFT_V_1}"', "escaped quote");
  assert.equal(render("cat <<'EOF'\nEOF\necho ${x}"), "cat <<'EOF'\nEOF\necho \"${WEFT_V_1}\"");
  assert.equal(render("echo $'${x}'"), `echo $''"\${WEFT_V_1}"$''`);
  assert.equal(render("cat <<EOF\n${x}\nEOF"), "cat <<EOF\n${WEFT_V_1}\nEOF");
  assert.equal(
    compileTemplate("echo $(( ${x} ))").renderShell(() => 7).command,
    "echo $(( ${WEFT_V_1} ))",
  );
  assert.equal(render("echo \\${x}"), 'echo \\\n"${WEFT_V_1}"', "a lone \\ eats a newline");
});

Deno.test("shell-safe: variables are numbered per render, prefix configurable", () => {
  const template = compileTemplate("echo ${a} ${b} ${a}");
  const scope = (root: string) => root.toUpperCase();
  const first = template.renderShell(scope);
  assert.equal(first.command, 'echo "${WEFT_V_1}" "${WEFT_V_2}" "${WEFT_V_3}"');
  assert.deepEqual(first.env, { WEFT_V_1: "A", WEFT_V_2: "B", WEFT_V_3: "A" });
  assert.deepEqual(template.renderShell(scope), first, "same again on a second render");
  const custom = template.renderShell(scope, "X_");
  assert.equal(custom.command, 'echo "${X_1}" "${X_2}" "${X_3}"');
  assert.deepEqual(compileTemplate("npm test").renderShell(scope), {
    command: "npm test",
    env: {},
  });
  assert.deepEqual(compileTemplate("echo $${HOME}").renderShell(scope), {
    command: "echo ${HOME}",
    env: {},
  });
});

Deno.test("shell-safe: values are stringified (a NUL is refused: expr_process_value_test.ts)", async () => {
  const dir = await sandbox();
  try {
    const values: [Value, string][] = [
      [42, "42"],
      [true, "true"],
      [null, ""],
      [undefined, ""],
      [["a", 1], '["a",1]'],
      [{ k: "$(touch PWNED)" }, '{"k":"$(touch PWNED)"}'],
    ];
    for (const [value, expected] of values) {
      const ran = await run("sh", "printf '%s' ${v}", value, dir);
      assert.equal(ran.stdout, expected);
    }
    await assertNoMarker(dir, "stringified values");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Where bash evaluates text as arithmetic (and so runs `x[$(cmd)]`), with a use for 3. */
const ARITHMETIC: [template: string, outputFor3: string][] = [
  ["echo $(( ${v} + 1 ))", "4\n"],
  ["(( n = ${v} )); echo $n", "3\n"],
  ["echo $(( (2) * ${v} ))", "6\n"],
  ["for (( i = 0; i < ${v}; i++ )); do printf x; done", "xxx"],
  ["echo $[ ${v} * 2 ]", "6\n"],
  ["arr=(a b c d); echo $${arr[${v}]}", "d\n"],
  ['arr=(a b c d); echo "$${arr[${v}]}"', "d\n"],
  ["s=abcdef; echo $${s:${v}}", "def\n"],
  ["s=abcdef; echo $${s:1:${v}}", "bcd\n"],
  ["arr[${v}]=z; echo $${arr[3]}", "z\n"],
  ["let n=${v}+1; echo $n", "4\n"],
  ["let 'n = ${v} + 1'; echo $n", "4\n"],
  ["declare -i n=${v}; echo $n", "3\n"],
  ["[[ ${v} -eq 3 ]] && echo yes", "yes\n"],
  ["[[ 1 -lt ${v} ]] && echo yes", "yes\n"],
  ['if [[ "${v}" -ge 0 && a == a ]]; then echo yes; fi', "yes\n"],
  ["[[ '${v}' -ne 2 ]] && echo yes", "yes\n"],
  // However deep in quotes and the shell's own `${...}` inside the arithmetic.
  ['echo $(( "${v}" + 1 ))', "4\n"],
  ['(( n = "${v}" )); echo $n', "3\n"],
  ["echo $(( $${N:-${v}} + 1 ))", "4\n"],
  ['echo $(( "$${N-${v}}" * 2 ))', "6\n"],
  ["echo $[ $${N:-${v}} * 2 ]", "6\n"],
  ["for (( i = $${S:-${v}}; i < 5; i++ )); do printf x; done", "xx"],
  ["s=abcdef; echo $${s:0:$${L:-${v}}}", "abc\n"],
  ['s=abcdef; echo $${s:"${v}"}', "def\n"],
  ['arr=(a b c d); echo "$${arr[$${I:-${v}}]}"', "d\n"],
  ['arr=(a b c d); echo $${arr["${v}"]}', "d\n"],
];

/** Places that look similar but take text, so any value renders. */
const NOT_ARITHMETIC = [
  "[[ ${v} == x ]]",
  "[[ ${v} == a && 1 -eq 1 ]]",
  "echo let ${v}",
  "echo ${v} -eq 1",
  "echo $${s:-${v}} $${s:+${v}} $${s:?${v}}",
  "echo $(( 1 )) ${v}",
  "(echo ${v})",
  "[[ 1 -eq 1 ]] && echo ${v}",
];

Deno.test("shell-safe: integers only where bash evaluates arithmetic", async () => {
  const dir = await sandbox();
  try {
    const bash = SHELLS.includes("bash");
    for (const [template, output] of ARITHMETIC) {
      for (const value of ["x[$(touch PWNED)]", "1+1", "", "1.5", "a", "3 ", "0x1"]) {
        assert.throws(
          () => compileTemplate(template).renderShell(() => value),
          (e) => e instanceof ExpressionError && e.offset === template.indexOf("${v}"),
          `${template} with ${JSON.stringify(value)}`,
        );
      }
      if (!bash) continue;
      for (const value of ["3", 3]) {
        const ran = await run("bash", template, value, dir);
        assert.equal(ran.stdout, output, `${template}: ${ran.command} ${ran.stderr}`);
      }
    }
    for (const template of NOT_ARITHMETIC) {
      const { env } = compileTemplate(template).renderShell(() => "x[$(touch PWNED)]");
      assert.ok(Object.keys(env).length > 0, template);
    }
    // Assignments take any text but a code subscript (expr_shell_names_test.ts).
    for (const template of ["arr[0]=${v}", "declare n=${v}", "echo $${s:=${v}}"]) {
      assert.ok(compileTemplate(template).renderShell(() => "1+1 a").command, template);
      assert.throws(
        () => compileTemplate(template).renderShell(() => "x[$(touch PWNED)]"),
        ExpressionError,
        template,
      );
    }
    for (const shell of SHELLS) {
      for (const [value, out] of [["41", "42"], ["-3", "-2"]] as const) {
        const ran = await run(shell, "echo $(( ${v} + 1 ))", value, dir);
        assert.equal(ran.stdout, `${out}\n`, shell);
      }
      // A subshell is not arithmetic, and text after $(( )) is plain again.
      const ran = await run(shell, "(printf '%s' ${v}); echo $((1+1)) ${v}", "a b", dir);
      assert.equal(ran.stdout, "a b2 a b\n");
    }
    await assertNoMarker(dir, "arithmetic");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Where a command's output is evaluated as arithmetic: no value may be in that command. */
const OUTPUT_IN_ARITHMETIC = [
  "echo $(( $(echo ${v}) + 1 ))",
  "echo $(( `echo ${v}` + 1 ))",
  '(( n = $(printf %s "${v}") )); echo $n',
  "echo $[ $(echo ${v}) ]",
  "arr[$(echo ${v})]=1",
  "s=abcdef; echo $${s:$(echo ${v})}",
  'echo $(( "$(echo "${v}")" ))',
  // Operands of a test's -eq, a name's subscript, an integer variable's value.
  '[[ $(echo "${v}") -eq 1 ]]',
  "[[ $${N:-$(echo ${v})} -ge 1 ]]",
  'a=([$(echo "${v}")]=x)',
  'unset "a[$(echo "${v}")]"',
  'printf -v "a[$(echo "${v}")]" %s y',
  'declare -i count; count=$(echo "${v}")',
  "declare -i x; x+=`echo ${v}`",
];

Deno.test("shell-safe: a value in a $(...) whose output is arithmetic is refused, whatever it is", async () => {
  const dir = await sandbox();
  try {
    for (const template of OUTPUT_IN_ARITHMETIC) {
      for (const value of ["3", "x[$(touch PWNED)]"]) {
        assert.throws(
          () => compileTemplate(template).renderShell(() => value),
          (e) =>
            e instanceof ExpressionError && e.offset === template.indexOf("${v}") &&
            /within arithmetic/.test(e.message),
          `${template} with ${JSON.stringify(value)}`,
        );
      }
      // validate's check (the value unknown) refuses it too.
      assert.match(compileTemplate(template).checkShell()?.message ?? "", /within arithmetic/);
    }
    // A command substitution beside arithmetic, or read into a variable, is not in it.
    for (
      const template of [
        "echo $(echo ${v}) $(( 1 ))",
        "x=$(echo ${v}); echo $x",
        '[[ $(echo "${v}") == 1 ]]',
        'declare -A m=([$(echo "${v}")]=x)',
      ]
    ) {
      assert.equal(compileTemplate(template).checkShell(), undefined, template);
    }
    // What bash does with the refused form: the output's subscript runs a command.
    if (SHELLS.includes("bash")) {
      const env = { X: `x[$(touch ${MARKER})]` };
      const args = ["-c", "echo $(( $(echo $X) ))"];
      const out = await new Deno.Command("bash", { args, env, cwd: dir }).output();
      assert.equal(decoder.decode(out.stdout), "0\n");
      assert.ok((await Deno.stat(`${dir}/${MARKER}`)).isFile, "bash ran the subscript's command");
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shell-safe: a value in a ${v%…} pattern is quoted; inside a heredoc, refused", () => {
  const render = (text: string) => compileTemplate(text).renderShell(() => "*").command;
  assert.equal(render('d="$${b%%/${x}}"'), 'd="${b%%/"${WEFT_V_1}"}"');
  assert.equal(render("d=$${b%%/${x}}"), 'd=${b%%/"${WEFT_V_1}"}');
  assert.equal(render('echo "$${v/-/${x}}"'), 'echo "${v/-/"${WEFT_V_1}"}"');
  assert.equal(
    render('echo "$${v^^${x}} $${v,,${x}}"'),
    'echo "${v^^"${WEFT_V_1}"} ${v,,"${WEFT_V_2}"}"',
  );
  assert.equal(render(`echo "$\${v%'a\${x}'}"`), `echo "\${v%'a'"\${WEFT_V_1}"''}"`);
  // Default words, `${#v}`, `${#}` and `${!v}` are not patterns: the "..." around quote them.
  assert.equal(render('echo "$${v:-${x}}"'), 'echo "${v:-${WEFT_V_1}}"');
  assert.equal(render(`echo "$\${v:-'\${x}'}"`), `echo "\${v:-'\${WEFT_V_1}'}"`);
  assert.equal(
    render('echo "$${#v}${x}$${#}${x}$${!v}${x}"'),
    'echo "${#v}${WEFT_V_1}${#}${WEFT_V_2}${!v}${WEFT_V_3}"',
  );
  assert.equal(render('echo "$${#%${x}}"'), 'echo "${#%"${WEFT_V_1}"}"');
  for (
    const template of [
      "cat <<EOF\n$${b%%${x}}\nEOF",
      'cat <<EOF\n$${b%%"${x}"}\nEOF',
      "cat <<EOF\n$${b%%'${x}'}\nEOF",
      "cat <<EOF\n$${b/-/${x}}\nEOF",
      "cat <<EOF\n$${b#$${c:-${x}}}\nEOF",
    ]
  ) {
    const offset = template.indexOf("${x}");
    assert.equal(compileTemplate(template).checkShell()?.offset, offset, template);
    assert.throws(
      () => compileTemplate(template).renderShell(() => "x"),
      (e) => e instanceof ExpressionError && /heredoc/.test(e.message) && e.offset === offset,
      template,
    );
  }
  // A command inside the heredoc is a command again; after the body, a pattern is quoted.
  assert.equal(render("cat <<EOF\n$(echo ${x})\nEOF"), 'cat <<EOF\n$(echo "${WEFT_V_1}")\nEOF');
  assert.equal(
    render("cat <<EOF\nx\nEOF\necho $${b%${x}}"),
    'cat <<EOF\nx\nEOF\necho ${b%"${WEFT_V_1}"}',
  );
});

Deno.test("shell-safe: quoted heredoc bodies and delimiters are refused", () => {
  for (
    const template of ["cat <<'EOF'\n${v}\nEOF", 'cat <<"EOF"\n${v}\nEOF', "cat <<\\EOF\n${v}\nEOF"]
  ) {
    assert.throws(
      () => compileTemplate(template).renderShell(() => "x"),
      (e) => e instanceof ExpressionError && /quoted heredoc/.test(e.message),
      template,
    );
  }
  assert.throws(() => compileTemplate("cat <<${v}\nx\n").renderShell(() => "EOF"), ExpressionError);
  assert.equal(compileTemplate("cat <<'EOF'\n${v}\nEOF").checkShell()?.offset, 12);
  assert.equal(compileTemplate("cat <<EOF\n${v}\nEOF").checkShell(), undefined);
  assert.equal(compileTemplate("echo ${v}").checkShell(), undefined);
  // After the quoted body ends, substitution works again.
  const { command } = compileTemplate("cat <<'EOF'\n$x\nEOF\necho ${v}").renderShell(() => "x");
  assert.equal(command, "cat <<'EOF'\n$x\nEOF\necho \"${WEFT_V_1}\"");
});
