/**
 * A data_processor's output (tasks/data_processor_output.ts, write_target.ts): it is put
 * only in place of nothing, a file or the file a link points to — a FIFO, a device, a
 * folder or a link to one fails the task and is left as it was — and the output is never
 * one of its own inputs, whichever path reaches it (a linked folder, a link to it).
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask as task, weft } from "./_run_cli.ts";
import { testTempCopy } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/data_processor_output/", import.meta.url).pathname;
const ROOT = Deno.uid() === 0;

function mkfifo(path: string): void {
  const made = new Deno.Command("mkfifo", { args: [path] }).outputSync();
  assert.ok(made.success, new TextDecoder().decode(made.stderr));
}

Deno.test("data_processor: a FIFO, device, folder or link to one at output.path fails the task, left as it was", async () => {
  const dir = testTempCopy(FIXTURES, "dp-out-");
  const out = `${dir}/out`;
  Deno.mkdirSync(out);
  mkfifo(`${out}/fifo`);
  mkfifo(`${dir}/pipe`);
  Deno.symlinkSync("../pipe", `${out}/link-to-fifo`);
  Deno.mkdirSync(`${out}/folder`);
  Deno.symlinkSync("nowhere", `${out}/dangling`);
  Deno.writeTextFileSync(`${dir}/real.txt`, "old\n");
  Deno.chmodSync(`${dir}/real.txt`, 0o640);
  Deno.symlinkSync("../real.txt", `${out}/link-to-file`);
  // A device node of our own (never one of /dev): the same numbers as /dev/null.
  if (ROOT) {
    const made = new Deno.Command("mknod", { args: [`${out}/device`, "c", "1", "3"] })
      .outputSync();
    assert.ok(made.success, new TextDecoder().decode(made.stderr));
  }
  const run = await weft(["run", `${dir}/targets.yml`, "--json"]);
  assert.equal(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as RunReport;
  const refused = (id: string, what: RegExp) => {
    const t = task(report, id);
    assert.equal(t.status, "failed", id);
    assert.match(t.error ?? "", what, id);
    assert.match(t.error ?? "", /, not a file: weft puts the output only in place of a file/);
  };
  refused("fifo", new RegExp(`^output ${out}/fifo is a named pipe \\(FIFO\\)`));
  refused("link-to-fifo", /link-to-fifo is a symbolic link to \.\.\/pipe, a named pipe \(FIFO\)/);
  refused("folder", /out\/folder is a folder, not a file/);
  refused("dangling", /dangling is a symbolic link to nowhere, where nothing is/);
  refused("made-by-processor", /out\/late is a named pipe \(FIFO\)/);
  assert.ok(Deno.lstatSync(`${out}/fifo`).isFifo);
  assert.ok(Deno.lstatSync(`${dir}/pipe`).isFifo);
  assert.ok(Deno.lstatSync(`${out}/link-to-fifo`).isSymlink);
  assert.ok(Deno.lstatSync(`${out}/folder`).isDirectory);
  assert.ok(Deno.lstatSync(`${out}/dangling`).isSymlink);
  assert.ok(Deno.lstatSync(`${out}/late`).isFifo);
  if (ROOT) {
    refused("device", /out\/device is a character device/);
    assert.ok(Deno.lstatSync(`${out}/device`).isCharDevice);
  } else {
    assert.equal(task(report, "device").status, "success");
  }
  // A link to a file is written through, as `cp` does: the link stays, the file has the text.
  assert.equal(task(report, "link-to-file").status, "success");
  assert.ok(Deno.lstatSync(`${out}/link-to-file`).isSymlink);
  assert.equal(Deno.readTextFileSync(`${dir}/real.txt`), "one\n");
  // No temporary file is left beside any of them.
  const left = [dir, out].flatMap((d) => [...Deno.readDirSync(d)].map((e) => e.name));
  assert.deepEqual(left.filter((name) => name.includes(".weft-")), []);
});

Deno.test("data_processor: an output reached through a linked folder or a link is never its own input", async () => {
  const dir = testTempCopy(FIXTURES, "dp-self-");
  Deno.symlinkSync("d1", `${dir}/l1`);
  Deno.symlinkSync("d2", `${dir}/l2`);
  Deno.writeTextFileSync(`${dir}/d1/m.txt`, "an older output\n");
  Deno.symlinkSync("m.txt", `${dir}/d1/alias.txt`);
  for (let i = 0; i < 2; i++) {
    const run = await weft(["run", `${dir}/self.yml`, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    // The output through l1/ (input d1/), its alias link, and d2/r.txt seen as l2/r.txt.
    assert.equal(Deno.readTextFileSync(`${dir}/d1/m.txt`), "a.txt\n", `run ${i + 1}`);
    assert.equal(Deno.readTextFileSync(`${dir}/d2/r.txt`), "b.txt\n", `run ${i + 1}`);
  }
  assert.ok(Deno.lstatSync(`${dir}/l1`).isSymlink);
});
