/**
 * A query's memory does not grow with its result (tester12 F3): the drivers step through
 * the rows (SQLite `iterate`, PostgreSQL's row-by-row `forEach`) and runQuery keeps the
 * first ones and counts the rest (src/tasks/database/query.ts, sqlite.ts, postgres.ts).
 * Through the real CLI: a query of 1.5 million generated rows, the weft process's peak
 * resident memory (VmHWM) read while it is still alive, and the outputs as before. A real
 * SQLite database and a real PostgreSQL 15 server (tests/_postgres.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { RunReport } from "../src/engine/events.ts";
import { MAX_ROWS, MAX_ROWS_BYTES, runQuery } from "../src/tasks/database/query.ts";
import { reportTask, startWeft, weft } from "./_run_cli.ts";
import { startPostgres } from "./_postgres.ts";
import { exists, testTempDir } from "./_tmp.ts";
import { withSession } from "./_db_session.ts";

const ROWS = 1_500_000;
const PAD = "a".repeat(82);
/**
 * The peak resident memory allowed, in KiB. An idle weft takes ~100 MiB and V8 keeps up
 * to ~120 MiB of freed pages pooled while rows are read one by one and dropped; holding
 * all 1.5 million rows took ~500 MiB (PostgreSQL) to ~800 MiB (SQLite) before.
 */
const PEAK_KIB = 320 * 1024;

/** The first rows, as the `rows` output holds them. */
const FIRST_ROWS = Array.from({ length: MAX_ROWS }, (_, i) => ({ x: i + 1, pad: PAD }));

/** VmHWM (peak resident memory so far) of a live process, in KiB. */
function peakKiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(status.match(/^VmHWM:\s+(\d+)/m)?.[1]);
}

/**
 * Runs a workflow whose task `q` runs `query` on `connection`, then task `hold` waits
 * (after `q`) until the test has read weft's peak memory, so the reading covers the whole
 * query. Returns that peak, the report, and the run's WEFT_HOME.
 */
async function runHeld(connection: string, query: string) {
  const dir = testTempDir("rows-");
  const file = join(dir, "rows.yml");
  const ready = join(dir, "ready");
  const go = join(dir, "go");
  Deno.writeTextFileSync(
    file,
    [
      "name: rows",
      "tasks:",
      "  - id: q",
      "    type: database",
      "    config:",
      `      connection: ${JSON.stringify(connection)}`,
      `      query: ${JSON.stringify(query)}`,
      "  - id: hold",
      "    depends_on: [q]",
      `    command: touch '${ready}'; while [ ! -e '${go}' ]; do sleep 0.05; done`,
      "",
    ].join("\n"),
  );
  const home = join(dir, "home");
  const run = startWeft(["run", file, "--json"], { WEFT_HOME: home });
  let ended = false;
  void run.child.status.then(() => ended = true);
  // A failed query never starts `hold`: then the run ends and the checks below say why.
  while (!exists(ready) && !ended) await new Promise((r) => setTimeout(r, 50));
  const peak = ended ? 0 : peakKiB(run.child.pid);
  Deno.writeTextFileSync(go, "");
  const { code, stdout, stderr } = await run.finish();
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as RunReport;
  return { peak, report, home };
}

/** The outputs and log of `q` are what they were when every row was held. */
async function assertOutputs(report: RunReport, home: string): Promise<void> {
  const q = reportTask(report, "q");
  assert.equal(q.status, "success");
  assert.equal(q.outputs.row_count, String(ROWS));
  assert.deepEqual(JSON.parse(q.outputs.rows), FIRST_ROWS);
  const logs = await weft(["logs", report.id, "q"], { env: { WEFT_HOME: home } });
  assert.equal(logs.code, 0, logs.stderr);
  // The task's stderr lines come on stderr, its stdout lines (the rows kept) on stdout.
  assert.match(logs.stderr, new RegExp(`${ROWS} rows \\(${MAX_ROWS} kept in the rows output\\)`));
  const shown = logs.stdout.split("\n").filter((l) => l.includes('"pad"'));
  assert.equal(shown.length, MAX_ROWS);
}

Deno.test("weft run, SQLite: a query of 1.5 million rows keeps memory flat; outputs as before", async () => {
  const { peak, report, home } = await runHeld(
    "sqlite::memory:",
    `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT ${ROWS}) ` +
      `SELECT x, '${PAD}' AS pad FROM c`,
  );
  assert.ok(peak > 0 && peak < PEAK_KIB, `peak VmHWM ${peak} KiB for ${ROWS} rows`);
  await assertOutputs(report, home);
});

Deno.test("weft run, PostgreSQL 15: a query of 1.5 million rows keeps memory flat; outputs as before", async () => {
  const pg = await startPostgres();
  try {
    const { peak, report, home } = await runHeld(
      pg.url("postgres"),
      `SELECT x, '${PAD}' AS pad FROM generate_series(1, ${ROWS}) AS x`,
    );
    assert.ok(peak > 0 && peak < PEAK_KIB, `peak VmHWM ${peak} KiB for ${ROWS} rows`);
    await assertOutputs(report, home);
  } finally {
    await pg.stop();
  }
});

Deno.test("runQuery, SQLite: rows past the byte cap are counted, not kept, while stepping through", async () => {
  const result = await withSession(
    `sqlite:${join(testTempDir("rows-"), "big.db")}`,
    (session) =>
      runQuery(
        session,
        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c LIMIT 200) " +
          "SELECT i, printf('%.4000c', 'z') AS big FROM c",
      ),
  );
  assert.equal(result.rowCount, 200);
  const rows = JSON.parse(result.rows) as { i: number; big: string }[];
  assert.equal(rows.length, result.kept);
  assert.ok(result.kept > 0 && result.kept < 200, `${result.kept} kept`);
  assert.ok(new TextEncoder().encode(result.rows).length <= MAX_ROWS_BYTES);
  assert.deepEqual(rows.map((r) => r.i), Array.from({ length: result.kept }, (_, k) => k + 1));
  assert.equal(rows[0].big, "z".repeat(4000));
  assert.deepEqual(result.lines.map((l) => JSON.parse(l)), rows);
});
