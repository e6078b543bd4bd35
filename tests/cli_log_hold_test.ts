/**
 * `weft logs --follow` shows what `weft logs` shows afterwards, line for line
 * (cli/log_hold.ts, cli/log_output.ts): a line the task has not ended yet is held back
 * until it ends — not ended by weft's own newline, not glued to another task's line
 * with `--no-prefix`, not split when it is longer than weft holds in memory — and a
 * last line that never ends is never joined to another task's line (tnotify F4).
 */
import assert from "node:assert/strict";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/logs_follow/held.yml", import.meta.url).pathname;
const BIG_LINE = `PART1-${"x".repeat(100_000)}PART2`;

/** A weft subprocess whose stdout and stderr are collected as they come. */
function collect(args: string[], home: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: weftArgs(args),
    env: weftEnv({ WEFT_HOME: home, NO_COLOR: "1" }),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stdout = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  const stdoutDone = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      stdout += decoder.decode(chunk, { stream: true });
      for (const w of waiters) if (stdout.includes(w.text)) w.resolve();
    }
  })();
  const stderr = new Response(child.stderr).text();
  return {
    /** Resolves once stdout contains `text`. */
    stdoutIncludes(text: string): Promise<void> {
      if (stdout.includes(text)) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      waiters.push({ text, resolve });
      return promise;
    },
    async finish() {
      const status = await child.status;
      await stdoutDone;
      return { code: status.code, stdout, stderr: await stderr };
    },
  };
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
    // The same lines; only the order of different tasks' lines may differ.
    assert.deepEqual(sorted(seen.stdout), sorted(shown.stdout), mode);
    const label = mode === "prefixed" ? "slowline | " : "";
    const lines = seen.stdout.split("\n");
    assert.ok(lines.includes(`${label}${BIG_LINE}`), `${mode}: the big line whole`);
    assert.ok(lines.includes(`${label}tail-without-newline`), `${mode}: its own line`);
    assert.equal(lines.filter((l) => l.includes("PART")).length, 1, mode);
    assert.match(seen.stderr, /^(slowline \| )?err-mid$/m, mode);
  }
});
