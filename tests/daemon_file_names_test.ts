/**
 * The file_change trigger's list of changed paths through a real `weft daemon`
 * (src/schedule/daemon_trigger_fire.ts, daemon_watch.ts): a name holding a line break is
 * never split into two paths of `changed_files` (it is left out, and the log says so),
 * `changed_files_json` lists every path whole, and a burst of thousands of files is
 * handed on whole although Deno's watcher drops most of their events.
 */
import assert from "node:assert/strict";
import { startDaemon, writeFlow } from "./_daemon.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("daemon file trigger: a path holding a line break is not split into two paths", async () => {
  const dir = testTempDir("names-");
  Deno.mkdirSync(`${dir}/uploads`);
  writeFlow(
    dir,
    "ingest.yml",
    `name: ingest
params:
  changed_files: { default: "" }
  changed_files_json: { default: "" }
trigger: {type: file_change, config: {files: "uploads", debounce: 300ms}}
tasks:
  - id: lines
    command: printf '%s\\n' "\${params.changed_files}" | while IFS= read -r f; do echo "line [$f]"; done
  - id: json
    type: javascript
    code: |
      for (const p of JSON.parse(params.changed_files_json)) console.log("json " + JSON.stringify(p));
`,
  );
  const daemon = startDaemon(["--dir", dir]);
  try {
    await daemon.waitFor(/daemon started/);
    await daemon.waitFor(/1 file watch/);
    const odd = `${dir}/uploads/x\n/etc/cron.d/job.csv`;
    Deno.mkdirSync(`${dir}/uploads/x\n/etc/cron.d`, { recursive: true });
    Deno.writeTextFileSync(odd, "data\n");
    Deno.writeTextFileSync(`${dir}/uploads/ok.csv`, "ok\n");
    const said = await daemon.waitFor(/path\(s\) hold a line break/);
    assert.match(said, /left out of changed_files, which has one path per line/);
    assert.match(said, /\\n/, "the name is quoted on one log line");
    const started = await daemon.waitFor(/run \S+ started \(file\)/);
    const runId = started.match(/run (\S+) started/)![1];
    await daemon.waitFor(new RegExp(`run ${runId} ended`));
    const env = { WEFT_HOME: daemon.home };
    const lines = await weft(["logs", runId, "lines"], { env });
    assert.match(lines.stdout, /line \[\S+\/uploads\/ok\.csv\]/);
    assert.doesNotMatch(lines.stdout, /\/etc\/cron\.d/, "no path outside uploads/");
    const json = await weft(["logs", runId, "json"], { env });
    assert.ok(json.stdout.includes(`json ${JSON.stringify(odd)}`), json.stdout + json.stderr);
    assert.ok(json.stdout.includes(`json ${JSON.stringify(`${dir}/uploads/ok.csv`)}`));
    assert.equal(await daemon.stop(), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon file trigger: thousands of files changed at once are all handed on", async () => {
  const dir = testTempDir("burst-");
  Deno.mkdirSync(`${dir}/in`);
  writeFlow(
    dir,
    "batch.yml",
    `name: batch
trigger: {type: file_change, config: {files: "in/*.txt", debounce: 1s}}
tasks:
  - id: a
    command: "true"
`,
  );
  const total = 3000;
  const daemon = startDaemon(["--dir", dir]);
  try {
    await daemon.waitFor(/daemon started/);
    await daemon.waitFor(/1 file watch/);
    // Made as fast as a shell can (one `touch`): Deno's watcher queue overflows.
    const made = await new Deno.Command("bash", {
      args: ["-c", `cd "$1" && touch f{1..${total}}.txt`, "bash", `${dir}/in`],
    }).output();
    assert.equal(made.code, 0);
    // Every path is counted once across the bursts' log lines (one burst, usually).
    const counted = () =>
      daemon.lines.map((l) => l.match(/file change in \S+: (\d+) path\(s\) changed/))
        .reduce((sum, m) => sum + (m ? Number(m[1]) : 0), 0);
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (counted() >= total) return resolve();
        daemon.waitFor(/path\(s\) changed/, { from: daemon.lines.length, timeoutMs: 20_000 })
          .then(
            check,
            () => reject(new Error(`only ${counted()} of ${total}:\n${daemon.lines.join("\n")}`)),
          );
      };
      check();
    });
    assert.equal(counted(), total, "no path twice");
    assert.equal(await daemon.stop(), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
});
