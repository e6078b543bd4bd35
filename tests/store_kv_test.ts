/**
 * Deno KV specifics: file modes, bounded reads, two processes writing one file at
 * once, and retries on "database is locked".
 */
import { testTempDir } from "./_tmp.ts";
import assert from "node:assert/strict";
import { KvRunStore } from "../src/store/kv.ts";
import { openStore } from "../src/store/open.ts";
import { createRecorder } from "../src/store/recorder.ts";
import { isBusyError, withRetry } from "../src/store/retry.ts";
import { fakeRunId, publish, runEvents } from "./fixtures/history/events.ts";

const WRITER = new URL("./fixtures/history/writer.ts", import.meta.url).pathname;

function tempHome(): Promise<string> {
  const dir = testTempDir("weft_kv_");
  return Promise.resolve(`${dir}/home`);
}

async function modeOf(path: string): Promise<number> {
  return ((await Deno.stat(path)).mode ?? 0) & 0o777;
}

Deno.test("openStore creates the home 0700 and the KV, side files and logs 0600", async () => {
  const home = await tempHome();
  const store = await openStore(home);
  const recorder = createRecorder(store, store.logsDir);
  const id = fakeRunId();
  publish(recorder.listener, runEvents({ id, tasks: [{ id: "a", lines: [["stdout", "hello"]] }] }));
  await recorder.flush();
  assert.equal(await modeOf(home), 0o700);
  assert.equal(await modeOf(`${home}/logs`), 0o700);
  assert.equal(await modeOf(`${home}/logs/${id}`), 0o700);
  assert.equal(await modeOf(`${home}/logs/${id}/a.1.log`), 0o600);
  for (const file of ["weft.kv", "weft.kv-wal", "weft.kv-shm"]) {
    const path = `${home}/${file}`;
    const exists = await Deno.stat(path).then(() => true, () => false);
    if (exists) assert.equal(await modeOf(path), 0o600, file);
  }
  assert.equal(await modeOf(`${home}/weft.kv`), 0o600);
  store.close();
  await Deno.remove(home.replace(/\/home$/, ""), { recursive: true });
});

