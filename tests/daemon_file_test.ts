/**
 * The file_change trigger end to end through a real `weft daemon`: a burst of changes
 * to files matching `config.files` starts one run (debounced), which reads the changed
 * paths in its `changed_files` param; files that do not match start nothing.
 */
import assert from "node:assert/strict";
import { startDaemon, writeFlow } from "./_daemon.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("daemon file trigger: one debounced run per burst, the changed paths as a param", async () => {
  const dir = testTempDir("files-");
  Deno.mkdirSync(`${dir}/inbox`);
  writeFlow(
    dir,
    "watch.yml",
    `name: watch
trigger:
  type: file_change
  config:
    files: ["inbox/*.csv"]
    debounce: 0.3
params:
  changed_files: ""
tasks:
  - id: list
    type: shell
    command: printf '%s\\n' "\${params.changed_files}" "via \${trigger.type}"
`,
  );
  const daemon = startDaemon(["--dir", dir]);
  try {
    await daemon.waitFor(/daemon started/);
    await daemon.waitFor(/1 file watch/);
    Deno.writeTextFileSync(`${dir}/inbox/a.csv`, "1\n");
    Deno.writeTextFileSync(`${dir}/inbox/b.csv`, "2\n");
    Deno.writeTextFileSync(`${dir}/inbox/ignored.txt`, "3\n");
    const started = await daemon.waitFor(/run \S+ started \(file\)/);
    const runId = started.match(/run (\S+) started/)![1];
    await daemon.waitFor(new RegExp(`run ${runId} ended success`));
    const logs = await weft(["logs", runId], { env: { WEFT_HOME: daemon.home } });
    assert.match(logs.stdout, new RegExp(`${dir}/inbox/a\\.csv`));
    assert.match(logs.stdout, new RegExp(`${dir}/inbox/b\\.csv`));
    assert.doesNotMatch(logs.stdout, /ignored\.txt/);
    assert.match(logs.stdout, /via file/);
    assert.equal(daemon.count(/started \(file\)/), 1, "one run for the burst");

    const from = daemon.lines.length;
    Deno.writeTextFileSync(`${dir}/inbox/c.csv`, "4\n");
    const again = await daemon.waitFor(/run \S+ started \(file\)/, { from });
    const secondId = again.match(/run (\S+) started/)![1];
    await daemon.waitFor(new RegExp(`run ${secondId} ended success`));
    const second = await weft(["logs", secondId], { env: { WEFT_HOME: daemon.home } });
    assert.match(second.stdout, /inbox\/c\.csv/);
    assert.doesNotMatch(second.stdout, /a\.csv/);
    assert.equal(await daemon.stop(), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon file trigger: its folder deleted and recreated is watched again, and the log says so", async () => {
  const dir = testTempDir("files-");
  writeFlow(
    dir,
    "w.yml",
    `name: watcher
trigger: {type: file_change, config: {files: ["data/*.txt"], debounce: 200ms}}
tasks:
  - id: a
    command: echo changed
`,
  );
  // Missing at start: said, and watched once it is made.
  const daemon = startDaemon(["--dir", dir]);
  try {
    await daemon.waitFor(/daemon started/);
    await daemon.waitFor(/folder \S+\/data does not exist; it is watched once it is created/);
    Deno.mkdirSync(`${dir}/data`);
    Deno.writeTextFileSync(`${dir}/data/a.txt`, "x\n");
    await daemon.waitFor(/data exists now; watching it/);
    const first = await daemon.waitFor(/run \S+ started \(file\)/);
    await daemon.waitFor(new RegExp(`run ${first.match(/run (\S+)/)![1]} ended success`));

    // The tester's steps: rm -rf data; mkdir data; echo y > data/b.txt.
    let from = daemon.lines.length;
    Deno.removeSync(`${dir}/data`, { recursive: true });
    Deno.mkdirSync(`${dir}/data`);
    Deno.writeTextFileSync(`${dir}/data/b.txt`, "y\n");
    await daemon.waitFor(/data (went away|was replaced)/, { from });
    const back = await daemon.waitFor(
      /data (is back; watching it again|was replaced; watching the new one)/,
      { from },
    );
    // b.txt, made before the watch was armed again, still starts a run.
    from = daemon.lines.indexOf(back);
    const again = await daemon.waitFor(/run \S+ started \(file\)/, { from });
    await daemon.waitFor(new RegExp(`run ${again.match(/run (\S+)/)![1]} ended success`));
    const logs = await weft(["history", "--json"], { env: { WEFT_HOME: daemon.home } });
    assert.equal(logs.code, 0, logs.stderr);
    // And it keeps watching: a later file starts a run of its own.
    from = daemon.lines.length;
    Deno.writeTextFileSync(`${dir}/data/b2.txt`, "z\n");
    await daemon.waitFor(/file change in \S+: \d+ path\(s\) changed/, { from });
    await daemon.waitFor(/run \S+ started \(file\)/, { from });
    assert.equal(await daemon.stop(), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
});
