import assert from "node:assert/strict";
import { startRun } from "../src/engine/mod.ts";
import { type EngineEvent, pendingTaskRecord, type TaskRecord } from "../src/engine/events.ts";
import { WeftError } from "../src/model/errors.ts";
import { DenoSpawner } from "../src/tasks/spawner.ts";
import { shellRunner } from "../src/tasks/shell.ts";
import { parseWorkflow, runTest } from "./_engine.ts";
import { testTempDir } from "./_tmp.ts";

const sh = (id: string, command: string, more: Record<string, unknown> = {}) => ({
  id,
  command,
  ...more,
});

/** Lines of a log file the tasks append to. */
async function logLines(path: string): Promise<string[]> {
  return (await Deno.readTextFile(path)).split("\n").filter((l) => l !== "");
}

Deno.test("engine: tasks run after their dependencies, in dependency order", async () => {
  const r = await runTest({
    name: "order",
    tasks: [
      sh("d", "echo d >> log", { depends_on: ["b", "c"] }),
      sh("a", "echo a >> log"),
      sh("b", "echo b >> log", { depends_on: ["a"] }),
      sh("c", "echo c >> log", { depends_on: ["a"] }),
      sh("e", "echo e >> log", { depends_on: ["d"] }),
    ],
  });
  assert.equal(r.report.status, "success");
  const log = await logLines(`${r.dir}/log`);
  const at = (id: string) => log.indexOf(id);
  assert.equal(log.length, 5);
  assert.ok(at("a") < at("b") && at("a") < at("c"));
  assert.ok(at("b") < at("d") && at("c") < at("d") && at("d") < at("e"));
  assert.deepEqual(r.report.tasks.map((t) => t.id), ["d", "a", "b", "c", "e"]);
});

// Each task marks itself running, records what it sees running, then unmarks itself.
const MEASURE =
  'mkdir -p run; touch "run/$WEFT_TASK_ID"; echo "$WEFT_TASK_ID $(ls run | tr "\\n" " ")" >> seen; ' +
  'sleep 0.05; rm "run/$WEFT_TASK_ID"';

Deno.test("engine: at most max_parallel tasks run at once", async () => {
  for (const limit of [1, 3]) {
    const tasks = Array.from({ length: 12 }, (_, i) => sh(`t${i}`, MEASURE));
    const r = await runTest({ name: "limit", tasks }, { maxParallel: limit });
    assert.equal(r.report.status, "success");
    const seen = await logLines(`${r.dir}/seen`);
    assert.equal(seen.length, 12);
    for (const line of seen) {
      const running = line.trim().split(" ").length - 1;
      assert.ok(running <= limit, `${running} running with limit ${limit}: ${line}`);
    }
  }
});

Deno.test("engine: the workflow's max_parallel applies when no flag is given", async () => {
  const tasks = Array.from({ length: 6 }, (_, i) => sh(`t${i}`, MEASURE));
  const r = await runTest({ name: "wf-limit", max_parallel: 1, tasks });
  for (const line of await logLines(`${r.dir}/seen`)) {
    assert.equal(line.trim().split(" ").length, 2, line);
  }
});

Deno.test("engine: independent tasks do run at the same time", async () => {
  // Each waits for the other's marker: this only ends if both run at once.
  const r = await runTest({
    name: "together",
    tasks: [
      sh("a", "touch a.up; while [ ! -f b.up ]; do sleep 0.01; done", { timeout: "20s" }),
      sh("b", "touch b.up; while [ ! -f a.up ]; do sleep 0.01; done", { timeout: "20s" }),
    ],
  }, { maxParallel: 2 });
  assert.equal(r.report.status, "success");
});

Deno.test("engine: a `parallel: false` task runs with nothing else", async () => {
  const tasks = [
    ...Array.from({ length: 4 }, (_, i) => sh(`before${i}`, MEASURE)),
    sh("solo", MEASURE, { parallel: false }),
    ...Array.from({ length: 4 }, (_, i) => sh(`after${i}`, MEASURE)),
  ];
  const r = await runTest({ name: "alone", tasks }, { maxParallel: 4 });
  assert.equal(r.report.status, "success");
  const seen = await logLines(`${r.dir}/seen`);
  assert.equal(seen.length, 9);
  for (const line of seen) {
    const [who, ...running] = line.trim().split(" ");
    if (who === "solo") assert.deepEqual(running, ["solo"]);
    else assert.ok(!running.includes("solo"), line);
  }
});

