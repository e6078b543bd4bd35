/**
 * Benchmark: run history at scale. Seeds a fresh WEFT_HOME with 100,000 runs of 5
 * tasks each through the real store API (`openStore`, `createRun`, `writeRecords`,
 * `finishRun`), spread over the past 100 days (about 1,000 a day, so `--since 1d`
 * covers about 1,000 runs), with 4 workflows and mixed outcomes. Then times real
 * subprocesses, median of N after a warm-up each:
 * `weft history --limit 10`, `weft status <a run from the middle>`,
 * `weft metrics --since 1d`, against bare process start (an empty .ts file, and
 * `main.ts --version`). Target: each verb under 100 ms above bare start.
 *
 *   deno run -A scripts/bench/history_100k.ts [--runs 100000] [--samples 10]
 *     [--batch 50] [--keep DIR] [--entry main.ts]
 *
 * `--keep DIR` seeds DIR and leaves it; when DIR already holds a store it is reused
 * as is (no seeding). Log files are not seeded (attempt records have no log path), so
 * the logs folder stays empty; the KV file holds runs, tasks, attempts and indexes.
 * `--entry FILE` times another entry point instead of main.ts, such as the one-file
 * bundle `deno task build --bundle` writes (dist/weft.js).
 * @module
 */
import { newRunId } from "../../src/engine/ids.ts";
import {
  pendingTaskRecord,
  type RunReport,
  type RunStatus,
  type TaskRecord,
  type TaskState,
} from "../../src/engine/events.ts";
import { kvPath, logsPath, openStore } from "../../src/store/open.ts";
import type { AttemptRecord, RunStore } from "../../src/store/run_store.ts";
import { loadAverage, median, mib, ms, option, prng, textOption, timeCommand } from "./_stats.ts";

const runCount = option("runs", 100_000);
const samples = option("samples", 10);
const batch = option("batch", 50);
const keep = textOption("keep");

const DAY_MS = 24 * 3600 * 1000;
const SPAN_DAYS = 100;
const TARGET_ABOVE_START_MS = 100;
const repo = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
/** The program timed: main.ts, or e.g. a bundle from `deno task build --bundle`. */
const entry = textOption("entry") ?? `${repo}/main.ts`;

/** The workflows runs are spread over, each with its 5 task ids (in run order). */
const WORKFLOWS: Array<{ name: string; tasks: string[] }> = [
  { name: "deploy", tasks: ["checkout", "build", "test", "deploy", "notify"] },
  { name: "nightly-etl", tasks: ["extract", "clean", "transform", "load", "report"] },
  { name: "backup", tasks: ["snapshot", "compress", "encrypt", "upload", "verify"] },
  { name: "integration-tests", tasks: ["setup", "unit", "api", "e2e", "teardown"] },
];

const random = prng(7);

function hex(chars: number): string {
  let text = "";
  while (text.length < chars) text += Math.floor(random() * 0x100000000).toString(16);
  return text.slice(0, chars);
}

/** Outcome mix: mostly successes, some failures, a few cancelled and interrupted runs. */
function pickStatus(): Exclude<RunStatus, "running"> {
  const r = random();
  return r < 0.85 ? "success" : r < 0.95 ? "failed" : r < 0.98 ? "cancelled" : "interrupted";
}

interface SeedRun {
  report: RunReport;
  attempts: AttemptRecord[];
  workflow: (typeof WORKFLOWS)[number];
}

/** One run's final records: tasks in order, the one that broke (if any) and the rest. */
function makeRun(startedMs: number): SeedRun {
  const workflow = WORKFLOWS[Math.floor(random() * WORKFLOWS.length)];
  const status = pickStatus();
  const id = newRunId(new Date(startedMs));
  const breakAt = status === "success" ? -1 : Math.floor(random() * workflow.tasks.length);
  const tasks: TaskRecord[] = [];
  const attempts: AttemptRecord[] = [];
  let clock = startedMs;
  workflow.tasks.forEach((taskId, index) => {
    const base: TaskRecord = { ...pendingTaskRecord(taskId), status: "success" };
    if (breakAt >= 0 && index > breakAt) {
      const after: Record<string, Pick<TaskRecord, "status" | "reason">> = {
        failed: { status: "skipped", reason: "upstream" },
        cancelled: { status: "cancelled", reason: "signal" },
        interrupted: { status: "interrupted", reason: "crash" },
      };
      tasks.push({ ...base, ...after[status] });
      return;
    }
    const broke = index === breakAt;
    const retried = !broke && random() < 0.05;
    const tries = retried ? 2 : 1;
    const taskStart = clock;
    for (let attempt = 1; attempt <= tries; attempt++) {
      const duration = 200 + Math.floor(random() * 30_000);
      const failedTry = attempt < tries || (broke && status === "failed");
      const state: TaskState = broke && attempt === tries
        ? (status === "failed" ? "failed" : status === "cancelled" ? "cancelled" : "interrupted")
        : failedTry
        ? "failed"
        : "success";
      const finished = state === "interrupted" ? null : clock + duration;
      attempts.push({
        runId: id,
        taskId,
        attempt,
        status: state,
        exitCode: state === "success" ? 0 : state === "failed" ? 1 : null,
        reason: state === "failed"
          ? "exit_code"
          : state === "cancelled"
          ? "signal"
          : state === "interrupted"
          ? "crash"
          : null,
        error: state === "failed" ? "exit code 1" : null,
        startedAt: new Date(clock).toISOString(),
        finishedAt: finished === null ? null : new Date(finished).toISOString(),
        durationMs: finished === null ? null : duration,
        outputs: state === "success" && index === 1 ? { version: `1.${index}.${attempt}` } : {},
        logPath: null,
        logBytes: 0,
      });
      clock += duration + 50;
    }
    const last = attempts[attempts.length - 1];
    tasks.push({
      ...base,
      status: last.status,
      exitCode: last.exitCode,
      attempts: tries,
      startedAt: new Date(taskStart).toISOString(),
      finishedAt: last.finishedAt,
      durationMs: last.finishedAt === null ? null : Date.parse(last.finishedAt) - taskStart,
      reason: last.reason,
      error: last.error,
      outputs: last.outputs,
    });
  });
  const report: RunReport = {
    id,
    workflow: workflow.name,
    status,
    startedAt: new Date(startedMs).toISOString(),
    finishedAt: new Date(clock).toISOString(),
    durationMs: clock - startedMs,
    tasks,
  };
  return { report, attempts, workflow };
}

