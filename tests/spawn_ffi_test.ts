import assert from "node:assert/strict";
import { ffiSpawnAvailable, FfiSpawner } from "../src/tasks/spawn_ffi.ts";
import { DenoSpawner } from "../src/tasks/spawner.ts";
import { WorkingDirectoryError } from "../src/tasks/start_errors.ts";
import { forEachByteLine, lineText } from "../src/tasks/byte_lines.ts";
import { defineTests, type SignalOptions, spawnWith } from "./_spawner_checks.ts";
import { testTempDir } from "./_tmp.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";
const available = ffiSpawnAvailable();
const spawner = new FfiSpawner();

/** Said in the name of each test left out where FFI posix_spawn cannot work. */
const WHY = available ? "" : " (skipped: FFI posix_spawn unavailable: not Linux/glibc, or no FFI)";
const test = (name: string, fn: () => Promise<void> | void) =>
  Deno.test({ name: `spawner (ffi): ${name}${WHY}`, ignore: !available, fn });

// The same behavioural checks as the setsid and detached spawners, on FfiSpawner itself
// and on DenoSpawner's default (which delegates to it when FFI is available).
for (const [mode, subject] of [["ffi", spawner], ["default", new DenoSpawner()]] as const) {
  defineTests(
    (script: string, options?: SignalOptions, onLine?: (line: string) => void) =>
      spawnWith(subject, script, options, onLine),
    // FfiSpawner alone cannot run without FFI; the default then falls back and still must pass.
    (name, fn) =>
      Deno.test({
        name: `spawner (${mode}): ${name}${mode === "ffi" ? WHY : ""}`,
        ignore: mode === "ffi" && !available,
        fn,
      }),
    subject,
  );
}

/** Runs `sh -c script`, returns stdout, stderr and the status. */
async function run(script: string, extra: { stdin?: string; cwd?: string } = {}) {
  const child = await spawner.spawn({
    cmd: "sh",
    args: ["-c", script],
    cwd: extra.cwd ?? "/",
    env: { PATH },
    stdin: extra.stdin,
  });
  const [stdout, stderr, status] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.status,
  ]);
  return { pid: child.pid, stdout, stderr, status };
}

Deno.test("ffiSpawnAvailable is a boolean, true on Linux with glibc and FFI allowed", () => {
  assert.equal(typeof available, "boolean");
  if (Deno.build.os !== "linux") assert.equal(available, false);
});

test("exit codes, stderr and cwd come through", async () => {
  for (const code of [0, 1, 3, 255]) {
    const result = await run(`pwd; echo oops >&2; exit ${code}`, { cwd: "/tmp" });
    assert.deepEqual(result.status, { code, signal: null });
    assert.equal(result.stdout, "/tmp\n");
    assert.equal(result.stderr, "oops\n");
  }
});

test("a child killed by a signal reports it as Deno does (code 128+N)", async () => {
  assert.deepEqual((await run("kill -KILL $$")).status, { code: 137, signal: "SIGKILL" });
  assert.deepEqual((await run("kill -TERM $$")).status, { code: 143, signal: "SIGTERM" });
  assert.deepEqual((await run("kill -INT $$")).status, { code: 130, signal: "SIGINT" });
});

test("the child starts with SIGPIPE at its default, not ignored as in Deno", async () => {
  const result = await run("yes | head -n 2; grep SigIgn /proc/$$/status");
  const [y1, y2, sigIgn] = result.stdout.trim().split("\n");
  assert.deepEqual([y1, y2], ["y", "y"]);
  const ignored = BigInt("0x" + sigIgn.split(/\s+/)[1]);
  assert.equal(ignored & (1n << 12n), 0n, "SIGPIPE (13) is ignored in the child");
});