Deno.test("engine: condition false → skipped (condition), and dependents still run", async () => {
  const r = await runTest({
    name: "cond",
    environment: { SKIP_TESTS: "true" },
    tasks: [
      sh("build", "echo built"),
      sh("test", "echo tested", {
        depends_on: ["build"],
        condition: "${env.SKIP_TESTS} != 'true'",
      }),
      sh("deploy", "echo deployed", { depends_on: ["test"] }),
      sh("check", "echo checked", {
        depends_on: ["build"],
        condition: "${tasks.build.exit_code} == 0 && ${tasks.build.stdout} == 'built'",
      }),
    ],
  });
  assert.equal(r.report.status, "success");
  assert.equal(r.task("test").status, "skipped");
  assert.equal(r.task("test").reason, "condition");
  assert.equal(r.task("deploy").status, "success");
  assert.equal(r.task("check").status, "success");
  assert.deepEqual(r.lines("test"), []);
});

Deno.test("engine: a condition sees the task's own environment", async () => {
  const r = await runTest({
    name: "cond-env",
    environment: { MODE: "workflow" },
    tasks: [sh("a", "true", { environment: { MODE: "task" }, condition: "${env.MODE} == 'task'" })],
  });
  assert.equal(r.task("a").status, "success");
});

Deno.test("engine: failure skips dependents transitively (upstream); others go on", async () => {
  const r = await runTest({
    name: "upstream",
    tasks: [
      sh("a", "exit 4"),
      sh("b", "echo b", { depends_on: ["a"] }),
      sh("c", "echo c", { depends_on: ["b"] }),
      sh("x", "echo x"),
      sh("y", "echo y", { depends_on: ["x"] }),
    ],
  });
  assert.equal(r.report.status, "failed");
  assert.deepEqual(
    ["a", "b", "c", "x", "y"].map((id) => [r.task(id).status, r.task(id).reason]),
    [["failed", "exit_code"], ["skipped", "upstream"], ["skipped", "upstream"], ["success", null], [
      "success",
      null,
    ]],
  );
  assert.equal(r.task("a").exitCode, 4);
  assert.equal(r.task("b").attempts, 0);
});

Deno.test("engine: continue_on_error keeps the run green and lets dependents run", async () => {
  const r = await runTest({
    name: "coe",
    tasks: [
      sh("flaky", "exit 1", { continue_on_error: true }),
      sh("next", "echo ${tasks.flaky.status}", { depends_on: ["flaky"] }),
    ],
  });
  assert.equal(r.report.status, "success");
  assert.equal(r.task("flaky").status, "failed");
  assert.equal(r.task("next").status, "success");
  assert.deepEqual(r.lines("next"), ["failed"]);
});

Deno.test("engine: workflow defaults apply where the task sets nothing", async () => {
  const r = await runTest({
    name: "defaults",
    defaults: {
      continue_on_error: true,
      shell: "bash",
      cwd: "sub",
      environment: { FROM: "defaults", KEEP: "defaults" },
    },
    tasks: [
      sh("a", "echo $(basename $0) $(basename $PWD) $FROM $KEEP; exit 1", {
        environment: { FROM: "task" },
      }),
      sh("b", "echo $0", { depends_on: ["a"], shell: "sh", continue_on_error: false }),
    ],
  }, { dir: await makeDirWith("sub") });
  assert.deepEqual(r.lines("a"), ["bash sub task defaults"]);
  assert.equal(r.task("a").status, "failed");
  assert.equal(r.report.status, "success");
  assert.match(r.lines("b")[0], /(^|\/)sh$/);
});

async function makeDirWith(sub: string): Promise<string> {
  const dir = testTempDir();
  await Deno.mkdir(`${dir}/${sub}`);
  return dir;
}

