/**
 * Variables of weft's environment that are not valid UTF-8 (cli/env_bytes.ts): Deno
 * cannot read them, so weft says so — a warning naming each on `weft run`, and for the
 * variables that choose the history folder an exit 2 naming it, never the history
 * written to another folder (cli/home.ts). Through the real CLI, the bytes set by `sh`.
 */
import assert from "node:assert/strict";
import { unreadableEnvNames } from "../src/cli/env_bytes.ts";
import { resolveHome } from "../src/cli/home.ts";
import { weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/env_bytes/show.yml", import.meta.url).pathname;

/** Runs weft with `assignments` (shell words: `NAME=$(printf …)`) over weftEnv(env). */
async function weftWithBytes(assignments: string, args: string[], env: Record<string, string>) {
  const { code, stdout, stderr } = await new Deno.Command("sh", {
    args: ["-c", `${assignments} exec "$0" "$@"`, Deno.execPath(), ...weftArgs(args)],
    env: weftEnv(env),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

Deno.test("env bytes: names of entries that are not UTF-8, in order; none when all are", () => {
  const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  assert.deepEqual(unreadableEnvNames(() => bytes("A=1\0B=caf\xe9\0C=ok\0D\xff=x\0")), [
    "B",
    "D\uFFFD",
  ]);
  assert.deepEqual(unreadableEnvNames(() => new TextEncoder().encode("A=é\0B=日本\0")), []);
  assert.deepEqual(
    unreadableEnvNames(() => {
      throw new Deno.errors.NotFound("no /proc");
    }),
    [],
  );
});

Deno.test("env bytes: a WEFT_HOME, XDG_DATA_HOME or HOME weft cannot read is refused, not skipped", () => {
  const refused = (env: Record<string, string>, unreadable: string[], name: string) =>
    assert.throws(() => resolveHome(env, undefined, "/", unreadable), (e: Error) => {
      assert.match(
        e.message,
        new RegExp(`^cannot find the history folder: ${name} is not valid UTF-8 text, which`),
      );
      return true;
    });
  refused({ XDG_DATA_HOME: "/x", HOME: "/h" }, ["WEFT_HOME"], "WEFT_HOME");
  refused({ HOME: "/h" }, ["XDG_DATA_HOME"], "XDG_DATA_HOME");
  refused({}, ["HOME"], "HOME");
  // One read before it decides: the bad one is never consulted.
  assert.equal(resolveHome({ WEFT_HOME: "/w" }, undefined, "/", ["XDG_DATA_HOME", "HOME"]), "/w");
  assert.equal(resolveHome({ XDG_DATA_HOME: "/x" }, undefined, "/", ["HOME"]), "/x/weft");
  assert.equal(resolveHome({}, "/given", "/", ["WEFT_HOME"]), "/given");
});

Deno.test("env bytes: weft run warns naming a variable it cannot pass on; the run goes on", async () => {
  const run = await weftWithBytes(`LATIN=$(printf 'caf\\351')`, ["run", FIXTURE, "-v"], {
    LATIN_OK: "fine",
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stderr,
    /^warning: the environment variable LATIN is not valid UTF-8 text: weft cannot read it, and no task gets it; set it in UTF-8 \(or pass such bytes encoded\)$/m,
  );
  assert.match(run.stdout + run.stderr, /\[show\] ok=fine\n/);
});

Deno.test("env bytes: a WEFT_HOME that is not UTF-8 exits 2 and writes no history anywhere", async () => {
  const home = testTempDir("home-");
  const elsewhere = testTempDir("xdg-");
  for (const args of [["run", FIXTURE], ["history"]]) {
    const result = await weftWithBytes(`WEFT_HOME=${home}/$(printf 'h\\351')`, args, {
      XDG_DATA_HOME: elsewhere,
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /cannot find the history folder: WEFT_HOME is not valid UTF-8 text, which weft cannot read\n {2}hint: set it to a path in UTF-8, or pass --home DIR/,
    );
  }
  assert.deepEqual([...Deno.readDirSync(elsewhere)], []);
  assert.deepEqual([...Deno.readDirSync(home)], []);
});
