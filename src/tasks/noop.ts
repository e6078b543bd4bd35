/**
 * A runner that does nothing and succeeds at once. Only for benchmarks of the
 * engine itself (scheduling 100,000 tasks without starting processes); it is not
 * registered for users. Use it by passing `runners: new Map([["shell", noopRunner]])`.
 * @module
 */
import type { TaskResult, TaskRunner } from "./types.ts";

/** Succeeds immediately; creates no `$WEFT_OUTPUT` file. */
export const noopRunner: TaskRunner = {
  type: "noop",
  usesOutputFile: false,
  run(): Promise<TaskResult> {
    return Promise.resolve({ ok: true, exitCode: 0, outputs: {} });
  },
};
