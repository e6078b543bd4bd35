/**
 * Shared helpers of the engine tests: parse a workflow from a plain object, run it with
 * real processes in a temporary folder, collect the events.
 * @module
 */
import { type Workflow, type WorkflowInput, workflowSchema } from "../src/model/workflow.ts";
import { type EngineOptions, type RunHandle, startRun } from "../src/engine/mod.ts";
import type { EngineEvent, RunReport, TaskRecord } from "../src/engine/events.ts";
import { DenoSpawner } from "../src/tasks/spawner.ts";
import { testTempDir } from "./_tmp.ts";

/** Parses a workflow object the way the loader would (durations to ms, defaults). */
export function parseWorkflow(input: WorkflowInput | Record<string, unknown>): Workflow {
  return workflowSchema.parse(input);
}

/** What a finished test run gives back. */
export interface TestRun {
  report: RunReport;
  events: EngineEvent[];
  dir: string;
  task(id: string): TaskRecord;
  /** Output lines of one task (stdout unless said otherwise). */
  lines(id: string, stream?: "stdout" | "stderr"): string[];
}

/** Options for {@link startTestRun}: engine options minus the boilerplate. */
export type TestOptions = Partial<Omit<EngineOptions, "workflow">> & { dir?: string };

/** Starts a run of `input` in a fresh temporary folder (or `options.dir`). */
export function startTestRun(
  input: WorkflowInput | Record<string, unknown>,
  options: TestOptions = {},
): Promise<{ handle: RunHandle; events: EngineEvent[]; dir: string }> {
  // Errors thrown before the run starts arrive as a rejection, as callers expect.
  try {
    return Promise.resolve(startInDir(input, options));
  } catch (error) {
    return Promise.reject(error);
  }
}

function startInDir(
  input: WorkflowInput | Record<string, unknown>,
  options: TestOptions,
): { handle: RunHandle; events: EngineEvent[]; dir: string } {
  const dir = options.dir ?? testTempDir("engine-");
  const events: EngineEvent[] = [];
  const handle = startRun({
    file: `${dir}/workflow.yml`,
    dir,
    fileHash: "test",
    params: {},
    baseEnv: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    spawner: new DenoSpawner(),
    killGraceMs: 1000,
    ...options,
    workflow: parseWorkflow(input),
    listeners: [(e) => void events.push(e), ...options.listeners ?? []],
  });
  return { handle, events, dir };
}

/** Runs `input` to the end. */
export async function runTest(
  input: WorkflowInput | Record<string, unknown>,
  options: TestOptions = {},
): Promise<TestRun> {
  const { handle, events, dir } = await startTestRun(input, options);
  const report = await handle.done;
  return {
    report,
    events,
    dir,
    task(id) {
      const found = report.tasks.find((t) => t.id === id);
      if (!found) throw new Error(`no task ${id} in the report`);
      return found;
    },
    lines(id, stream = "stdout") {
      return events.flatMap((e) =>
        e.type === "output" && e.taskId === id && e.stream === stream ? [e.line] : []
      );
    },
  };
}

/** Waits until `predicate` holds for an event (checked as events arrive). */
export function eventSeen(
  events: EngineEvent[],
  predicate: (e: EngineEvent) => boolean,
): Promise<EngineEvent> {
  // Bounded, so a run that ends without the event fails the test with what it did
  // see instead of hanging the suite (a bound, not a timing assertion).
  const deadline = Date.now() + 60_000;
  return new Promise((resolve, reject) => {
    const check = () => {
      const found = events.find(predicate);
      if (found) resolve(found);
      else if (Date.now() > deadline) {
        const seen = events.map((e) => e.type === "output" ? `output ${e.line}` : e.type);
        reject(new Error(`event not seen in 60 s; seen: ${seen.join(", ")}`));
      } else setTimeout(check, 10);
    };
    check();
  });
}

/** True while a process with this pid exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Waits (polling /proc, up to `ms`) until none of `pids` is alive; returns the survivors. */
export async function survivors(pids: number[], ms = 3000): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = pids.filter(alive);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 20));
  }
}
