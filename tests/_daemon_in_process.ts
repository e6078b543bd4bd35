/**
 * A {@link Daemon} in this process on a manual clock and a given schedule store, whose
 * runs are not real: each start is noted, and the run ends when the test says (or at
 * once), for tests of what the daemon decides and records (src/schedule/daemon*.ts).
 * @module
 */
import type { Clock } from "../src/schedule/clock.ts";
import { Daemon, type DaemonOptions, type LaunchRequest } from "../src/schedule/daemon.ts";
import type { ScheduleStore } from "../src/store/schedule_store.ts";
import type { Schedule } from "../src/schedule/types.ts";

/**
 * A stored schedule for tests, `over` laid on: "hourly" at minute 0 in UTC, no catch-up,
 * overlap `skip`, on a file that does not exist (the in-process daemon loads nothing).
 */
export function testSchedule(over: Partial<Schedule> = {}): Schedule {
  return {
    name: "hourly",
    file: "/nonexistent/flow.yml",
    cron: "0 * * * *",
    tz: "UTC",
    catchupMs: 0,
    overlap: "skip",
    params: {},
    paused: false,
    source: "cli",
    createdAt: "2026-01-01T00:00:00.000Z",
    lastFire: null,
    ...over,
  };
}

/** The daemon and what its runs did. */
export interface InProcessDaemon {
  daemon: Daemon;
  /** Each run's request, in start order (run i has id `run-<i>`). */
  requests: LaunchRequest[];
  /** `enders[i]()` ends run i `success` (unless it ended). */
  enders: Array<() => void>;
  /** The runs the daemon cancelled, by index. */
  cancelled: number[];
  /** The daemon's log lines. */
  lines: string[];
}

/**
 * Makes the daemon (not started). `endAtOnce`: each run ends `success` as it starts;
 * otherwise when the test calls its ender or the daemon cancels it. `maxRuns`: 4 unless
 * given; `more`: other options of the daemon.
 */
export function inProcessDaemon(
  clock: Clock,
  store: ScheduleStore,
  options: { maxRuns?: number; endAtOnce?: boolean; more?: Partial<DaemonOptions> } = {},
): InProcessDaemon {
  const requests: LaunchRequest[] = [];
  const enders: Array<() => void> = [];
  const cancelled: number[] = [];
  const lines: string[] = [];
  const daemon = new Daemon({
    dirs: [],
    cwd: "/",
    maxRuns: options.maxRuns ?? 4,
    clock,
    store,
    load: () => Promise.reject(new Error("no files in this test")),
    launch: (request) => {
      const i = requests.push(request) - 1;
      const end = Promise.withResolvers<{ status: string }>();
      enders[i] = () => end.resolve({ status: "success" });
      if (options.endAtOnce) enders[i]();
      return Promise.resolve({
        runId: `run-${i}`,
        done: end.promise,
        cancel: () => {
          cancelled.push(i);
          end.resolve({ status: "cancelled" });
        },
      });
    },
    log: (l) => lines.push(l),
    ...options.more,
  });
  return { daemon, requests, enders, cancelled, lines };
}
