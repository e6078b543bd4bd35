/**
 * A real `weft daemon` whose start's catch-up chain is changed under it through the CLI
 * (src/schedule/daemon_fire.ts): `weft schedule add --replace` with another cron, or
 * `weft schedule pause` and `resume`, while the chain's first run goes. Every fire of the
 * chain on record (`pending_catch_up` in `schedule list --json`) gets its own record: run
 * after a replace (tester F2: the rest were dropped with no record, and the chain
 * cleared), recorded skipped with why after a pause and resume (tester F3: no record).
 */
import assert from "node:assert/strict";
import { scheduledFlow, startDaemon } from "./_daemon.ts";
import { historyJson, weft } from "./_run_cli.ts";
import { openScheduleStore } from "../src/store/kv_schedules.ts";
import type { FireRecord, PendingCatchUp } from "../src/model/schedule.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pendingChain(home: string): Promise<PendingCatchUp | null> {
  const listed = await weft(["schedule", "list", "--json"], { env: { WEFT_HOME: home } });
  assert.equal(listed.code, 0, listed.stderr);
  const [entry] = JSON.parse(listed.stdout) as { pending_catch_up: PendingCatchUp | null }[];
  return entry.pending_catch_up;
}

/**
 * Whether schedule `j` of `home` still has a catch-up chain on record, read in this process
 * from the store `schedule list` reads (a weft started per poll cost as much CPU time as
 * the rest of the test); the answer that counts is then asked of the CLI, {@link pendingChain}.
 */
async function chainOnRecord(home: string): Promise<boolean> {
  const store = await openScheduleStore(home, { readOnly: true });
  try {
    return ((await store.get("j"))?.pendingCatchUp ?? null) !== null;
  } finally {
    store.close();
  }
}

/**
 * Starts a daemon owing a chain of every-other-second fires that each run a second, makes `change`
 * while the chain's first run goes, waits until the chain is off record and stops the
 * daemon. The chain's fire times (ms), and each one's record.
 */
async function changedMidChain(
  prefix: string,
  change: (
    t: { home: string; add: (cron: string, ...more: string[]) => Promise<unknown> },
  ) => Promise<void>,
): Promise<{ times: number[]; records: Map<number, FireRecord>; home: string }> {
  const { dir, home, add } = await scheduledFlow(prefix, "sleep 1", "*/2 * * * * *");
  const first = startDaemon(["--dir", `${dir}/flows`], { home });
  await first.waitFor(/daemon started/);
  assert.equal(await first.stop(), 0);
  // Four fires owed: wait until four every-other-second fire times are past, no longer (a
  // fixed sleep covering the worst case waited two seconds more on average).
  const owedFrom = Math.floor(Date.now() / 2000) * 2000 + 4 * 2000;
  while (Date.now() <= owedFrom) await sleep(owedFrom + 1 - Date.now());
  const second = startDaemon(["--dir", `${dir}/flows`], { home });
  let chain: PendingCatchUp | null;
  try {
    await second.waitFor(/run \S+ started \(catch-up/);
    chain = await pendingChain(home);
    assert.ok(chain, "the chain is on record while it runs");
    await change({ home, add });
    for (let i = 0; i < 240 && await chainOnRecord(home); i++) await sleep(250);
    assert.equal(await pendingChain(home), null, second.lines.join("\n"));
    assert.equal(await second.stop(), 0);
  } finally {
    await second.stop("SIGKILL");
  }
  const times: number[] = [];
  // `after` is the last fire or the time the schedule was added: the chain is the */2
  // seconds that follow it, through `through`.
  const from = Math.floor(Date.parse(chain.after) / 2000) * 2000 + 2000;
  for (let t = from; t <= Date.parse(chain.through); t += 2000) {
    times.push(t);
  }
  assert.ok(times.length >= 3, JSON.stringify(chain));
  const store = await openScheduleStore(home, { readOnly: true });
  const fires = await store.listFires("j");
  store.close();
  const records = new Map(fires.map((f) => [Date.parse(f.time), f]));
  for (const t of times) {
    assert.ok(
      records.has(t),
      `no record of ${new Date(t).toISOString()}: ${second.lines.join("\n")}`,
    );
  }
  return { times, records, home };
}

Deno.test("daemon: weft schedule add --replace mid catch-up chain: each fire of the chain still runs, once", async () => {
  const { times, records, home } = await changedMidChain("chain-replace-", async ({ add }) => {
    const replaced = await add("*/3 * * * * *", "--replace") as { code: number; stderr: string };
    assert.equal(replaced.code, 0, replaced.stderr);
  });
  for (const t of times) assert.equal(records.get(t)?.outcome, "success");
  const runs = await historyJson<{ trigger?: { scheduledFor?: string } }>(home);
  const ran = runs.flatMap((r) =>
    r.trigger?.scheduledFor ? [Date.parse(r.trigger.scheduledFor)] : []
  );
  for (const t of times) assert.equal(ran.filter((r) => r === t).length, 1, `${t} ran once`);
});

Deno.test("daemon: weft schedule pause and resume mid catch-up chain: the fires not reached are recorded skipped, with why", async () => {
  const { times, records } = await changedMidChain("chain-pause-", async ({ home }) => {
    for (const verb of ["pause", "resume"]) {
      const done = await weft(["schedule", verb, "j"], { env: { WEFT_HOME: home } });
      assert.equal(done.code, 0, done.stderr);
    }
  });
  const skipped = times.filter((t) => records.get(t)?.outcome === "skipped");
  assert.ok(skipped.length >= 1, JSON.stringify([...records.values()]));
  for (const t of skipped) {
    assert.equal(records.get(t)?.reason, "its schedule was paused while it waited");
  }
  for (const t of times) assert.ok(["success", "skipped"].includes(records.get(t)!.outcome));
});
