/**
 * A webhook client that goes away mid-body, through a real `weft daemon --listen`
 * (src/server/webhook.ts, webhook_body.ts readLimited): the log names the request's
 * method and path and says the client closed the connection, never Deno's own words
 * labelled `error`; no run starts.
 */
import assert from "node:assert/strict";
import { freePort, startDaemon, writeFlow } from "./_daemon.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("daemon webhook: a client closing the connection mid-body is one clear log line", async () => {
  const dir = testTempDir("dropped-");
  writeFlow(
    dir,
    "b.yml",
    `name: b
trigger: {type: webhook, config: {webhook: "/b/deploy"}}
tasks:
  - id: a
    command: echo ran
`,
  );
  const port = freePort();
  const daemon = startDaemon(["--dir", dir, "--listen", `127.0.0.1:${port}`]);
  try {
    await daemon.waitFor(/daemon started/);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(
      new TextEncoder().encode(
        'POST /b/deploy HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"en',
      ),
    );
    // The server has begun reading the body once the request is routed; then hang up.
    await new Promise((r) => setTimeout(r, 300));
    conn.close();
    const line = await daemon.waitFor(/webhook POST \/b\/deploy/);
    assert.match(
      line,
      /webhook POST \/b\/deploy: the client closed the connection before the body was all there; no run$/,
    );
    assert.equal(daemon.count(/webhook: error/), 0, daemon.lines.join("\n"));
    assert.equal(daemon.count(/started \(webhook\)/), 0);
    assert.equal(await daemon.stop(), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
});