test("the child starts with every signal at its default, whatever weft's parent ignored", async () => {
  // A Deno started with SIGHUP and SIGUSR2 ignored (as under nohup), spawning as weft does.
  const spawnTs = new URL("../src/tasks/spawn_ffi.ts", import.meta.url).href;
  const file = `${testTempDir("spawn-")}/spawn.ts`;
  Deno.writeTextFileSync(
    file,
    `const { FfiSpawner } = await import(${JSON.stringify(spawnTs)});
const child = await new FfiSpawner().spawn({
  cmd: "sh",
  args: ["-c", "grep SigIgn /proc/$$/status; grep SigIgn /proc/$PPID/status"],
  cwd: "/",
  env: { PATH: ${JSON.stringify(PATH)} },
});
console.log(await new Response(child.stdout).text());
`,
  );
  const out = await new Deno.Command("sh", {
    args: ["-c", `trap '' HUP USR2; exec "$0" run -A "$1"`, Deno.execPath(), file],
    env: { PATH },
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const [child, parent] = new TextDecoder().decode(out.stdout).trim().split("\n")
    .map((line) => BigInt("0x" + line.split(/\s+/)[1]));
  const bits = (1n << 0n) | (1n << 11n); // SIGHUP (1), SIGUSR2 (12)
  assert.equal(parent & bits, bits, "the Deno that spawns ignores both");
  assert.equal(child & bits, 0n, "the child inherited an ignored signal");
});

test("large stdin and large output do not deadlock", async () => {
  const text = "x".repeat(200_000) + "\n";
  const result = await run("cat; head -c 300000 /dev/zero >&2", { stdin: text });
  assert.equal(result.stdout, text);
  assert.equal(result.stderr.length, 300_000);
  assert.equal(result.status.code, 0);
});

test("stdin is /dev/null when no text is given", async () => {
  const result = await run("cat; readlink /proc/self/fd/0");
  assert.equal(result.stdout, "/dev/null\n");
});

test("the child gets no more descriptors than a Deno.Command child", async () => {
  // Deno itself may have inherited descriptors without close-on-exec: those pass on either way.
  // The fds are listed once the child has printed a line: exec is then complete (the vfork
  // parent resumes a little before exec closes the close-on-exec descriptors).
  const script = ["-c", "echo ready; sleep 1000"];
  const fdsOf = async (child: { pid: number; stdout: ReadableStream<Uint8Array> }) => {
    const reader = child.stdout.getReader();
    await reader.read();
    const fds = [...Deno.readDirSync(`/proc/${child.pid}/fd`)].map((e) => Number(e.name))
      .sort((a, b) => a - b);
    // The sleep sh forked is killed too: a Deno.Command child has no process group of its
    // own that a sweep would end, and the sleep would outlive the test by 1000 s.
    const children = `/proc/${child.pid}/task/${child.pid}/children`;
    let sleeps: string[] = [];
    while (
      (sleeps = Deno.readTextFileSync(children).trim().split(" ").filter(Boolean)).length === 0
    ) {
      await new Promise((done) => setTimeout(done, 5));
    }
    for (const pid of sleeps) Deno.kill(Number(pid), "SIGKILL");
    Deno.kill(child.pid, "SIGKILL");
    await reader.cancel();
    return fds;
  };
  const ours = await spawner.spawn({ cmd: "sh", args: script, cwd: "/", env: { PATH } });
  await ours.stderr.cancel();
  const oursFds = await fdsOf(ours);
  await ours.status;
  const deno = new Deno.Command("sh", { args: script, stdout: "piped", stderr: "null" }).spawn();
  const denoFds = await fdsOf(deno);
  await deno.status;
  assert.deepEqual(oursFds, denoFds);
  assert.deepEqual(oursFds.slice(0, 3), [0, 1, 2]);
});

test("a cwd that does not exist fails naming it (not the program)", async () => {
  await assert.rejects(
    async () =>
      await spawner.spawn({ cmd: "true", args: [], cwd: "/nonexistent/dir", env: { PATH } }),
    WorkingDirectoryError,
  );
});

test("a cwd or program path too long names which and the limits, not an errno", async () => {
  const longName = "/tmp/" + "d".repeat(300);
  await assert.rejects(
    spawner.spawn({ cmd: "true", args: [], cwd: longName, env: { PATH } }),
    (e: Error) => {
      assert.equal(
        e.message,
        `the working directory ${JSON.stringify(longName)} is too long ` +
          "(Linux allows 255 bytes for one name and 4095 for a whole path)",
      );
      return true;
    },
  );
  const longProgram = "/tmp/" + "p".repeat(300);
  await assert.rejects(
    spawner.spawn({ cmd: longProgram, args: [], cwd: "/", env: { PATH } }),
    (e: Error) => {
      assert.match(e.message, /^the path of '\/tmp\/p+' is too long \(Linux allows 255 bytes/);
      return true;
    },
  );
});

test("every child is reaped: no zombie once the status resolves", async () => {
  const pids: number[] = [];
  for (let i = 0; i < 20; i++) pids.push((await run("exit 0")).pid);
  const sleeper = await spawner.spawn({ cmd: "sleep", args: ["1000"], cwd: "/", env: { PATH } });
  const killer = new AbortController();
  const killed = await spawner.spawn({
    cmd: "sleep",
    args: ["1000"],
    cwd: "/",
    env: { PATH },
    killSignal: killer.signal,
  });
  killer.abort();
  Deno.kill(sleeper.pid, "SIGTERM");
  for (const child of [sleeper, killed]) {
    await Promise.all([child.status, child.stdout.cancel(), child.stderr.cancel()]);
    pids.push(child.pid);
  }
  const left = pids.filter((pid) => {
    try {
      Deno.statSync(`/proc/${pid}`);
      return true;
    } catch {
      return false;
    }
  });
  assert.deepEqual(left, []);
});

test("no fd leaks: after many spawns, failures and cancelled streams, the count is back", async () => {
  // Counted in a process of its own (tests/fixtures/spawn_ffi/fd_leaks.ts): test files run
  // in parallel in this one, and /proc/self/fd counts every file they have open.
  const { stdout, stderr, success } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./fixtures/spawn_ffi/fd_leaks.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(success, new TextDecoder().decode(stderr));
  const { before, after, refused, nulRefused } = JSON.parse(new TextDecoder().decode(stdout));
  assert.equal(refused, 4, "the four starts meant to fail did");
  assert.equal(nulRefused, 2, "both strings with a NUL byte were refused");
  assert.equal(after, before, "no fd left open");
});

test("many children at once all finish with their own output", async () => {
  const results = await Promise.all(
    Array.from({ length: 40 }, (_, i) => run(`echo ${i}; exit ${i % 3}`)),
  );
  results.forEach((result, i) => {
    assert.equal(result.stdout, `${i}\n`);
    assert.equal(result.status.code, i % 3);
  });
});

test("lines stream while the child runs (not only at exit)", async () => {
  const controller = new AbortController();
  const child = await spawner.spawn({
    cmd: "sh",
    args: ["-c", "echo first; sleep 1000"],
    cwd: "/",
    env: { PATH },
    signal: controller.signal,
    killGraceMs: 1000,
  });
  const lines: string[] = [];
  await Promise.all([
    forEachByteLine(child.stdout, (line) => {
      lines.push(lineText(line));
      controller.abort(); // only reachable if "first" arrives before the exit
    }),
    child.stderr.cancel(),
  ]);
  assert.deepEqual(lines, ["first"]);
  assert.equal((await child.status).signal, "SIGTERM");
});

test("many long-running children do not starve other children or Deno's file ops", async () => {
  // One blocking read or waitpid per child would fill Deno's small blocking pool.
  const sleepers = await Promise.all(Array.from(
    { length: 60 },
    () => spawner.spawn({ cmd: "sleep", args: ["1000"], cwd: "/", env: { PATH } }),
  ));
  const drained = sleepers.map((child) =>
    Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text()])
  );
  try {
    const guard = new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve("starved"), 20_000);
      Deno.unrefTimer(timer);
    });
    const quick = run("echo quick").then((result) => result.stdout);
    const file = Deno.readTextFile("/proc/self/stat").then(() => "read");
    assert.equal(await Promise.race([quick, guard]), "quick\n");
    assert.equal(await Promise.race([file, guard]), "read");
  } finally {
    for (const child of sleepers) Deno.kill(-child.pid, "SIGKILL");
    await Promise.all([...drained, ...sleepers.map((child) => child.status)]);
  }
});

