/**
 * The validated-workflow cache (src/parse/validated_cache.ts) through the real CLI: a
 * bundle built by scripts/build.ts keeps a clean `.json` workflow it ran, runs it again
 * from the entry with the same outcome, validates a file changed by one byte afresh (a
 * now-invalid file is refused though an entry for its old bytes exists), and keeps
 * nothing with WEFT_NO_CACHE; weft run from source has no build identity and no cache.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { execClean } from "./_smoke.ts";

const root = new URL("..", import.meta.url).pathname;

const WORKFLOW = {
  name: "cached",
  params: { who: { default: "world" } },
  tasks: [
    { id: "a", command: 'echo "greeting=hello ${params.who}" >> "$WEFT_OUTPUT"' },
    {
      id: "b",
      depends_on: "a",
      command: 'echo "seen=${tasks.a.outputs.greeting}" >> "$WEFT_OUTPUT"',
    },
  ],
};

/** The run report's outcome, without ids and times. */
function outcome(json: string) {
  const report = JSON.parse(json) as {
    status: string;
    tasks: { id: string; status: string; exitCode: number; outputs: unknown }[];
  };
  return {
    status: report.status,
    tasks: report.tasks.map(({ id, status, exitCode, outputs }) => ({
      id,
      status,
      exitCode,
      outputs,
    })),
  };
}

/** Progress lines without clock times, run ids and durations. */
function shape(stderr: string): string {
  return stderr.replace(/\d\d:\d\d:\d\d /g, "T ").replace(/\d{8}T[\d.]+Z-[0-9a-f]+/g, "ID")
    .replace(/\d+(\.\d+)?m?s\b/g, "D");
}

/** Names of the entries in every `validated-*` folder under `base`, sorted. */
function entries(base: string): string[] {
  const found: string[] = [];
  try {
    for (const folder of Deno.readDirSync(base)) {
      if (!folder.name.startsWith("validated-")) continue;
      for (const e of Deno.readDirSync(join(base, folder.name))) found.push(e.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return found.sort();
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("validated cache: a bundle runs a workflow again from its entry, and validates changed bytes afresh", async () => {
  const dir = testTempDir("cached-cli-");
  const bundle = join(dir, "weft.js");
  // Built in this process's environment (its Deno cache holds the bundler).
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}scripts/build.ts`, "--bundle", "--output", bundle],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
  const cache = join(dir, "cache");
  const file = join(dir, "w.json");
  const text = JSON.stringify(WORKFLOW, null, 2);
  await Deno.writeTextFile(file, text);
  const run = (extra: Record<string, string> = {}) =>
    execClean(
      Deno.execPath(),
      ["run", "-A", "--unstable-kv", "--no-config", bundle, "run", "--json", file],
      dir,
      {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: dir,
        XDG_CACHE_HOME: cache,
        WEFT_HOME: join(dir, "home"),
        NO_COLOR: "1",
        ...extra,
      },
    );

  const first = await run();
  assert.equal(first.code, 0, first.stderr);
  const base = join(cache, "weft");
  assert.deepEqual(entries(base), [`${await sha256(text)}.json`]);
  const folder = [...Deno.readDirSync(base)].find((e) => e.name.startsWith("validated-"))!.name;
  assert.match(folder, /^validated-[0-9a-f]{64}-deno[0-9.]+/);

  const second = await run();
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(outcome(second.stdout), outcome(first.stdout));
  assert.deepEqual(outcome(second.stdout).tasks[1].outputs, { seen: "hello world" });
  assert.equal(shape(second.stderr), shape(first.stderr));

  // One byte more (a trailing newline): other bytes, validated and kept anew.
  await Deno.writeTextFile(file, text + "\n");
  const third = await run();
  assert.equal(third.code, 0, third.stderr);
  assert.deepEqual(outcome(third.stdout), outcome(first.stdout));
  assert.equal(entries(base).length, 2);

  // One byte changed so that `b` depends on a task that does not exist: refused, though
  // the entry for the old bytes is still there; and nothing is kept for the new ones.
  const broken = text.replace('"depends_on": "a"', '"depends_on": "x"');
  assert.notEqual(broken, text);
  await Deno.writeTextFile(file, broken);
  const refused = await run();
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /"x"/);
  assert.equal(entries(base).length, 2);
  assert.ok(!entries(base).includes(`${await sha256(broken)}.json`));

  // WEFT_NO_CACHE: nothing read or written (a new valid file leaves no entry).
  const other = text.replace('"default": "world"', '"default": "there"');
  await Deno.writeTextFile(file, other);
  const off = await run({ WEFT_NO_CACHE: "1" });
  assert.equal(off.code, 0, off.stderr);
  assert.deepEqual(outcome(off.stdout).tasks[1].outputs, { seen: "hello there" });
  assert.equal(entries(base).length, 2);
});

Deno.test("validated cache: weft run from source keeps nothing (no build identity)", async () => {
  const dir = testTempDir("cached-source-");
  const file = join(dir, "w.json");
  await Deno.writeTextFile(file, JSON.stringify(WORKFLOW));
  const r = await weft(["run", "-q", file], {
    env: { XDG_CACHE_HOME: join(dir, "cache") },
    fromSource: true,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(entries(join(dir, "cache", "weft")), []);
});
