/** `weft logs` with lines far longer than what weft keeps of one in memory (real CLI). */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { fakeRunId, publish, runEvents } from "./fixtures/history/events.ts";
import { follow, tempHome } from "./fixtures/history/cli.ts";
import { openStore } from "../src/store/open.ts";
import { createRecorder } from "../src/store/recorder.ts";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import type { EngineEvent } from "../src/engine/events.ts";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

Deno.test("a 50 MB single line round-trips byte for byte through weft logs", async () => {
  const { home, cleanup } = await tempHome();
  const dir = `${home}/../work`;
  await Deno.mkdir(dir, { recursive: true });
  // Invalid UTF-8 first, then 50 MB of base64 without a newline, kept in line.bin too.
  const command = "{ printf '\\377\\303('; head -c 37500000 /dev/urandom | base64 -w0; echo; }" +
    " | tee line.bin";
  await Deno.writeTextFile(
    `${dir}/wf.json`,
    JSON.stringify({ name: "big", tasks: [{ id: "line", command }] }),
  );
  const env = { WEFT_HOME: home, NO_COLOR: "1" };
  const run = await weft(["run", `${dir}/wf.json`, "--quiet"], { env, cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  const printed = await Deno.readFile(`${dir}/line.bin`);
  assert.ok(printed.length > 50_000_000);
  const id = (await weft(["history", "-q", "-n1"], { env })).stdout.trim();
  const logs = await new Deno.Command(Deno.execPath(), {
    args: weftArgs(["logs", id, "line"]),
    env: weftEnv(env),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(logs.code, 0, new TextDecoder().decode(logs.stderr));
  assert.equal(logs.stdout.length, printed.length);
  assert.equal(sha256(logs.stdout), sha256(printed));
  await cleanup();
});

Deno.test("weft logs --follow prints a line cut in pieces with no newline inside it", async () => {
  const { home, cleanup } = await tempHome();
  const id = fakeRunId();
  const events = runEvents({ id, tasks: [{ id: "long", lines: [["stdout", "x"]] }] });
  const at = events.findIndex((e) => e.type === "output");
  const output = events[at] as EngineEvent & { type: "output" };
  // One stdout line longer than a piece, cut by a stderr line, then an ordinary line.
  const first = "a".repeat(100_000), second = "b".repeat(100_000);
  const pieces: EngineEvent[] = [
    { ...output, line: first, continues: true },
    { ...output, stream: "stderr", line: "in between" },
    { ...output, line: second, continuation: true, continues: true },
  ];
  const rest: EngineEvent[] = [
    { ...output, line: "c", continuation: true },
    { ...output, line: "next" },
  ];
  const store = await openStore(home);
  const recorder = createRecorder(store, store.logsDir);
  publish(recorder.listener, [...events.slice(0, at), ...pieces]);
  await recorder.flush();

  // One task followed: nothing of another task can come between its line's parts, so they
  // are printed as they come (over several tasks a line waits for its end: cli_log_hold_test).
  const follower = follow(["logs", id, "long", "--follow", "--no-prefix", "--home", home], {
    NO_COLOR: "1",
  });
  const { child } = follower;
  // The follower prints the unfinished line as far as it is written, without its newline.
  const partial = await follower.until(
    (seen) => seen.length >= first.length + second.length,
    "logs --follow exited before the run ended",
  );
  assert.equal(partial, first + second);
  publish(recorder.listener, [...rest, ...events.slice(at + 1)]);
  await recorder.flush();
  const seen = await follower.rest();
  assert.equal((await child.status).code, 0);
  assert.equal(seen, `${first}${second}c\nnext\n`);
  const stderr = new TextDecoder().decode(
    (await new Response(child.stderr).arrayBuffer()) as ArrayBuffer,
  );
  assert.match(stderr, /in between\n/);
  store.close();
  await cleanup();
});
