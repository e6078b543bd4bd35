import { lineText } from "../src/tasks/byte_lines.ts";
import assert from "node:assert/strict";
import { resolveQuoted } from "../src/model/data_text.ts";
import { directArgv, type ShellConfig, shellRunner } from "../src/tasks/shell.ts";
import type { TaskContext } from "../src/tasks/types.ts";
import { survivors } from "./_engine.ts";
import { testTempDir } from "./_tmp.ts";
import { fakeContext, lineCollector } from "./_task_context.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

function context(overrides: Partial<TaskContext> = {}) {
  const { lines, emit } = lineCollector();
  const ctx = fakeContext({ env: { PATH }, emit, ...overrides });
  return { ctx, lines };
}

Deno.test("shell: sh -c by default; exit code 0 is ok; stdout and stderr kept apart", async () => {
  const { ctx, lines } = context();
  const result = await shellRunner.run({ command: "echo out; echo err >&2; echo $0" }, ctx);
  assert.deepEqual(result, { ok: true, exitCode: 0, outputs: {} });
  assert.deepEqual(
    lines.filter((l) => l.stream === "stdout").map((l) => l.line.replace(/^.*\//, "")),
    ["out", "sh"],
  );
  assert.deepEqual(lines.filter((l) => l.stream === "stderr").map((l) => l.line), ["err"]);
});

Deno.test("shell: a non-zero exit fails with the code", async () => {
  const { ctx } = context();
  const result = await shellRunner.run({ command: "exit 7" }, ctx);
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, 7);
  assert.equal(resolveQuoted(result.error!), "exited with code 7");
});

Deno.test("shell: `shell: bash` runs bash (bash syntax works)", async () => {
  const { ctx, lines } = context();
  const result = await shellRunner.run(
    { command: "a=(x y z); echo ${#a[@]} $BASH_VERSION", shell: "bash" },
    ctx,
  );
  assert.equal(result.ok, true);
  assert.match(lines[0].line, /^3 \d/);
});

Deno.test("shell: a shell that does not exist fails with a message, not a throw", async () => {
  const { ctx } = context();
  const result = await shellRunner.run({ command: "true", shell: "/no/such/shell" }, ctx);
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, null);
  assert.match(resolveQuoted(result.error!), /cannot start shell "\/no\/such\/shell": not found/);
});

Deno.test("shell: a working directory that does not exist is named in the error", async () => {
  const { ctx } = context({ cwd: "/no/such/dir" });
  const result = await shellRunner.run({ command: "true" }, ctx);
  assert.equal(result.ok, false);
  assert.match(resolveQuoted(result.error!), /working directory "\/no\/such\/dir" does not exist/);
});

Deno.test("shell: a working directory that is a file is said to be one", async () => {
  const file = `${testTempDir()}/flow.yml`;
  Deno.writeTextFileSync(file, "");
  const { ctx } = context({ cwd: file });
  const result = await shellRunner.run({ command: "true" }, ctx);
  assert.equal(result.ok, false);
  assert.match(resolveQuoted(result.error!), /working directory ".*\/flow\.yml" is not a folder$/);
});

Deno.test("shell: lines are streamed as they arrive, not at the end", async () => {
  const dir = testTempDir();
  const { ctx, lines } = context({
    cwd: dir,
    emit: (stream, bytes) => {
      const line = lineText(bytes);
      lines.push({ stream, line });
      // The command waits for this file, so it only ends if "first" arrived while it ran.
      if (line === "first") Deno.writeTextFileSync(`${dir}/go`, "");
    },
  });
  const result = await shellRunner.run(
    { command: "echo first; while [ ! -f go ]; do sleep 0.01; done; echo second" },
    ctx,
  );
  assert.equal(result.ok, true);
  assert.deepEqual(lines.map((l) => l.line), ["first", "second"]);
});

Deno.test("shell: CRLF endings stripped, final partial line flushed, values via env", async () => {
  const { ctx, lines } = context({
    interpolateShell: () => ({
      command: 'printf "a\\r\\nb\\n%s" "$WEFT_V_1"',
      env: { WEFT_V_1: "c d" },
    }),
  });
  const result = await shellRunner.run({ command: "ignored: interpolateShell decides" }, ctx);
  assert.equal(result.ok, true);
  assert.deepEqual(lines.map((l) => l.line), ["a", "b", "c d"]);
});

Deno.test("shell: abort terminates the command (killed by SIGTERM)", async () => {
  const controller = new AbortController();
  const { ctx } = context({
    signal: controller.signal,
    emit: (_stream, line) => lineText(line) === "started" && controller.abort(),
  });
  const result = await shellRunner.run({ command: "echo started; sleep 1000" }, ctx);
  assert.equal(result.ok, false);
  assert.equal(resolveQuoted(result.error!), "killed by SIGTERM");
});

// --- The direct path (make's fast path): simple commands run without a shell. ---

