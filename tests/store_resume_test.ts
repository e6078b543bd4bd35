/** Resume safety: per-task definition hashes and checkResumable's verdicts. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { WeftError } from "../src/model/errors.ts";
import { canonicalJson, checkResumable, resumedTasks, taskHashes } from "../src/store/resume.ts";
import type { RunDetails } from "../src/store/run_store.ts";
import type { TaskState } from "../src/engine/events.ts";
import { pendingTask, runInfo } from "./fixtures/history/events.ts";

const workflow = {
  name: "deploy",
  tasks: [
    { id: "build", type: "shell", command: "make", retry: { attempts: 2, delay: 5000 } },
    { id: "test", type: "shell", command: "make test", depends_on: ["build"] },
    { id: "ship", type: "shell", command: "./ship", depends_on: ["test"] },
  ],
};

function previousRun(
  states: Record<string, TaskState>,
  options: {
    status?: "failed" | "success" | "running" | "interrupted";
    hashes?: Record<string, string>;
    workflow?: string;
  } = {},
): RunDetails {
  return {
    run: {
      ...runInfo({
        id: "20260101T000000Z-abc123",
        workflow: options.workflow ?? "deploy",
        fileHash: "old",
      }),
      status: options.status ?? "failed",
      finishedAt: null,
      durationMs: null,
      pidStartTicks: null,
      summary: null,
    },
    tasks: Object.entries(states).map(([id, status]) => ({ ...pendingTask(id), status })),
    taskHashes: options.hashes ?? taskHashes(workflow),
    truncatedOutputs: {},
  };
}

const loaded = (wf: typeof workflow, hash = "new") => ({
  file: "/w/deploy.yml",
  hash,
  workflow: wf,
});

function rejects(fn: () => void, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof WeftError);
    assert.equal(e.exitCode, 2);
    assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("taskHashes: stable under key order, sensitive to any field", () => {
  const a = taskHashes(workflow);
  const reordered = {
    name: "deploy",
    tasks: workflow.tasks.map((t) => Object.fromEntries(Object.entries(t).reverse()) as typeof t),
  };
  assert.deepEqual(taskHashes(reordered), a);
  assert.match(a.build, /^[0-9a-f]{64}$/);
  // The digest node:crypto gave before: fingerprints recorded by earlier versions still match.
  assert.equal(
    a.build,
    createHash("sha256").update(canonicalJson(workflow.tasks[0])).digest("hex"),
  );
  const changed = structuredClone(workflow);
  changed.tasks[0].retry!.attempts = 3;
  const b = taskHashes(changed);
  assert.notEqual(b.build, a.build);
  assert.equal(b.test, a.test);
  assert.equal(
    canonicalJson({ b: 1, a: [1, { d: undefined, c: "x" }] }),
    '{"a":[1,{"c":"x"}],"b":1}',
  );
});

Deno.test("canonicalJson: keys in UTF-16 code unit order, as recorded fingerprints were made", () => {
  // Integer-like keys come first in a JS object; capitals before small letters; "é" last.
  assert.equal(
    canonicalJson({ "é": 1, b: null, "10": [true, undefined], B: "x", "9": { z: 1, "": 2 } }),
    '{"10":[true,null],"9":{"":2,"z":1},"B":"x","b":null,"é":1}',
  );
  assert.equal(canonicalJson({}), "{}");
  assert.equal(canonicalJson({ a: undefined }), "{}");
});

Deno.test("checkResumable: the same file, or changes only to tasks that did not succeed, are fine", () => {
  const prev = previousRun({ build: "success", test: "failed", ship: "skipped" });
  // checkResumable throws when a run may not be resumed: here it must not.
  assert.doesNotThrow(() => checkResumable(prev, loaded(workflow, "old"))); // identical bytes
  const changed = structuredClone(workflow);
  changed.tasks[1].command = "make test-fixed";
  changed.tasks[2].command = "./ship --fast";
  assert.doesNotThrow(() => checkResumable(prev, loaded(changed)));
});

Deno.test("checkResumable refuses a changed or removed successful task", () => {
  const prev = previousRun({ build: "success", test: "success", ship: "failed" });
  const changed = structuredClone(workflow);
  changed.tasks[0].command = "make all";
  rejects(
    () => checkResumable(prev, loaded(changed)),
    /task "build" changed since run 20260101T000000Z-abc123/,
  );
  const removed = { name: "deploy", tasks: workflow.tasks.filter((t) => t.id !== "test") };
  rejects(
    () => checkResumable(prev, loaded(removed)),
    /task "test" succeeded in run .* no longer in the workflow/,
  );
});

Deno.test("checkResumable refuses another workflow, running or successful runs, unknown hashes", () => {
  const states = { build: "success", test: "failed", ship: "pending" } as const;
  rejects(
    () => checkResumable(previousRun(states, { workflow: "other" }), loaded(workflow)),
    /is of workflow "other", but this file is "deploy"/,
  );
  rejects(
    () => checkResumable(previousRun(states, { status: "running" }), loaded(workflow)),
    /still running/,
  );
  rejects(
    () => checkResumable(previousRun(states, { status: "success" }), loaded(workflow)),
    /nothing to resume/,
  );
  rejects(
    () => checkResumable(previousRun(states, { hashes: {} }), loaded(workflow)),
    /did not record the definition of task "build"/,
  );
  // An interrupted run resumes like a failed one.
  checkResumable(previousRun(states, { status: "interrupted" }), loaded(workflow));
});

Deno.test("checkResumable: a running run of a weft on another host points at history mark-interrupted", () => {
  const states = { build: "success", test: "failed" } as const;
  const here = previousRun(states, { status: "running" });
  here.run.host = Deno.hostname();
  assert.throws(() => checkResumable(here, loaded(workflow)), (e: WeftError) => {
    assert.match(e.problems[0].hint ?? "", /stop it first/);
    return true;
  });
  const elsewhere = previousRun(states, { status: "running" });
  elsewhere.run.host = `${Deno.hostname()}-not-this-one`;
  assert.throws(() => checkResumable(elsewhere, loaded(workflow)), (e: WeftError) => {
    assert.match(
      e.problems[0].hint ?? "",
      new RegExp(`weft history mark-interrupted ${elsewhere.run.id}`),
    );
    return true;
  });
});

Deno.test("resumedTasks: cut outputs are replaced by the whole ones; other records pass as they are", () => {
  const previous = previousRun({ build: "success", test: "failed" });
  previous.tasks[0].outputs = { big: "x".repeat(16) };
  previous.truncatedOutputs = { build: ["big"] };
  const tasks = resumedTasks(previous, { build: { big: "x".repeat(100) } }, "/w/deploy.yml");
  assert.equal(tasks[0].outputs.big, "x".repeat(100));
  assert.equal(tasks[1], previous.tasks[1]);
});

Deno.test("resumedTasks refuses a kept task whose whole outputs were not recorded, not one that reruns", () => {
  const previous = previousRun({
    build: "success",
    "build[0]": "success",
    test: "failed",
    "test[0]": "success",
  });
  previous.truncatedOutputs = { "build[0]": ["a", "b"], "test[0]": ["c"] };
  rejects(
    () => resumedTasks(previous, {}, "/w/deploy.yml"),
    /outputs "a", "b" of task "build\[0\]"/,
  );
  // An iteration of a loop that failed runs again: its cut outputs are never passed on.
  previous.truncatedOutputs = { "test[0]": ["c"] };
  assert.equal(resumedTasks(previous, {}, "/w/deploy.yml").length, 4);
});

Deno.test("resumedTasks refuses a kept task whose record was not written, naming it and why", () => {
  const previous = previousRun({ build: "success", test: "success", ship: "failed" });
  previous.unrecordedTasks = { test: "the disk was full", ship: "the disk was full" };
  rejects(
    () => resumedTasks(previous, {}, "/w/deploy.yml"),
    /task "test" succeeded in run \S+, but its record was not written: the disk was full/,
  );
  // A task that did not succeed runs again: nothing of it is passed on.
  previous.unrecordedTasks = { ship: "the disk was full" };
  assert.equal(resumedTasks(previous, {}, "/w/deploy.yml").length, 3);
});

Deno.test("taskHashes: the workflow's environment and defaults are part of every task's hash", () => {
  const plain = taskHashes(workflow);
  const prod = taskHashes({ ...workflow, environment: { TARGET: "prod" } });
  const staging = taskHashes({ ...workflow, environment: { TARGET: "staging" } });
  const cwd = taskHashes({ ...workflow, environment: { TARGET: "prod" }, defaults: { cwd: "/" } });
  for (const id of ["build", "test", "ship"]) {
    assert.equal(new Set([plain[id], prod[id], staging[id], cwd[id]]).size, 4, id);
  }
  assert.deepEqual(taskHashes({ ...workflow, environment: { TARGET: "prod" } }), prod);
});
