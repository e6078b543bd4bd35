/**
 * A TaskContext for calling a task runner directly in a test: identity interpolation for
 * every kind of field, a real DenoSpawner, output dropped; `overrides` replaces any part.
 * One place to stub what TaskContext gains, instead of each test file's own copy.
 * @module
 */
import type { TaskContext } from "../src/tasks/types.ts";
import { DenoSpawner } from "../src/tasks/spawner.ts";
import { lineText } from "../src/tasks/byte_lines.ts";

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

/** One output line a task emitted, as text. */
export interface EmittedLine {
  stream: "stdout" | "stderr";
  line: string;
}

/**
 * An `emit` for {@link fakeContext} that keeps each output line whole in `lines`, as the
 * log file stores it: the pieces of one line are joined back. A line comes in pieces when
 * it is long (MAX_PIECE_BYTES) or when its end came after a pause (PARTIAL_FLUSH_MS: on a
 * loaded machine, `printf x; exit` can give "x" then an empty end), so a test counting
 * calls of `emit` as lines would depend on the machine's speed.
 */
export function lineCollector(): { lines: EmittedLine[]; emit: TaskContext["emit"] } {
  const lines: EmittedLine[] = [];
  const open: { stdout?: number; stderr?: number } = {};
  const emit: TaskContext["emit"] = (stream, bytes, _more, continuation) => {
    const at = open[stream];
    if (continuation && at !== undefined) lines[at].line += lineText(bytes);
    else open[stream] = lines.push({ stream, line: lineText(bytes) }) - 1;
  };
  return { lines, emit };
}
