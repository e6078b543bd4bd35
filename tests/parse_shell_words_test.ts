/**
 * Weft runs a task's `shell` as one program (`SHELL -c COMMAND`), so a `shell` written
 * with arguments (`/usr/bin/env bash`, `bash --posix`) would only fail at run time with
 * "not found": `weft validate` refuses it at its place, for a task, `defaults.shell`, a
 * data_processor's processor and a loop's task, before (and instead of) the POSIX-family
 * check (expr/shell.ts shellWordsTrouble, parse/program_checks.ts blankShellTrouble).
 */
import assert from "node:assert/strict";
import { shellWordsTrouble } from "../src/expr/shell.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const DIR = new URL("./fixtures/shell_words/", import.meta.url).pathname;

Deno.test("shell words: a shell with arguments, and the program to write instead", () => {
  assert.equal(shellWordsTrouble("bash"), null);
  assert.equal(shellWordsTrouble("  /bin/bash \n"), null, "blanks around are trimmed");
  assert.equal(shellWordsTrouble("bash --posix")?.offset, 4);
  assert.equal(shellWordsTrouble("  bash -e")?.offset, 6, "in the value as written");
  assert.match(shellWordsTrouble("/usr/bin/env bash")!.hint, /write `shell: bash`, or set/);
  assert.match(shellWordsTrouble("/usr/bin/env -S zsh -e")!.hint, /write `shell: zsh`/);
  const python = shellWordsTrouble("python3 -u")!;
  assert.match(python.hint, /write `shell: python3`$/);
  assert.doesNotMatch(python.hint, /set -o/, "no sh options for python");
});

Deno.test("shell words: validate refuses each, at its place, with what to write", async () => {
  const out = await weft(["validate", `${DIR}args.yml`]);
  assert.equal(out.code, 2, out.stdout + out.stderr);
  const text = out.stdout + out.stderr;
  const lines = text.split("\n").filter((l) => l.startsWith(`${DIR}args.yml:`));
  assert.deepEqual(lines.map((l) => l.slice(DIR.length).split(": ").slice(0, 2).join(": ")), [
    "args.yml:3:15: defaults.shell",
    'args.yml:5:35: shell in task "env"',
    'args.yml:6:29: shell in task "posix"',
    'args.yml:12:50: processor.shell in task "dp"',
    'args.yml:17:27: task.shell in task "each"',
  ]);
  assert.match(
    text,
    /shell "\/usr\/bin\/env bash" has arguments, and weft runs `shell` as one program: it would look for a program named "\/usr\/bin\/env bash" and not find it\n {2}hint: `shell` is one program, a name or a path, without arguments; write `shell: bash`, or set the options in the command \(`set -o posix`\)/,
  );
  // Not the wrong reason for a ${...} under it (inherited from defaults too), nor twice.
  assert.doesNotMatch(text, /POSIX-family/);
  assert.match(text, /5 problems/);
});

Deno.test("shell words: a path to an existing shell with a blank in a folder's name passes", async () => {
  const dir = testTempDir("shell words ");
  Deno.mkdirSync(`${dir}/bin dir`);
  Deno.symlinkSync("/bin/sh", `${dir}/bin dir/sh`);
  const file = `${dir}/w.yml`;
  Deno.writeTextFileSync(
    file,
    `name: w\ntasks:\n  - {id: a, shell: "${dir}/bin dir/sh", command: "echo \${workflow.name}"}\n`,
  );
  const checked = await weft(["validate", file]);
  assert.equal(checked.code, 0, checked.stdout + checked.stderr);
  const run = await weft(["run", "-v", file]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /\[a\] w\n/);
});
