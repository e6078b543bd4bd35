/**
 * The proof that the single executable would work (issue 12 §2): `dist/weft.js`, built
 * by scripts/build.ts, copied ALONE into an empty folder outside the repository and run
 * there through a PATH holding no `node` (nor `deno`: the runtime is called by its
 * absolute path), goes through the CLI smoke suite: --version, self-check, validate and
 * run of every example, history, status, logs, generate of every template, schedule
 * list / export --crontab, completions. Anything read relative to the source tree at
 * run time fails this. With DENORT_BIN set, the same suite runs against the compiled
 * binary (`deno compile` for the host).
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { dockerEngineMissing, STANDIN_BIN } from "./_docker_standin.ts";
import { type Cli, execClean, pathWithout, smokeSuite } from "./_smoke.ts";
import { TEST_PROGRAM } from "./_run_cli.ts";

const root = new URL("..", import.meta.url).pathname;

/** Builds with scripts/build.ts into a fresh folder; returns the file written. */
async function build(args: string[], name: string): Promise<string> {
  const out = testTempDir("weft-build-");
  const file = join(out, name);
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}scripts/build.ts`, ...args, "--output", file],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  return file;
}

/** An empty folder outside the repository with only `file` copied in; the CLI over it. */
async function isolated(file: string, command: (copy: string) => string[]): Promise<{
  weft: Cli;
  dir: string;
  cleanup: () => Promise<void>;
}> {
  const dir = testTempDir("weft-smoke-");
  assert.ok(!dir.startsWith(root), "the smoke folder is outside the repository");
  const copy = join(dir, file.slice(file.lastIndexOf("/") + 1));
  await Deno.copyFile(file, copy);
  await Deno.chmod(copy, 0o755);
  const work = join(dir, "work");
  await Deno.mkdir(work);
  const path = await pathWithout(["node", "nodejs", "npm", "npx", "deno"], join(dir, "path"));
  const base: Record<string, string> = {
    PATH: path,
    HOME: Deno.env.get("HOME") ?? dir,
    WEFT_HOME: join(dir, "home"),
    // Where the bundle writes out its parts (weft's own code, from the bundle) to be cached.
    XDG_CACHE_HOME: join(dir, "cache"),
    NO_COLOR: "1",
  };
  const weft: Cli = (args, options = {}) => {
    const env = { ...base, ...options.env };
    if (options.pathFirst) env.PATH = `${options.pathFirst}:${env.PATH}`;
    const [cmd, ...rest] = command(copy);
    return execClean(cmd, [...rest, ...args], options.cwd ?? work, env);
  };
  return { weft, dir: work, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

/**
 * dist/weft.js as scripts/build.ts --bundle writes it, built once for this file's tests.
 * Under `deno task test` that is the bundle scripts/test.ts built with that same command
 * before the suite ({@link TEST_PROGRAM}); run alone, this file builds its own (removed
 * with the test's temp folders). Either is only read here: copied, or run in place.
 */
let bundleBuilt: Promise<string> | undefined;
const builtBundle = () =>
  bundleBuilt ??= TEST_PROGRAM ? Promise.resolve(TEST_PROGRAM) : build(["--bundle"], "weft.js");

const dockerStandIn = async () => (await dockerEngineMissing()) ? STANDIN_BIN : undefined;

Deno.test("bundle: dist/weft.js alone in an empty folder, no node on PATH, passes the smoke suite", async (t) => {
  const bundle = await builtBundle();
  const { weft, dir, cleanup } = await isolated(
    bundle,
    (copy) => [Deno.execPath(), "run", "-A", "--unstable-kv", "--no-config", copy],
  );
  try {
    await smokeSuite(t, weft, dir, await dockerStandIn());
  } finally {
    await cleanup();
  }
});

Deno.test({
  name: "compiled: dist/weft-<host target> passes the same smoke suite (needs DENORT_BIN)",
  ignore: !Deno.env.get("DENORT_BIN"),
  fn: async (t) => {
    const { hostTarget } = await import("../scripts/build.ts");
    const binary = await build(["--target", hostTarget()], "weft");
    const { weft, dir, cleanup } = await isolated(binary, (copy) => [copy]);
    try {
      await smokeSuite(t, weft, dir, await dockerStandIn());
    } finally {
      await cleanup();
      await Deno.remove(binary.slice(0, binary.lastIndexOf("/")), { recursive: true });
    }
  },
});

Deno.test("bundle: its parts are cached in a private folder, or run from memory where none can be made", async () => {
  const bundle = await builtBundle();
  const dir = testTempDir("weft-bundle-cache-");
  try {
    await Deno.copyFile(`${root}examples/hello.yml`, `${dir}/hello.yml`);
    await Deno.writeTextFile(`${dir}/file`, "");
    const run = (cache: string, ...args: string[]) =>
      execClean(
        Deno.execPath(),
        ["run", "-A", "--unstable-kv", "--no-config", bundle, ...args],
        dir,
        {
          PATH: Deno.env.get("PATH") ?? "",
          HOME: dir,
          XDG_CACHE_HOME: cache,
          WEFT_HOME: `${dir}/home`,
        },
      );
    for (const cache of [`${dir}/cache`, `${dir}/file/below-a-file`]) {
      for (let round = 0; round < 2; round++) {
        const v = await run(cache, "validate", "hello.yml");
        assert.equal(v.code, 0, v.stderr);
        assert.match(v.stdout + v.stderr, /hello\.yml: ok/);
      }
    }
    const [folder] = [...Deno.readDirSync(`${dir}/cache/weft`)].map((e) => e.name);
    assert.match(folder, /^bundle-[0-9a-f]{24}$/);
    const parts = `${dir}/cache/weft/${folder}`;
    assert.equal(Deno.statSync(parts).mode! & 0o777, 0o700);
    const files = [...Deno.readDirSync(parts)];
    assert.ok(files.length > 3, "validate needed several parts");
    for (const f of files) {
      assert.match(f.name, /\.js$/, "no temporary file left");
      assert.equal(Deno.statSync(`${parts}/${f.name}`).mode! & 0o777, 0o600);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
