/**
 * Output a task prints without ending the line (a prompt, a progress bar's `\r` states,
 * a line printed in two goes) reaches the log while the task runs, through the real CLI
 * (tasks/byte_lines.ts PARTIAL_FLUSH_MS, tester15 F2): `weft logs` shows it before the
 * task ends and after weft is killed with -9, and a line printed with a pause — even
 * with the other stream's lines in between — reads back as one line, and `-v` shows it
 * as one line.
 */
import assert from "node:assert/strict";
import { waitForFile, weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("a partial line is in the log while its task runs, and survives kill -9 of weft", async () => {
  const dir = testTempDir("partial-");
  const home = `${dir}/home`;
  const flow = `${dir}/partial.json`;
  const tasks = [
    { id: "a", command: `printf 'line1\\npartial-no-newline'; echo up > ${dir}/a; sleep 30` },
    { id: "b", command: `printf 'progress 10%%\\r20%%\\r30%%\\r'; echo up > ${dir}/b; sleep 30` },
    { id: "c", command: `printf 'err-partial' >&2; echo up > ${dir}/c; sleep 30` },
  ];
  Deno.writeTextFileSync(flow, JSON.stringify({ name: "partial", tasks }));
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(["run", flow, "-q", "--max-parallel", "3"]),
    env: weftEnv({ WEFT_HOME: home }),
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (const task of ["a", "b", "c"]) await waitForFile(`${dir}/${task}`);
  const expected = [
    "a | line1",
    "a | partial-no-newline",
    "b | progress 10%",
    "b | 20%",
    "b | 30%",
    "c | err-partial",
  ];
  // Written within a flush interval or two of being printed: read until it is there.
  let shown = "";
  for (let i = 0; i < 100 && !expected.every((l) => shown.includes(l)); i++) {
    await new Promise((r) => setTimeout(r, 50));
    const r = await weft(["logs"], { env: { WEFT_HOME: home } });
    shown = r.stdout + r.stderr;
  }
  assert.deepEqual(shown.trimEnd().split("\n"), expected, "while running, each line ended");
  child.kill("SIGKILL");
  await child.status;
  const after = await weft(["logs"], { env: { WEFT_HOME: home } });
  assert.equal(after.code, 0, after.stderr);
  assert.deepEqual(
    (after.stdout + after.stderr.replace(/^weft: .*\n/m, "")).trimEnd().split("\n"),
    expected,
  );
});

Deno.test("a line printed with pauses reads back as one line; -v shows it as one", async () => {
  const dir = testTempDir("partial-");
  const env = { WEFT_HOME: `${dir}/home`, NO_COLOR: "1" };
  const flow = `${dir}/pauses.json`;
  const command = "printf 'Password: '; sleep 0.3; printf 'ok\\nab'; sleep 0.3; " +
    "echo mid >&2; sleep 0.3; echo cd";
  Deno.writeTextFileSync(flow, JSON.stringify({ name: "pauses", tasks: [{ id: "t", command }] }));
  const run = await weft(["run", flow, "-v"], { env });
  assert.equal(run.code, 0, run.stderr);
  const shown = run.stderr.split("\n").filter((l) => l.startsWith("[t]"));
  assert.deepEqual(shown, ["[t] Password: ok", "[t] mid", "[t] abcd"]);
  const id = (await weft(["history", "-q", "-n1"], { env })).stdout.trim();
  const logs = await weft(["logs", id, "t"], { env });
  assert.equal(logs.stdout, "Password: ok\nabcd\n");
  assert.equal(logs.stderr, "mid\n");
  const status = await weft(["status", id, "--json"], { env });
  assert.equal(status.code, 0, status.stderr);
});
