/**
 * src/libc.ts: the sets of libc calls declared by weft's modules are bound in one dlopen
 * (a set declared later, or that the shared binding lacks, on its own), and set-up calls
 * through function pointers. Linux with glibc only: elsewhere every binding is null.
 */
import assert from "node:assert/strict";
import { declareLibc, declareLibcOnce, errnoOf } from "../src/libc.ts";

const GLIBC = Deno.build.os === "linux" &&
  (() => {
    try {
      Deno.dlopen("libc.so.6", { gnu_get_libc_version: { parameters: [], result: "pointer" } })
        .close();
      return true;
    } catch {
      return false;
    }
  })();
const WHY = GLIBC ? "" : " (skipped: no glibc here)";
const BIND = new URL("./fixtures/libc/bind.ts", import.meta.url).pathname;

// Declared before any binding in this process: they share the first dlopen.
const first = declareLibc({
  getpid: { parameters: [], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
});
const second = declareLibc({
  getppid: { parameters: [], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
});

Deno.test({
  name: `declareLibc: sets declared before the first binding share one library${WHY}`,
  ignore: !GLIBC,
  fn: () => {
    const a = first(), b = second();
    assert.ok(a && b);
    assert.equal(a, b, "one binding serves both sets");
    assert.equal(first(), a, "bound once");
    assert.equal(a.getpid(), Deno.pid);
    assert.equal(b.getppid(), Deno.ppid);
    assert.equal(b.close(-1), -1);
    assert.equal(errnoOf(b), 9, "EBADF, read on the thread of the call");
  },
});

Deno.test({
  name: `declareLibc: a set declared after the first binding is bound on its own${WHY}`,
  ignore: !GLIBC,
  fn: () => {
    assert.ok(first(), "the shared binding is made");
    const later = declareLibc({ getuid: { parameters: [], result: "u32" } });
    const c = later();
    assert.ok(c);
    assert.notEqual(c as unknown, first() as unknown);
    assert.equal(c.getuid(), Deno.uid());
  },
});

Deno.test("declareLibc: a name declared again with another signature is refused", () => {
  assert.throws(
    () => declareLibc({ close: { parameters: ["i64"], result: "i32" } }),
    /libc symbol close declared twice with different signatures/,
  );
});

Deno.test({
  name: `declareLibcOnce: calls through function pointers; a missing symbol is null${WHY}`,
  ignore: !GLIBC,
  fn: () => {
    const once = declareLibcOnce({
      getpid: { parameters: [], result: "i32" },
      // `name` as with Deno.dlopen: the key is the caller's, the symbol libc's.
      parent: { name: "getppid", parameters: [], result: "i32" },
    });
    const calls = once();
    assert.ok(calls);
    assert.equal(once(), calls, "looked up once");
    assert.equal(calls.getpid(), Deno.pid);
    assert.equal(calls.parent(), Deno.ppid);
    const missing = declareLibcOnce({ weft_no_such_call: { parameters: [], result: "i32" } });
    assert.equal(missing(), null);
  },
});

async function bindIn(args: string[], order: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...args, BIND, order],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(out.code, 0);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

for (const order of ["good-first", "missing-first"]) {
  Deno.test({
    name:
      `declareLibc: a set with a missing symbol is null, the others bind alone (${order})${WHY}`,
    ignore: !GLIBC,
    fn: async () => {
      const got = await bindIn(["--allow-ffi", "--allow-read"], order);
      assert.equal(got.first, order === "good-first" ? "bound" : null);
      assert.equal(got.missing, null);
      assert.equal(got.pid, got.expected.pid);
      assert.equal(got.ppid, got.expected.ppid);
      assert.equal(got.onceMissing, null);
    },
  });
}

Deno.test("declareLibc: without the FFI permission every binding is null", async () => {
  const got = await bindIn(["--allow-read"], "good-first");
  assert.deepEqual(
    { first: got.first, pid: got.pid, ppid: got.ppid, missing: got.missing },
    { first: null, pid: null, ppid: null, missing: null },
  );
});
