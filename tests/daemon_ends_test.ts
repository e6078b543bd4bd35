/** schedule/daemon_ends.ts: the daemon's line for a run's end names why it did not succeed. */
import assert from "node:assert/strict";
import { endedLine } from "../src/schedule/daemon_ends.ts";

Deno.test("endedLine: success plain; failed with weft's reason, else its failed tasks", () => {
  assert.equal(endedLine("r1", { status: "success" }), "run r1 ended success");
  assert.equal(
    endedLine("r1", { status: "failed", error: "cannot write the log (/h/a.log): no space" }),
    "run r1 ended failed: cannot write the log (/h/a.log): no space",
  );
  const tasks = [
    { id: "ok", status: "success", error: null, reason: null },
    { id: "a", status: "failed", error: "exited with code 2\nmore", reason: "exit_code" },
    { id: "b", status: "timed_out", error: null, reason: "timeout" },
    { id: "c", status: "failed", error: null, reason: null },
    { id: "d", status: "failed", error: "x".repeat(300), reason: "error" },
  ];
  assert.equal(
    endedLine("r2", { status: "failed", tasks }),
    "run r2 ended failed: task a failed: exited with code 2; task b timed out: timeout; " +
      "task c failed; and 1 more task(s)",
  );
  assert.match(
    endedLine("r3", { status: "failed", tasks: [tasks[4]] }),
    /^run r3 ended failed: task d failed: x{200}…$/,
  );
  assert.equal(endedLine("r4", { status: "cancelled", tasks: [] }), "run r4 ended cancelled");
  assert.equal(
    endedLine("r5", { status: "success", unrecorded: "cannot record the run (/h): no space" }),
    "run r5 ended success; its end could not be recorded: cannot record the run (/h): no space",
  );
});
