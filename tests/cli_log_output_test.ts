/**
 * `weft logs` on one screen (cli/log_output.ts openBefore, CliIO.outputsShared): with
 * stdout and stderr in one place (a terminal, `2>&1`), a line a task left open on stdout
 * is ended before a header or another task's stderr line is printed, not glued to it;
 * with them apart, stdout holds the tasks' bytes as they are, no newline added. Lines
 * `--follow` held back on both streams are printed in the order of the log.
 */
import assert from "node:assert/strict";
import { startWeft, weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/logs_follow/open_line.yml", import.meta.url).pathname;

/** The command line of weft with `args`, its stderr sent into its stdout (`2>&1`). */
function mergedCommand(args: string[], home: string): Deno.Command {
  return new Deno.Command("sh", {
    args: ["-c", 'exec "$@" 2>&1', "sh", Deno.execPath(), ...weftArgs(args)],
    env: weftEnv({ WEFT_HOME: home, NO_COLOR: "1" }),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  });
}

/** Runs weft to its end with stdout and stderr on one pipe; resolves to what it printed. */
async function merged(args: string[], home: string): Promise<string> {
  const { code, stdout } = await mergedCommand(args, home).output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, text);
  return text;
}

/** Starts weft with stdout and stderr on one pipe, read as it comes. */
function startMerged(args: string[], home: string) {
  const child = mergedCommand(args, home).spawn();
  let text = "";
  const waiters: { wanted: string; resolve: () => void }[] = [];
  const done = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      text += decoder.decode(chunk, { stream: true });
      for (const w of waiters) if (text.includes(w.wanted)) w.resolve();
    }
    return text;
  })();
  return {
    /** Resolves once what it printed contains `wanted`. */
    includes(wanted: string): Promise<void> {
      if (text.includes(wanted)) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      waiters.push({ wanted, resolve });
      return promise;
    },
    async finish(): Promise<string> {
      const { code } = await child.status;
      const all = await done;
      assert.equal(code, 0, all);
      return all;
    },
  };
}

