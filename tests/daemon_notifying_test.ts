/**
 * A run's notifications in a real `weft daemon` (src/cli/daemon_notifying.ts, launch.ts
 * `recorded`): a Slack server on 127.0.0.1 that never answers does not keep a finished
 * run going, so the schedule's next fires run (none is skipped "a run is still going"),
 * and SIGTERM does not "cancel" the finished run: its notification is stopped after the
 * grace period and the daemon exits 0.
 */
import assert from "node:assert/strict";
import { startDaemon, writeFlow } from "./_daemon.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("daemon: a notification server that never answers holds back no fire, and no stop", async () => {
  let asked = 0;
  let answeredOne: () => void = () => {};
  const firstAsk = new Promise<void>((resolve) => answeredOne = resolve);
  const hang = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {}, signal: hang.signal },
    async (request) => {
      await request.body?.cancel();
      asked++;
      answeredOne();
      // Never answered: held until the server is shut down.
      await new Promise((resolve) => hang.signal.addEventListener("abort", resolve));
      return new Response("late");
    },
  );
  const dir = testTempDir("notifying-");
  writeFlow(
    dir,
    "s.yml",
    `name: s
trigger: {type: schedule, config: {schedule: "*/2 * * * * *"}}
tasks:
  - id: a
    command: "true"
notifications:
  channels: [slack]
`,
  );
  const daemon = startDaemon(["--dir", dir, "--grace", "1s"], {
    env: {
      SLACK_WEBHOOK_URL:
        `http://127.0.0.1:${server.addr.port}/services/T000/B000/XXXXXXXXXXXXsecret`,
    },
  });
  try {
    await daemon.waitFor(/daemon started/);
    const first = await daemon.waitFor(/run \S+ started \(schedule/);
    const firstId = first.match(/run (\S+) started/)![1];
    await daemon.waitFor(new RegExp(`run ${firstId} ended success`));
    await firstAsk;
    // The next fire starts a run while the first one's notification still waits.
    const from = daemon.lines.indexOf(first) + 1;
    const second = await daemon.waitFor(/run \S+ started \(schedule/, { from });
    assert.notEqual(second.match(/run (\S+) started/)![1], firstId);
    assert.equal(daemon.count(/still going/), 0, daemon.lines.join("\n"));
    assert.ok(asked >= 1);
    assert.equal(await daemon.stop(), 0);
    assert.equal(daemon.count(/cancelling run/), 0, "no finished run is cancelled");
    assert.equal(daemon.count(/stopping the notifications of \d+ ended run\(s\)/), 1);
    assert.equal(daemon.count(/daemon stopped/), 1);
  } finally {
    await daemon.stop("SIGKILL");
    hang.abort();
    await server.finished;
  }
});