Deno.test("engine: env precedence process < --env < workflow < task, plus WEFT_* variables", async () => {
  const r = await runTest({
    name: "env-wf",
    environment: { W: "workflow", T: "workflow", DERIVED: "${env.P}-${params.who}" },
    params: { who: "me" },
    tasks: [
      sh(
        "a",
        'echo "$P $E $W $T $DERIVED"; echo "$WEFT_RUN_ID $WEFT_TASK_ID $WEFT_ATTEMPT $WEFT_WORKFLOW"; ' +
          'echo "$WEFT_OUTPUT"',
        { environment: { T: "task", E: "task-${env.E}" } },
      ),
    ],
  }, {
    baseEnv: { PATH: Deno.env.get("PATH")!, P: "process", E: "process", W: "process" },
    extraEnv: { E: "extra" },
    runId: "RUN1",
  });
  const [values, ids, outputFile] = r.lines("a");
  assert.equal(values, "process task-extra workflow task process-me");
  assert.equal(ids, "RUN1 a 1 env-wf");
  assert.ok(outputFile.endsWith(".out"));
});

Deno.test("engine: an environment block reads the names above it, in order, over the layers below", async () => {
  const r = await runTest({
    name: "env-chain",
    environment: {
      REGISTRY: "registry.example.org/team",
      IMAGE: "${env.REGISTRY}/app",
      PATH_LIKE: "${env.PATH_LIKE}:/opt/bin", // itself: the layer below (the process)
    },
    defaults: {
      environment: { STAGE: "${env.IMAGE}:stage", SHADOW: "defaults" },
    },
    tasks: [
      sh("a", 'echo "$IMAGE|$PATH_LIKE|$STAGE|$TAG|$REF|$SHADOW|$SEEN"', {
        environment: {
          MAJOR: "2",
          TAG: "v${env.MAJOR}.0",
          REF: "${env.STAGE}@${env.TAG}",
          SHADOW: "task",
          SEEN: "${env.SHADOW}", // the task's SHADOW, set above
        },
        condition: "${env.TAG} == 'v2.0'",
      }),
    ],
  }, { baseEnv: { PATH: Deno.env.get("PATH")!, PATH_LIKE: "/usr/bin" } });
  assert.equal(r.task("a").status, "success");
  assert.deepEqual(r.lines("a"), [
    "registry.example.org/team/app|/usr/bin:/opt/bin|registry.example.org/team/app:stage|v2.0|" +
    "registry.example.org/team/app:stage@v2.0|task|task",
  ]);
});

Deno.test("engine: defaults.environment is its own layer under the task's block", async () => {
  // The task's A overrides the default A, but the default B was resolved from the
  // default A: each block is resolved over the ones below it, never over one above.
  const r = await runTest({
    name: "env-layers",
    defaults: { environment: { A: "default", B: "b-${env.A}" } },
    tasks: [sh("a", 'echo "$A $B $C"', { environment: { A: "task", C: "c-${env.A}" } })],
  });
  assert.deepEqual(r.lines("a"), ["task b-default c-task"]);
});

Deno.test("engine: cwd defaults to the workflow folder; relative cwd resolves against it", async () => {
  const dir = await makeDirWith("nested");
  const r = await runTest({
    name: "cwd",
    tasks: [sh("a", "pwd"), sh("b", "pwd", { cwd: "nested" }), sh("c", "pwd", { cwd: "/" })],
  }, { dir });
  const real = await Deno.realPath(dir);
  assert.equal(await Deno.realPath(r.lines("a")[0]), real);
  assert.equal(await Deno.realPath(r.lines("b")[0]), `${real}/nested`);
  assert.equal(r.lines("c")[0], "/");
});

Deno.test("engine: params — defaults, given values, used in commands", async () => {
  const wf = {
    name: "params",
    params: { target: "staging", count: { default: 2, description: "n" } },
    tasks: [sh("a", "echo ${params.target} ${params.count}")],
  };
  assert.deepEqual((await runTest(wf)).lines("a"), ["staging 2"]);
  assert.deepEqual((await runTest(wf, { params: { target: "prod" } })).lines("a"), ["prod 2"]);
});

