/**
 * A working directory a task cannot enter is named as the cause, whatever the task type
 * and however the spawner starts it (tasks/start_errors.ts workingDirectoryFault, thrown
 * by spawner.ts and spawn_ffi.ts): posix_spawn's chdir fails with the same errnos as its
 * exec (ENOENT, ENOTDIR, EACCES, ELOOP), which used to blame the program ("Failed to
 * spawn 'true': too many levels of symbolic links", or exit 126 "true: Permission denied").
 */
import assert from "node:assert/strict";
import { NOBODY_CAN_RUN_WEFT, NOBODY_CANNOT_READ, weftArgs, weftEnv } from "./_run_cli.ts";
import { DenoSpawner } from "../src/tasks/spawner.ts";
import { WorkingDirectoryError } from "../src/tasks/start_errors.ts";
import { resolveQuoted } from "../src/model/data_text.ts";

const ROOT = Deno.uid() === 0;
const NOBODY = 65534;

/**
 * A workflow whose tasks run in `cwd` (relative to its folder): a command run without a
 * shell, one through sh, one through bash, and a python task.
 */
function workflow(cwd: string): string {
  return [
    "name: cwd",
    "tasks:",
    `  - {id: direct, cwd: ${cwd}, command: "true"}`,
    `  - {id: viash, cwd: ${cwd}, command: "echo $HOME"}`,
    `  - {id: viabash, cwd: ${cwd}, shell: bash, command: "echo $HOME"}`,
    `  - {id: py, type: python, cwd: ${cwd}, code: "print(1)"}`,
    "",
  ].join("\n");
}

/**
 * A folder every user may enter (the tests' own temp root is private), removed by `fn`'s
 * end; with `owner`, handed to that user.
 */
async function withOpenDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "weft-cwd-" });
  try {
    Deno.chmodSync(dir, 0o755);
    await fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** `weft run FILE` as `uid` (setpriv, root only) or as this user, in `dir`. */
async function runAs(
  uid: number | null,
  dir: string,
  file: string,
): Promise<{ code: number; text: string }> {
  const home = Deno.makeTempDirSync({ dir, prefix: "home-" });
  if (uid !== null) Deno.chownSync(home, uid, uid);
  const env = weftEnv({ WEFT_HOME: `${home}/weft`, HOME: home, DENO_DIR: `${home}/deno` });
  const user = uid === null
    ? []
    : ["setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups"];
  const [cmd, ...args] = [...user, Deno.execPath(), ...weftArgs(["run", file])];
  const out = await new Deno.Command(cmd, { args, env, clearEnv: true, cwd: dir }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, text: decode(out.stdout) + decode(out.stderr) };
}

/** The `✖ ID failed: REASON` summary line of each task. */
function reasons(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const m of text.matchAll(/^✖ (\S+) failed: (.*?)(?: — .*)?$/gm)) found[m[1]] = m[2];
  return found;
}

const IDS = ["direct", "viash", "viabash", "py"];

Deno.test("start errors: a cwd that is a loop of symbolic links is named, not the program", async () => {
  await withOpenDir(async (dir) => {
    Deno.symlinkSync("loop2", `${dir}/loop1`);
    Deno.symlinkSync("loop1", `${dir}/loop2`);
    Deno.writeTextFileSync(`${dir}/w.yml`, workflow("loop1"));
    const out = await runAs(null, dir, `${dir}/w.yml`);
    assert.equal(out.code, 1, out.text);
    const found = reasons(out.text);
    for (const id of IDS) {
      assert.equal(
        found[id],
        `working directory "${dir}/loop1" cannot be entered: too many levels of symbolic ` +
          "links (a link in its path leads back to itself)",
        out.text,
      );
    }
    assert.doesNotMatch(out.text, /Failed to spawn|cannot start shell/);
  });
});

Deno.test("start errors: a cwd that is a file, or under one, is named for every task type", async () => {
  await withOpenDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/f`, "");
    for (const [cwd, why] of [["f", "is not a folder"], ["f/sub", "does not exist"]]) {
      Deno.writeTextFileSync(`${dir}/w.yml`, workflow(cwd));
      const out = await runAs(null, dir, `${dir}/w.yml`);
      assert.equal(out.code, 1, out.text);
      const found = reasons(out.text);
      for (const id of IDS) {
        assert.equal(found[id], `working directory "${dir}/${cwd}" ${why}`, out.text);
      }
    }
  });
});

Deno.test({
  name: "start errors: a cwd the user may not enter is named, not exit 126 of the program" +
    (ROOT ? " (as nobody, through setpriv)" : " (a folder of mode 000)") +
    (NOBODY_CAN_RUN_WEFT ? "" : NOBODY_CANNOT_READ),
  ignore: !NOBODY_CAN_RUN_WEFT,
  fn: async () => {
    await withOpenDir(async (dir) => {
      Deno.mkdirSync(`${dir}/closed`);
      // Root enters any folder: the test runs weft as nobody; another user is refused 000.
      Deno.chmodSync(`${dir}/closed`, ROOT ? 0o700 : 0o000);
      Deno.writeTextFileSync(`${dir}/w.yml`, workflow("closed"));
      const uid = ROOT ? NOBODY : null;
      try {
        const out = await runAs(uid, dir, `${dir}/w.yml`);
        assert.equal(out.code, 1, out.text);
        const found = reasons(out.text);
        const me = ROOT ? NOBODY : Deno.uid();
        for (const id of IDS) {
          assert.equal(
            found[id],
            `working directory "${dir}/closed" cannot be entered: permission denied ` +
              `(weft runs as uid ${me})`,
            out.text,
          );
        }
        assert.doesNotMatch(out.text, /exited with code 126|true: Permission denied/);
      } finally {
        Deno.chmodSync(`${dir}/closed`, 0o700);
      }
    });
  },
});

Deno.test("start errors: every way of spawning rejects with a WorkingDirectoryError", async () => {
  await withOpenDir(async (dir) => {
    Deno.symlinkSync("b", `${dir}/a`);
    Deno.symlinkSync("a", `${dir}/b`);
    const setsid = ["/usr/bin/setsid", "/bin/setsid"].find((p) => {
      try {
        return Deno.statSync(p).isFile;
      } catch {
        return false;
      }
    });
    const spawners: [string, DenoSpawner][] = [
      ["default", new DenoSpawner()],
      ["detached", new DenoSpawner({ setsid: null })],
    ];
    if (setsid) spawners.push(["setsid", new DenoSpawner({ setsid })]);
    for (const [how, spawner] of spawners) {
      for (const cmd of ["true", "/bin/true"]) {
        await assert.rejects(
          async () =>
            await spawner.spawn({ cmd, args: [], cwd: `${dir}/a`, env: { PATH: "/usr/bin:/bin" } }),
          (e: unknown) => {
            assert.ok(e instanceof WorkingDirectoryError, `${how} ${cmd}: ${e}`);
            assert.match(
              resolveQuoted(e.reason),
              /^working directory ".*\/a" cannot be entered: too many levels/,
            );
            return true;
          },
        );
      }
    }
  });
});
