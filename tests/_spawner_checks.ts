/**
 * The behavioural checks every ProcessSpawner must pass, shared by spawner_test.ts (the
 * setsid and detached fallbacks) and spawn_ffi_test.ts (posix_spawn through FFI).
 * @module
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import type { ProcessSpawner } from "../src/tasks/types.ts";
import { forEachByteLine, lineText } from "../src/tasks/byte_lines.ts";
import { alive, survivors } from "./_engine.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

/** Options the checks pass to a spawn. */
export type SignalOptions = {
  signal?: AbortSignal;
  killSignal?: AbortSignal;
  killGraceMs?: number;
};

/** Spawns `script` under sh and collects its stdout lines; `onLine` sees each as it comes. */
export async function spawnWith(
  spawner: ProcessSpawner,
  script: string,
  options: SignalOptions = {},
  onLine: (line: string) => void = () => {},
) {
  const child = await spawner.spawn({
    cmd: "sh",
    args: ["-c", script],
    cwd: Deno.cwd(),
    env: { PATH },
    ...options,
  });
  const lines: string[] = [];
  const read = forEachByteLine(child.stdout, (bytes) => {
    const line = lineText(bytes);
    lines.push(line);
    onLine(line);
  });
  const drainErr = child.stderr.cancel();
  return { child, lines, done: Promise.all([read, drainErr, child.status]) };
}

export type SpawnSh = (
  script: string,
  options?: SignalOptions,
  onLine?: (line: string) => void,
) => ReturnType<typeof spawnWith>;