Deno.test("engine: startRun refuses before starting: unsupported type, params, callbacks, conditions", async () => {
  const dir = testTempDir();
  const base = {
    file: `${dir}/w.yml`,
    dir,
    fileHash: "h",
    params: {},
    baseEnv: {},
    spawner: new DenoSpawner(),
    // A registry without docker: every type weft knows may be runnable by now.
    runners: new Map([[shellRunner.type, shellRunner]]),
  };
  const refuse = (input: Record<string, unknown>, params: Record<string, string>, re: RegExp) => {
    const events: EngineEvent[] = [];
    assert.throws(
      () =>
        startRun({
          ...base,
          params,
          workflow: parseWorkflow(input),
          listeners: [(e) => void events.push(e)],
        }),
      (e) => {
        assert.ok(e instanceof WeftError, String(e));
        assert.equal(e.exitCode, 2);
        assert.match(e.message, re);
        return true;
      },
    );
    assert.deepEqual(events, []);
  };
  refuse(
    {
      name: "x",
      tasks: [
        { id: "marker", command: "touch should-not-exist" },
        { id: "build-image", type: "docker", config: { image: "alpine" } },
      ],
    },
    {},
    /task "build-image" has type "docker", which this version of weft cannot run yet/,
  );
  refuse(
    {
      name: "x",
      tasks: [{
        id: "c",
        type: "conditional",
        condition: "true",
        then: { type: "python", code: "print(1)" },
      }],
    },
    {},
    /task "c" \(its `then` step\) has type "python"/,
  );
  refuse(
    { name: "x", params: { need: { required: true } }, tasks: [{ id: "a", command: "true" }] },
    {},
    /missing required parameter "need"/,
  );
  refuse(
    { name: "x", tasks: [{ id: "a", command: "true" }] },
    { nope: "1" },
    /unknown parameter "nope"/,
  );
  refuse(
    {
      name: "x",
      tasks: [
        { id: "a", command: "true", on_failure: ["rb"] },
        { id: "rb", command: "true" },
        { id: "b", command: "true", depends_on: ["rb"] },
      ],
    },
    {},
    /task "b" depends on "rb", which runs only as an on_success\/on_failure callback/,
  );
  refuse(
    { name: "x", tasks: [{ id: "a", command: "true", condition: "${env.X} ==" }] },
    {},
    /task "a": condition/,
  );
  assert.equal(await Deno.stat(`${dir}/should-not-exist`).then(() => true, () => false), false);
});

Deno.test("engine: outputs — KEY=VALUE and heredoc lines from $WEFT_OUTPUT feed later tasks", async () => {
  const r = await runTest({
    name: "outputs",
    tasks: [
      sh(
        "a",
        'echo "version=1.2.3" >> "$WEFT_OUTPUT"; printf "notes<<EOF\\nline 1\\nline 2\\nEOF\\n" >> "$WEFT_OUTPUT"',
      ),
      sh("b", 'echo "v${tasks.a.outputs.version}"; printf "%s\\n" "${tasks.a.outputs.notes}"', {
        depends_on: ["a"],
      }),
      sh("c", "echo ${tasks.a.outputs.missing}.${tasks.nosuch.status}.", { depends_on: ["a"] }),
    ],
  });
  assert.deepEqual(r.task("a").outputs, { version: "1.2.3", notes: "line 1\nline 2" });
  assert.deepEqual(r.lines("b"), ["v1.2.3", "line 1", "line 2"]);
  assert.deepEqual(r.lines("c"), [".."]);
});

Deno.test("engine: ${tasks.ID.stdout} is the whole stdout (up to 1 MiB), final newline trimmed", async () => {
  const r = await runTest({
    name: "stdout",
    tasks: [
      sh("small", "echo one; echo two"),
      sh("big", "i=0; while [ $i -lt 20000 ]; do echo line-$i; i=$((i+1)); done"),
      sh(
        "use",
        'printf "%s" "${tasks.small.stdout}" > small.txt; printf "%s" "${tasks.big.stdout}" > big.txt',
        { depends_on: ["small", "big"] },
      ),
    ],
  });
  assert.equal(r.report.status, "success");
  assert.equal(await Deno.readTextFile(`${r.dir}/small.txt`), "one\ntwo");
  const big = await Deno.readTextFile(`${r.dir}/big.txt`);
  // 20,000 lines, 208,890 characters: over the 64 KiB kept before, passed whole.
  assert.equal(big, Array.from({ length: 20000 }, (_, i) => `line-${i}`).join("\n"));
  assert.equal(r.lines("big").length, 20000);
});

