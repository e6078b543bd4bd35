/**
 * The task registry (src/tasks/mod.ts): each type's module loads only when a run uses
 * the type, while what the engine needs before that (usesOutputFile, secretsIn) is
 * the module's own; and the engine begins a run only once its types' runners are ready.
 */
import assert from "node:assert/strict";
import { defaultRegistry } from "../src/tasks/mod.ts";
import type { TaskRunner } from "../src/tasks/types.ts";
import { dataProcessorRunner } from "../src/tasks/data_processor.ts";
import { databaseRunner } from "../src/tasks/database/runner.ts";
import { dockerRunner } from "../src/tasks/docker.ts";
import { httpRunner } from "../src/tasks/http.ts";
import { javascriptRunner } from "../src/tasks/javascript.ts";
import { pythonRunner } from "../src/tasks/python.ts";
import { shellRunner } from "../src/tasks/shell.ts";
import { workflowRunner } from "../src/tasks/workflow.ts";
import { runTest } from "./_engine.ts";
import { staticGraph } from "./_static_graph.ts";

const MODULES: TaskRunner[] = [
  shellRunner,
  httpRunner,
  javascriptRunner,
  pythonRunner,
  dataProcessorRunner,
  databaseRunner,
  dockerRunner,
  workflowRunner,
] as TaskRunner[];

Deno.test("registry: every type's facts are its module's runner's", () => {
  assert.deepEqual([...defaultRegistry.keys()].sort(), MODULES.map((r) => r.type).sort());
  for (const own of MODULES) {
    const entry = defaultRegistry.get(own.type)!;
    assert.equal(entry.type, own.type);
    assert.equal(entry.usesOutputFile, own.usesOutputFile, `${own.type}: usesOutputFile`);
    assert.equal(entry.defaultTimeoutMs, own.defaultTimeoutMs, `${own.type}: defaultTimeoutMs`);
    assert.equal(typeof entry.secretsIn, typeof own.secretsIn, `${own.type}: secretsIn`);
  }
  const task = { config: { connection: "postgres://app:s%40cret@${env.HOST}/x" } };
  const interpolate = (text: string) => text.replace("${env.HOST}", "db");
  assert.deepEqual(
    defaultRegistry.get("database")!.secretsIn!(task, interpolate),
    databaseRunner.secretsIn!(task, interpolate),
  );
  assert.ok(databaseRunner.secretsIn!(task, interpolate).includes("s@cret"));
});

Deno.test("registry: the module of no task type is in the registry's static graph", async () => {
  const graph = await staticGraph("src/tasks/mod.ts");
  assert.ok(graph.some((s) => s.endsWith("/src/tasks/mod.ts")));
  const runners = ["shell", "http", "javascript", "python", "data_processor", "docker", "workflow"]
    .map((name) => `/src/tasks/${name}.ts`).concat("/src/tasks/database/runner.ts");
  assert.deepEqual(graph.filter((s) => runners.some((r) => s.endsWith(r))), []);
  assert.deepEqual(graph.filter((s) => /^(node|npm):/.test(s)), []);
});

Deno.test("registry: prepare loads the module once; run works before and after", async () => {
  // A fresh registry module instance is not possible in one process: use a type no other
  // test of this file runs before this point, and check the contract on it.
  const docker = defaultRegistry.get("docker")!;
  const first = docker.prepare?.();
  if (first !== undefined) {
    const again = docker.prepare?.();
    assert.ok(again === undefined || again instanceof Promise);
    await first;
  }
  assert.equal(docker.prepare?.(), undefined, "nothing to wait for once loaded");
  const r = await runTest({ name: "lazy", tasks: [{ id: "a", command: "echo hi" }] });
  assert.equal(r.report.status, "success");
  assert.deepEqual(r.lines("a"), ["hi"]);
  assert.equal(defaultRegistry.get("shell")!.prepare?.(), undefined, "run loaded shell");
});

Deno.test("engine: a run begins once the runners of its types are prepared", async () => {
  const order: string[] = [];
  let release = () => {};
  const ready = new Promise<void>((resolve) => release = resolve);
  let prepared = false;
  const runner: TaskRunner = {
    type: "shell",
    prepare: () => {
      order.push("prepare");
      return prepared ? undefined : ready.then(() => {
        prepared = true;
        order.push("prepared");
      });
    },
    run: () => {
      order.push("run");
      return Promise.resolve({ ok: true, exitCode: 0, outputs: {} });
    },
  };
  const unused: TaskRunner = {
    type: "http",
    prepare: () => {
      throw new Error("a type the workflow does not use is not prepared");
    },
    run: () => Promise.reject(new Error("not run")),
  };
  setTimeout(() => {
    order.push("release");
    release();
  }, 20);
  const r = await runTest(
    { name: "wait", tasks: [{ id: "a", command: "true" }, { id: "b", command: "true" }] },
    { runners: new Map([["shell", runner], ["http", unused]]) },
  );
  assert.equal(r.report.status, "success");
  assert.deepEqual(order, ["prepare", "release", "prepared", "run", "run"]);
});
