/**
 * Ctrl-C, SIGTERM and SIGHUP during a run: the first asks the run to stop (running tasks
 * get SIGTERM, then SIGKILL after the grace period), a second Ctrl-C or SIGTERM kills at
 * once. SIGHUP (the terminal closed, ssh dropped) stops the run as SIGTERM does and gives up
 * the output (nobody reads it any more); a SIGHUP ignored when weft started (`nohup`) stays
 * ignored. Once the run has ended, a SIGTERM, SIGHUP or a second Ctrl-C ends weft even while
 * the terminal does not take what is left to show (see {@link stopSendingOnSignals}).
 * @module
 */
import type { ByteSink, CliIO } from "./io.ts";
import { HANGUP_IGNORED_AT_START } from "./startup_signals.ts";

/** What can be stopped: a run handle. */
export interface Stoppable {
  cancel(): void;
  kill(): void;
}

/** Signals that stop a run. */
export const STOP_SIGNALS: readonly Deno.Signal[] = ["SIGINT", "SIGTERM"];

/** Exit codes of a forced end after the run: 128 + the signal's number (as a shell reports it). */
const FORCED_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * The signals that stop `weft run`: {@link STOP_SIGNALS} and SIGHUP (the terminal closed, ssh
 * dropped). Without SIGHUP handled, a closed terminal killed weft at once and left its tasks
 * (in process groups of their own) running unwatched, the run marked running; make, go-task
 * and systemd units likewise end their work on a hangup. A SIGHUP ignored when weft started
 * (`nohup weft run …`, `trap '' HUP`; {@link HANGUP_IGNORED_AT_START}) is listened for all the
 * same and ignored by weft itself: the runtime puts SIGHUP back to its default, which would
 * end weft at once.
 */
export const RUN_STOP_SIGNALS: readonly Deno.Signal[] = [...STOP_SIGNALS, "SIGHUP"];

/** Whether a signal is one weft's parent asked to ignore (`nohup`): see {@link RUN_STOP_SIGNALS}. */
function ignored(signal: Deno.Signal): boolean {
  return signal === "SIGHUP" && HANGUP_IGNORED_AT_START;
}

/** What {@link stopSendingOnSignals} needs besides `sending`. */
export interface AfterRunSignals {
  /** Tells the user something (one line, without newline). */
  notify(message: string): void;
  /** How many stop signals came while the run went on (what stopOnSignals's remover returns). */
  earlier(): number;
  /** Gives up the output not yet shown: see {@link droppableOutput}. */
  dropOutput(): void;
  /** Ends the process at once (Deno.exit), for a signal after weft was already told to end. */
  exit?: (code: number) => void;
  signals?: readonly Deno.Signal[];
}

/** Listening for stop signals after the run: {@link stopSendingOnSignals}. */
export interface AfterRunListener {
  /** Removes the listeners (Deno's default handling comes back). */
  remove(): void;
  /** 130, 143 or 129 when a signal ended weft early (the run's own exit code then gives way), else undefined. */
  forcedExit(): number | undefined;
}

/**
 * Listens for SIGINT, SIGTERM and SIGHUP after the run (its end is recorded by then), while what
 * is left to show goes to the terminal and its notifications go out.
 *
 * The first Ctrl-C (none came during the run) aborts `sending` (no more tries or back-off
 * waits; the run's own exit code stands), so an unanswering Slack URL does not hold the
 * terminal for half a minute. A SIGTERM, or a Ctrl-C after an earlier one, ends weft:
 * `sending` is aborted and the output not yet shown is dropped (`dropOutput`), so a
 * terminal or pipe that takes nothing (`weft run -v | less` left waiting) cannot hold weft;
 * what weft still does (flushing the record, recording notifications given up as
 * interrupted, retention) goes on, and the verb exits with {@link AfterRunListener.forcedExit}
 * (130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP). Any signal after that but SIGHUP exits
 * at once.
 */
