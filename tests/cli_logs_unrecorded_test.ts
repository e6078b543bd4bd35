/**
 * `weft logs` and a log file whose attempt record never reached history (the disk filled
 * as the run ended: store/log_found.ts): the file is still shown, said once on stderr;
 * unit tests of `unrecordedLogs` too.
 */
import assert from "node:assert/strict";
import { fakeRunId, publish, runEvents } from "./fixtures/history/events.ts";
import { tempHome, weft } from "./fixtures/history/cli.ts";
import { openStore } from "../src/store/open.ts";
import { createRecorder } from "../src/store/recorder.ts";
import { unrecordedLogs } from "../src/store/log_found.ts";
import { emptyAttempt } from "../src/store/records.ts";
import { logFilePath } from "../src/store/log_format.ts";

Deno.test("weft logs: a log file on disk whose attempt has no record is still shown", async () => {
  const { home, cleanup } = await tempHome();
  const id = fakeRunId();
  const events = runEvents({
    id,
    tasks: [
      { id: "t", lines: [["stdout", "from t"]] },
      { id: "u", lines: [["stdout", "one"], ["stderr", "two"], ["stdout", "three"]] },
    ],
  });
  const store = await openStore(home);
  const recorder = createRecorder(store, store.logsDir);
  // u's lines reach its log file, but none of its records the store (they did not fit):
  // the run's report still records its final state.
  const lost = new Set(["task_started", "attempt_finished", "task_finished"]);
  publish(
    recorder.listener,
    events.filter((e) =>
      !("taskId" in e && e.taskId === "u" && lost.has(e.type)) &&
      !(e.type === "task_finished" && e.task.id === "u")
    ),
  );
  await recorder.flush();
  store.close();

  const u = await weft(["logs", id, "u", "--home", home]);
  assert.equal(u.code, 0, u.stderr);
  assert.equal(u.stdout, "one\nthree\n");
  assert.match(u.stderr, /^weft: u \(attempt 1\) has a log file but no record in history/);
  assert.match(u.stderr, /\ntwo\n$/);
  const all = await weft(["logs", id, "--home", home]);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(all.stdout, "t | from t\nu | one\nu | three\n");
  assert.equal(all.stderr.match(/no record in history/g)?.length, 1, all.stderr);
  // The recorded task alone: nothing said of u.
  const t = await weft(["logs", id, "t", "--home", home]);
  assert.equal(t.stdout, "from t\n");
  assert.equal(t.stderr, "");
  await cleanup();
});

Deno.test("unrecordedLogs: files of the tasks asked for with no attempt record", () => {
  const run = "20261201T000000.000Z-0123456789";
  const long = "x".repeat(120); // a file name made safe (hashed)
  const name = (task: string, n: number) => logFilePath(run, task, n).split("/")[1];
  const names = [name("a", 1), name("a", 2), name(long, 1), name("b", 1), "process-groups"];
  const found = unrecordedLogs(run, names, ["a", long, "c"], [emptyAttempt(run, "a", 1)]);
  assert.deepEqual(found.map((f) => [f.taskId, f.attempt, f.logPath, f.logBytes]), [
    ["a", 2, logFilePath(run, "a", 2), 0],
    [long, 1, logFilePath(run, long, 1), 0],
  ]);
  assert.deepEqual(unrecordedLogs(run, names, [], []), []);
});
