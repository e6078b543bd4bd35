/**
 * The daemon's "N active schedule(s)" lines (src/schedule/daemon.ts scheduleCount) count
 * paused schedules apart: a paused schedule is loaded but does not fire.
 */
import assert from "node:assert/strict";
import { scheduledFlow, startDaemon } from "./_daemon.ts";
import { weft } from "./_run_cli.ts";

Deno.test("daemon: paused schedules are counted apart from the active ones, at start and on changes", async () => {
  const flow = await scheduledFlow("count-", "echo ran", "0 0 1 1 *");
  const env = { WEFT_HOME: flow.home };
  assert.equal((await weft(["schedule", "pause", "j"], { env })).code, 0);
  const daemon = startDaemon([], { home: flow.home });
  try {
    await daemon.waitFor(/daemon started/);
    assert.equal(
      daemon.count(/loaded 0 workflow\(s\), 0 active schedule\(s\), 1 paused, 0 webhook/),
      1,
      daemon.lines.join("\n"),
    );
    let from = daemon.lines.length;
    assert.equal((await weft(["schedule", "resume", "j"], { env })).code, 0);
    const resumed = await daemon.waitFor(/schedules changed in the store/, { from });
    assert.match(resumed, /: 1 active schedule\(s\)$/);
    from = daemon.lines.length;
    assert.equal((await weft(["schedule", "pause", "j"], { env })).code, 0);
    const paused = await daemon.waitFor(/schedules changed in the store/, { from });
    assert.match(paused, /: 0 active schedule\(s\), 1 paused$/);
  } finally {
    assert.equal(await daemon.stop("SIGTERM"), 0);
  }
});
