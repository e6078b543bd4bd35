/**
 * src/store/resume_claim.ts through the real CLI: a run is resumed once — a second
 * `--resume` of it (later, or at the same time) is refused naming the resume, which is the
 * run to resume then; a claim left by a resume that never recorded its run does not block.
 * And (store/resume.ts) a changed workflow `environment` refuses the resume.
 * @module
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/resume_claim/deploy.yml", import.meta.url).pathname;

/** A failed run of the fixture (a copy in its own folder), and how to run weft there. */
async function failedRun() {
  const out = testTempDir();
  const file = `${out}/deploy.yml`;
  await Deno.copyFile(FIXTURE, file);
  const env = { WEFT_HOME: `${out}/home`, OUT: out };
  const run = (...args: string[]) => weft(["run", file, "--json", ...args], { env });
  const first = await run();
  assert.equal(first.code, 1, first.stderr);
  const id = (JSON.parse(first.stdout) as RunReport).id;
  const deploys = async () => (await Deno.readTextFile(`${out}/deploys`)).trim().split("\n");
  return { out, file, env, run, id, deploys };
}

Deno.test("--resume of a run already resumed is refused (exit 2) naming the resume; that one can be resumed", async () => {
  const { run, id, deploys } = await failedRun();
  const second = await run("--resume", id);
  assert.equal(second.code, 1, "deploy still fails");
  const secondId = (JSON.parse(second.stdout) as RunReport).id;
  const again = await run("--resume", id);
  assert.equal(again.code, 2);
  assert.match(
    again.stderr,
    new RegExp(`run ${id} was already resumed by run ${secondId} \\(failed\\)`),
  );
  assert.match(again.stderr, new RegExp(`--resume ${secondId}`));
  assert.equal((await deploys()).length, 2, "the refused resume ran nothing");
  const third = await run("--resume", secondId);
  assert.equal(third.code, 1, third.stderr);
  assert.equal((await deploys()).length, 3);
});

Deno.test("two --resume of one run started together: one runs, the other is refused (exit 2)", async () => {
  const { out, run, id, deploys } = await failedRun();
  await Deno.writeTextFile(`${out}/fixed`, "");
  const both = await Promise.all([run("--resume", id), run("--resume", id)]);
  assert.deepEqual(both.map((r) => r.code).sort(), [0, 2], both.map((r) => r.stderr).join("\n"));
  const refused = both.find((r) => r.code === 2)!;
  assert.match(
    refused.stderr,
    new RegExp(`run ${id} (was already resumed by run|is being resumed)`),
  );
  assert.equal((await deploys()).length, 2, "deploy ran again once");
  // Once it succeeded, nothing is left to resume.
  const later = await run("--resume", id);
  assert.equal(later.code, 2);
  assert.match(later.stderr, /\(success\)/);
});

Deno.test("a claim left by a resume whose process is gone, with no run recorded, does not block", async () => {
  const { out, run, id, env } = await failedRun();
  const dead = new Deno.Command("true").spawn();
  await dead.status;
  const claim = `${env.WEFT_HOME}/logs/${id}/resumed-by`;
  await Deno.mkdir(`${env.WEFT_HOME}/logs/${id}`, { recursive: true });
  await Deno.writeTextFile(claim, `${dead.pid} 1\n`);
  await Deno.writeTextFile(`${out}/fixed`, "");
  const resumed = await run("--resume", id);
  assert.equal(resumed.code, 0, resumed.stderr);
});

Deno.test("--resume refuses when the workflow's environment changed since the run (its kept task ran with the old one)", async () => {
  const { file, run, id } = await failedRun();
  await Deno.writeTextFile(
    file,
    (await Deno.readTextFile(file)).replace("TARGET: prod", "TARGET: staging"),
  );
  const resumed = await run("--resume", id);
  assert.equal(resumed.code, 2);
  assert.match(resumed.stderr, /task "a" changed since run .*environment or defaults/);
  // Put back, the resume goes on (and the refused one claimed nothing).
  await Deno.writeTextFile(
    file,
    (await Deno.readTextFile(file)).replace("TARGET: staging", "TARGET: prod"),
  );
  assert.equal((await run("--resume", id)).code, 1);
});
