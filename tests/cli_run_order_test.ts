/**
 * The order of `weft run`'s progress lines under `max_parallel`: a task's end is shown
 * before the task that takes its slot starts (engine/leaf.ts, Node.holdsSlot), so the
 * lines never suggest more tasks at once than the limit allows.
 */
import assert from "node:assert/strict";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("weft run: with max_parallel 1, each task's end is shown before the next one starts", async () => {
  const dir = testTempDir();
  const file = `${dir}/one.yml`;
  Deno.writeTextFileSync(
    file,
    [
      "name: one-at-a-time",
      "max_parallel: 1",
      "tasks:",
      "  - id: a",
      "    command: echo n=1 >> $WEFT_OUTPUT",
      "  - id: b",
      "    command: 'true'",
      "  - id: c",
      "    command: 'true'",
      "",
    ].join("\n"),
  );
  const { code, stdout, stderr } = await weft(["run", file]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "");
  const steps = stderr.split("\n").flatMap((line) => {
    const m = line.match(/^\d\d:\d\d:\d\d [▶✔] (\w+) (started|success)/);
    return m ? [`${m[1]} ${m[2]}`] : [];
  });
  assert.deepEqual(steps, [
    "a started",
    "a success",
    "b started",
    "b success",
    "c started",
    "c success",
  ]);
});

Deno.test("weft run: with max_parallel 1, a composite's end is shown before the next task starts", async () => {
  const dir = testTempDir();
  const file = `${dir}/composites.yml`;
  Deno.writeTextFileSync(
    file,
    [
      "name: composites-one-at-a-time",
      "max_parallel: 1",
      "tasks:",
      "  - id: p",
      "    type: parallel",
      "    tasks:",
      "      - id: p1",
      "        command: 'true'",
      "  - id: x",
      "    command: 'true'",
      "    depends_on: [p]",
      "  - id: l",
      "    type: loop",
      "    items: [a]",
      "    depends_on: [x]",
      "    task:",
      "      command: 'true'",
      "  - id: c",
      "    type: conditional",
      "    condition: 1 == 1",
      "    depends_on: [x]",
      "    then:",
      "      command: 'true'",
      "",
    ].join("\n"),
  );
  const { code, stderr } = await weft(["run", file]);
  assert.equal(code, 0, stderr);
  const steps = stderr.split("\n").flatMap((line) => {
    const m = line.match(/^\d\d:\d\d:\d\d [▶✔] ([\w\[\]]+) (started|success)/);
    return m ? [`${m[1]} ${m[2]}`] : [];
  });
  const at = (step: string) => {
    const i = steps.indexOf(step);
    assert.ok(i !== -1, `${step} in ${steps.join(", ")}`);
    return i;
  };
  assert.ok(at("p success") < at("x started"), steps.join(", "));
  // l and c become ready together: whichever runs first ends before the other's work starts.
  const [first, second] = at("l success") < at("c success") ? ["l[a]", "c"] : ["c", "l[a]"];
  const firstEnd = first === "c" ? "c success" : "l success";
  assert.ok(at(firstEnd) < at(`${second} started`), steps.join(", "));
});

Deno.test("weft run: a `parallel: false` task's retry back-off lets unrelated tasks run; its retry then waits for them", async () => {
  const dir = testTempDir();
  const file = `${dir}/alone.yml`;
  // `flaky` fails once and retries after 1s. `b` and `c` do not depend on it: they run
  // in its back-off. `b` outlasts the back-off; the retry runs alone, so only after b
  // has ended, which it checks (it fails when b-done is missing).
  Deno.writeTextFileSync(
    file,
    [
      "name: alone-back-off",
      "max_parallel: 4",
      "tasks:",
      "  - id: flaky",
      "    parallel: false",
      "    retry: {attempts: 2, delay: 1s}",
      `    command: 'if [ "$WEFT_ATTEMPT" = 1 ]; then exit 1; fi; test -f b-done && test -f c-done'`,
      "  - id: b",
      "    command: 'sleep 2 && touch b-done'",
      "  - id: c",
      "    command: 'touch c-done'",
      "",
    ].join("\n"),
  );
  const { code, stdout, stderr } = await weft(["run", file, "--json"], { cwd: dir });
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout);
  for (const id of ["flaky", "b", "c"]) assert.equal(reportTask(report, id).status, "success", id);
  assert.equal(reportTask(report, "flaky").attempts, 2);
  const steps = stderr.split("\n").flatMap((line) => {
    const m = line.match(/^\d\d:\d\d:\d\d [▶✔↻] (\w+) (started|success|failed)/);
    return m ? [`${m[1]} ${m[2]}`] : [];
  });
  // b and c start in the back-off, and flaky's second attempt after b's end.
  assert.ok(steps.indexOf("b started") < steps.indexOf("flaky success"), steps.join(", "));
  assert.ok(steps.lastIndexOf("flaky started") > steps.indexOf("b success"), steps.join(", "));
});
