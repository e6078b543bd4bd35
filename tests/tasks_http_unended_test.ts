/**
 * An http task's body that does not end in a newline is logged unended, as a process's
 * last line is (tasks/http.ts streamBody): `weft logs RUN TASK` gives the body back byte
 * for byte (`abc` as 3 bytes, no newline added), a body ending in a newline keeps it,
 * and `${tasks.ID.outputs.body}` is the body whatever its end. Through the real CLI, with
 * a real HTTP server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/http_unended/bodies.yml", import.meta.url).pathname;
const BODIES: Record<string, string> = {
  "/bare": "abc",
  "/ended": "abc\n",
  "/lines": "first\r\nsecond\nlast\r",
};

Deno.test("weft logs of an http task: the body as sent, no newline added after the last line", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => new Response(BODIES[new URL(req.url).pathname] ?? "", { status: 200 }),
  );
  try {
    const env = { WEFT_HOME: `${testTempDir("http-unended-")}/home`, NO_COLOR: "1" };
    const base = `base=http://127.0.0.1:${server.addr.port}`;
    const run = await weft(["run", FIXTURE, "-q", "-p", base], { env });
    assert.equal(run.code, 0, run.stderr);
    const logs = async (task: string) => (await weft(["logs", task], { env })).stdout;
    assert.equal(await logs("bare"), "abc");
    assert.equal(await logs("ended"), "abc\n");
    // CRLF line ends read as line ends, a last `\r` dropped, as of a process's output.
    assert.equal(await logs("lines"), "first\nsecond\nlast");
    const status = JSON.parse((await weft(["status", "--json"], { env })).stdout);
    const bodies = Object.fromEntries(
      (status.tasks as { id: string; outputs: { body: string } }[]).map((t) => [
        t.id,
        t.outputs.body,
      ]),
    );
    assert.deepEqual(bodies, { bare: "abc", ended: "abc\n", lines: BODIES["/lines"] });
  } finally {
    await server.shutdown();
  }
});
