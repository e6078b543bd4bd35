/**
 * Benchmark (diagnostic for issue 8 §5): how long the event loop's thread is held by the
 * dispatch of a `nonblocking` FFI posix_spawn — the call weft's spawner makes per task
 * (src/tasks/_libc_spawn.ts) — when one child starts at a time, and when J start at once.
 *
 * Each side starts `/usr/bin/true` N times (posix_spawn, then waitpid, both `nonblocking`)
 * and sums the wall time spent inside the synchronous part of the posix_spawn call, i.e.
 * from calling the FFI symbol until it returns its Promise: time the event loop cannot run
 * anything else. Off the loop, the call itself runs on a Deno blocking-pool thread.
 * Sides alternate, `--runs` times each; medians per call (µs) and the ratio J/1 are printed
 * with the load averages. On a 2-core machine the held time grows with J: waking a pool
 * thread while children exec lets the scheduler run that thread in the loop's place.
 *
 *   deno run -A scripts/bench/ffi_hop.ts [--spawns 1000] [--jobs 8] [--runs 5]
 *
 * Linux with glibc only (posix_spawn, waitpid from libc.so.6).
 * @module
 */
import { loadAverage, median, option } from "./_stats.ts";

const spawns = option("spawns", 1000);
const jobs = option("jobs", 8);
const runs = Math.max(1, option("runs", 5));

const libc = Deno.dlopen("libc.so.6", {
  posix_spawn: {
    parameters: ["buffer", "buffer", "pointer", "pointer", "buffer", "buffer"],
    result: "i32",
    nonblocking: true,
  },
  waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32", nonblocking: true },
});

const program = ["/usr/bin/true", "/bin/true"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
});
if (!program) {
  console.error("ffi_hop: no /usr/bin/true or /bin/true here");
  Deno.exit(2);
}
const path = new TextEncoder().encode(program + "\0");
const argv = new BigUint64Array([
  BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(path))),
  0n,
]);
const envp = new BigUint64Array(1);

/** Starts `spawns` children, `at` at once; resolves to the µs the loop was held per call. */
async function heldPerCall(at: number): Promise<number> {
  let held = 0;
  let started = 0;
  const worker = async () => {
    while (started < spawns) {
      started++;
      const pid = new Int32Array(1);
      const before = performance.now();
      const call = libc.symbols.posix_spawn(pid, path, null, null, argv, envp);
      held += performance.now() - before;
      const rc = await call;
      if (rc !== 0) throw new Error(`posix_spawn failed: errno ${rc}`);
      await libc.symbols.waitpid(pid[0], new Int32Array(1), 0);
    }
  };
  await Promise.all(Array.from({ length: at }, worker));
  return (held * 1000) / spawns;
}

console.log(`load at start: ${loadAverage()}`);
await heldPerCall(1); // warm-up: the pool's threads exist afterwards
const one: number[] = [];
const many: number[] = [];
for (let i = 0; i < runs; i++) {
  one.push(await heldPerCall(1));
  many.push(await heldPerCall(jobs));
}
const show = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(" ");
console.log(`${spawns} spawns of ${program}, median of ${runs} alternating`);
console.log(`  1 at once:  ${median(one).toFixed(0)} µs held per call   [${show(one)}]`);
console.log(`  ${jobs} at once:  ${median(many).toFixed(0)} µs held per call   [${show(many)}]`);
console.log(`  ratio ${jobs} at once / 1 at once = ${(median(many) / median(one)).toFixed(2)}x`);
console.log(`load at end:   ${loadAverage()}`);
libc.close();
