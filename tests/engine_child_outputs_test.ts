/**
 * A child run's outputs reach its calling task's dependents as they were made
 * (src/engine/child.ts, RunHandle.taskOutputs), as `${tasks.X.outputs.Y}` does within
 * one run, through the real CLI; a secret of the child in them stays masked in what the
 * parent prints and stores, and is written nowhere under WEFT_HOME.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

async function holding(dir: string, text: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) found.push(...await holding(path, text));
    else if (entry.isFile) {
      if (new TextDecoder("latin1").decode(await Deno.readFile(path)).includes(text)) {
        found.push(path);
      }
    }
  }
  return found;
}

Deno.test("child outputs: the caller's next task gets the real value; it is masked where shown or stored", async () => {
  const dir = testTempDir("child-outputs-");
  await Deno.writeTextFile(
    `${dir}/c.yml`,
    [
      "name: child",
      "secrets: [DBPASS]",
      "environment:",
      "  DBPASS: childLiteralPw9",
      "tasks:",
      "  - id: t",
      '    command: echo "conn=db://u:$DBPASS@h" >> "$WEFT_OUTPUT"',
    ].join("\n") + "\n",
  );
  const seen = `${dir}/seen.txt`;
  await Deno.writeTextFile(
    `${dir}/p.yml`,
    [
      "name: parent",
      "tasks:",
      "  - id: call",
      "    type: workflow",
      "    file: c.yml",
      "  - id: after",
      "    depends_on: call",
      `    command: printf '%s' "\${tasks.call.outputs.conn}" > '${seen}'; echo "got \${tasks.call.outputs.conn}"`,
    ].join("\n") + "\n",
  );
  const home = testTempDir("home-");
  const run = await weft(["run", `${dir}/p.yml`, "-v", "--json"], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(await Deno.readTextFile(seen), "db://u:childLiteralPw9@h");
  const report = JSON.parse(run.stdout) as RunReport;
  assert.equal(reportTask(report, "call").outputs.conn, "db://u:***@h");
  assert.ok(run.stderr.includes("[after] got db://u:***@h"), run.stderr);
  const status = await weft(["status", report.id, "--json"], { env: { WEFT_HOME: home } });
  assert.ok(status.stdout.includes('"conn": "db://u:***@h"'), status.stdout);
  assert.deepEqual(await holding(home, "childLiteralPw9"), []);
});
