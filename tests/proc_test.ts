/**
 * Reading /proc/<pid>/stat (src/proc.ts): the same fields as a plain read
 * of the file, "absent" for a pid nobody has, a command name with spaces and parentheses.
 */
import assert from "node:assert/strict";
import { environValues, parseProcStat, readProcStat } from "../src/proc.ts";
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
      assert.equal(stat.ppid, Deno.pid);
    } finally {
      child.kill("SIGKILL");
      await child.status;
    }
  },
});

Deno.test({
  name: "proc: environValues gives the value of each name asked for, null for nobody",
  ignore: !linux,
  fn: async () => {
    // `env -i` execs sleep with only these (an empty value is a value; W_C is none).
    const child = new Deno.Command("env", {
      args: ["-i", "W_A=first", "W_B=", "OTHER=x", "sleep", "30"],
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      let found: Map<string, string> | null = null;
      // Until env has exec'd sleep with its new environment.
      for (let i = 0; i < 100 && !found?.has("W_A"); i++) {
        found = environValues(child.pid, ["W_A", "W_B", "W_C"]);
        if (!found?.has("W_A")) await new Promise((r) => setTimeout(r, 20));
      }
      assert.deepEqual(found && [...found], [["W_A", "first"], ["W_B", ""]]);
    } finally {
      child.kill("SIGKILL");
      await child.status;
    }
    assert.equal(environValues(2 ** 22 + 12345, ["W_A"]), null);
  },
});