Deno.test("directArgv: commands with no shell syntax are split on blanks", () => {
  const direct: [string, string[]][] = [
    ["true", ["true"]],
    ["  make  -j8\tall ", ["make", "-j8", "all"]],
    ["./build.sh --out=dist", ["./build.sh", "--out=dist"]],
    ["/usr/bin/env", ["/usr/bin/env"]],
    ["npm run test:unit", ["npm", "run", "test:unit"]],
    ["curl -fsS http://127.0.0.1:8080/a,b", ["curl", "-fsS", "http://127.0.0.1:8080/a,b"]],
    ["git commit -m fix", ["git", "commit", "-m", "fix"]],
    ["date +%Y-%m-%d", ["date", "+%Y-%m-%d"]],
    ["ssh deploy@host uptime", ["ssh", "deploy@host", "uptime"]],
    ["dd if=a of=b", ["dd", "if=a", "of=b"]],
    ["echo hello world", ["echo", "hello", "world"]],
    ["test_runner", ["test_runner"]],
  ];
  for (const [command, argv] of direct) assert.deepEqual(directArgv(command), argv, command);
});

Deno.test("directArgv: shell syntax, builtins, keywords and assignments need the shell", () => {
  const viaShell = [
    "",
    "   ",
    "echo $HOME",
    "echo 'a b'",
    'echo "a"',
    "echo a\\ b",
    "echo `date`",
    "ls *.ts",
    "ls file?.txt",
    "ls [ab]",
    "ls ~",
    "true # comment",
    "echo {a,b}",
    "(true)",
    "cat < in",
    "echo > out",
    "a | b",
    "a && b",
    "a; b",
    "a &",
    "! false",
    "a\nb",
    "cd /tmp",
    "export A=1",
    "exit 3",
    "set -e",
    ". ./env.sh",
    "source env.sh",
    ": nothing",
    "exec true",
    "read x",
    "kill %1",
    "if true",
    "for x",
    "time make",
    "[[ a ]]",
    "FOO=1 make",
    "echo -e a",
    "echo a -n",
    "pwd",
  ];
  for (const command of viaShell) assert.equal(directArgv(command), null, command);
});

/** A temporary folder with small test programs in it. */
function toolbox(): string {
  const dir = testTempDir("shell-direct-");
  Deno.writeTextFileSync(
    `${dir}/tool.sh`,
    '#!/bin/sh\necho out $1\necho err $1 >&2\necho "var=$WEFT_TEST_VAR"\npwd\nexit $1\n',
    { mode: 0o755 },
  );
  Deno.writeTextFileSync(`${dir}/not-executable`, "#!/bin/sh\necho never\n", { mode: 0o644 });
  Deno.writeTextFileSync(
    `${dir}/tree.sh`,
    "#!/bin/sh\nsleep 1000 & echo $!\n(sleep 1000 & echo $!; wait) &\necho ready\nwait\n",
    { mode: 0o755 },
  );
  return dir;
}

/** Lines per stream: the order between stdout and stderr is not defined. */
function byStream(lines: { stream: string; line: string }[]) {
  const pick = (stream: string) => lines.filter((l) => l.stream === stream).map((l) => l.line);
  return { stdout: pick("stdout"), stderr: pick("stderr") };
}

/** Runs `command` directly (default shell) and under an explicit `sh`; returns both. */
async function bothWays(command: string, overrides: Partial<TaskContext> = {}) {
  const outcomes = [];
  for (const config of [{ command }, { command, shell: "sh" }] as ShellConfig[]) {
    const { ctx, lines } = context(overrides);
    const result = await shellRunner.run(config, ctx);
    outcomes.push({ result, lines });
  }
  return { direct: outcomes[0], shell: outcomes[1] };
}

Deno.test("shell: the direct path gives the same result, output, env and cwd as sh", async () => {
  const dir = toolbox();
  const env = { PATH, WEFT_TEST_VAR: "seen" };
  for (const code of [0, 1, 3]) {
    const command = `./tool.sh ${code}`;
    assert.notEqual(directArgv(command), null);
    const { direct, shell } = await bothWays(command, { cwd: dir, env });
    assert.deepEqual(byStream(direct.lines), byStream(shell.lines), command);
    assert.deepEqual(direct.result, shell.result, command);
    assert.equal(direct.result.exitCode, code);
    assert.equal(direct.result.ok, code === 0);
    assert.deepEqual(byStream(direct.lines), {
      stdout: [`out ${code}`, "var=seen", dir],
      stderr: [`err ${code}`],
    });
  }
  for (const command of ["true", "false"]) {
    const { direct, shell } = await bothWays(command);
    assert.deepEqual(direct, shell, command);
  }
});

Deno.test("shell: a missing program exits 127 with a message, directly and under sh", async () => {
  const { direct, shell } = await bothWays("no-such-program-weft-x --flag");
  for (const { result } of [direct, shell]) {
    assert.deepEqual({ ...result, error: resolveQuoted(result.error!) }, {
      ok: false,
      exitCode: 127,
      outputs: {},
      error: "exited with code 127",
    });
  }
  // The message tells which path ran: weft's own when no shell was involved.
  assert.deepEqual(direct.lines, [
    { stream: "stderr", line: "weft: no-such-program-weft-x: not found" },
  ]);
  assert.equal(shell.lines.length, 1);
  assert.match(shell.lines[0].line, /no-such-program-weft-x: not found/);

  const relative = await bothWays("./no-such-file", { cwd: toolbox() });
  assert.equal(relative.direct.result.exitCode, 127);
  assert.equal(relative.shell.result.exitCode, 127);
});

