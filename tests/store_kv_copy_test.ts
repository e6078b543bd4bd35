/**
 * src/store/kv_copy.ts through the real CLI: the private copy a reading command reads while
 * a stopped `weft run` holds the history's lock is private (0700 folder, 0600 files), named
 * with its reader's owner mark in this user's parent folder (work_dir_owner.ts), and never
 * outlives its reader: removed when the command ends, when `weft monitor --live` loses its
 * terminal (SIGHUP), and, after a reader killed -9, by the next command that opens the
 * history (store/stray_work_dirs.ts). Real wefts, a real terminal (script(1)), real signals.
 * @module
 */
import assert from "node:assert/strict";
import { historyJson, weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { workParent } from "./_work_dirs.ts";
import { manyTasks, stopHoldingLock } from "./_stopped_writer.ts";

/** The history copies in `place` (this user's parent there, and the place itself). */
function copies(place: string): string[] {
  const found: string[] = [];
  for (const dir of [workParent(place), place]) {
    try {
      for (const e of Deno.readDirSync(dir)) {
        if (e.name.startsWith("weft-history-")) found.push(`${dir}/${e.name}`);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return found;
}

/** Polls until `check` is true. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

/** Whether process `pid` is gone (or a zombie: it has ended). */
function ended(pid: number): boolean {
  try {
    return /\) Z /.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return true;
  }
}

/**
 * `weft monitor --live` on a terminal of its own (script(1)), its stdin kept open;
 * `drawn` settles once it has entered its screen (its signal listeners are set by then).
 */
function liveMonitor(env: Record<string, string>) {
  const command = [Deno.execPath(), ...weftArgs(["monitor", "--live"])].join(" ");
  const child = new Deno.Command("script", {
    args: ["-qfec", command, "/dev/null"],
    env: weftEnv(env),
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const drawn = (async () => {
    let screen = "";
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      screen += decoder.decode(chunk, { stream: true });
      if (screen.includes("\x1b[?1049h")) break; // its alternate screen: listening
    }
  })();
  return { child, drawn };
}

/** The copy a live monitor reads, once there; its reader's pid (from its owner mark). */
async function monitorCopy(place: string): Promise<{ path: string; pid: number }> {
  await until(() => copies(place).length === 1);
  const path = copies(place)[0];
  const pid = Number(/weft-history-(\d+)-/.exec(path)?.[1]);
  assert.ok(pid > 0, `${path} names its reader`);
  return { path, pid };
}

Deno.test({
  name: "a history copy read past a stopped writer is private and never outlives its reader",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const dir = testTempDir("kv-copy-");
    const place = testTempDir("tmp-");
    const env = { WEFT_HOME: `${dir}/home`, TMPDIR: place };
    const writer = new Deno.Command(Deno.execPath(), {
      args: weftArgs(["run", "-q", manyTasks(dir)]),
      env: weftEnv(env),
      clearEnv: true,
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      while ((await historyJson(`${dir}/home`).catch(() => [])).length === 0) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await stopHoldingLock(writer.pid, `${dir}/home/weft.kv`);

      // A command: JSON on stdout, the one note on stderr, no copy left.
      for (const verb of [["history", "--json"], ["status", "--json"], ["monitor", "--json"]]) {
        const r = await weft(verb, { env });
        assert.equal(r.code, 0, r.stderr);
        assert.doesNotThrow(() => JSON.parse(r.stdout), `${verb.join(" ")}: JSON on stdout`);
        assert.match(r.stderr, new RegExp(`^weft: note: .*pid ${writer.pid}, stopped`));
        assert.deepEqual(copies(place), [], `${verb.join(" ")} left no copy`);
      }

      // A live monitor reads one: private, in this user's parent; removed on SIGHUP.
      const hungUp = liveMonitor(env);
      await hungUp.drawn;
      const first = await monitorCopy(place);
      assert.equal(first.path.startsWith(`${workParent(place)}/`), true, first.path);
      assert.equal(Deno.statSync(first.path).mode! & 0o777, 0o700);
      for (const file of Deno.readDirSync(first.path)) {
        assert.equal(Deno.statSync(`${first.path}/${file.name}`).mode! & 0o077, 0, file.name);
      }
      Deno.kill(first.pid, "SIGHUP");
      await until(() => ended(first.pid));
      assert.deepEqual(copies(place), [], "the terminal gone, the monitor removed its copy");
      await hungUp.child.status; // script(1) ends with its command

      // Killed -9, it cannot remove it: the next command that opens the history does.
      const killed = liveMonitor(env);
      await killed.drawn;
      const second = await monitorCopy(place);
      Deno.kill(second.pid, "SIGKILL");
      await until(() => ended(second.pid));
      await killed.child.status;
      assert.deepEqual(copies(place), [second.path], "left by the killed reader");
    } finally {
      Deno.kill(writer.pid, "SIGCONT");
      Deno.kill(writer.pid, "SIGINT");
      await writer.status;
    }
    const after = await weft(["history"], { env });
    assert.equal(after.code, 0, after.stderr);
    assert.deepEqual(copies(place), [], "the dead reader's copy is removed");
  },
});
