/**
 * glibc's posix_spawn through FFI, both ways it can run: on a blocking-pool thread
 * (children started while others run) and on the calling thread (`block`: nothing else
 * runs, so the hops to the pool would cost more than the exec wait). Same results.
 */
import assert from "node:assert/strict";
import { closeFd, libcSpawn, loadLibc } from "../src/tasks/_libc_spawn.ts";
import { fdReactor } from "../src/tasks/_fd_reactor.ts";
import { decodeStatus } from "../src/tasks/_libc_spawn.ts";

const libc = loadLibc();
const reactor = fdReactor();
const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";
/** Said in the name of each test left out where glibc's posix_spawn cannot be reached. */
const WHY = libc && reactor ? "" : " (skipped: no glibc posix_spawn through FFI here)";
const MISSING_PROGRAM =
  new URL("./fixtures/libc_spawn/missing_program.ts", import.meta.url).pathname;

for (const block of [false, true]) {
  const mode = block ? "on the calling thread" : "off the event loop";
  Deno.test({
    name: `libcSpawn ${mode}: runs the program in cwd with the env, output on the pipes${WHY}`,
    ignore: !libc || !reactor,
    fn: async () => {
      const started = await libcSpawn(libc!, {
        path: "/bin/sh",
        argv: ["sh", "-c", 'pwd; echo "$WHO" >&2; exit 3'],
        env: { PATH, WHO: "weft" },
        cwd: "/tmp",
        pipeStdin: false,
      }, block);
      assert.ok(!("errno" in started), "started");
      const [out, err, status] = await Promise.all([
        new Response(reactor!.readable(started.stdout)).text(),
        new Response(reactor!.readable(started.stderr)).text(),
        reactor!.exit(started.pid).then(decodeStatus),
      ]);
      assert.equal(out, "/tmp\n");
      assert.equal(err, "weft\n");
      assert.deepEqual(status, { code: 3, signal: null });
      assert.equal(started.stdin, -1);
    },
  });

  Deno.test({
    name: `libcSpawn ${mode}: a missing program is an errno, no fd left open${WHY}`,
    ignore: !libc || !reactor,
    fn: async () => {
      // Counted in a process of its own: test files run in parallel in this one, and
      // /proc/self/fd counts every file they have open.
      const { stdout, stderr, success } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MISSING_PROGRAM, block ? "block" : "pool"],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(stdout);
      assert.ok(success, new TextDecoder().decode(stderr));
      const { started, before, after } = JSON.parse(text);
      assert.deepEqual(started, { errno: 2 }, "ENOENT");
      assert.equal(after, before, "no fd left open");
    },
  });
}

Deno.test({
  name: `libcSpawn: closeFd closes a pipe end the caller owns${WHY}`,
  ignore: !libc || !reactor,
  fn: async () => {
    const started = await libcSpawn(libc!, {
      path: "/bin/cat",
      argv: ["cat"],
      env: { PATH },
      cwd: "/",
      pipeStdin: true,
    }, true);
    assert.ok(!("errno" in started));
    const out = new Response(reactor!.readable(started.stdout)).text();
    const err = new Response(reactor!.readable(started.stderr)).text();
    closeFd(libc!, started.stdin); // cat sees EOF and ends
    const status = await reactor!.exit(started.pid).then(decodeStatus);
    assert.deepEqual(status, { code: 0, signal: null });
    assert.equal(await out, "");
    assert.equal(await err, "");
  },
});
