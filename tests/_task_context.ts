/**
 * A TaskContext for calling a task runner directly in a test: identity interpolation for
 * every kind of field, a real DenoSpawner, output dropped; `overrides` replaces any part.
 * One place to stub what TaskContext gains, instead of each test file's own copy.
 * @module
 */
import type { TaskContext } from "../src/tasks/types.ts";
import { DenoSpawner } from "../src/tasks/spawner.ts";

/** The context; identity interpolation unless `overrides` says otherwise. */
export function fakeContext(overrides: Partial<TaskContext> = {}): TaskContext {
  return {
    runId: "r",
    taskId: "t",
    attempt: 1,
    cwd: Deno.cwd(),
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    signal: new AbortController().signal,
    killGraceMs: 1000,
    outputFile: "",
    emit: () => {},
    interpolate: (text) => text,
    interpolateUrl: (url) => url,
    interpolatePath: (path) => path,
    interpolateJson: (text) => text,
    interpolateForm: (text) => text,
    interpolatePlaced: (text) => text,
    interpolateShell: (command) => ({ command, env: {} }),
    spawner: new DenoSpawner(),
    ...overrides,
  };
}
