/**
 * SQLite says "attempt to write a readonly database" both on a read-only mount and when
 * the user may not write beside weft.kv (its journal goes there): store/faults.ts
 * refineFault's test write tells them apart, so a home folder the user cannot write is
 * reported as a permission problem, not as a read-only file system to remount.
 */
import assert from "node:assert/strict";
import { NOBODY_CAN_RUN_WEFT, NOBODY_CANNOT_READ, weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { describeFault, refineFault } from "../src/store/faults.ts";
import { testTempDir } from "./_tmp.ts";

const HELLO = new URL("./fixtures/faults/hello.yml", import.meta.url).pathname;
const ROOT = Deno.uid() === 0;
const NOBODY = 65534;

Deno.test({
  name:
    "store faults: a home the user cannot write, weft.kv theirs, is permission denied, not read-only" +
    (ROOT ? " (as nobody, through setpriv)" : " (a folder of mode 555)") +
    (NOBODY_CAN_RUN_WEFT ? "" : NOBODY_CANNOT_READ),
  ignore: !NOBODY_CAN_RUN_WEFT,
  fn: async () => {
    // Open to every user (the tests' own temp root is private), removed at the end.
    const dir = Deno.makeTempDirSync({ prefix: "weft-ro-home-" });
    const home = `${dir}/home`;
    try {
      Deno.chmodSync(dir, 0o755);
      const first = await weft(["run", HELLO, "--quiet"], { env: { WEFT_HOME: home } });
      assert.equal(first.code, 0, first.stderr);
      const uid = ROOT ? NOBODY : Deno.uid()!;
      if (ROOT) {
        // The user's history in a folder root owns (a home made by `sudo`): the user owns
        // every file in it, but may not create one beside them.
        for (const entry of Deno.readDirSync(home)) {
          Deno.chownSync(`${home}/${entry.name}`, uid, uid);
        }
        Deno.chmodSync(home, 0o755);
      } else Deno.chmodSync(home, 0o555);
      const user = ROOT ? ["setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups"] : [];
      const [cmd, ...args] = [...user, Deno.execPath(), ...weftArgs(["run", HELLO])];
      const env = weftEnv({ WEFT_HOME: home, HOME: dir, DENO_DIR: `${dir}/deno` });
      const out = await new Deno.Command(cmd, { args, env, clearEnv: true, cwd: dir }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 2, stderr);
      assert.match(stderr, /weft\.kv: cannot open the history database: permission denied\n/);
      assert.match(stderr, /\n {2}hint: check the owner and mode, or point WEFT_HOME/);
      assert.doesNotMatch(stderr, /read-only|remount/);
    } finally {
      Deno.chmodSync(home, 0o755);
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test("store faults: SQLite's readonly database is probed, and says so when the folder can be written", async () => {
  const error = new Error("attempt to write a readonly database");
  const dir = testTempDir("ro-probe-");
  // The folder can be written (the file itself is the trouble): no errno to give.
  const kept = await refineFault(error, dir);
  assert.equal(kept, error);
  assert.deepEqual(describeFault(kept, null), {
    reason: "the history database cannot be written",
    hint: "check that the folder and weft.kv can be written (owner and mode)",
  });
  assert.deepEqual([...Deno.readDirSync(dir)], [], "the probe leaves nothing");
  // The words of a read-only mount still say so.
  assert.match(describeFault(new Error("read-only file system"))!.reason, /read-only/);
});