/** Resolves once file `name` in a folder of `dir` contains `text` (polled: a log grows). */
async function fileUnderIncludes(dir: string, name: string, text: string): Promise<void> {
  for (;;) {
    for (const entry of listed(dir)) {
      try {
        if (Deno.readTextFileSync(`${dir}/${entry.name}/${name}`).includes(text)) return;
      } catch {
        // not written yet
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The entries of folder `dir`; none while it is not made yet. */
function listed(dir: string): Deno.DirEntry[] {
  try {
    return [...Deno.readDirSync(dir)];
  } catch {
    return [];
  }
}

Deno.test("weft logs on one screen: a task's open line is ended before a header or another task's stderr line", async () => {
  const home = testTempDir("home-");
  const dir = testTempDir("open-");
  const run = startWeft(["run", FIXTURE, "-q", "-p", `dir=${dir}`], { WEFT_HOME: home });
  await fileUnderIncludes(`${home}/logs`, "a.1.log", "partial");
  const bare = startMerged(["logs", "--follow", "--no-prefix"], home);
  const prefixed = startMerged(["logs", "--follow"], home);
  const apart = startWeft(["logs", "--follow", "--no-prefix"], { WEFT_HOME: home });
  // Each shows `partial` once its output paused: left open, as the task left it.
  await bare.includes("partial");
  await prefixed.includes("a | partial");
  await apart.stdoutIncludes("partial");
  Deno.writeTextFileSync(`${dir}/b`, "1");
  await bare.includes("b-err");
  await prefixed.includes("b-err");
  await apart.stderrIncludes("b-err");

  // Not followed, while a's line is still open.
  assert.equal(
    await merged(["logs", "--no-prefix"], home),
    "==> a (attempt 1) <==\npartial\n==> b (attempt 1) <==\nb-err\n",
  );
  assert.equal(await merged(["logs"], home), "a | partial\nb | b-err\n");
  const split = await weft(["logs", "--no-prefix"], { env: { WEFT_HOME: home } });
  assert.deepEqual(split, {
    code: 0,
    stdout: "partial",
    stderr: "==> a (attempt 1) <==\n==> b (attempt 1) <==\nb-err\n",
  });

  Deno.writeTextFileSync(`${dir}/go`, "1");
  // The rest of a's line goes on a line of its own, as after another task's stdout line.
  assert.equal(
    await bare.finish(),
    "==> a (attempt 1) <==\npartial\n==> b (attempt 1) <==\nb-err\n done\n",
  );
  assert.equal(await prefixed.finish(), "a | partial\nb | b-err\na |  done\n");
  // Apart, stdout is a's bytes as they are: nothing on stdout came between.
  assert.deepEqual(await apart.finish(), {
    code: 0,
    stdout: "partial done\n",
    stderr: "==> a (attempt 1) <==\n==> b (attempt 1) <==\nb-err\n",
  });
  assert.equal((await run.finish()).code, 0);
});

Deno.test("weft logs --follow on one screen: weft's own notice does not continue a task's open line", async () => {
  const home = testTempDir("home-");
  const dir = testTempDir("open-");
  const run = startWeft(["run", FIXTURE, "-q", "-p", `dir=${dir}`], { WEFT_HOME: home });
  await fileUnderIncludes(`${home}/logs`, "a.1.log", "partial");
  const follow = startMerged(["logs", "--follow", "--no-prefix"], home);
  await follow.includes("partial");
  // The run's process dies: the follower says so, while a's line is open on stdout.
  run.child.kill("SIGKILL");
  await run.finish();
  const seen = await follow.finish();
  // Its tasks, left behind, end.
  Deno.writeTextFileSync(`${dir}/b`, "1");
  Deno.writeTextFileSync(`${dir}/go`, "1");
  assert.match(
    seen,
    /^==> a \(attempt 1\) <==\npartial\nweft: the process of run \S+ is gone; marked interrupted\n$/,
  );
});

Deno.test("weft logs on one screen, prefixed: a task's own line without a newline is ended before its other stream's", async () => {
  const dir = testTempDir("unended-");
  const home = `${dir}/home`;
  const flow = `${dir}/unended.json`;
  // u's last stdout line has no newline; its stderr line comes while that line is open
  // (published after its pause) or after it, and u is the last task printed.
  const tasks = [
    { id: "v", command: "echo x" },
    { id: "u", depends_on: ["v"], command: "printf 'a\\nb'; sleep 0.3; echo err >&2" },
  ];
  Deno.writeTextFileSync(flow, JSON.stringify({ name: "unended", tasks }));
  const run = await weft(["run", flow, "-q"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  const shown = await merged(["logs"], home);
  // Every line prefixed and ended, u's own lines in whichever order its log has them.
  assert.ok(shown.endsWith("\n"), JSON.stringify(shown));
  assert.deepEqual(
    shown.slice(0, -1).split("\n").sort(),
    ["u | a", "u | b", "u | err", "v | x"],
    JSON.stringify(shown),
  );
});

Deno.test("weft logs RUN TASK on one screen: a line without a newline is ended before the task's other stream", async () => {
  const dir = testTempDir("unended-one-");
  const home = `${dir}/home`;
  const flow = `${dir}/se.json`;
  const tasks = [{ id: "se", command: "printf out-nonl; printf err-nonl >&2" }];
  Deno.writeTextFileSync(flow, JSON.stringify({ name: "se", tasks }));
  const run = await weft(["run", flow, "-q"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  const id = (await weft(["history", "-q", "-n1"], { env: { WEFT_HOME: home } })).stdout.trim();
  // Not glued (`out-nonlerr-nonl`); the task's own last line keeps its missing newline.
  assert.equal(await merged(["logs", id, "se"], home), "out-nonl\nerr-nonl");
  // With stdout apart, its bytes stay the task's own.
  const apart = await weft(["logs", id, "se"], { env: { WEFT_HOME: home } });
  assert.deepEqual([apart.stdout, apart.stderr], ["out-nonl", "err-nonl"]);
});

Deno.test("weft logs on one screen: a stderr line left open is ended before the rest of a stdout line, prefixed or not", async () => {
  const dir = testTempDir("open-both-");
  const home = `${dir}/home`;
  const flow = `${dir}/g.json`;
  // Stored: O o1 ~O, E e1 ~E, o o2, e e2, O o3 ~O — each stream's line cut by the other's.
  // A second between the prints: the log has them in this order even on a loaded machine.
  const command = "printf o1; sleep 1; printf e1 >&2; sleep 1; printf 'o2\\n'; sleep 1; " +
    "printf 'e2\\n' >&2; sleep 1; printf o3";
  Deno.writeTextFileSync(flow, JSON.stringify({ name: "g", tasks: [{ id: "e", command }] }));
  const run = await weft(["run", flow, "-q"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  const id = (await weft(["history", "-q", "-n1"], { env: { WEFT_HOME: home } })).stdout.trim();
  assert.equal(await merged(["logs", id], home), "e | o1\ne | e1\ne | o2\ne | e2\ne | o3\n");
  assert.equal(await merged(["logs", id, "e"], home), "o1\ne1\no2\ne2\no3");
  // With stdout apart, its bytes stay the task's own.
  const apart = await weft(["logs", id, "e"], { env: { WEFT_HOME: home } });
  assert.deepEqual([apart.stdout, apart.stderr], ["o1o2\no3", "e1e2\n"]);
});

Deno.test("weft logs --follow on one screen: open lines of both streams come in the log's order, stderr's first if it began first", async () => {
  const dir = testTempDir("held-both-");
  const home = `${dir}/home`;
  const flow = `${dir}/h.json`;
  // stderr's line begins first, stdout's once the test saw it in the log; both are left
  // open until `go` (their task's end then stores no more bytes of them).
  const wait = (file: string) => `while [ ! -f '${dir}/${file}' ]; do sleep 0.05; done`;
  const command = `printf err >&2; ${wait("next")}; printf out; ${wait("go")}`;
  Deno.writeTextFileSync(flow, JSON.stringify({ name: "h", tasks: [{ id: "t", command }] }));
  const run = startWeft(["run", flow, "-q"], { WEFT_HOME: home });
  await fileUnderIncludes(`${home}/logs`, "t.1.log", "E err");
  Deno.writeTextFileSync(`${dir}/next`, "1");
  await fileUnderIncludes(`${home}/logs`, "t.1.log", "O out");
  // Both lines are held, then printed together once their output paused.
  const follow = startMerged(["logs", "--follow"], home);
  await follow.includes("t | out");
  await follow.includes("t | err");
  Deno.writeTextFileSync(`${dir}/go`, "1");
  const followed = await follow.finish();
  assert.equal((await run.finish()).code, 0);
  assert.equal(await merged(["logs"], home), "t | err\nt | out\n");
  assert.equal(followed, "t | err\nt | out\n", "as weft logs prints it afterwards");
});
