/**
 * What a task leaves outside its process group (setsid, `env -i setsid`) is ended when
 * its task ends — normally or by timeout/cancel — and not before: a process left by a
 * task that still runs is kept until that task ends (src/tasks/_escapes.ts). Real
 * processes, started through the default DenoSpawner (posix_spawn through FFI here).
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { DenoSpawner } from "../src/tasks/spawner.ts";
import { watchEscapes } from "../src/tasks/_escapes.ts";
import { spawnWith } from "./_spawner_checks.ts";
import { processesInGroup } from "./_run_cli.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";
const spawner = new DenoSpawner();
/**
 * Set in the process of its own these tests run in: becoming a subreaper is for the
 * process's life and for all of it, and in the test runner it would adopt (and end) what
 * other test files start as daemons (PostgreSQL forks away from its starter).
 */
const CHILD = Deno.env.get("WEFT_ESCAPES_TEST_CHILD") === "1";
/** The subreaper needs Linux, FFI and /proc/<pid>/task/<tid>/children. */
const WATCHING = CHILD && watchEscapes();

if (!CHILD) {
  Deno.test("escapes: the tests below pass in a process of their own", async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", "--quiet", new URL(import.meta.url).pathname],
      env: { WEFT_ESCAPES_TEST_CHILD: "1", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, text);
    assert.match(text, /ok \| 7 passed/, text);
  });
}

function escapeTest(name: string, fn: () => Promise<void>) {
  if (!CHILD) return;
  Deno.test({
    name: WATCHING ? name : `${name} (skipped: no subreaper here)`,
    ignore: !WATCHING,
    fn,
  });
}

/**
 * `script` under sh as a task attempt of run `run` (its WEFT_RUN_ID and WEFT_OUTPUT).
 * `$D` in it is a fresh folder; resolves once it has printed "ready".
 */
async function task(run: string, script: string, signal?: AbortSignal) {
  const dir = testTempDir();
  const env = { PATH, WEFT_RUN_ID: run, WEFT_OUTPUT: `${dir}/out`, D: dir };
  const { promise: ready, resolve } = Promise.withResolvers<void>();
  const started = await spawnWith(
    { spawn: (options) => spawner.spawn({ ...options, env }) },
    script,
    { signal, killGraceMs: 5_000 },
    (line) => line === "ready" && resolve(),
  );
  await Promise.race([ready, started.done]);
  /** The pids the escaped processes wrote (after their setsid()). */
  const pids = () =>
    ["1.pid", "2.pid"].flatMap((name) => {
      try {
        return [Number(Deno.readTextFileSync(`${dir}/${name}`).trim())];
      } catch {
        return [];
      }
    });
  return { pids, done: started.done };
}

/**
 * Shell text that starts `sleep 300` outside the task's group as `$D/<n>.pid` (with
 * `env -i` when `bare`), then waits until it has left the group.
 */
function escape(n: number, bare = false): string {
  const file = `"$D/${n}.pid"`;
  return `${
    bare ? "env -i " : ""
  }setsid sh -c 'echo $$ > "$0"; exec sleep 300' ${file} >/dev/null 2>&1 & ` +
    `until [ -s ${file} ]; do sleep 0.01; done; `;
}

/** /proc/<pid>/stat fields 3 (state) and 4 (ppid); null when the process is gone. */
function stateOf(pid: number): { state: string; ppid: number } | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0], ppid: Number(fields[1]) };
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  const s = stateOf(pid);
  return s !== null && s.state !== "Z" && s.state !== "X";
}

function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* ended, as expected */ }
  }
}

escapeTest("setsid'd background processes end when their task ends normally", async () => {
  const t = await task("r-normal", `${escape(1)}${escape(2, true)}echo ready`);
  try {
    await t.done;
    assert.equal(t.pids().length, 2);
    const [marked, bare] = t.pids();
    assert.ok(!alive(marked), `escaped ${marked} ended with its task`);
    assert.equal(stateOf(marked), null, `and reaped: no zombie left`);
    assert.ok(alive(bare), `${bare}, started with env -i, carries no mark: left running`);
  } finally {
    killAll(t.pids());
  }
});

escapeTest("an escaped group weft ended is reaped before its task's end is reported", async () => {
  // When its task ends, weft SIGKILLs the group. `dd` holds 256 MiB: it takes ~10 ms to
  // exit, and while it exits it is neither a zombie nor readable by its mark any more
  // (its memory is gone). Weft stopped waiting once nothing left was readable, and `dd`
  // stayed behind as a zombie (seen in CI, for a process that exited slowly by chance).
  const group = `setsid sh -c 'dd if=/dev/zero bs=256M count=1 2>/dev/null | ` +
    `{ head -c 1 >/dev/null; echo $$ > "$0"; sleep 300; }' "$D/1.pid" >/dev/null 2>&1 & ` +
    `until [ -s "$D/1.pid" ]; do sleep 0.01; done; `;
  const t = await task("r-group", `${group}echo ready`);
  const [leader] = t.pids();
  try {
    await t.done;
    assert.deepEqual(inGroup(leader), [], "no member left, running or as a zombie");
  } finally {
    killAll([-leader]);
  }
});

