/**
 * Ctrl-C and SIGTERM during a run: the first asks the run to stop (running tasks
 * get SIGTERM, then SIGKILL after the grace period), the second kills at once.
 * @module
 */

/** What can be stopped: a run handle. */
export interface Stoppable {
  cancel(): void;
  kill(): void;
}

/** Signals that stop a run. */
export const STOP_SIGNALS: readonly Deno.Signal[] = ["SIGINT", "SIGTERM"];

/**
 * Listens for SIGINT and SIGTERM after the run, while its notifications go out: the first
 * aborts `sending` (no more tries or back-off waits; the run's own exit code stands), so
 * an unanswering Slack URL does not hold the terminal for half a minute. Returns the
 * function that removes the listeners.
 */
export function stopSendingOnSignals(
  sending: AbortController,
  notify: (message: string) => void,
  signals: readonly Deno.Signal[] = STOP_SIGNALS,
): () => void {
  const onSignal = () => {
    if (sending.signal.aborted) return;
    notify("stopping: notifications not sent yet are given up (recorded as interrupted)");
    sending.abort();
  };
  for (const signal of signals) Deno.addSignalListener(signal, onSignal);
  return () => {
    for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
  };
}

/**
 * Listens for SIGINT and SIGTERM while a run goes on. Returns the function that
 * removes the listeners (call it when the run is over, so Deno's default
 * handling comes back).
 */
export function stopOnSignals(
  handle: Stoppable,
  notify: (message: string) => void,
  signals: readonly Deno.Signal[] = STOP_SIGNALS,
): () => void {
  let received = 0;
  const onSignal = () => {
    received++;
    if (received === 1) {
      notify("stopping… (Ctrl-C again to kill)");
      handle.cancel();
    } else if (received === 2) {
      notify("killing running tasks");
      handle.kill();
    }
  };
  for (const signal of signals) Deno.addSignalListener(signal, onSignal);
  return () => {
    for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
  };
}