export function defineTests(
  spawnSh: SpawnSh,
  test: (name: string, fn: () => Promise<void> | void) => void,
  spawner: ProcessSpawner,
): void {
  test("each child leads its own process group", async () => {
    const { child, lines, done } = await spawnSh("cut -d' ' -f5 /proc/$$/stat");
    await done;
    assert.equal(Number(lines[0]), child.pid);
  });

  test("abort ends the whole tree — background grandchildren too", async () => {
    const controller = new AbortController();
    const pids: number[] = [];
    const { child, done } = await spawnSh(
      "sleep 1000 & echo $!; (sleep 1000 & echo $!; wait) & sleep 1000 & echo $!; wait",
      { signal: controller.signal, killGraceMs: 2000 },
      (line) => {
        pids.push(Number(line));
        if (pids.length === 3) controller.abort(); // all three grandchildren exist
      },
    );
    const [, , status] = await done;
    assert.equal(pids.length, 3);
    assert.equal(status.signal, "SIGTERM");
    assert.deepEqual(await survivors([child.pid, ...pids]), []);
  });

  test("a signal already aborted ends the child at once (even before it has its group)", async () => {
    for (let i = 0; i < 5; i++) {
      const { child, done } = await spawnSh("sleep 1000", { signal: AbortSignal.abort() });
      const [, , status] = await done;
      assert.equal(status.signal, "SIGTERM");
      assert.equal(alive(child.pid), false);
    }
  });

  test("a group that ignores SIGTERM is SIGKILLed after the grace period", async () => {
    const controller = new AbortController();
    const pids: number[] = [];
    const { child, done } = await spawnSh(
      "trap '' TERM; sleep 1000 & echo $!; echo ready; wait",
      { signal: controller.signal, killGraceMs: 200 },
      (line) => {
        if (/^\d+$/.test(line)) pids.push(Number(line));
        if (line === "ready") controller.abort();
      },
    );
    const [, , status] = await done;
    assert.equal(status.signal, "SIGKILL");
    assert.deepEqual(await survivors([child.pid, ...pids]), []);
  });

  test("killSignal SIGKILLs the group at once, without waiting for the grace", async () => {
    const kill = new AbortController();
    const term = new AbortController();
    const { child, done } = await spawnSh(
      "trap '' TERM; echo ready; sleep 1000",
      { signal: term.signal, killSignal: kill.signal, killGraceMs: 600_000 },
      (line) => {
        if (line === "ready") {
          term.abort();
          kill.abort();
        }
      },
    );
    const [, , status] = await done;
    assert.equal(status.signal, "SIGKILL");
    assert.equal(alive(child.pid), false);
  });

  test("when the leader exits, leftover background processes are killed", async () => {
    const { lines, done } = await spawnSh("sleep 1000 >/dev/null 2>&1 & echo $!");
    const [, , status] = await done;
    assert.equal(status.code, 0);
    assert.deepEqual(await survivors([Number(lines[0])]), []);
  });

  test("a background process holding stdout does not keep the pipe open", async () => {
    // Without the sweep after the leader exits, reading stdout would wait 1000 s.
    const { lines, done } = await spawnSh("sleep 1000 & echo $!; echo bye");
    await done;
    assert.deepEqual(lines.slice(1), ["bye"]);
    assert.deepEqual(await survivors([Number(lines[0])]), []);
  });

  test("stdin text is delivered and closed; env is exactly what was given", async () => {
    const child = await spawner.spawn({
      cmd: "sh",
      args: ["-c", 'cat; echo; echo "[$HOME][$ONLY]"'],
      cwd: "/",
      env: { PATH, ONLY: "this" },
      stdin: "hello stdin",
    });
    const lines: string[] = [];
    await Promise.all([
      forEachByteLine(child.stdout, (l) => lines.push(lineText(l))),
      child.stderr.cancel(),
    ]);
    assert.equal((await child.status).code, 0);
    assert.deepEqual(lines, ["hello stdin", "[][this]"]);
  });

  test("programs are found in the child's PATH; a relative path resolves against cwd", async () => {
    const dir = testTempDir();
    await Deno.writeTextFile(`${dir}/hello`, "#!/bin/sh\necho hello from $0\n", { mode: 0o755 });
    for (
      const [cmd, env] of [["hello", { PATH: `${dir}:${PATH}` }], ["./hello", { PATH }]] as const
    ) {
      const child = await spawner.spawn({ cmd, args: [], cwd: dir, env });
      const lines: string[] = [];
      await Promise.all([
        forEachByteLine(child.stdout, (l) => lines.push(lineText(l))),
        child.stderr.cancel(),
      ]);
      assert.equal((await child.status).code, 0);
      assert.match(lines[0], /^hello from /);
    }
    await assert.rejects(
      async () =>
        await spawner.spawn({ cmd: "no-such-program-x", args: [], cwd: dir, env: { PATH } }),
      Deno.errors.NotFound,
    );
  });

  test("a program that exists but cannot be executed fails with PermissionDenied", async () => {
    const dir = testTempDir();
    await Deno.writeTextFile(`${dir}/plain`, "#!/bin/sh\necho never\n", { mode: 0o644 });
    for (const cmd of [`${dir}/plain`, "./plain", dir]) {
      await assert.rejects(
        async () => await spawner.spawn({ cmd, args: [], cwd: dir, env: { PATH } }),
        Deno.errors.PermissionDenied,
        cmd,
      );
    }
    await Deno.remove(dir, { recursive: true });
  });

  /** Runs `cmd args` in `cwd` with `env`; its stdout lines and exit code. */
  const runIn = async (cmd: string, args: string[], cwd: string, env: Record<string, string>) => {
    const child = await spawner.spawn({ cmd, args, cwd, env });
    const lines: string[] = [];
    await Promise.all([
      forEachByteLine(child.stdout, (l) => lines.push(lineText(l))),
      child.stderr.cancel(),
    ]);
    return { lines, code: (await child.status).code };
  };

  test("relative and empty PATH entries resolve against the child's cwd, as execvp's", async () => {
    const project = testTempDir();
    const decoy = testTempDir();
    for (const [folder, name] of [["bin", "tool"], [".venv/bin", "venvtool"], [".", "here"]]) {
      Deno.mkdirSync(`${project}/${folder}`, { recursive: true });
      const text = `#!/bin/sh\necho ${folder} "$@"\n`;
      Deno.writeTextFileSync(`${project}/${folder}/${name}`, text, { mode: 0o755 });
    }
    Deno.writeTextFileSync(`${decoy}/tool`, "#!/bin/sh\necho decoy\n", { mode: 0o755 });
    const cases: [string, string, string][] = [
      ["tool", `bin:${decoy}:${PATH}`, "bin x"],
      ["tool", `./bin:${decoy}`, "bin x"],
      ["tool", `${decoy}:bin`, "decoy"],
      ["venvtool", `.venv/bin:${PATH}`, ".venv/bin x"],
      ["here", `:${PATH}`, ". x"],
      ["here", `${PATH}:`, ". x"],
      ["here", `/nonexistent::${PATH}`, ". x"],
      ["here", `.:${PATH}`, ". x"],
    ];
    for (const [cmd, path, expected] of cases) {
      const { lines, code } = await runIn(cmd, ["x"], project, { PATH: path });
      assert.deepEqual([code, lines[0]], [0, expected], `${cmd} with PATH=${path}`);
    }
    // Relative to the child's cwd, never to this process's.
    await assert.rejects(
      async () => await spawner.spawn({ cmd: "tool", args: [], cwd: decoy, env: { PATH: "bin" } }),
      Deno.errors.NotFound,
    );
    // A folder made after a first lookup (a venv, node_modules) is searched the next time.
    const later = testTempDir();
    const path = `bin:${decoy}`;
    assert.deepEqual((await runIn("tool", [], later, { PATH: path })).lines, ["decoy"]);
    Deno.mkdirSync(`${later}/bin`);
    Deno.writeTextFileSync(`${later}/bin/tool`, "#!/bin/sh\necho made\n", { mode: 0o755 });
    assert.deepEqual((await runIn("tool", [], later, { PATH: path })).lines, ["made"]);
  });

  test("a file without #! runs under /bin/sh with its arguments, as execvp and sh run it", async () => {
    const dir = testTempDir();
    Deno.writeTextFileSync(`${dir}/plain.sh`, 'echo "$0|$#|$1|$2"\n', { mode: 0o755 });
    const byPath = await runIn("./plain.sh", ["a b", "c"], dir, { PATH });
    assert.deepEqual(byPath, { lines: [`${byPath.lines[0].split("|")[0]}|2|a b|c`], code: 0 });
    assert.match(byPath.lines[0], /plain\.sh\|/);
    const byName = await runIn("plain.sh", ["z"], "/", { PATH: `${dir}:${PATH}` });
    assert.deepEqual(byName, { lines: [`${dir}/plain.sh|1|z|`], code: 0 });
  });

  test("PWD is the child's cwd; one naming that folder through a symlink is kept", async () => {
    const dir = testTempDir();
    Deno.mkdirSync(`${dir}/real/sub`, { recursive: true });
    Deno.symlinkSync(`${dir}/real`, `${dir}/link`);
    const pwd = async (cwd: string, env: Record<string, string>) =>
      (await runIn("printenv", ["PWD"], cwd, { PATH, ...env })).lines[0];
    assert.equal(await pwd(`${dir}/real`, {}), `${dir}/real`);
    assert.equal(await pwd(`${dir}/real`, { PWD: Deno.cwd() }), `${dir}/real`);
    assert.equal(await pwd(`${dir}/real`, { PWD: `${dir}/link` }), `${dir}/link`);
    assert.equal(await pwd(`${dir}/real`, { PWD: `${dir}/link/sub/..` }), `${dir}/real`);
    assert.equal(await pwd(`${dir}/link/sub`, { PWD: "/" }), `${dir}/link/sub`);
    assert.equal(await pwd(`${dir}/link/sub/..`, {}), `${dir}/real`);
  });

  test("a non-executable file in PATH is passed over; alone it is PermissionDenied (sh's 126)", async () => {
    const [first, second] = [testTempDir(), testTempDir()];
    Deno.writeTextFileSync(`${first}/tool`, "#!/bin/sh\necho first\n", { mode: 0o644 });
    Deno.writeTextFileSync(`${second}/tool`, "#!/bin/sh\necho second\n", { mode: 0o755 });
    const found = await runIn("tool", [], "/", { PATH: `${first}:${second}` });
    assert.deepEqual(found, { lines: ["second"], code: 0 });
    await assert.rejects(
      async () => await spawner.spawn({ cmd: "tool", args: [], cwd: "/", env: { PATH: first } }),
      Deno.errors.PermissionDenied,
    );
  });

  test("a program that does not exist fails with NotFound", async () => {
    await assert.rejects(
      async () => await spawner.spawn({ cmd: "/nonexistent/shell", args: [], cwd: "/", env: {} }),
      Deno.errors.NotFound,
    );
  });
}