escapeTest("what is left of a task's own group is reaped before its end is reported", async () => {
  // Its leader exits; the spawner SIGKILLs the rest of its group, here a `dd` that takes
  // ~10 ms to exit, reparented to weft (the subreaper) meanwhile.
  const t = await task(
    "r-own",
    `dd if=/dev/zero bs=256M count=1 2>/dev/null | ` +
      `{ head -c 1 >/dev/null; echo $$ > "$D/1.pid"; sleep 300; } & ` +
      `until [ -s "$D/1.pid" ]; do sleep 0.01; done; echo ready`,
  );
  await t.done;
  const [group] = t.pids(); // the task's sh: its group's leader
  try {
    assert.deepEqual(inGroup(group), [], "no member left, running or as a zombie");
  } finally {
    killAll([-group]);
  }
});

/** The processes of process group `pgid`, zombies included, as "<pid> <state>". */
function inGroup(pgid: number): string[] {
  return processesInGroup(pgid, { zombies: true }).map((pid) => `${pid} ${stateOf(pid)?.state}`);
}

escapeTest("a setsid'd background process ends when its task times out", async () => {
  const timeout = new AbortController();
  const t = await task("r-timeout", `${escape(1)}echo ready; sleep 30`, timeout.signal);
  try {
    timeout.abort(); // what a timeout does: SIGTERM to the task's group
    await t.done;
    assert.equal(t.pids().length, 1);
    assert.ok(!alive(t.pids()[0]), "the escaped process ended with its timed-out task");
  } finally {
    killAll(t.pids());
  }
});

escapeTest("what a running task left is kept while another task ends", async () => {
  const cancel = new AbortController();
  // The inner sh exits once both have left the group: they are orphans (reparented to
  // this process) while their task still runs; the second has no WEFT_RUN_ID at all.
  const inner = `${escape(1)}${escape(2, true)}`.replaceAll("'", `'"'"'`);
  const a = await task("r-a", `sh -c '${inner}'; echo ready; sleep 30`, cancel.signal);
  try {
    while (!a.pids().every((pid) => stateOf(pid)?.ppid === Deno.pid)) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const b = await task("r-b", "echo ready");
    await b.done;
    assert.equal(a.pids().length, 2);
    for (const pid of a.pids()) assert.ok(alive(pid), `${pid} of the running task is kept`);
    cancel.abort();
    await a.done;
    const [marked, bare] = a.pids();
    // kill(2) returns before the signal is acted on: on a loaded machine the process can
    // still be running for a moment after the task's end (seen once in CI).
    for (let i = 0; i < 500 && alive(marked); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(!alive(marked), `${marked} ended with its own task`);
    assert.ok(alive(bare), `${bare} carries no mark: left running`);
  } finally {
    killAll(a.pids());
  }
});

escapeTest(
  "processes a running task left that exit are reaped while it runs: no zombies pile up",
  async () => {
    const cancel = new AbortController();
    // 20 setsid'd children that exit at once: orphans reparented to this process.
    const script = `for i in $(seq 20); do setsid true & done; wait; echo ready; sleep 30`;
    const a = await task("r-zombies", script, cancel.signal);
    try {
      const zombies = () =>
        Deno.readTextFileSync(`/proc/${Deno.pid}/task/${Deno.pid}/children`).split(" ")
          .filter((word) => word !== "" && stateOf(Number(word))?.state === "Z").length;
      // Reaped every second while a task runs: give it a few.
      let left = zombies();
      for (let i = 0; i < 50 && left > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        left = zombies();
      }
      assert.equal(left, 0, "no zombie children while the task still runs");
    } finally {
      cancel.abort();
      await a.done;
    }
  },
);

escapeTest("a task leader that exits before it is known by pid keeps its exit status", async () => {
  // Tasks that exit at once, eight at a time: each end sweeps weft's children while other
  // spawns are in flight, whose leaders may be zombies already. Reaping one of those
  // there took its exit status from its own watcher (it read `exited with code null`).
  const env = { PATH, WEFT_RUN_ID: "run-fast", WEFT_OUTPUT: "/nonexistent/out" };
  const one = async () => {
    const child = await spawner.spawn({ cmd: "sh", args: ["-c", "exit 7"], cwd: "/", env });
    await Promise.all([
      child.readOutput?.("stdout", () => {}),
      child.readOutput?.("stderr", () => {}),
    ]);
    return (await child.status).code;
  };
  const codes: (number | null)[] = [];
  for (let round = 0; round < 40; round++) {
    codes.push(...await Promise.all(Array.from({ length: 8 }, one)));
  }
  assert.deepEqual(codes.filter((c) => c !== 7), []);
});
