/**
 * Reading /proc/<pid>/stat (src/proc.ts): the same fields as a plain read
 * of the file, "absent" for a pid nobody has, a command name with spaces and parentheses.
 */
import assert from "node:assert/strict";
import { parseProcStat, readProcStat } from "../src/proc.ts";
import { testTempDir } from "./_tmp.ts";

const linux = Deno.build.os === "linux";

Deno.test({
  name: "proc: readProcStat gives what the whole file says",
  ignore: !linux,
  fn: () => {
    const stat = readProcStat(Deno.pid);
    assert.ok(stat && stat !== "absent");
    const whole = parseProcStat(Deno.readTextFileSync(`/proc/${Deno.pid}/stat`));
    assert.ok(whole);
    // The state may change between the two reads; the group and start time cannot.
    assert.deepEqual([stat.pgrp, stat.startTicks], [whole.pgrp, whole.startTicks]);
    assert.match(stat.state, /^[A-Za-z]$/);
  },
});

Deno.test({
  name: "proc: a pid nobody has is absent",
  ignore: !linux,
  fn: () => {
    // Above the default pid_max (4,194,304): never a process.
    assert.equal(readProcStat(2 ** 22 + 12345), "absent");
  },
});

Deno.test({
  name: "proc: a command named with spaces and parentheses is read right",
  ignore: !linux,
  fn: async () => {
    const program = `${testTempDir("proc-")}/a) b (c`;
    Deno.copyFileSync("/bin/sleep", program);
    Deno.chmodSync(program, 0o755);
    const child = new Deno.Command(program, { args: ["30"], stdout: "null", stderr: "null" })
      .spawn();
    try {
      const stat = readProcStat(child.pid);
      assert.ok(stat && stat !== "absent");
      assert.equal(
        stat.pgrp,
        Number(Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ")[2]),
      );
      assert.ok(stat.startTicks > 0);
    } finally {
      child.kill("SIGKILL");
      await child.status;
    }
  },
});