/** Records a run's start as weft would (here with its tasks already in their final state). */
async function createRun(store: RunStore, run: SeedRun, host: string): Promise<void> {
  const { report } = run;
  const taskHashes = Object.fromEntries(run.workflow.tasks.map((t) => [t, hex(64)]));
  await store.createRun(
    {
      id: report.id,
      workflow: report.workflow,
      file: `/srv/flows/${report.workflow}.json`,
      fileHash: hex(64),
      params: report.workflow === "deploy" ? { environment: "production" } : {},
      startedAt: report.startedAt,
      host,
      pid: 1000 + Math.floor(random() * 60_000),
      resumedFrom: null,
    },
    report.tasks,
    { taskHashes, pidStartTicks: null },
  );
}

/** Creates a run, drawing a new one when its id is taken (same second, same suffix). */
async function createFresh(store: RunStore, startedMs: number, host: string): Promise<SeedRun> {
  for (;;) {
    const run = makeRun(startedMs);
    try {
      await createRun(store, run, host);
      return run;
    } catch (e) {
      if (!(e instanceof Error && e.message.includes("already recorded"))) throw e;
    }
  }
}

/**
 * Seeds `count` runs into a new store in `home`; returns the ids, oldest first.
 * Each KV commit costs about a millisecond here whatever else is in flight, so the
 * seeder saves commits where the API allows: a batch of runs is created (one commit
 * each), the attempts of the whole batch go out in one `writeRecords` (split only at
 * KV's per-commit limits), and each run is finished with only its run record (its
 * tasks were created in their final state).
 */
async function seed(home: string, count: number): Promise<string[]> {
  const now = Date.now();
  // Start times uniformly over the span, ending a few minutes ago so every run finished.
  const starts = Array.from(
    { length: count },
    () => now - 10 * 60_000 - Math.floor(random() * SPAN_DAYS * DAY_MS),
  ).sort((a, b) => a - b);
  const store = await openStore(home, { recover: false });
  const host = Deno.hostname();
  const ids: string[] = [];
  const started = performance.now();
  let reported = started;
  try {
    for (let first = 0; first < count; first += batch) {
      const chunk = starts.slice(first, first + batch);
      const runs = await Promise.all(chunk.map((start) => createFresh(store, start, host)));
      await store.writeRecords({ tasks: [], attempts: runs.flatMap((r) => r.attempts) });
      await Promise.all(runs.map((r) => store.finishRun(r.report, [])));
      ids.push(...runs.map((r) => r.report.id));
      if (performance.now() - reported > 10_000) {
        reported = performance.now();
        const rate = ids.length / ((reported - started) / 1000);
        console.log(`  seeding: ${ids.length}/${count} runs (${rate.toFixed(0)} runs/s)`);
      }
    }
  } finally {
    store.close();
  }
  return ids.sort();
}

/** A run from the middle of the history (by start time) in an existing store. */
async function middleRunId(home: string): Promise<string> {
  const store = await openStore(home, { recover: false });
  try {
    const oldest = (await store.listRuns({ oldestFirst: true, limit: 1 }))[0];
    const newest = (await store.listRuns({ limit: 1 }))[0];
    if (!oldest || !newest) throw new Error(`no runs recorded in ${home}`);
    const middle = (Date.parse(oldest.startedAt) + Date.parse(newest.startedAt)) / 2;
    const [run] = await store.listRuns({ before: new Date(middle), limit: 1 });
    return run.id;
  } finally {
    store.close();
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return 0;
    throw e;
  }
}