test("spawns in flight at once each get their own argv, env and cwd", async () => {
  // posix_spawn runs on Deno's blocking pool: many calls overlap, each reading its own
  // buffers while the event loop builds the next ones (and may collect garbage).
  const dirs = ["/", "/tmp", "/usr"];
  const started = Array.from({ length: 48 }, (_, i) =>
    spawner.spawn({
      cmd: "sh",
      args: ["-c", 'printf "%s|%s|%s|%s" "$0" "$1" "$X" "$PWD"', `zero${i}`, `one-${i}-é✓`],
      cwd: dirs[i % 3],
      env: { PATH, X: `x${i}-${"v".repeat(i * 50)}` },
    }));
  void new Array(100_000).fill(0).map((_, i) => ({ i })); // garbage while the calls run
  const children = await Promise.all(started);
  const outputs = await Promise.all(children.map(async (child) => {
    const [stdout] = await Promise.all([new Response(child.stdout).text(), child.stderr.cancel()]);
    assert.equal((await child.status).code, 0);
    return stdout;
  }));
  outputs.forEach((stdout, i) => {
    assert.equal(stdout, `zero${i}|one-${i}-é✓|x${i}-${"v".repeat(i * 50)}|${dirs[i % 3]}`);
  });
});

test("spawn resolves once the child runs the program (exec is done)", async () => {
  const child = await spawner.spawn({ cmd: "sleep", args: ["1000"], cwd: "/", env: { PATH } });
  try {
    const exe = Deno.readLinkSync(`/proc/${child.pid}/exe`);
    assert.equal(exe, Deno.realPathSync(whichSleep()));
  } finally {
    Deno.kill(child.pid, "SIGKILL");
    await Promise.all([child.status, child.stdout.cancel(), child.stderr.cancel()]);
  }
});

