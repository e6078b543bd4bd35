/**
 * `weft logs --follow` shows what `weft logs` shows afterwards, line for line
 * (cli/log_hold.ts, cli/log_output.ts): a line the task has not ended yet is held back
 * until it ends — not ended by weft's own newline, not glued to another task's line
 * with `--no-prefix`, not split when it is longer than weft holds in memory — and a
 * last line that never ends is never joined to another task's line (tnotify F4).
 */
import assert from "node:assert/strict";
import { startWeft, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/logs_follow/held.yml", import.meta.url).pathname;
const BIG_LINE = `PART1-${"x".repeat(100_000)}PART2`;

/** A weft subprocess whose stdout and stderr are collected as they come. */
function collect(args: string[], home: string) {
  return startWeft(args, { WEFT_HOME: home, NO_COLOR: "1" });
}

/** Resolves once a file named `name` under `dir` contains `text` (polled: a log grows). */
async function fileUnderIncludes(dir: string, name: string, text: string): Promise<void> {
  for (;;) {
    for (const path of walk(dir)) {
      if (path.endsWith(`/${name}`) && Deno.readTextFileSync(path).includes(text)) return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function* walk(dir: string): Generator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return; // not made yet
  }
  for (const e of entries) {
    if (e.isDirectory) yield* walk(`${dir}/${e.name}`);
    else yield `${dir}/${e.name}`;
  }
}

const sorted = (text: string) => text.split("\n").sort();

/** `lines` with a line `${label}PART2` (the rest of a split line) joined to its start. */
function joinSplit(lines: string[], label: string): string[] {
  const rest = lines.indexOf(`${label}PART2`);
  if (rest === -1) return lines;
  const start = lines.findIndex((l) => l.startsWith(`${label}PART1-`));
  assert.ok(start !== -1 && start < rest, "the start of the line came first");
  const joined = [...lines];
  joined[start] += "PART2";
  joined.splice(rest, 1);
  return joined;
}

Deno.test("logs --follow: a line in parts comes out whole, as weft logs shows it afterwards", async () => {
  const home = testTempDir("home-");
  const dir = testTempDir("held-");
  const run = collect(["run", FIXTURE, "-q", "-p", `dir=${dir}`], home);
  // The half line (longer than weft holds in memory) and its stderr line are on disk.
  await fileUnderIncludes(home, "slowline.1.log", "err-mid");
  const prefixed = collect(["logs", "--follow"], home);
  const bare = collect(["logs", "--follow", "--no-prefix"], home);
  // Once both show a line `chat` printed after that, both have read the half line.
  Deno.writeTextFileSync(`${dir}/seen`, "1");
  await prefixed.stdoutIncludes("chat-marker");
  await bare.stdoutIncludes("chat-marker");
  Deno.writeTextFileSync(`${dir}/go`, "1");
  const followed = { prefixed: await prefixed.finish(), bare: await bare.finish() };
  assert.equal((await run.finish()).code, 0);

  const after = {
    prefixed: await weft(["logs"], { env: { WEFT_HOME: home } }),
    bare: await weft(["logs", "--no-prefix"], { env: { WEFT_HOME: home } }),
  };
  for (const mode of ["prefixed", "bare"] as const) {
    const [seen, shown] = [followed[mode], after[mode]];
    assert.equal(seen.code, 0, seen.stderr);
    assert.equal(shown.code, 0, shown.stderr);
    const label = mode === "prefixed" ? "slowline | " : "";
    // The half line paused: it may have been shown as far as it was, then ended by
    // chat's line (as `weft logs` ends a line not ended yet), its rest on a line of its
    // own; joined again, the lines are those of `weft logs`.
    const lines = joinSplit(seen.stdout.split("\n"), label);
    // The same lines; only the order of different tasks' lines may differ.
    assert.deepEqual([...lines].sort(), sorted(shown.stdout), mode);
    assert.ok(lines.includes(`${label}${BIG_LINE}`), `${mode}: the big line whole`);
    assert.ok(lines.includes(`${label}tail-without-newline`), `${mode}: its own line`);
    assert.equal(lines.filter((l) => l.includes("PART")).length, 1, mode);
    assert.match(seen.stderr, /^(slowline \| )?err-mid$/m, mode);
  }
});

const PROMPT = new URL("./fixtures/logs_follow/prompt.yml", import.meta.url).pathname;

Deno.test("logs --follow: a prompt the task waits at is shown, and its answer continues it in place", async () => {
  const home = testTempDir("home-");
  const dir = testTempDir("prompt-");
  const run = collect(["run", PROMPT, "-q", "-p", `dir=${dir}`], home);
  await fileUnderIncludes(home, "ask.1.log", "Continue?");
  for (const prefix of [true, false]) {
    const label = prefix ? "ask   | " : "";
    const follow = collect(["logs", "--follow", ...(prefix ? [] : ["--no-prefix"])], home);
    // Shown while the task waits at it: it cannot end the line before `go`.
    await follow.stdoutIncludes(`${label}Continue? [y/N] `);
    if (!prefix) Deno.writeTextFileSync(`${dir}/go`, "1");
    if (prefix) {
      // Ctrl-C: what was shown is ended as `weft logs` ends a line not ended yet.
      follow.child.kill("SIGINT");
      const stopped = await follow.finish();
      assert.equal(stopped.code, 130, stopped.stderr);
      const now = await weft(["logs"], { env: { WEFT_HOME: home } });
      assert.deepEqual(sorted(stopped.stdout), sorted(now.stdout));
      assert.ok(stopped.stdout.split("\n").includes("ask   | Continue? [y/N] "), stopped.stdout);
      continue;
    }
    const seen = await follow.finish();
    assert.equal(seen.code, 0, seen.stderr);
    // No other line came between: the answer continued the line, as `weft logs` shows it.
    assert.ok(seen.stdout.split("\n").includes("Continue? [y/N] yes"), seen.stdout);
    const after = await weft(["logs", "--no-prefix"], { env: { WEFT_HOME: home } });
    assert.deepEqual(sorted(seen.stdout), sorted(after.stdout));
  }
  assert.equal((await run.finish()).code, 0);
});

Deno.test("logs --follow: SIGTERM prints what is held before it exits 143", async () => {
  const home = testTempDir("home-");
  const dir = testTempDir("prompt-");
  const run = collect(["run", PROMPT, "-q", "-p", `dir=${dir}`], home);
  await fileUnderIncludes(home, "ask.1.log", "Continue?");
  const follow = collect(["logs", "--follow"], home);
  await follow.stdoutIncludes("first");
  follow.child.kill("SIGTERM");
  const stopped = await follow.finish();
  Deno.writeTextFileSync(`${dir}/go`, "1");
  assert.equal((await run.finish()).code, 0);
  assert.equal(stopped.code, 143, stopped.stderr);
  // Held or already shown when the signal came, the prompt is there, ended.
  assert.ok(stopped.stdout.split("\n").includes("ask   | Continue? [y/N] "), stopped.stdout);
  assert.doesNotMatch(stopped.stderr, /error|^\s{4}at /m);
});

const REDRAW = new URL("./fixtures/logs_follow/redraw.yml", import.meta.url).pathname;

Deno.test("logs --follow: a progress line redrawn after a pause, another task's line between, gets no empty line", async () => {
  const home = testTempDir("home-");
  const dir = testTempDir("redraw-");
  const run = collect(["run", REDRAW, "-q", "-p", `dir=${dir}`], home);
  await fileUnderIncludes(home, "bar.1.log", "p1");
  const followers = {
    prefixed: collect(["logs", "--follow"], home),
    bare: collect(["logs", "--follow", "--no-prefix"], home),
    single: collect(["logs", "bar", "--follow"], home),
  };
  const all = Object.values(followers);
  const mixed = [followers.prefixed, followers.bare];
  const go = async (file: string, shown: string, who = all) => {
    Deno.writeTextFileSync(`${dir}/${file}`, "1");
    for (const f of who) await f.stdoutIncludes(shown);
  };
  // `p1\r` shown while bar waits, then other's line ends it on screen; bar's rest starts
  // with that CR (`\rp2`): the line was ended already, not once more as an empty line.
  for (const f of all) await f.stdoutIncludes("p1");
  await go("o1", "o1", mixed);
  await go("go1", "p2");
  await go("o2", "o2", mixed);
  await go("go2", "q");
  await go("o3", "o3", mixed);
  Deno.writeTextFileSync(`${dir}/go3`, "1");
  const seen = {
    prefixed: await followers.prefixed.finish(),
    bare: await followers.bare.finish(),
    single: await followers.single.finish(),
  };
  assert.equal((await run.finish()).code, 0);
  const env = { env: { WEFT_HOME: home } };
  const after = {
    prefixed: await weft(["logs"], env),
    bare: await weft(["logs", "--no-prefix"], env),
    single: await weft(["logs", "bar"], env),
  };
  for (const mode of ["prefixed", "bare", "single"] as const) {
    assert.equal(seen[mode].code, 0, seen[mode].stderr);
    assert.equal(after[mode].code, 0, after[mode].stderr);
  }
  // One task followed: byte for byte what `weft logs` prints afterwards.
  assert.equal(seen.single.stdout, "p1\np2\nq\nq2\n");
  assert.deepEqual(seen.single, after.single);
  // Several: the same lines, each task's in its order; only tasks' interleaving differs.
  const bars = (text: string) => text.split("\n").filter((l) => l.startsWith("bar "));
  assert.deepEqual(bars(seen.prefixed.stdout), bars(after.prefixed.stdout));
  assert.deepEqual(bars(seen.prefixed.stdout), ["p1", "p2", "q", "q2"].map((l) => `bar   | ${l}`));
  for (const mode of ["prefixed", "bare"] as const) {
    assert.deepEqual(sorted(seen[mode].stdout), sorted(after[mode].stdout), mode);
    assert.deepEqual(sorted(seen[mode].stderr), sorted(after[mode].stderr), mode);
  }
});
