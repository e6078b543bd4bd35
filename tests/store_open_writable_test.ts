/**
 * A history database weft cannot write (store/open.ts): SQLite would open it read-only
 * without a word and fail at the first record, after the run's tasks had started. `weft
 * run` refuses before anything runs (exit 2, naming the file), `self-check` says so, the
 * reading verbs still read it, and weft never gives the file back a write bit the user
 * took away. As root the file is made immutable (`chattr +i`); as another user, 0444.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const ROOT = Deno.uid() === 0;

async function setImmutable(file: string, on: boolean): Promise<void> {
  if (!ROOT) return Deno.chmodSync(file, on ? 0o444 : 0o600);
  const r = await new Deno.Command("chattr", { args: [on ? "+i" : "-i", file] }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
}

Deno.test("a history database weft cannot write: run refuses before any task, self-check says so", async () => {
  const dir = testTempDir("ro-kv-");
  const home = `${dir}/home`;
  const marker = `${dir}/ran`;
  const flow = `${dir}/side.yml`;
  Deno.writeTextFileSync(flow, `name: side\ntasks:\n  - id: a\n    command: touch ${marker}\n`);
  const env = { WEFT_HOME: home };
  const first = await weft(["run", "-q", flow], { env });
  assert.equal(first.code, 0, first.stderr);
  Deno.removeSync(marker);
  const kv = `${home}/weft.kv`;
  await setImmutable(kv, true);
  try {
    const run = await weft(["run", "-q", flow], { env });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`${kv}: cannot write the history database: `));
    assert.match(run.stderr, /hint: /);
    assert.throws(() => Deno.statSync(marker), Deno.errors.NotFound, "no task ran");
    const check = await weft(["self-check", "--json"], { env });
    assert.equal(check.code, 1, check.stderr);
    const report = JSON.parse(check.stdout);
    assert.equal(report.store.writable, false);
    assert.match(report.store.error, /weft\.kv/);
    const history = await weft(["history", "--json"], { env });
    assert.equal(history.code, 0, history.stderr);
    assert.equal(JSON.parse(history.stdout).length, 1, "the recorded run is still read");
  } finally {
    await setImmutable(kv, false);
  }
});

Deno.test("opening the history takes the group's and others' bits away and adds none", async () => {
  const home = testTempDir("kv-mode-");
  const env = { WEFT_HOME: home };
  const flow = `${home}/ok.yml`;
  Deno.writeTextFileSync(flow, "name: ok\ntasks:\n  - id: a\n    command: 'true'\n");
  assert.equal((await weft(["run", "-q", flow], { env })).code, 0);
  const kv = `${home}/weft.kv`;
  Deno.chmodSync(kv, 0o644);
  assert.equal((await weft(["run", "-q", flow], { env })).code, 0);
  assert.equal(Deno.statSync(kv).mode! & 0o777, 0o600);
  if (ROOT) {
    // Root may write a 0444 file: it is used, made private, and stays read-only.
    Deno.chmodSync(kv, 0o444);
    assert.equal((await weft(["run", "-q", flow], { env })).code, 0);
    assert.equal(Deno.statSync(kv).mode! & 0o777, 0o400);
  }
});

Deno.test("a folder in place of SQLite's side files: history and run say so, Deno KV never panics", async () => {
  for (const side of ["weft.kv-shm", "weft.kv-wal"]) {
    const home = testTempDir("kv-side-");
    const env = { WEFT_HOME: home };
    const flow = `${home}/ok.yml`;
    Deno.writeTextFileSync(flow, "name: ok\ntasks:\n  - id: a\n    command: 'true'\n");
    assert.equal((await weft(["run", "-q", flow], { env })).code, 0);
    // A clean close leaves no side files; a crash may leave them: either way, a folder.
    Deno.mkdirSync(`${home}/${side}`);
    const history = await weft(["history"], { env });
    assert.equal(history.code, 2, history.stderr);
    assert.equal(
      history.stderr.split("\n")[0],
      `${home}/${side}: is a folder, not a regular file`,
    );
    const run = await weft(["run", "-q", flow], { env });
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stderr.split("\n")[0], `${home}/${side}: is a folder, not a regular file`);
    assert.doesNotMatch(history.stderr + run.stderr, /panicked|Stack backtrace/);
  }
});

Deno.test("weft.kv a FIFO or a device: every verb says what it is, exit 2, never waits", async () => {
  for (const make of ["fifo", "device"]) {
    const home = testTempDir("kv-kind-");
    const env = { WEFT_HOME: home };
    const flow = `${home}/ok.yml`;
    Deno.writeTextFileSync(flow, "name: ok\ntasks:\n  - id: a\n    command: 'true'\n");
    if (make === "fifo") {
      const r = await new Deno.Command("mkfifo", { args: [`${home}/weft.kv`] }).output();
      assert.equal(r.code, 0);
    } else Deno.symlinkSync("/dev/zero", `${home}/weft.kv`);
    const kind = make === "fifo" ? "a named pipe \\(FIFO\\)" : "a character device";
    for (
      const verb of [["history"], ["status"], ["run", "-q", flow], [
        "history",
        "prune",
        "--keep-runs",
        "1",
      ]]
    ) {
      const r = await weft(verb, { env });
      assert.equal(r.code, 2, `${verb.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^${home}/weft.kv: is ${kind}, not a regular file\n`));
    }
  }
});
