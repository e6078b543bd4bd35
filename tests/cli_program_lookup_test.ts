/**
 * How weft finds and starts the programs it execs without a shell (src/tasks/
 * program_lookup.ts), through the real `weft run`: relative and empty PATH entries
 * resolve against the task's cwd (a project's `.venv/bin`, `node_modules/.bin`, `bin`),
 * for shell commands run directly and for a python task's interpreter alike; a script
 * without `#!` runs under /bin/sh; and every task type sees `PWD` = its own folder, not
 * the folder weft was started in. Fixtures: tests/fixtures/program_lookup/ (the tools
 * are written here: git keeps no empty mode bits and ignores node_modules).
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempCopy, testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/program_lookup/", import.meta.url).pathname;

/** Writes an executable file `path` (folders made) in `dir`. */
function tool(dir: string, path: string, text: string, mode = 0o755): void {
  Deno.mkdirSync(`${dir}/${path.slice(0, path.lastIndexOf("/") + 1) || "."}`, {
    recursive: true,
  });
  Deno.writeTextFileSync(`${dir}/${path}`, text, { mode });
}

/** The `[task] line` lines of a verbose run's stderr, per task id. */
function outputs(stderr: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const match of stderr.matchAll(/^\[([a-z_]+)\] (.*)$/gm)) {
    (found[match[1]] ??= []).push(match[2]);
  }
  return found;
}

/** The python3 binary itself (not a shim script, which would set PWD on its own). */
function realPython(): string {
  const out = new Deno.Command("python3", {
    args: ["-c", "import sys; print(sys.executable)"],
    stdout: "piped",
  }).outputSync();
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("cli program lookup: relative and empty PATH entries resolve against the task's cwd", async () => {
  const dir = testTempCopy(FIXTURES, "lookup-");
  tool(dir, ".venv/bin/python3", '#!/bin/sh\necho "venv python3 $*"\n');
  tool(dir, "node_modules/.bin/lint", '#!/bin/sh\necho "lint $*"\n');
  tool(dir, "bin/tool", '#!/bin/sh\necho "bin tool $* in ${PWD##*/}"\n');
  tool(dir, "sub/bin/tool", '#!/bin/sh\necho "sub tool $*"\n');
  tool(dir, "plain.sh", 'echo "plain $# $1 $2"\n');
  tool(dir, "bin/plain2.sh", 'echo "plain2 $*"\n');
  // Started from another folder: relative entries never resolve against weft's own.
  const run = await weft(["run", `${dir}/path.yml`, "-v"], { cwd: testTempDir() });
  assert.equal(run.code, 0, run.stderr);
  const seen = outputs(run.stderr);
  assert.deepEqual(seen, {
    venv_direct: ["venv python3 --version"],
    venv_shell: ["venv python3 --version"],
    venv_python: ["venv python3 -"],
    npm_bin: ["lint src"],
    bin_rel: ["bin tool a b in " + dir.slice(dir.lastIndexOf("/") + 1)],
    dot_bin: ["bin tool c in " + dir.slice(dir.lastIndexOf("/") + 1)],
    empty_entry: ["bin tool d in bin"],
    other_cwd: ["sub tool e"],
    no_shebang: ["plain 2 x y"],
    no_shebang_path: ["plain2 q"],
  });
});

Deno.test("cli program lookup: a tool an earlier task installs shadows the system's in a later one", async () => {
  const dir = testTempDir("lookup-made-");
  const file = `${dir}/made.yml`;
  Deno.writeTextFileSync(
    file,
    [
      "name: made",
      'environment: {PATH: "node_modules/.bin:${env.PATH}"}',
      "tasks:",
      "  - id: before",
      "    command: true",
      "  - id: install",
      "    depends_on: before",
      "    command: mkdir -p node_modules/.bin && printf '#!/bin/sh\\necho installed\\n' > node_modules/.bin/true && chmod +x node_modules/.bin/true",
      "  - id: after",
      "    depends_on: install",
      "    command: true",
      "",
    ].join("\n"),
  );
  const run = await weft(["run", file, "-v"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(outputs(run.stderr).before, undefined); // the system's `true`
  assert.deepEqual(outputs(run.stderr).after, ["installed"]);
});

Deno.test("cli program lookup: PATH holding only a non-executable file exits 126", async () => {
  // POSIX (sh, "Command Search and Execution"): found but not executable is 126, as bash
  // and dash's `exec` give (dash's own lookup says "Permission denied" but exits 127).
  const dir = testTempDir("lookup-denied-");
  tool(dir, "bin/tool", "#!/bin/sh\necho never\n", 0o644);
  tool(dir, "bin2/tool", "#!/bin/sh\necho bin2\n");
  const file = `${dir}/denied.yml`;
  Deno.writeTextFileSync(
    file,
    'name: denied\nenvironment: {PATH: "bin:${env.PATH}"}\ntasks:\n' +
      "  - {id: direct, command: tool, continue_on_error: true}\n" +
      '  - {id: later, command: tool, environment: {PATH: "bin:bin2:${env.PATH}"}}\n',
  );
  const run = await weft(["run", file, "-v", "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout);
  const direct = report.tasks.find((t: { id: string }) => t.id === "direct");
  assert.equal(direct.exitCode, 126, run.stderr);
  assert.match(run.stderr, /\[direct\] weft: tool: Permission denied/);
  // One that can run, further on in PATH, is taken instead.
  assert.deepEqual(outputs(run.stderr).later, ["bin2"]);
});

Deno.test("cli program lookup: every task type sees PWD = its own cwd, not weft's folder", async () => {
  const dir = testTempCopy(FIXTURES, "pwd-");
  Deno.mkdirSync(`${dir}/sub`);
  const run = await weft(["run", `${dir}/pwd.yml`, "-v", "-p", `py=${realPython()}`], {
    cwd: testTempDir(),
    env: { PWD: "/" },
  });
  assert.equal(run.code, 0, run.stderr);
  const sub = `${dir}/sub`;
  assert.deepEqual(outputs(run.stderr), {
    direct: [dir],
    shell: [dir],
    sub_direct: [sub],
    sub_shell: [sub],
    py: [`${sub} ${sub}`],
    js: [`${sub} ${sub}`],
    // As sh: a PWD naming another folder than the cwd is replaced.
    set_elsewhere: [sub],
    expr: [sub],
  });
});
