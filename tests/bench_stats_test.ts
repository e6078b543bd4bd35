/**
 * The benchmarks' timing helpers (scripts/bench/_stats.ts): the CPU time of a command and
 * the processes it waited for, read from /proc/self/stat, beside its wall time.
 * @module
 */
import assert from "node:assert/strict";
import { childrenCpuOf, timeCommandCpu } from "../scripts/bench/_stats.ts";

Deno.test("bench stats: cutime + cstime are read after the command name, whatever it holds", () => {
  // proc(5): pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17) ...
  const fields = (comm: string) =>
    `4242 (${comm}) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 40 37 5 20 0 3 0 12345 0 0`;
  assert.equal(childrenCpuOf(fields("deno")), (37 + 5) * 10);
  // A name with spaces and a ")" of its own (a thread may name itself anything).
  assert.equal(childrenCpuOf(fields("x) S 1 2 (y")), (37 + 5) * 10);
  assert.equal(childrenCpuOf("not a stat line"), null);
});

Deno.test({
  name: "bench stats: a busy command's CPU time is counted, its grandchildren's included",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    // sh waits for the busy sh it starts: that one's time reaches the measuring process
    // through it. Measured in a process of its own: the children's times of this one also
    // count the processes other tests end meanwhile (690 ms of CPU in 268 ms seen in CI).
    const busy = "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done";
    const stats = new URL("../scripts/bench/_stats.ts", import.meta.url).href;
    const script = `import { timeCommandCpu } from ${JSON.stringify(stats)};\n` +
      `console.log(JSON.stringify(await timeCommandCpu("sh", ["-c", ${
        JSON.stringify(`sh -c '${busy}'; true`)
      }])));`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--no-config", script],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    assert.ok(out.success, "the measuring process failed");
    const { wall, cpu } = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      wall: number;
      cpu: number | null;
    };
    assert.ok(cpu !== null, "no /proc/self/stat");
    assert.ok(cpu >= 50, `a shell loop of 200,000 turns used ${cpu} ms of CPU`);
    // Within the 10 ms steps of the clock ticks (and a second CPU at most).
    assert.ok(cpu <= 2 * wall + 20, `cpu ${cpu} ms for ${wall.toFixed(0)} ms of wall time`);
  },
});

Deno.test("bench stats: a failing command throws with its stderr", async () => {
  await assert.rejects(
    timeCommandCpu("sh", ["-c", "echo broken >&2; exit 3"]),
    /exited 3: broken/,
  );
});