Deno.test("shell: a file that is not executable exits 126, directly and under sh", async () => {
  const { direct, shell } = await bothWays("./not-executable", { cwd: toolbox() });
  for (const { result } of [direct, shell]) {
    assert.equal(result.exitCode, 126);
    assert.equal(resolveQuoted(result.error!), "exited with code 126");
  }
  assert.deepEqual(direct.lines, [
    { stream: "stderr", line: "weft: ./not-executable: Permission denied" },
  ]);
  assert.match(shell.lines[0].line, /not-executable: Permission denied/);
});

Deno.test("shell: interpolated values or a named shell always go through the shell", async () => {
  // A missing program shows which path ran: sh's message, not weft's.
  const interpolated = context({
    interpolateShell: (command) => ({ command, env: { WEFT_V_1: "x" } }),
  });
  const result = await shellRunner.run({ command: "no-such-program-weft-y" }, interpolated.ctx);
  assert.equal(result.exitCode, 127);
  assert.match(interpolated.lines[0].line, /\bsh: .*no-such-program-weft-y: not found/);

  const named = context();
  await shellRunner.run({ command: "no-such-program-weft-y", shell: "bash" }, named.ctx);
  assert.match(named.lines[0].line, /\bbash: .*no-such-program-weft-y: command not found/);
});

Deno.test("shell: a missing working directory is reported the same way on the direct path", async () => {
  const { direct, shell } = await bothWays("true", { cwd: "/no/such/dir" });
  assert.deepEqual(direct, shell);
  assert.match(
    resolveQuoted(direct.result.error!),
    /working directory "\/no\/such\/dir" does not exist/,
  );
});

Deno.test("shell: abort ends the whole tree of a program run directly", async () => {
  const controller = new AbortController();
  const pids: number[] = [];
  const { ctx } = context({
    cwd: toolbox(),
    signal: controller.signal,
    emit: (_stream, bytes) => {
      const line = lineText(bytes);
      if (/^\d+$/.test(line)) pids.push(Number(line));
      if (line === "ready") controller.abort();
    },
  });
  assert.notEqual(directArgv("./tree.sh"), null);
  const result = await shellRunner.run({ command: "./tree.sh" }, ctx);
  assert.equal(resolveQuoted(result.error!), "killed by SIGTERM");
  assert.ok(pids.length >= 1);
  assert.deepEqual(await survivors(pids), []);
});

Deno.test("shell: relative PATH entries, a file without #! and PWD: the direct path agrees with sh", async () => {
  const dir = toolbox();
  Deno.mkdirSync(`${dir}/bin`);
  Deno.writeTextFileSync(`${dir}/bin/rel`, '#!/bin/sh\necho "rel $*"\n', { mode: 0o755 });
  Deno.writeTextFileSync(`${dir}/bin/bare`, 'echo "bare $# $1 ${PWD##*/}"\n', { mode: 0o755 });
  const cases: [string, Record<string, string>, string[]][] = [
    ["rel a", { PATH: `bin:${PATH}` }, ["rel a"]],
    ["rel b", { PATH: `./bin:${PATH}` }, ["rel b"]],
    ["bare x", { PATH: `bin:${PATH}` }, ["bare 1 x " + dir.slice(dir.lastIndexOf("/") + 1)]],
    ["./bin/bare y", { PATH }, ["bare 1 y " + dir.slice(dir.lastIndexOf("/") + 1)]],
    ["printenv PWD", { PATH, PWD: "/" }, [dir]],
  ];
  for (const [command, env, stdout] of cases) {
    assert.notEqual(directArgv(command), null, command);
    const { direct, shell } = await bothWays(command, { cwd: dir, env });
    assert.deepEqual(byStream(direct.lines), { stdout, stderr: [] }, command);
    assert.deepEqual(direct, shell, command);
  }
  // An empty entry is the task's folder.
  const empty = await bothWays("rel c", { cwd: `${dir}/bin`, env: { PATH: `:${PATH}` } });
  assert.deepEqual(byStream(empty.direct.lines), { stdout: ["rel c"], stderr: [] });
  assert.deepEqual(empty.direct, empty.shell);
});

Deno.test("shell: a program that cannot start on the direct path is named, not the shell", async () => {
  const dir = testTempDir("shell-busy-");
  const file = `${dir}/busy.sh`;
  Deno.writeTextFileSync(file, "#!/bin/sh\necho never\n", { mode: 0o755 });
  // Open for writing, the file cannot be exec'd (ETXTBSY): a failure that is neither
  // "not found" (127) nor "permission denied" (126).
  using _writer = Deno.openSync(file, { write: true });
  const { ctx } = context({ cwd: dir });
  const result = await shellRunner.run({ command: "./busy.sh" }, ctx);
  assert.equal(result.exitCode, null);
  assert.match(resolveQuoted(result.error!), /^cannot start "\.\/busy\.sh": /);
});
