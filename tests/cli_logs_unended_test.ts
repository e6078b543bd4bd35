/**
 * Output that ends without a newline (`printf 'abc'`) comes back from `weft logs` byte
 * for byte, no newline added (tasks/line_splitter.ts `unended`, stored as a cut line
 * whose rest never comes: store/log_records.ts), for stdout and stderr, after several
 * lines and for a line longer than a piece; over several tasks a newline still comes
 * between two tasks' lines, and every prefixed line is ended; what `${tasks.ID.stdout}`
 * reads is as before. When both streams end without a newline, the two last lines are
 * stored in the order they were printed, not in the order weft saw the pipes end
 * (tasks/arrival_order.ts).
 */
import assert from "node:assert/strict";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/logs_unended/unended.yml", import.meta.url).pathname;
const LONG = "x".repeat(70_000);

/** Runs the fixture in a new home; resolves to the home and the run's id. */
async function ranFixture(): Promise<{ env: Record<string, string>; id: string; dir: string }> {
  const dir = testTempDir("unended-");
  const env = { WEFT_HOME: `${dir}/home`, NO_COLOR: "1" };
  const run = await weft(["run", FIXTURE, "-q", "-p", `dir=${dir}`], { env });
  assert.equal(run.code, 0, run.stderr);
  const id = (await weft(["history", "-q", "-n1"], { env })).stdout.trim();
  return { env, id, dir };
}

Deno.test("weft logs RUN TASK: a last line without a newline comes back byte for byte", async () => {
  const { env, id, dir } = await ranFixture();
  const expected: Record<string, { stdout: string; stderr: string }> = {
    abc: { stdout: "abc", stderr: "" },
    ab: { stdout: "a\nb", stderr: "" },
    long: { stdout: LONG, stderr: "" },
    err: { stdout: "", stderr: "e1\ne2" },
  };
  for (const [task, want] of Object.entries(expected)) {
    for (const extra of [[], ["--no-prefix"]]) {
      const logs = await weft(["logs", id, task, ...extra], { env });
      assert.deepEqual(logs, { code: 0, ...want }, `weft logs RUN ${task} ${extra.join(" ")}`);
    }
  }
  // The latest run by default, as with a run id.
  assert.equal((await weft(["logs", "abc"], { env })).stdout, "abc");
  // What `${tasks.ID.stdout}` reads is unchanged: the lines, no newline after the last.
  assert.equal(Deno.readTextFileSync(`${dir}/abc`), "abc");
  assert.equal(Deno.readTextFileSync(`${dir}/ab`), "a\nb");
});

Deno.test("weft logs RUN: several tasks' unended lines are still ended between tasks", async () => {
  const { env, id } = await ranFixture();
  const prefixed = await weft(["logs", id], { env });
  assert.equal(prefixed.code, 0, prefixed.stderr);
  // Prefixed, every line is ended, the last one too.
  assert.equal(prefixed.stdout, `abc  | abc\nab   | a\nab   | b\nlong | ${LONG}\n`);
  assert.equal(prefixed.stderr, "err  | e1\nerr  | e2\n");
  const bare = await weft(["logs", id, "--no-prefix"], { env });
  // Without a prefix, a newline only between two tasks' lines: the bytes stay theirs.
  assert.deepEqual(bare, {
    code: 0,
    stdout: `abc\na\nb\n${LONG}`,
    stderr: "==> abc (attempt 1) <==\n==> ab (attempt 1) <==\n==> long (attempt 1) <==\n" +
      "==> err (attempt 1) <==\ne1\ne2",
  });
});

Deno.test("weft logs RUN TASK: invalid UTF-8 comes back as the bytes printed", async () => {
  const dir = testTempDir("logs-bytes-");
  const env = { WEFT_HOME: `${dir}/home`, NO_COLOR: "1" };
  Deno.writeTextFileSync(
    `${dir}/w.yml`,
    "name: bytes\ntasks:\n  - id: f\n    command: printf '\\377\\376bin\\n'\n",
  );
  assert.equal((await weft(["run", `${dir}/w.yml`, "-q"], { env })).code, 0);
  const out = await new Deno.Command(Deno.execPath(), {
    args: weftArgs(["logs", "f"]),
    env: weftEnv(env),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.deepEqual([...out.stdout], [0xff, 0xfe, ...new TextEncoder().encode("bin\n")]);
});

const BOTH = new URL("./fixtures/logs_unended/both.yml", import.meta.url).pathname;

/** `weft logs` with `args`, its stderr sent into its stdout (`2>&1`): what one screen shows. */
async function mergedLogs(args: string[], env: Record<string, string>): Promise<string> {
  const out = await new Deno.Command("sh", {
    args: ["-c", 'exec "$@" 2>&1', "sh", Deno.execPath(), ...weftArgs(["logs", ...args])],
    env: weftEnv(env),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, text);
  return text;
}

Deno.test("weft logs: stdout's and stderr's last lines without a newline come in the order printed, every time", async () => {
  // Each pipe's end is seen in either order (stderr's first about one time in four): over
  // 2 runs of 20 tasks, a tail flushed at its own pipe's end is all but sure to show.
  const dir = testTempDir("unended-both-");
  const env = { WEFT_HOME: `${dir}/home`, NO_COLOR: "1" };
  for (let round = 0; round < 2; round++) {
    const run = await weft(["run", BOTH, "-q"], { env });
    assert.equal(run.code, 0, run.stderr);
    const id = (await weft(["history", "-q", "-n1"], { env })).stdout.trim();
    let want = "";
    for (let i = 1; i <= 20; i++) {
      const task = `t${String(i).padStart(2, "0")}`;
      if (i % 2 === 0) want += `${task} | o1\n${task} | e1\n`;
      want += `${task} | out\n${task} | err\n`;
    }
    assert.equal(await mergedLogs([id], env), want);
    // One task alone: its bytes as printed, the stdout line ended before stderr's.
    assert.equal(await mergedLogs([id, "t01"], env), "out\nerr");
  }
});