Deno.test("engine: exit code and status of earlier tasks are visible to later ones", async () => {
  const r = await runTest({
    name: "status",
    tasks: [
      sh("a", "exit 3", { continue_on_error: true }),
      sh("b", "echo ${tasks.a.exit_code} ${tasks.a.status} ${workflow.name} ${run.id}", {
        depends_on: ["a"],
      }),
    ],
  }, { runId: "R-42" });
  assert.deepEqual(r.lines("b"), ["3 failed status R-42"]);
});

Deno.test("engine: secrets are masked in every event (workflow `secrets` and secretValues)", async () => {
  const r = await runTest({
    name: "secrets",
    secrets: ["API_TOKEN"],
    tasks: [
      sh("a", 'echo "token=$API_TOKEN pw=hunter22"; echo "x=$API_TOKEN" >> "$WEFT_OUTPUT"; exit 1'),
    ],
  }, {
    baseEnv: { PATH: Deno.env.get("PATH")!, API_TOKEN: "tok-123456" },
    secretValues: ["hunter22", "ab"],
  });
  const all = JSON.stringify(r.events);
  assert.ok(!all.includes("tok-123456"));
  assert.ok(!all.includes("hunter22"));
  assert.deepEqual(r.lines("a"), ["token=*** pw=***"]);
  assert.equal(r.task("a").outputs.x, "***");
  assert.ok(!JSON.stringify(r.report).includes("tok-123456"));
});

Deno.test("engine: events — run_started first, run_finished last, per task started < output < finished", async () => {
  const r = await runTest({
    name: "events",
    tasks: [
      sh("a", "echo 1; echo 2 >&2"),
      sh("b", "echo 3; exit 1", { depends_on: ["a"], retry: { attempts: 2 } }),
      sh("c", "echo never", { depends_on: ["b"] }),
    ],
  });
  const { events } = r;
  assert.equal(events[0].type, "run_started");
  assert.equal(events.at(-1)!.type, "run_finished");
  assert.equal(
    events.filter((e) => e.type === "run_started" || e.type === "run_finished").length,
    2,
  );
  const started = events[0] as Extract<EngineEvent, { type: "run_started" }>;
  assert.deepEqual(started.tasks.map((t) => [t.id, t.status]), [
    ["a", "pending"],
    ["b", "pending"],
    [
      "c",
      "pending",
    ],
  ]);
  for (const id of ["a", "b"]) {
    const all = events.flatMap((e) =>
      ("taskId" in e && e.taskId === id) || (e.type === "task_finished" && e.task.id === id)
        ? [`${e.type}${"attempt" in e ? e.attempt : ""}`]
        : []
    );
    // Each attempt's process is reported between its start and its end (output lines may
    // come on either side of its exit), for crash recovery (store/recovery.ts).
    for (const attempt of id === "a" ? [1] : [1, 2]) {
      const at = (kind: string) => all.indexOf(`${kind}${attempt}`);
      assert.ok(at("task_started") < at("process_started"));
      assert.ok(at("process_started") < at("process_exited"));
      assert.ok(at("process_exited") < at("attempt_finished"));
    }
    const kinds = all.filter((k) => !k.startsWith("process_"));
    if (id === "a") {
      assert.deepEqual(kinds, [
        "task_started1",
        "output1",
        "output1",
        "attempt_finished1",
        "task_finished",
      ]);
    } else {
      assert.deepEqual(kinds, [
        "task_started1",
        "output1",
        "attempt_finished1",
        "task_started2",
        "output2",
        "attempt_finished2",
        "task_finished",
      ]);
    }
  }
  // Each task is finished exactly once, skipped ones included.
  const finished = events.flatMap((e) => e.type === "task_finished" ? [e.task.id] : []);
  assert.deepEqual(finished, ["a", "b", "c"]);
  const report = (events.at(-1) as Extract<EngineEvent, { type: "run_finished" }>).report;
  assert.deepEqual(report, r.report);
  assert.equal(report.status, "failed");
});