export function stopSendingOnSignals(
  sending: AbortController,
  options: AfterRunSignals,
): AfterRunListener {
  const { signals = RUN_STOP_SIGNALS, exit = Deno.exit } = options;
  let received = 0;
  let forced: number | undefined;
  const listeners = signals.map((signal) => {
    const onSignal = () => {
      // A hangup comes from the shell and again from the kernel: it never insists.
      if (ignored(signal) || (signal === "SIGHUP" && forced !== undefined)) return;
      received++;
      const earlier = options.earlier();
      if (forced !== undefined) return exit(forced);
      if (signal === "SIGINT" && earlier + received === 1) {
        options.notify(
          "stopping: notifications not sent yet are given up (recorded as interrupted)",
        );
        sending.abort();
        return;
      }
      forced = FORCED_EXIT[signal] ?? 130;
      sending.abort();
      options.dropOutput();
    };
    Deno.addSignalListener(signal, onSignal);
    return [signal, onSignal] as const;
  });
  return {
    remove() {
      for (const [signal, onSignal] of listeners) Deno.removeSignalListener(signal, onSignal);
    },
    forcedExit: () => forced,
  };
}

/**
 * `io` with stdout and stderr whose writes can be given up: once `drop()` is called, a
 * write still waiting for the terminal or pipe resolves at once (its text may never be
 * shown) and later writes are not made. For a forced end ({@link stopSendingOnSignals}):
 * nothing weft still does may wait on a reader that takes nothing.
 */
export function droppableOutput(io: CliIO): { io: CliIO; drop(): void } {
  let dropped = false;
  let drop = () => {};
  const gone = new Promise<void>((resolve) => drop = resolve);
  const droppable = (sink: ByteSink): ByteSink => ({
    write: (chunk) => dropped ? gone : Promise.race([sink.write(chunk), gone]),
  });
  return {
    io: {
      stdout: droppable(io.stdout),
      stderr: droppable(io.stderr),
      env: io.env,
      cwd: io.cwd,
      stderrIsTTY: io.stderrIsTTY,
      // Kept: without it a WEFT_HOME that is not UTF-8 would read as unset (home.ts), and
      // the run's history would go to the default folder instead of being refused.
      unreadableEnv: io.unreadableEnv,
      // Read through: making Deno's stdin stream costs ~2 ms, which few runs need.
      get stdin() {
        return io.stdin;
      },
    },
    drop() {
      dropped = true;
      drop();
    },
  };
}

/**
 * Listens for SIGINT, SIGTERM and SIGHUP ({@link RUN_STOP_SIGNALS}) while a run goes on.
 * A SIGHUP first calls `hangup` (the terminal is gone: its output is given up), then stops
 * the run as the first SIGTERM does; later SIGHUPs change nothing (a closed terminal sends
 * more than one). Returns the function that removes the listeners (call it when the run is
 * over, so Deno's default handling comes back); it returns how many stop signals came.
 */
export function stopOnSignals(
  handle: Stoppable,
  notify: (message: string) => void,
  signals: readonly Deno.Signal[] = RUN_STOP_SIGNALS,
  hangup: () => void = () => {},
): () => number {
  let received = 0;
  let hungUp = false;
  const onSignal = (signal: Deno.Signal) => {
    if (ignored(signal)) return;
    if (signal === "SIGHUP") {
      if (hungUp) return;
      hungUp = true;
      hangup();
      if (received > 0) return;
    }
    received++;
    if (received === 1) {
      notify("stopping… (Ctrl-C again to kill)");
      handle.cancel();
    } else if (received === 2) {
      notify("killing running tasks");
      handle.kill();
    }
  };
  const listeners = signals.map((signal) => [signal, () => onSignal(signal)] as const);
  for (const [signal, listener] of listeners) Deno.addSignalListener(signal, listener);
  return () => {
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
    return received;
  };
}
