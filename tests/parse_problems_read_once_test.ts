/**
 * A workflow file is read once (kind: reading one input twice). `weft run` of a `.json`
 * file tries the quick path of parse/problems.ts first; a problem or a sub-workflow
 * takes the full path of parse/mod.ts, which must check the bytes already read: a named
 * pipe or /dev/stdin has nothing left for a second read (it hung, or was "empty").
 */
import assert from "node:assert/strict";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const BAD = '{"name": "b", "tasks": [{"id": "a", "type": "shell"}]}';

/**
 * Runs weft with `args` in `dir` while `feed` is written into the FIFO `fifo` by this
 * process; the child is killed (failing the test) if it is still running after 60 s.
 */
async function runWithFifo(dir: string, fifo: string, feed: string, args: string[]) {
  const mk = await new Deno.Command("mkfifo", { args: [`${dir}/${fifo}`] }).output();
  assert.equal(mk.code, 0, "mkfifo");
  const out = await weft(args, {
    cwd: dir,
    killAfterMs: 60_000,
    // Opening a FIFO for writing waits for its reader: weft.
    whileRunning: async () => {
      const writer = await Deno.open(`${dir}/${fifo}`, { write: true });
      await writer.write(new TextEncoder().encode(feed));
      writer.close();
    },
  });
  return { code: out.code, text: out.stdout + out.stderr };
}

Deno.test("weft run: a .json FIFO with a problem is read once and the problem said", async () => {
  const dir = testTempDir("fifo-bad-");
  const result = await runWithFifo(dir, "ff.json", BAD, ["run", "ff.json"]);
  assert.equal(result.code, 2, result.text);
  assert.match(result.text, /ff\.json:1:\d+: missing key "command" in task "a"/);
});

Deno.test("weft run: a .json FIFO calling a sub-workflow is read once and runs", async () => {
  const dir = testTempDir("fifo-call-");
  await Deno.writeTextFile(
    `${dir}/child.json`,
    '{"name": "c", "tasks": [{"id": "x", "type": "shell", "command": "echo child-ran"}]}',
  );
  const parent =
    '{"name": "p", "tasks": [{"id": "call", "type": "workflow", "file": "child.json"}]}';
  const result = await runWithFifo(dir, "ff.json", parent, ["run", "ff.json", "--json"]);
  assert.equal(result.code, 0, result.text);
  assert.match(result.text, /"status": ?"success"/);
});

Deno.test("weft run: a .json link to /dev/stdin reports the problem, as validate does", async () => {
  const dir = testTempDir("stdin-link-");
  await Deno.symlink("/dev/stdin", `${dir}/in.json`);
  for (const command of ["validate", "run"]) {
    const child = new Deno.Command(Deno.execPath(), {
      args: weftArgs([command, "in.json"]),
      env: weftEnv(),
      clearEnv: true,
      cwd: dir,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(BAD));
    await writer.close();
    const out = await child.output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 2, `${command}: ${text}`);
    assert.match(text, /in\.json:1:\d+: missing key "command" in task "a"/, command);
    assert.doesNotMatch(text, /empty/, command);
  }
});