Deno.test("engine: a listener that throws or rejects changes nothing", async () => {
  const r = await runTest({ name: "listeners", tasks: [sh("a", "echo hi")] }, {
    listeners: [
      () => {
        throw new Error("boom");
      },
      () => Promise.reject(new Error("async boom")),
    ],
  });
  assert.equal(r.report.status, "success");
  assert.deepEqual(r.lines("a"), ["hi"]);
});

Deno.test("engine: resume keeps earlier successes (reason resumed) and reruns the rest", async () => {
  const previous: TaskRecord[] = [
    record("a", "success", { outputs: { x: "from-before" }, exitCode: 0 }),
    record("b", "failed", { exitCode: 1 }),
  ];
  const r = await runTest({
    name: "resume",
    tasks: [
      sh("a", "touch a-ran; echo x=new >> $WEFT_OUTPUT"),
      sh("b", "echo ${tasks.a.outputs.x}", { depends_on: ["a"] }),
      sh("c", "echo c", { depends_on: ["b"] }),
    ],
  }, { resume: { fromRunId: "OLD", previous } });
  assert.equal(r.report.status, "success");
  assert.equal(r.task("a").status, "success");
  assert.equal(r.task("a").reason, "resumed");
  assert.deepEqual(r.task("a").outputs, { x: "from-before" });
  assert.equal(await Deno.stat(`${r.dir}/a-ran`).then(() => true, () => false), false);
  assert.deepEqual(r.lines("b"), ["from-before"]);
  assert.equal(r.task("c").status, "success");
  const started = r.events[0] as Extract<EngineEvent, { type: "run_started" }>;
  assert.equal(started.run.resumedFrom, "OLD");
});

function record(
  id: string,
  status: TaskRecord["status"],
  more: Partial<TaskRecord> = {},
): TaskRecord {
  return { ...pendingTaskRecord(id), status, attempts: 1, ...more };
}

Deno.test("engine: $WEFT_OUTPUT appears on the task's first write, in a private 0700 folder, removed after the run", async () => {
  const r = await runTest({
    name: "output-file",
    tasks: [
      sh("a", 'test -e "$WEFT_OUTPUT" || echo absent; echo "$WEFT_OUTPUT"'),
      sh(
        "b",
        'echo "k=v" >> "$WEFT_OUTPUT"; stat -c %F "$WEFT_OUTPUT"; ' +
          'stat -c %a "$(dirname "$WEFT_OUTPUT")"; echo "$WEFT_OUTPUT"',
      ),
      // After a's attempt ended: it wrote nothing, and left nothing.
      sh("c", 'ls -A "$(dirname "$WEFT_OUTPUT")"', { depends_on: ["a"] }),
      sh("d", 'echo "$WEFT_OUTPUT"; echo "k=v$WEFT_ATTEMPT" >> "$WEFT_OUTPUT"; exit 1', {
        retry: { attempts: 2 },
      }),
    ],
  });
  const [absent, aPath] = r.lines("a");
  assert.equal(absent, "absent", "no file made for the task");
  assert.equal(r.task("a").status, "success");
  assert.deepEqual(r.task("a").outputs, {});
  const [kind, dirMode, bPath] = r.lines("b");
  assert.equal(kind, "regular file", "the append made it");
  assert.equal(dirMode, "700", "private: nobody else reaches into the folder");
  assert.deepEqual(r.task("b").outputs, { k: "v" }, "and it was read");
  assert.ok(!r.lines("c").includes(aPath.slice(aPath.lastIndexOf("/") + 1)), "a left no file");
  for (const path of [aPath, bPath]) {
    assert.equal(await Deno.lstat(path).then(() => true, () => false), false, path);
  }
  const [first, second] = r.lines("d");
  assert.notEqual(first, second, "each attempt gets its own file");
  assert.deepEqual(r.task("d").outputs, { k: "v2" }, "only the last attempt's");
});

Deno.test("engine: a caller-chosen workDir keeps the output files", async () => {
  const workDir = testTempDir();
  const r = await runTest({
    name: "workdir",
    tasks: [sh("a", 'echo "x=1" >> "$WEFT_OUTPUT"; echo "$WEFT_OUTPUT"')],
  }, { workDir });
  const path = r.lines("a")[0];
  assert.ok(path.startsWith(`${workDir}/`));
  assert.equal(await Deno.readTextFile(path), "x=1\n");
});
