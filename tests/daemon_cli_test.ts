/** `weft daemon`'s refusals through the real CLI: bad flags, a missing folder, a taken port. */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { parseListen } from "../src/cli/daemon.ts";

Deno.test("parseListen: a bare port or :port binds loopback; host:port and [v6]:port as given", () => {
  assert.deepEqual(parseListen("8080"), { hostname: "127.0.0.1", port: 8080 });
  assert.deepEqual(parseListen(":8080"), { hostname: "127.0.0.1", port: 8080 });
  assert.deepEqual(parseListen("0.0.0.0:9000"), { hostname: "0.0.0.0", port: 9000 });
  assert.deepEqual(parseListen("[::1]:9000"), { hostname: "::1", port: 9000 });
  assert.throws(() => parseListen("localhost"), /is not HOST:PORT/);
  assert.throws(() => parseListen("1.2.3.4:99999"), /is not HOST:PORT/);
});

Deno.test("weft daemon: bad --listen, --max-runs, --grace and a missing --dir exit 2 with one clear line", async () => {
  const dir = testTempDir("cli-");
  const listen = await weft(["daemon", "--dir", dir, "--listen", "nowhere"]);
  assert.equal(listen.code, 2);
  assert.match(listen.stderr, /--listen "nowhere" is not HOST:PORT/);
  const runs = await weft(["daemon", "--max-runs", "0"]);
  assert.equal(runs.code, 2);
  assert.match(runs.stderr, /--max-runs/);
  const grace = await weft(["daemon", "--grace", "soon"]);
  assert.equal(grace.code, 2);
  assert.match(grace.stderr, /--grace "soon" is not a duration/);
  const missing = await weft(["daemon", "--dir", `${dir}/nope`]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--dir .*nope: /);
  assert.doesNotMatch(missing.stderr, /internal error|\n\s+at /);
});

Deno.test("weft daemon: a port already taken is refused with exit 2 and a hint", async () => {
  const dir = testTempDir("cli-port-");
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (taken.addr as Deno.NetAddr).port;
    const res = await weft(["daemon", "--dir", dir, "--listen", `127.0.0.1:${port}`]);
    assert.equal(res.code, 2);
    assert.match(res.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}`));
    assert.match(res.stderr, /hint: another program uses that port/);
  } finally {
    taken.close();
  }
});

Deno.test("examples/systemd/weft-daemon.service passes systemd-analyze verify", async (t) => {
  const unit = new URL("../examples/systemd/weft-daemon.service", import.meta.url).pathname;
  const text = Deno.readTextFileSync(unit);
  assert.match(text, /ExecStart=\/usr\/local\/bin\/weft daemon --dir /);
  assert.match(text, /ExecReload=\/bin\/kill -HUP \$MAINPID/);
  let found = true;
  try {
    await new Deno.Command("systemd-analyze", { args: ["--version"], stdout: "null" }).output();
  } catch {
    found = false;
  }
  if (!found) {
    await t.step({ name: "systemd-analyze is not installed", ignore: true, fn: () => {} });
    return;
  }
  // verify wants the program to exist: point it at one that does.
  const copy = `${testTempDir("unit-")}/weft-daemon.service`;
  Deno.writeTextFileSync(copy, text.replace("/usr/local/bin/weft", Deno.execPath()));
  const res = await new Deno.Command("systemd-analyze", { args: ["verify", copy] }).output();
  const said = new TextDecoder().decode(res.stderr);
  assert.equal(res.code, 0, said);
  assert.equal(said.trim(), "");
});
