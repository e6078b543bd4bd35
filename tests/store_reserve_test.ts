/**
 * Weft never writes, truncates or chmods through a symbolic link among its own files in
 * WEFT_HOME (tester15 F4): a `weft.reserve` that is a link (or a folder) refuses the run
 * in words, leaving what it points to as it was; so does a `schedule-secrets` link for a
 * schedule with secret params; a `weft.kv` link's target is not chmod'ed. The reserve weft
 * makes itself is a private regular file of its full size.
 */
import assert from "node:assert/strict";
import { RESERVE_BYTES } from "../src/store/reserve.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FLOW = "name: ok\ntasks:\n  - id: a\n    command: 'true'\n";

/** A home with a workflow file beside it; returns [home, flow, outside folder]. */
function setup(): [string, string, string] {
  const dir = testTempDir("reserve-");
  Deno.mkdirSync(`${dir}/home`);
  Deno.mkdirSync(`${dir}/outside`, { mode: 0o755 });
  Deno.chmodSync(`${dir}/outside`, 0o755);
  Deno.writeTextFileSync(`${dir}/ok.yml`, FLOW);
  return [`${dir}/home`, `${dir}/ok.yml`, `${dir}/outside`];
}

Deno.test("weft run makes weft.reserve itself: private, full size, no temporary left", async () => {
  const [home, flow] = setup();
  const r = await weft(["run", "-q", flow], { env: { WEFT_HOME: home } });
  assert.equal(r.code, 0, r.stderr);
  const info = Deno.lstatSync(`${home}/weft.reserve`);
  assert.deepEqual([info.isFile, info.size, info.mode! & 0o777], [true, RESERVE_BYTES, 0o600]);
  assert.deepEqual([...Deno.readDirSync(home)].filter((e) => e.name.includes(".tmp")), []);
});

Deno.test("a weft.reserve link or folder: the run is refused, the target left as it was", async () => {
  for (const kind of ["link to a file", "dangling link", "folder"]) {
    const [home, flow, outside] = setup();
    const notes = `${outside}/notes.txt`;
    Deno.writeTextFileSync(notes, "my notes\n");
    Deno.chmodSync(notes, 0o644);
    if (kind === "link to a file") Deno.symlinkSync(notes, `${home}/weft.reserve`);
    else if (kind === "dangling link") Deno.symlinkSync(`${outside}/new`, `${home}/weft.reserve`);
    else Deno.mkdirSync(`${home}/weft.reserve`);
    const r = await weft(["run", "-q", flow], { env: { WEFT_HOME: home } });
    assert.equal(r.code, 2, `${kind}: ${r.stderr}`);
    const what = kind === "folder" ? "is a folder, not a regular file" : "is a symbolic link";
    assert.match(r.stderr, new RegExp(`^${home}/weft.reserve: ${what}`), kind);
    assert.equal(Deno.readTextFileSync(notes), "my notes\n", kind);
    assert.equal(Deno.statSync(notes).mode! & 0o777, 0o644, kind);
    assert.throws(() => Deno.lstatSync(`${outside}/new`), Deno.errors.NotFound, kind);
  }
});

Deno.test("links in WEFT_HOME: a schedule-secrets link is refused; weft.kv's target keeps its mode", async () => {
  const [home, flow, outside] = setup();
  Deno.symlinkSync(outside, `${home}/schedule-secrets`);
  const env = { WEFT_HOME: home };
  assert.equal((await weft(["run", "-q", flow], { env })).code, 0);
  const flowWithParam = flow.replace("ok.yml", "sw.yml");
  Deno.writeTextFileSync(
    flowWithParam,
    'name: sw\nparams:\n  api_token: {default: "x"}\ntasks:\n  - id: a\n    command: "true"\n',
  );
  const added = await weft(
    ["schedule", "add", flowWithParam, "--cron", "0 3 * * *", "-p", "api_token=s3cr3t-value-1"],
    { env },
  );
  // Refused as weft.reserve is (verifier N8): nothing written where the link points.
  assert.equal(added.code, 2, added.stderr);
  assert.match(added.stderr, /schedule-secrets: is a symbolic link; weft does not follow links/);
  assert.equal(Deno.statSync(outside).mode! & 0o777, 0o755, "the linked folder is not chmod'ed");
  assert.deepEqual([...Deno.readDirSync(outside)].filter((e) => e.name.endsWith(".json")), []);

  // weft.kv moved out and linked back: used, but its target's mode is not changed.
  Deno.renameSync(`${home}/weft.kv`, `${outside}/weft.kv`);
  Deno.chmodSync(`${outside}/weft.kv`, 0o644);
  Deno.symlinkSync(`${outside}/weft.kv`, `${home}/weft.kv`);
  const again = await weft(["run", "-q", flow], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(Deno.statSync(`${outside}/weft.kv`).mode! & 0o777, 0o644);
});
