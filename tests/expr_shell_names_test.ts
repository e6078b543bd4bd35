/**
 * Where bash may read a value as a variable NAME (`printf -v`, `read`, `declare`, `unset`,
 * `[[ -v ]]`...) or as an integer variable's value (any assignment), it evaluates a
 * subscript `a[...]` in the value as arithmetic, running the `$(...)` in it. Tested with
 * real bash: each form runs the payload when the value is put in its variable as is, and
 * weft refuses the value there; ordinary values still pass.
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { compileTemplate, ExpressionError } from "../src/expr/mod.ts";

const decoder = new TextDecoder();
const HOSTILE = [
  "a[$(touch PWNED)]",
  "a[`touch PWNED`]",
  "1+a[ $(touch PWNED) ]",
  "x[1]=a[$(touch PWNED)]",
];

const hasBash = (() => {
  try {
    return new Deno.Command("bash", { args: ["-c", "exit 0"] }).outputSync().success;
  } catch {
    return false;
  }
})();

/** Forms where bash runs the payload; `refused` is the error's wording. */
const FORMS: { template: string; refused: RegExp }[] = [
  { template: "declare -i count=0\ncount=${v}\necho $count", refused: /is not an integer/ },
  { template: "f() { local -i n; n=${v}; }; f", refused: /is not an integer/ },
  { template: "typeset -i n; n+=${v}", refused: /is not an integer/ },
  { template: "x=${v}; echo $(( x ))", refused: /holds "\["/ },
  { template: "function f { x=${v}; echo $(( x )); }; f", refused: /holds "\["/ },
  { template: 'x="${v}"; [[ $x -ge 0 ]]', refused: /holds "\["/ },
  { template: 'arr=(1); x="${v}"; echo $${arr[x]}', refused: /holds "\["/ },
  { template: 'printf -v "arr[${v}]" %s x', refused: /is not an integer/ },
  { template: 'builtin printf -v "${v}" %s x', refused: /holds "\["/ },
  { template: 'echo v | read "arr[${v}]"', refused: /is not an integer/ },
  { template: 'read -r "${v}" <<< v', refused: /holds "\["/ },
  { template: 'declare "arr[${v}]=1"', refused: /is not an integer/ },
  { template: 'arr=(1); unset "arr[${v}]"', refused: /is not an integer/ },
  { template: "a=(1); unset ${v}", refused: /holds "\["/ },
  { template: "arr=(1); [[ -v ${v} ]]", refused: /holds "\["/ },
  { template: 'arr=(1); test -v "${v}"', refused: /holds "\["/ },
  { template: 'arr=(1); [ -v "${v}" ]', refused: /holds "\["/ },
  { template: 'ref=${v}; echo "$${!ref}"', refused: /holds "\["/ },
  { template: 'declare -n r=${v}; echo "$r"', refused: /holds "\["/ },
  // An assignment to a name declared -i, in whatever form (shell_words.ts assignmentTargets).
  { template: "declare -ai a; a=(${v})", refused: /is not an integer/ },
  { template: "a=(\n  [${v}]=1\n)", refused: /is not an integer/ },
  { template: "declare -i n; for n in ${v}; do :; done", refused: /is not an integer/ },
  { template: "declare -i n; export n=${v}", refused: /is not an integer/ },
  { template: "declare -i n; printf -v n %s ${v}", refused: /is not an integer/ },
  { template: 'declare -i n; printf -vn %s "${v}"', refused: /is not an integer/ },
  { template: 'sleep 0 & wait -p "${v}" $!', refused: /holds "\["/ },
  { template: "declare -i n; : $${n:=${v}}", refused: /is not an integer/ },
  { template: 'declare -i n; : "$${n=${v}}"', refused: /is not an integer/ },
  { template: 'declare -i n; read n <<< "${v}"', refused: /is not an integer/ },
  { template: 'declare -i n; read <<< "${v}" n', refused: /is not an integer/ },
  { template: 'declare -i n; while read n; do :; done <<< "${v}"', refused: /is not an integer/ },
  { template: "declare -n r=n; declare -i n; r=${v}", refused: /is not an integer/ },
  // A value assigned by `printf -v`, `read` or through a nameref is one like `n=…`.
  { template: 'printf -v n %s "${v}"; echo $(( n ))', refused: /holds "\["/ },
  { template: 'read -r n <<< "${v}"; echo $(( n ))', refused: /holds "\["/ },
  { template: 'read -r <<< "${v}" n; echo $(( n ))', refused: /holds "\["/ },
  { template: '{ read -r n; } <<< "${v}"; echo $(( n ))', refused: /holds "\["/ },
];

function sandbox(): Promise<string> {
  return Promise.resolve(testTempDir("weft_names_"));
}

