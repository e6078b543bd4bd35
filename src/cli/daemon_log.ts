/**
 * The daemon's log: one line per event on stderr, UTC timestamp first (README, Daemon).
 * What the shared run path writes to stderr for people (crash recovery's notes when the
 * history opens, recording warnings: cli/history_shared.ts, cli/run_history.ts) goes
 * through the same log when the daemon runs it, instead of reaching stderr bare.
 * @module
 */
import { type CliIO, err } from "./io.ts";
import { oneLine } from "../safe_text.ts";

/** The daemon's log: `line` gets a timestamp; lines stay in order. */
export interface DaemonLog {
  (line: string): void;
  /** Resolves once every line logged so far is written. */
  flushed(): Promise<void>;
}

/**
 * A {@link DaemonLog} writing to `io`'s stderr. Each event is one line whatever it quotes:
 * a line break in a name, path or message from data (a schedule's name, a file's) is
 * written `\n`, the other controls as `err` escapes them, so no text forges a line of
 * its own with its own timestamp (tester tdaemon F4).
 */
export function daemonLog(io: CliIO): DaemonLog {
  let logs = Promise.resolve();
  const log = (line: string) => {
    logs = logs.then(() => err(io, `${new Date().toISOString()} ${oneLine(line)}\n`));
  };
  return Object.assign(log, { flushed: () => logs });
}

/**
 * `io` with its stderr made `log`: each whole line written there becomes one log line
 * (a last one without its newline waits for it). Everything else is `io`'s own, read
 * through to it (its getters run only when used, as in processIO).
 */
export function loggingIO(io: CliIO, log: (line: string) => void): CliIO {
  const decoder = new TextDecoder();
  let partial = "";
  const wrapped: CliIO = Object.create(io);
  Object.defineProperty(wrapped, "stderr", {
    value: {
      write(chunk: Uint8Array) {
        partial += decoder.decode(chunk, { stream: true });
        const lines = partial.split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) log(line);
        return Promise.resolve();
      },
    },
  });
  return wrapped;
}
