/**
 * Shared pieces of the renderer tests (render_test.ts, board_layout_test.ts): a fixed
 * clock and the `run_started` event every rendered run begins with.
 * @module
 */
import type { EngineEvent, RunInfo, TaskRecord } from "../src/engine/events.ts";

/** When every rendered run starts, ms since the epoch. */
export const T0 = Date.parse("2026-01-02T12:00:00Z");
/** `ms` after {@link T0}, as an ISO timestamp. */
export const at = (ms: number) => new Date(T0 + ms).toISOString();

/**
 * A `run_started` event for `tasks`, started at {@link T0} by pid 1 on host "h" with no
 * params, read from stdin unless `run` says otherwise.
 */
export function runStarted(
  run: Pick<RunInfo, "id" | "workflow"> & Partial<RunInfo>,
  tasks: TaskRecord[],
): EngineEvent {
  return {
    type: "run_started",
    run: {
      file: "-",
      fileHash: "",
      params: {},
      startedAt: at(0),
      host: "h",
      pid: 1,
      resumedFrom: null,
      ...run,
    },
    tasks,
  };
}
