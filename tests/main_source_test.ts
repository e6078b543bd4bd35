/**
 * main.ts run from source (`deno task weft`, `deno install … main.ts`) passes the CLI
 * smoke suite that tests/bundle_test.ts runs against the bundle: every verb and every
 * example through `deno run main.ts`. `deno task test` starts weft from the bundle
 * (scripts/test.ts), so this is what keeps source-only paths covered there: the module
 * graph as Deno loads it file by file, its lazy imports included.
 */
import { join } from "node:path";
import { sourceWeftArgs } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { dockerEngineMissing, STANDIN_BIN } from "./_docker_standin.ts";
import { type Cli, execClean, smokeSuite } from "./_smoke.ts";

Deno.test("source: main.ts run by deno passes the smoke suite", async (t) => {
  const dir = testTempDir("source-smoke-");
  const work = join(dir, "work");
  await Deno.mkdir(work);
  const base: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: Deno.env.get("HOME") ?? dir,
    WEFT_HOME: join(dir, "home"),
    NO_COLOR: "1",
    ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
  };
  const weft: Cli = (args, options = {}) => {
    const env = { ...base, ...options.env };
    if (options.pathFirst) env.PATH = `${options.pathFirst}:${env.PATH}`;
    return execClean(Deno.execPath(), sourceWeftArgs(args), options.cwd ?? work, env);
  };
  const docker = (await dockerEngineMissing()) ? STANDIN_BIN : undefined;
  await smokeSuite(t, weft, work, docker, "source");
});
