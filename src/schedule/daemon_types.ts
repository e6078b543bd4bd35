/**
 * The daemon's outward types: how it starts a run (an injected {@link Launcher}, the
 * same path `weft run` takes, wired by src/cli/daemon.ts), and the webhook routes it
 * hands the server.
 * @module
 */
import type { RunTrigger } from "../engine/events.ts";
import type { RunEnd } from "./daemon_ends.ts";
import type { LoadedFile } from "./daemon_workflows.ts";
import type { WebhookRoute } from "../server/webhook.ts";

/**
 * The param a file_change run gets its changed paths in: absolute, one per line. A path
 * holding a line break cannot be one line, so it is left out of this one (and the log
 * says so); {@link CHANGED_FILES_JSON_PARAM} lists every path.
 */
export const CHANGED_FILES_PARAM = "changed_files";

/**
 * The param a file_change run gets every changed path in, whatever bytes its name holds:
 * a JSON array of absolute paths (`jq -j '.[] + "\u0000"'` makes it NUL-separated for
 * `xargs -0`).
 */
export const CHANGED_FILES_JSON_PARAM = "changed_files_json";

/** The param a webhook run gets the request's whole body in (as sent), when declared. */
export const PAYLOAD_PARAM = "payload";

/** What the daemon asks to start one run. */
export interface LaunchRequest {
  /** Absolute path of the workflow file. */
  file: string;
  /** The validated version to run (the last good one); absent: load `file` now. */
  loaded?: LoadedFile;
  params: Record<string, string>;
  trigger: RunTrigger;
}

/** A started run: its id, its end (status and why, once recorded), and how to stop it. */
export interface LaunchedRun {
  runId: string;
  done: Promise<RunEnd>;
  cancel(): void;
}

/**
 * Starts a run in this process (src/cli/launch.ts, the path `weft run` takes), resolving
 * once it is on record; rejects (nothing runs) when it cannot start, e.g. when its record
 * cannot be made on a full disk.
 */
export type Launcher = (request: LaunchRequest) => Promise<LaunchedRun>;

/**
 * A refused trigger request, with the HTTP status the webhook answers and, for a refusal
 * that passes (429: the workflow's wait is full), the seconds its `Retry-After` says.
 */
export class FireRefused extends Error {
  constructor(readonly status: number, message: string, readonly retryAfter?: number) {
    super(message);
  }
}

/**
 * The `Retry-After` (s) of a webhook refused because its workflow's wait is full (429): a
 * guess, as the daemon cannot know when the running ones end; a sender that retries waits
 * this long rather than hammering.
 */
export const FULL_RETRY_AFTER_S = 30;

/** A webhook route as the server sees it. */
export type DaemonRoute = WebhookRoute;
