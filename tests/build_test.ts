/**
 * scripts/build.ts where the denort runtime cannot be had: one clear line saying so and
 * how to provide it, exit 1 (issue 12 §1). The bundle and the compiled binary themselves
 * are tested by tests/bundle_test.ts.
 */
import assert from "node:assert/strict";
import { testTempDir } from "./_tmp.ts";

const root = new URL("..", import.meta.url).pathname;

async function build(args: string[], env: Record<string, string>) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}scripts/build.ts`, ...args],
    cwd: root,
    // Only what the build needs: an inherited DENORT_BIN must not reach it.
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "/",
      ...denoDir(),
      ...env,
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: r.code, stderr: new TextDecoder().decode(r.stderr) };
}

function denoDir(): Record<string, string> {
  const dir = Deno.env.get("DENO_DIR");
  return dir ? { DENO_DIR: dir } : {};
}

Deno.test("build: DENORT_BIN naming no file stops with one line, exit 1", async () => {
  const missing = `${testTempDir("denort-")}/denort`;
  const r = await build(["--output", `${testTempDir("out-")}/weft`], { DENORT_BIN: missing });
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr,
    `build: DENORT_BIN=${missing} is not a file: point it at a denort binary of Deno ${Deno.version.deno}\n`,
  );
});

Deno.test("build: no denort and no download (network closed) stops with one line, exit 1", async () => {
  const out = `${testTempDir("out-")}/weft`;
  // A proxy on a closed loopback port: the download fails at once, whatever the network.
  const proxy = "http://127.0.0.1:2";
  const r = await build(["--target", "aarch64-apple-darwin", "--output", out], {
    HTTPS_PROXY: proxy,
    HTTP_PROXY: proxy,
    https_proxy: proxy,
    http_proxy: proxy,
  });
  if (r.code === 0) {
    // denort for that target was already in Deno's cache: then the build must be there.
    assert.ok((await Deno.stat(out)).isFile);
    return;
  }
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(
    lines[0],
    /^build: the denort runtime for aarch64-apple-darwin can be neither found nor downloaded: .*denort-aarch64-apple-darwin\.zip.*set DENORT_BIN=/,
  );
});

Deno.test("build: an unknown target is refused before anything is built", async () => {
  const r = await build(["--target", "sparc-sun-solaris"], {});
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /^build: unknown target sparc-sun-solaris \(one of: x86_64-unknown-linux-gnu, /,
  );
});

Deno.test("build: --bundle --output into a folder not made yet makes it (deno task test's dist/test/)", async () => {
  const out = `${testTempDir("out-")}/not/yet/weft.js`;
  const r = await build(["--bundle", "--output", out], {});
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, `build: wrote ${out}\n`);
  assert.match(await Deno.readTextFile(out), /^\/\/ Weft, bundled by scripts\/build\.ts\./);
});