async function folderSize(path: string): Promise<number> {
  let total = 0;
  try {
    for await (const entry of Deno.readDir(path)) {
      const child = `${path}/${entry.name}`;
      total += entry.isDirectory ? await folderSize(child) : await fileSize(child);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return total;
}

async function holdsStore(home: string): Promise<boolean> {
  return (await fileSize(kvPath(home))) > 0;
}

/**
 * Times each command `samples` times, one round over all of them after another, so a
 * change in the machine's load during the measurement weighs on every command alike.
 * Returns each command's median; one warm-up run each first.
 */
async function interleavedMedians(
  commands: string[][],
  options: { cwd: string; env: Record<string, string> },
): Promise<number[]> {
  const times: number[][] = commands.map(() => []);
  for (const args of commands) await timeCommand(Deno.execPath(), args, options);
  for (let round = 0; round < samples; round++) {
    for (const [i, args] of commands.entries()) {
      times[i].push(await timeCommand(Deno.execPath(), args, options));
    }
  }
  return times.map(median);
}

/** Runs `weft ARGS` once with this home and returns its stdout. */
async function weftOutput(home: string, args: string[]): Promise<string> {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-kv", entry, ...args],
    cwd: repo,
    env: { WEFT_HOME: home, NO_COLOR: "1" },
    stderr: "inherit",
  }).output();
  if (!result.success) throw new Error(`weft ${args.join(" ")} exited ${result.code}`);
  return new TextDecoder().decode(result.stdout);
}

if (import.meta.main) {
  const home = keep ?? await Deno.makeTempDir({ prefix: "weft-bench-history-" });
  try {
    let middleId: string;
    if (keep !== undefined && await holdsStore(home)) {
      console.log(`History: reusing the store in ${home} (no seeding)`);
      middleId = await middleRunId(home);
    } else {
      console.log(
        `History: seeding ${runCount} runs x 5 tasks over ${SPAN_DAYS} days into ${home} ` +
          `(${batch} runs per batch)`,
      );
      const started = performance.now();
      const ids = await seed(home, runCount);
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `  seeded in ${seconds.toFixed(1)} s (${(runCount / seconds).toFixed(0)} runs/s)`,
      );
      middleId = ids[Math.floor(ids.length / 2)];
    }

    const kv = await fileSize(kvPath(home));
    const wal = await fileSize(`${kvPath(home)}-wal`);
    const shm = await fileSize(`${kvPath(home)}-shm`);
    const logs = await folderSize(logsPath(home));
    console.log(
      `  store on disk: ${mib(kv + wal + shm + logs)} (weft.kv ${mib(kv)}, -wal ${mib(wal)}, ` +
        `-shm ${mib(shm)}, logs ${mib(logs)})`,
    );

    // What the measured commands see, checked once (this also warms the module cache).
    const listed = JSON.parse(await weftOutput(home, ["history", "--limit", "10", "--json"]));
    const metrics = JSON.parse(await weftOutput(home, ["metrics", "--since", "1d", "--json"]));
    const status = JSON.parse(await weftOutput(home, ["status", middleId, "--json"]));
    console.log(
      `  history --limit 10 lists ${listed.length} runs; metrics --since 1d covers ` +
        `${metrics.overall.runs} finished runs; status ${middleId} has ${status.tasks.length} tasks`,
    );

    const empty = await Deno.makeTempFile({ prefix: "weft-bench-empty-", suffix: ".ts" });
    const weft = ["run", "-A", "--unstable-kv", entry];
    const commands: Array<[string, string[]]> = [
      ["bare start (empty .ts)", ["run", "-A", "--no-config", empty]],
      ["weft --version", [...weft, "--version"]],
      ["weft history --limit 10", [...weft, "history", "--limit", "10"]],
      ["weft status <middle run>", [...weft, "status", middleId]],
      ["weft metrics --since 1d", [...weft, "metrics", "--since", "1d"]],
    ];
    const medians = await interleavedMedians(commands.map(([, args]) => args), {
      cwd: repo,
      env: { WEFT_HOME: home, NO_COLOR: "1" },
    });
    await Deno.remove(empty);
    console.log(`  load average: ${loadAverage()} (on ${navigator.hardwareConcurrency} CPUs)`);
    const [bare, version] = medians;
    console.log(
      `  median of ${samples} (commands interleaved, after one warm-up each); ` +
        `weft = deno run -A ${entry}:`,
    );
    commands.forEach(([label, _], i) => {
      const value = medians[i];
      const head = `    ${label.padEnd(26)} ${ms(value).padStart(9)}`;
      if (i === 0) console.log(head);
      else if (i === 1) console.log(`${head} (+${ms(value - bare)} above bare start)`);
      else {
        const above = value - bare;
        console.log(
          `${head} (+${ms(above)} above bare start, ${ms(value - version)} above --version; ` +
            `target < +${TARGET_ABOVE_START_MS} ms: ${
              above < TARGET_ABOVE_START_MS ? "met" : "MISSED"
            })`,
        );
      }
    });
  } finally {
    if (keep === undefined) await Deno.remove(home, { recursive: true });
  }
}
