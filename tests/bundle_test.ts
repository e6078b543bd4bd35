/**
 * The bundle proof: `deno bundle` of main.ts, run from an empty folder outside the
 * source tree, validates and runs a workflow and records it in history. Nothing may be
 * read relative to the source tree at run time, so this is what `deno compile` ships.
 */
import assert from "node:assert/strict";

const root = new URL("..", import.meta.url).pathname;

async function sh(args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: result.code, stdout: decode(result.stdout), stderr: decode(result.stderr) };
}

Deno.test("a bundle run from an empty folder validates, runs and records a workflow", async () => {
  const empty = await Deno.makeTempDir({ prefix: "weft-bundle-" });
  try {
    const bundle = `${empty}/weft.js`;
    const built = await sh(["bundle", "--platform", "deno", "-o", bundle, `${root}main.ts`], root);
    assert.equal(built.code, 0, built.stderr);

    const work = `${empty}/work`;
    await Deno.mkdir(work);
    await Deno.copyFile(`${root}examples/hello.yml`, `${work}/hello.yml`);
    const home = `${empty}/home`;
    const weft = (...args: string[]) =>
      sh(["run", "-A", "--no-config", "--unstable-kv", bundle, ...args], work, {
        WEFT_HOME: home,
        PATH: Deno.env.get("PATH") ?? "",
      });

    const version = await weft("--version");
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout + version.stderr, /\d+\.\d+\.\d+/);

    const valid = await weft("validate", "hello.yml");
    assert.equal(valid.code, 0, valid.stderr);

    const run = await weft("run", "hello.yml", "--json");
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.equal(report.status, "success");
    assert.equal(report.workflow, "hello");

    const history = await weft("history", "--json");
    assert.equal(history.code, 0, history.stderr);
    const runs = JSON.parse(history.stdout);
    assert.deepEqual(runs.map((r: { id: string }) => r.id), [report.id]);
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});