test("argument and environment strings with a NUL byte are refused (fds: see no fd leaks)", async () => {
  const cases: { args: string[]; env: Record<string, string> }[] = [
    { args: ["a\0b"], env: { PATH } },
    { args: [], env: { PATH, X: "\0" } },
  ];
  for (const options of cases) {
    await assert.rejects(
      async () => await spawner.spawn({ cmd: "true", cwd: "/", ...options }),
      TypeError,
    );
  }
});

function whichSleep(): string {
  for (const dir of PATH.split(":")) {
    try {
      if (Deno.statSync(`${dir}/sleep`).isFile) return `${dir}/sleep`;
    } catch {
      // not here
    }
  }
  throw new Error("no sleep in PATH");
}

test("once every child is reaped and its output read, nothing keeps Deno alive", async () => {
  // The wait on the blocking pool is a pending op: it must end with the last watched fd,
  // including when an unread stream was set aside (backpressure) before the child exited.
  const module = new URL("../src/tasks/spawn_ffi.ts", import.meta.url).href;
  const script = `
    const { FfiSpawner } = await import(${JSON.stringify(module)});
    const spawner = new FfiSpawner();
    const env = { PATH: ${JSON.stringify(PATH)} };
    const quiet = await spawner.spawn({ cmd: "true", args: [], cwd: "/", env });
    await Promise.all([quiet.status, new Response(quiet.stdout).text(), quiet.stderr.cancel()]);
    const chatty = await spawner.spawn({ cmd: "sh", args: ["-c", "head -c 200000 /dev/zero"], cwd: "/", env });
    const reader = chatty.stdout.getReader();
    await reader.read(); // then leave it: the stream fills and is no longer watched
    await chatty.stderr.cancel();
    await reader.cancel();
    await chatty.status;
    // A process that left the group keeps the pipes open after the leader is gone: the
    // streams are then cancelled (as shell.ts does after its drain grace) while the loop
    // waits, with nothing else watched.
    const escaper = await spawner.spawn({
      cmd: "sh",
      args: ["-c", "setsid sleep 3 & echo started"],
      cwd: "/",
      env,
    });
    const lines = escaper.stdout.getReader();
    await lines.read(); // "started": the escaped sleep holds stdout and stderr for 3 s
    await escaper.status;
    await Promise.all([lines.cancel(), escaper.stderr.cancel()]);
    console.log("done");
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--unstable-ffi", script],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const guard = setTimeout(() => child.kill("SIGKILL"), 30_000); // a hang fails, not blocks
  const { code, stdout, stderr } = await child.output();
  clearTimeout(guard);
  assert.equal(new TextDecoder().decode(stdout), "done\n", new TextDecoder().decode(stderr));
  assert.equal(code, 0);
});

test("buffers reused across spawns: large argv and env, then small ones, each exact", async () => {
  // The call's memory is pooled (see _spawn_buffers.ts): a set grown for a large spawn
  // is reused by small ones, which must see nothing of the earlier strings.
  const many = Array.from({ length: 300 }, (_, i) => `arg${i}`);
  const big = "é".repeat(50_000);
  const large = await spawner.spawn({
    cmd: "sh",
    args: ["-c", 'echo "$# $(printf %s "$BIG" | wc -c) $9"', "zero", ...many],
    cwd: "/",
    env: { PATH, BIG: big },
  });
  const [out] = await Promise.all([new Response(large.stdout).text(), large.stderr.cancel()]);
  await large.status;
  assert.equal(out, "300 100000 arg8\n"); // 50,000 × 2 UTF-8 bytes
  for (let i = 0; i < 3; i++) {
    const small = await spawner.spawn({ cmd: "env", args: [], cwd: "/", env: { ONLY: `${i}` } });
    const [text] = await Promise.all([new Response(small.stdout).text(), small.stderr.cancel()]);
    await small.status;
    assert.equal(text, `ONLY=${i}\nPWD=/\n`); // PWD: the cwd, as sh sets it
  }
});

test("each NAME=value encoded once is reused only for the same value: every child's env is exact", async () => {
  // _spawn_buffers.ts keeps the bytes of each variable from an earlier spawn: a child must
  // still get exactly its own environment, in its order, whatever the spawns before had.
  const base = { PATH, A: "1", B: "é2", C: "three", D: "" };
  const envs: Record<string, string>[] = [
    { ...base, T: "t1" },
    { ...base, T: "t2", U: "more" },
    { ...base, B: "changed in the middle" },
    { PATH, ONLY: "a small one" },
    { ...base, T: "t1" }, // back to a value seen two values ago
    { D: "", C: "three", PATH }, // the same values in another order
    { ...base },
  ];
  for (const env of envs) {
    const child = await spawner.spawn({ cmd: "env", args: [], cwd: "/", env });
    const [text] = await Promise.all([new Response(child.stdout).text(), child.stderr.cancel()]);
    await child.status;
    // The spawner adds PWD (the cwd, as sh sets it) after the variables given.
    const expected = Object.entries({ ...env, PWD: "/" }).map(([k, v]) => `${k}=${v}\n`).join("");
    assert.equal(text, expected, JSON.stringify(env));
  }
  // A known name with a new value holding a NUL byte is refused as any other.
  await assert.rejects(
    async () =>
      await spawner.spawn({ cmd: "true", args: [], cwd: "/", env: { ...base, T: "a\0b" } }),
    TypeError,
  );
  // More names than the cache holds (it starts over): still exact.
  const wide: Record<string, string> = { PATH };
  for (let i = 0; i < 1100; i++) wide[`V${i}`] = `${i}`;
  for (const env of [wide, { ...wide, V5: "five" }]) {
    const child = await spawner.spawn({
      cmd: "sh",
      args: ["-c", 'echo "$V5 $V1099"'],
      cwd: "/",
      env,
    });
    const [text] = await Promise.all([new Response(child.stdout).text(), child.stderr.cancel()]);
    await child.status;
    assert.equal(text, `${env.V5} 1099\n`);
  }
});

test("file actions kept from an earlier spawn serve only the same child ends and cwd", async () => {
  // _libc_spawn.ts reuses a set's posix_spawn file actions when the pipe ends and the cwd
  // are those they were built for: each child must still get its own cwd and stdin.
  const tmp = Deno.realPathSync(testTempDir("cwd-"));
  const steps: { cwd: string; stdin?: string }[] = [
    { cwd: "/" },
    { cwd: "/" },
    { cwd: tmp },
    { cwd: tmp, stdin: "piped in" },
    { cwd: tmp, stdin: "again" },
    { cwd: tmp },
    { cwd: "/", stdin: "last" },
  ];
  for (const { cwd, stdin } of steps) {
    const child = await spawner.spawn({
      cmd: "sh",
      args: ["-c", 'pwd; cat; echo " end"; echo oops >&2'],
      cwd,
      env: { PATH },
      stdin,
    });
    const [out, err] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]);
    assert.equal((await child.status).code, 0);
    assert.equal(out, `${cwd}\n${stdin ?? ""} end\n`, JSON.stringify({ cwd, stdin }));
    assert.equal(err, "oops\n");
  }
});
