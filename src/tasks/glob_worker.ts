/**
 * A glob matched off weft's thread: node:fs globSync in a Worker, ended when the task's
 * signal aborts.
 *
 * Why a worker: a short glob can cost minutes (`data/{1..200000}.txt` expands to 200,000
 * patterns; `../../**\/*.x` walks a whole disk), and globSync on weft's one thread would
 * stop every timer, signal handler and other task meanwhile. node:fs/promises `glob` is
 * no better in Deno 2.9: it expands and compiles the patterns synchronously (a 5,000-way
 * brace blocked the thread for 1.4 s, a disk walk for 4.2 s at a time; measured).
 *
 * The worker's code is a `data:` module written here, not a file beside this one, so the
 * one-file bundle and the compiled binary (scripts/build.ts) carry it. A worker runs
 * with weft's own permissions (Deno's default for workers).
 * @module
 */

/**
 * The worker: `{ pattern, cwd? }` in; out `{ paths }` (absolute, files only, sorted as
 * JavaScript sorts strings) or `{ error }` (the message of what globSync or a stat threw).
 * Filtering and sorting here too: with 200,000 matches, they are seconds of work.
 */
const WORKER_SOURCE = `
import { globSync, statSync } from "node:fs";
import { resolve } from "node:path";
const isFile = (path) => { try { return statSync(path).isFile(); } catch { return false; } };
self.onmessage = (event) => {
  const { pattern, cwd } = event.data;
  try {
    const found = cwd === undefined ? globSync(pattern) : globSync(pattern, { cwd });
    const paths = cwd === undefined ? found : found.map((path) => resolve(cwd, path));
    self.postMessage({ paths: paths.filter(isFile).sort() });
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
`;

const WORKER_URL = `data:text/javascript;base64,${btoa(WORKER_SOURCE)}`;

/** Thrown by {@link globFiles} when its signal aborted before the glob was matched. */
export class GlobAbortedError extends Error {
  constructor() {
    super("the glob was not matched: the task was stopped");
    this.name = "GlobAbortedError";
  }
}

/**
 * The files `pattern` matches (node:fs globSync, relative to `cwd` when given), as
 * absolute paths, folders left out, sorted. Runs in a Worker: weft's thread stays free.
 * Rejects with {@link GlobAbortedError} as soon as `signal` aborts (the worker is
 * terminated; a globSync busy inside one call may finish before its thread stops, but
 * nothing waits for it), or with an Error carrying globSync's own message.
 */
export function globFiles(
  pattern: string,
  cwd: string | undefined,
  signal?: AbortSignal,
): Promise<string[]> {
  if (signal?.aborted) return Promise.reject(new GlobAbortedError());
  return new Promise<string[]>((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { type: "module" });
    const end = () => {
      signal?.removeEventListener("abort", onAbort);
      worker.terminate();
    };
    const onAbort = () => {
      end();
      reject(new GlobAbortedError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    worker.onmessage = (event: MessageEvent<{ paths?: string[]; error?: string }>) => {
      end();
      if (event.data.paths) resolve(event.data.paths);
      else reject(new Error(event.data.error ?? "the glob could not be matched"));
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault(); // reported as this task's failure, not as weft's own crash
      end();
      reject(new Error(event.message || "the glob worker failed"));
    };
    worker.postMessage({ pattern, cwd });
  });
}