async function run(shell: string, command: string, env: Record<string, string>, cwd: string) {
  const out = await new Deno.Command(shell, { args: ["-c", command], env, cwd }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

async function pwned(dir: string): Promise<boolean> {
  try {
    await Deno.stat(`${dir}/PWNED`);
    await Deno.remove(`${dir}/PWNED`);
    return true;
  } catch {
    return false;
  }
}

Deno.test("shell-safe names: bash runs a subscript's command in each form, and weft refuses it", async () => {
  const dir = await sandbox();
  try {
    for (const { template, refused } of FORMS) {
      const offset = template.indexOf("${v}");
      for (const value of HOSTILE) {
        assert.throws(
          () => compileTemplate(template).renderShell(() => value),
          (e) => e instanceof ExpressionError && e.offset === offset && refused.test(e.message),
          `${template} with ${value}`,
        );
      }
      if (!hasBash) continue;
      // The same command, rendered for a harmless value, with the hostile one put in its
      // variable behind weft's back: bash runs it, so the refusal is needed.
      const { command, env } = compileTemplate(template).renderShell(() => "0");
      const hostileEnv = Object.fromEntries(Object.keys(env).map((k) => [k, HOSTILE[0]]));
      await run(
        "bash",
        command,
        { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...hostileEnv },
        dir,
      );
      assert.ok(await pwned(dir), `bash should run the payload in: ${command}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shell-safe names: a value naming another value's variable is refused there", async () => {
  const template = 'x=${a}; printf %s "${b}" >/dev/null; echo $(( x ))';
  assert.throws(
    () => compileTemplate(template).renderShell((root) => root === "a" ? "WEFT_V_2" : "b[$(x)]"),
    (e) => e instanceof ExpressionError && /names WEFT_V_/.test(e.message) && e.offset === 2,
  );
  assert.throws(
    () => compileTemplate("declare -n r=${a}").renderShell(() => "1+WEFT_V_1"),
    ExpressionError,
  );
  // Taken as an argument, the same text is data.
  assert.ok(compileTemplate("echo ${a}").renderShell(() => "WEFT_V_2").command);
  if (!hasBash) return;
  const dir = await sandbox();
  try {
    const { command } = compileTemplate(template).renderShell(() => "0");
    await run("bash", command, { WEFT_V_1: "WEFT_V_2", WEFT_V_2: HOSTILE[0] }, dir);
    assert.ok(await pwned(dir), `bash should run the payload in: ${command}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * A value inside the subscript of a name bash reads (the `[` the script's own): bash
 * evaluates that subscript as arithmetic, so even a value without a `[` runs a command.
 */
const IN_SUBSCRIPT = [
  'a=(1); unset "a[${v}]"',
  'printf -v "a[${v}]" %s x',
  "printf -va[${v}] %s x",
  'a=(1); test -v "a[${v}]"',
  'a=(1); [ -v "a[${v}]" ]',
  "a=(1); [[ -v a[${v}] ]]",
  'read "a[${v}]" <<< x',
  'declare "a[${v}]=x"',
  "declare a[${v}]=1",
  'f() { local "a[${v}]=x"; }; f',
  "arr=([${v}]=1)",
  'arr=(["${v}"]=1)',
  "arr+=([${v}]=1)",
  "declare -a arr=([${v}]=1)",
  "[[ -n x &&\n   ${v} -eq 3 ]] || true",
];

Deno.test("shell-safe names: a value inside a name's subscript, or a test's line, is integer-only", async () => {
  const dir = await sandbox();
  try {
    for (const template of IN_SUBSCRIPT) {
      const offset = template.indexOf("${v}");
      for (const value of ["$(touch PWNED)", "a[$(touch PWNED)]", "x"]) {
        assert.throws(
          () => compileTemplate(template).renderShell(() => value),
          (e) =>
            e instanceof ExpressionError && e.offset === offset &&
            /is not an integer/.test(e.message),
          `${template} with ${value}`,
        );
      }
      assert.ok(compileTemplate(template).renderShell(() => "2").command, template);
      if (!hasBash) continue;
      // Rendered for 0, the payload put in its variable behind weft's back: bash runs it.
      const { command, env } = compileTemplate(template).renderShell(() => "0");
      let ran = false;
      for (const payload of ["$(touch PWNED)", "a[$(touch PWNED)]"]) {
        const hostile = Object.fromEntries(Object.keys(env).map((k) => [k, payload]));
        await run(
          "bash",
          command,
          { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...hostile },
          dir,
        );
        ran ||= await pwned(dir);
      }
      assert.ok(ran, `bash should run the payload in: ${command}`);
    }
    // The keys of an associative array declared in the same command are text.
    const map = compileTemplate("declare -A m=([${v}]=1)").renderShell(() => "staging");
    assert.deepEqual(map.env, { WEFT_V_1: "staging" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shell-safe names: an array made by an element assignment is an array to declare", () => {
  for (const template of ['x[0]=1\ndeclare "x=${v}"', 'x[0]=1; local "x=${v}"']) {
    assert.throws(
      () => compileTemplate(template).renderShell(() => "($(touch PWNED))"),
      (e) => e instanceof ExpressionError && /starts with "\("/.test(e.message),
      template,
    );
  }
  // A plain variable: bash 5.2 assigns `(…)` as text.
  assert.ok(compileTemplate('x=1; declare "x=${v}"').renderShell(() => "(WIP) fix").command);
});

Deno.test("shell-safe names: a value naming a variable of the task's environment that holds code is refused", async () => {
  const payload = "a[$(touch PWNED)]";
  const environment: Record<string, string> = { TARGET: payload, HOP: "1+TARGET", HOME: "/h" };
  const scope = (v: string) => (root: string, path: string[]) =>
    root === "env" ? environment[path[0]] : v;
  const template = 'n="${v}"; for (( i = 0; i < n; i++ )); do :; done';
  for (const value of ["TARGET", "2*HOP", "x+TARGET"]) {
    assert.throws(
      () => compileTemplate(template).renderShell(scope(value)),
      (e) =>
        e instanceof ExpressionError && e.offset === 3 &&
        /, read as a variable name, leads to TARGET, whose value holds "\["/.test(e.message),
      value,
    );
  }
  // A name whose value holds no code, and the same value as an argument, go through; so
  // does text bash cannot read as arithmetic, though it holds such a name.
  assert.ok(compileTemplate(template).renderShell(scope("HOME")).command);
  assert.ok(compileTemplate(template).renderShell(scope("Tighten TARGET check")).command);
  // Through the variables weft passes values in, whichever comes first.
  const two = 'n="${params.a}"; echo "${params.b}"; (( n > 0 ))';
  const params = (a: string) => (root: string, path: string[]) =>
    root === "env" ? environment[path[0]] : path[0] === "a" ? a : payload;
  environment.VIA = "WEFT_V_2";
  for (const a of ["VIA", "WEFT_V_2", "x[WEFT_V_2]"]) {
    assert.throws(
      () => compileTemplate(two).renderShell(params(a)),
      (e) => e instanceof ExpressionError && e.offset === 3,
      a,
    );
  }
  assert.ok(compileTemplate('echo "${v}"').renderShell(scope("TARGET")).command);
  if (!hasBash) return;
  const dir = await sandbox();
  try {
    const { command } = compileTemplate(template).renderShell(scope("2"));
    await run("bash", command, { WEFT_V_1: "TARGET", TARGET: payload }, dir);
    assert.ok(await pwned(dir), `bash should run the payload in: ${command}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Values without a code subscript, which these places still take: text, globs, `$`. */
const ORDINARY = ["hello world", "[a-z]+", "$HOME", "x[1]", "$(touch PWNED)", "it's", "^[^$]"];

Deno.test("shell-safe names: ordinary values still reach assignments and name operands", async () => {
  const dir = await sandbox();
  try {
    for (const value of ORDINARY.slice(0, -1)) {
      for (const template of ['x=${v}; printf %s "$x"', 'export X="${v}"; printf %s "$X"']) {
        const { command, env } = compileTemplate(template).renderShell(() => value);
        for (const shell of hasBash ? ["sh", "bash"] : ["sh"]) {
          const ran = await run(shell, command, env, dir);
          assert.equal(ran.stdout, value, `${shell}: ${template} with ${value}: ${ran.stderr}`);
        }
      }
    }
    // `^[^$]`: "[" then "$" — refused where bash may take it as a name, but not where it is data.
    const DATA = [
      'printf %s "${v}"',
      'printf %s "$${unset_x:-${v}}"',
      'printf %s "$(cat <<< "${v}")"',
      'read -r -p "${v}" x <<< y; printf %s "${v}"',
      '[[ ${v} == x ]] || printf %s "${v}"',
      'cat > out.txt <<EOF\n${v}\nEOF\nprintf %s "$(cat out.txt)"',
      'getopts a opt "${v}"; printf %s "${v}"',
      "printf %s ${v} > /dev/null; printf %s '${v}'",
    ];
    for (const template of DATA) {
      const value = "^[^$] a[$(touch PWNED)]";
      const { command, env } = compileTemplate(template).renderShell(() => value);
      if (!hasBash) continue;
      const ran = await run("bash", command, env, dir);
      assert.equal(ran.stdout, value, `${template}: ${ran.stderr}`);
      assert.ok(!(await pwned(dir)), template);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