/** A Deno.Kv that counts the entries it hands out, to prove listings stop early. */
function countingKv(kv: Deno.Kv): { kv: Deno.Kv; reads: () => number; reset: () => void } {
  let reads = 0;
  const wrapped = {
    get: (key: Deno.KvKey) => {
      reads++;
      return kv.get(key);
    },
    getMany: (keys: Deno.KvKey[]) => {
      reads += keys.length;
      return kv.getMany(keys);
    },
    list: (selector: Deno.KvListSelector, options?: Deno.KvListOptions) => {
      const iterator = kv.list(selector, options);
      return {
        get cursor() {
          return iterator.cursor;
        },
        async next() {
          const result = await iterator.next();
          if (!result.done) reads++;
          return result;
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    },
    atomic: () => kv.atomic(),
    close: () => kv.close(),
  };
  return { kv: wrapped as unknown as Deno.Kv, reads: () => reads, reset: () => (reads = 0) };
}

Deno.test("listings read only what they return: --limit 10 of 400 runs reads ~10", async () => {
  const dir = testTempDir("weft_kv_");
  const counting = countingKv(await Deno.openKv(`${dir}/weft.kv`));
  const store = new KvRunStore(counting.kv, `${dir}/logs`);
  const recorder = createRecorder(store, `${dir}/logs`);
  const start = Date.parse("2026-01-01T00:00:00Z");
  for (let i = 0; i < 400; i++) {
    const date = new Date(start + i * 60_000);
    publish(
      recorder.listener,
      runEvents({
        id: fakeRunId(date),
        startedAt: date.toISOString(),
        workflow: i % 2 ? "odd" : "even",
        tasks: [{ id: "t", status: i % 10 === 0 ? "failed" : "success" }],
      }),
    );
  }
  await recorder.flush();

  counting.reset();
  assert.equal((await store.listRuns({ limit: 10 })).length, 10);
  assert.ok(counting.reads() <= 10, `read ${counting.reads()}`);

  counting.reset();
  const odd = await store.listRuns({ workflow: "odd", limit: 10 });
  assert.ok(odd.every((r) => r.workflow === "odd") && odd.length === 10);
  assert.ok(counting.reads() <= 20, `read ${counting.reads()}`);

  counting.reset();
  const failed = await store.listRuns({ status: "failed", limit: 5 });
  assert.ok(failed.every((r) => r.status === "failed") && failed.length === 5);
  assert.ok(counting.reads() <= 10, `read ${counting.reads()}`);

  counting.reset();
  const lastHour = await store.listRuns({ since: new Date(start + 340 * 60_000) });
  assert.equal(lastHour.length, 60);
  assert.ok(counting.reads() <= 100, `read ${counting.reads()}`); // one page past the bound at most

  counting.reset();
  const metrics = await store.runsForMetrics({ since: new Date(start + 390 * 60_000) });
  assert.equal(metrics.length, 10);
  assert.ok(counting.reads() <= 100, `read ${counting.reads()}`);
  store.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("finishRun reads the run record again when it changed after the read made with the task writes", async () => {
  const dir = testTempDir("weft_kv_");
  const kv = await Deno.openKv(`${dir}/weft.kv`);
  const id = fakeRunId();
  let runReads = 0;
  let armed = false;
  // finishRun reads the run record while it lists the run's live keys; another writer
  // (here: the same record written again) changes it before the commit that checks it.
  const racing = {
    get: async (key: Deno.KvKey) => {
      const entry = await kv.get(key);
      if (armed && key[0] === "run" && key[1] === id) {
        runReads++;
        if (runReads === 1) await kv.set(key, entry.value);
      }
      return entry;
    },
    getMany: (keys: Deno.KvKey[]) => kv.getMany(keys),
    list: (selector: Deno.KvListSelector, options?: Deno.KvListOptions) =>
      kv.list(selector, options),
    atomic: () => kv.atomic(),
    close: () => kv.close(),
  } as unknown as Deno.Kv;
  const store = new KvRunStore(racing, `${dir}/logs`);
  const recorder = createRecorder(store, `${dir}/logs`);
  const events = runEvents({ id, tasks: [{ id: "a" }, { id: "b", status: "failed" }] });
  publish(recorder.listener, events.slice(0, -1));
  await recorder.flush();
  armed = true;
  publish(recorder.listener, events.slice(-1));
  await recorder.flush();
  assert.equal(runReads, 2, "the stale read was not committed: the record was read again");
  const { run, tasks } = await store.getRun(id);
  assert.equal(run.status, "failed");
  assert.notEqual(run.finishedAt, null);
  assert.deepEqual(tasks.map((t) => [t.id, t.status]), [["a", "success"], ["b", "failed"]]);
  store.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("two processes recording into one KV file at once both record everything", async () => {
  const home = await tempHome();
  const count = 60;
  const writers = ["a", "b"].map((tag) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", WRITER, home, tag, String(count)],
      stdout: "piped",
      stderr: "piped",
    }).output()
  );
  const results = await Promise.all(writers);
  for (const r of results) {
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
  }
  const store = await openStore(home);
  for (const tag of ["a", "b"]) {
    const runs = await store.listRuns({ workflow: `wf-${tag}` });
    assert.equal(runs.length, count, `runs of writer ${tag}`);
    assert.ok(runs.every((r) => r.status === "success"));
    for (const run of runs.slice(0, 10)) {
      const details = await store.getRun(run.id);
      assert.deepEqual(details.tasks.map((t) => t.status), ["success", "success", "success"]);
      const attempts = await store.listAttempts(run.id);
      assert.equal(attempts.length, 3);
      const one = attempts.find((a) => a.taskId === "one")!;
      const text = await Deno.readTextFile(`${store.logsDir}/${one.logPath}`);
      assert.match(text, new RegExp(`^O ${tag} \\d+ one\\n$`));
    }
  }
  assert.equal((await store.listRuns()).length, 2 * count);
  store.close();
  await Deno.remove(home.replace(/\/home$/, ""), { recursive: true });
});

Deno.test("withRetry retries busy errors, passes others through, and gives up in time", async () => {
  let calls = 0;
  const value = await withRetry(() => {
    calls++;
    if (calls < 4) return Promise.reject(new TypeError("database is locked"));
    return Promise.resolve("ok");
  });
  assert.equal(value, "ok");
  assert.equal(calls, 4);

  calls = 0;
  await assert.rejects(
    withRetry(() => {
      calls++;
      return Promise.reject(new Error("disk full"));
    }),
    /disk full/,
  );
  assert.equal(calls, 1);

  calls = 0;
  await assert.rejects(
    withRetry(() => {
      calls++;
      return Promise.reject(new Error("SqliteFailure: database is locked"));
    }, 50),
    /locked/,
  );
  assert.ok(calls >= 2);
  assert.equal(isBusyError(new Error("database table is locked")), true);
  assert.equal(isBusyError(new Error("no such table")), false);
});

Deno.test("whole outputs: kept beside a cut record (KV and memory), read for resume, deleted with the run", async () => {
  const home = await tempHome();
  await Deno.mkdir(home, { recursive: true });
  const kv = await KvRunStore.open(`${home}/weft.kv`, `${home}/logs`);
  const { MemoryRunStore } = await import("../src/store/memory.ts");
  const { pendingTask, runInfo } = await import("./fixtures/history/events.ts");
  const big = "B".repeat(1024 * 1024); // $WEFT_OUTPUT's limit
  for (const store of [kv, new MemoryRunStore()]) {
    const id = fakeRunId();
    await store.createRun(runInfo({ id }), [pendingTask("cut"), pendingTask("small")]);
    await store.updateTask(id, { ...pendingTask("cut"), status: "success", outputs: { big } });
    await store.updateTask(id, { ...pendingTask("small"), status: "success", outputs: { v: "1" } });
    const details = await store.getRun(id);
    assert.deepEqual(details.truncatedOutputs, { cut: ["big"] });
    assert.equal(details.tasks[0].outputs.big.length, 16 * 1024);
    const whole = await store.wholeOutputs(id, ["cut", "small"]);
    assert.deepEqual(Object.keys(whole), ["cut"]);
    assert.equal(whole.cut.big, big);
    await store.deleteRun(id);
    assert.deepEqual(await store.wholeOutputs(id, ["cut"]), {});
  }
  kv.close();
  const raw = await Deno.openKv(`${home}/weft.kv`);
  const left = await Array.fromAsync(raw.list({ prefix: [] }));
  raw.close();
  assert.deepEqual(left.filter((e) => e.key[0] === "out" || e.key[0] === "blob"), []);
  await Deno.remove(home.slice(0, -"/home".length), { recursive: true });
});
