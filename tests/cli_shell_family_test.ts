/**
 * `${...}` reaches a command as a shell variable (`"${WEFT_V_1}"`), which only a
 * POSIX-family shell expands: under `shell: python3`, perl or fish, `weft validate` and
 * `weft run` refuse it, naming the task and the place (expr/shell.ts, parse/step_checks.ts).
 */
import assert from "node:assert/strict";
import { isPosixFamilyShell } from "../src/expr/shell.ts";
import { problems } from "./_problems.ts";
import { weft } from "./_run_cli.ts";
import { resolveQuoted } from "../src/model/data_text.ts";
import { shellRunner } from "../src/tasks/shell.ts";
import { fakeContext } from "./_task_context.ts";

const DIR = new URL("./fixtures/shell_family/", import.meta.url).pathname;

Deno.test("shell family: POSIX-family shells by name or path, with a version", () => {
  for (const shell of ["sh", "bash", "/bin/sh", "/usr/bin/dash", "zsh", "ksh93", "mksh", "ash"]) {
    assert.ok(isPosixFamilyShell(shell), shell);
  }
  for (const shell of ["bash5", "zsh-5.9", " /usr/local/bin/bash ", "C:\\Git\\bin\\bash.exe"]) {
    assert.ok(isPosixFamilyShell(shell), shell);
  }
  for (const shell of ["python3", "perl", "/usr/bin/fish", "node", "csh", "pwsh", "bashful", ""]) {
    assert.ok(!isPosixFamilyShell(shell), shell);
  }
});

Deno.test("shell family: validate refuses ${...} under python3, perl (defaults) and fish", async () => {
  const out = await weft(["validate", `${DIR}python.yml`]);
  assert.equal(out.code, 2, out.stdout + out.stderr);
  const text = out.stdout + out.stderr;
  assert.match(
    text,
    /python\.yml:7:27: command in task "py": a \$\{\.\.\.\} cannot pass its value to shell "python3"/,
  );
  assert.match(text, /hint: set the value in the task's `environment:`/);

  const found = problems(await Deno.readTextFile(`${DIR}defaults.yml`));
  assert.equal(found.length, 2, found.join("\n"));
  assert.match(found[0], /^7:27: command in task "pl": .* to shell "perl"/);
  assert.match(
    found[1],
    /^18:52: processor\.command in task "proc": .* to shell "\/usr\/bin\/fish"/,
  );
});

Deno.test("shell family: run refuses before starting; other shells and escapes still run", async () => {
  const refused = await weft(["run", `${DIR}python.yml`]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /cannot pass its value to shell "python3"/);
  assert.doesNotMatch(refused.stdout + refused.stderr, /WEFT_V_1\}\n|hello \$\{/);

  const ok = await weft(["run", "-v", `${DIR}ok.yml`]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const text = ok.stdout + ok.stderr;
  assert.match(text, /\[py\] py wo rld \$\{kept\}/);
  assert.match(text, /\[sh\] sh wo rld/);
  assert.match(text, /\[bash\] bash wo rld/);
});

Deno.test("shell family: the shell runner refuses values for a shell that cannot read them", async () => {
  const lines: string[] = [];
  const ctx = fakeContext({
    emit: (_stream, line) => lines.push(String(line)),
    interpolateShell: (command) => ({
      command: command.replace("${x}", '"${WEFT_V_1}"'),
      env: { WEFT_V_1: "world" },
    }),
  });
  const result = await shellRunner.run({ command: 'print("${x}")', shell: "python3" }, ctx);
  assert.equal(result.ok, false);
  assert.match(resolveQuoted(result.error!), /cannot pass its value to shell "python3"/);
  assert.deepEqual(lines, [], "nothing ran");
});
