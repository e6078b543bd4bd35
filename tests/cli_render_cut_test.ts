/**
 * weft's own long lines (an http task's request line and reason quoting a value as long as
 * fetch takes in a URL, model/fetch_url_length.ts)
 * through the real CLI: `weft run`'s live lines, board and failure recap cut them as
 * `weft status` does (render/cut.ts displayedLine, displayedReason), never printing a
 * line of hundreds of kilobytes.
 */
import assert from "node:assert/strict";
import { historyJson, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { MAX_PIECE_BYTES } from "../src/tasks/byte_lines.ts";
import { MAX_ERROR_BYTES } from "../src/store/records.ts";
import { FETCH_URL_MAX } from "../src/model/fetch_url_length.ts";

const FILE = new URL("./fixtures/render_cut/long_url.yml", import.meta.url).pathname;
/** Room for the line's frame (time, task id, marks) around its cut text. */
const FRAME = 300;

Deno.test("cli render cut: weft run cuts its own long lines and reasons as weft status does", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("no", { status: 500 }),
  );
  try {
    const home = testTempDir("home-");
    const env = { URL: `http://127.0.0.1:${server.addr.port}`, WEFT_HOME: home, NO_COLOR: "1" };
    // The longest URL fetch sends: its request line (`GET <url>`) is over 64 KiB.
    const LONG = "z".repeat(FETCH_URL_MAX - `${env.URL}/`.length);
    for (const flags of [[], ["-v"]]) {
      const { code, stderr } = await weft(["run", FILE, "-p", `p=${LONG}`, ...flags], { env });
      assert.equal(code, 1, stderr.slice(0, 2000));
      const lines = stderr.split("\n");
      const longest = Math.max(...lines.map((l) => l.length));
      assert.ok(longest < MAX_PIECE_BYTES + FRAME, `${flags}: a line of ${longest} characters`);
      // The request line cuts the URL itself (tasks/http_request.ts), far below 64 KiB.
      const tail = lines.find((l) => l.includes("stderr │ GET"))!;
      assert.match(tail, /zzz… → 400 Bad Request/);
      assert.ok(tail.length < 2_000, `a request line of ${tail.length}`);
      const reasons = lines.filter((l) => l.includes("failed") && l.includes(" GET "));
      assert.ok(reasons.length >= 2, stderr.slice(0, 2000)); // the board's line and the recap's
      for (const line of reasons) {
        assert.ok(line.length < MAX_ERROR_BYTES + FRAME, `a reason line of ${line.length}`);
        assert.match(line, /zzz…/);
      }
    }
    const [run] = await historyJson(home);
    const status = await weft(["status", run.id], { env });
    const statusLongest = Math.max(...status.stdout.split("\n").map((l) => l.length));
    assert.ok(statusLongest < MAX_PIECE_BYTES + FRAME);
  } finally {
    await server.shutdown();
  }
});
