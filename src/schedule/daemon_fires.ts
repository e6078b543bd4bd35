/**
 * The daemon's timer: which schedule fires when. A pure planner driven by an injected
 * clock: {@link FireLoop.catchUp} sorts the fires missed while no daemon ran into
 * catch-up (within the schedule's `catchupMs` of now) and spans of missed ones (older), and
 * {@link FireLoop.tick} hands out every fire that came due since the last tick and says
 * when the next one is due. {@link FireLoop.run} sleeps on the clock between ticks.
 * @module
 */
import type { Clock } from "./clock.ts";
import { firesBetween, nextFires } from "./cron.ts";
import { type PendingCatchUp, type Schedule, scheduleInstance } from "./types.ts";
import { ownsChain, replacedChains } from "./daemon_catchup.ts";

/** How a fire came about. */
export type FireKind = "schedule" | "catch-up";

/** One fire handed to the daemon. */
export interface Fire {
  schedule: Schedule;
  /** The logical fire time. */
  time: Date;
  kind: FireKind;
  /** A fire a killed daemon recorded and left waiting (Schedule.unstartedFires), run now. */
  leftWaiting?: boolean;
  /**
   * A catch-up fire of a chain a killed daemon left, owed by a cron replaced since
   * (`schedule` carries that cron): it runs though the schedule's cron is another now.
   */
  replacedCron?: boolean;
}

/** A fire a killed daemon left waiting, too old now to run: to be recorded missed. */
export interface LeftFire {
  schedule: Schedule;
  time: Date;
}

/** Fires t of one schedule with after < t <= through that are past their catch-up window. */
export interface MissedSpan {
  schedule: Schedule;
  after: Date;
  through: Date;
}

/**
 * A schedule's catch-up chain to put on record (Schedule.pendingCatchUp) before it runs:
 * `span` null clears one a killed daemon left, now owed as `fires` or missed spans.
 */
export interface CatchUpSpan {
  schedule: Schedule;
  span: PendingCatchUp | null;
}

/** Longest sleep between ticks (ms): a clock step (suspend, NTP) is seen within it. */
export const MAX_SLEEP_MS = 60_000;

/** A schedule instance as one string (its name, and its id or creation time). */
function instanceKey(s: Schedule): string {
  return `${s.name}\u0000${scheduleInstance(s)}`;
}

/**
 * Whether `s`, new to the loop, is a schedule created since the loop first looked at the
 * store (`firstLook`, ms) that it never had and that never fired: one `weft schedule add`
 * made while the daemon runs. Not so a schedule that left and came back (a file schedule
 * whose file went out of the folders, or failed to validate, and was loaded again): that
 * one owes what it missed meanwhile (FireLoop.catchUp).
 */
function isNew(s: Schedule, seen: ReadonlySet<string>, firstLook: number): boolean {
  return !seen.has(instanceKey(s)) && !s.lastFire && !s.pendingMissed && !s.pendingCatchUp &&
    !(s.unstartedFires?.length) && Date.parse(s.createdAt) >= firstLook;
}

/** Schedules in, fires out. */
export class FireLoop {
  #clock: Clock;
  #schedules = new Map<string, Schedule>();
  /** Per schedule: fires up to and including this time were handed out. */
  #cursor = new Map<string, number>();
  #wake: AbortController | null = null;
  /** When setSchedules was first called (ms): schedules created since are new to the store. */
  #firstLook: number | null = null;
  /** Every schedule instance setSchedules was given (instanceKey): none of them is new. */
  #seen = new Set<string>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * Replaces the schedules (start, SIGHUP, a change in the store). A schedule whose cron,
   * zone and pause did not change keeps its place; a new or changed one starts counting
   * from now: a resumed one's fires that fell inside its pause are not due (the loop may
   * have slept through the pause without ticking). Returns the names of the schedules new
   * to the loop: what they owed before now is {@link FireLoop.catchUp}'s.
   */
  setSchedules(schedules: Schedule[]): string[] {
    const now = this.#clock.now().getTime();
    const old = this.#schedules;
    const firstLook = this.#firstLook;
    this.#firstLook ??= now;
    const joined: string[] = [];
    this.#schedules = new Map(schedules.map((s) => [s.name, s]));
    for (const s of schedules) {
      const before = old.get(s.name);
      const created = Date.parse(s.createdAt);
      const other = !before || instanceKey(before) !== instanceKey(s);
      if (other && firstLook !== null && isNew(s, this.#seen, firstLook)) {
        // Added while the loop runs (`weft schedule add`, seen at the next look at the
        // store, up to a second later): it fires from its creation, as if seen at once, and
        // owes nothing; its fires in between were recorded missed (tester vsched F2).
        this.#cursor.set(s.name, Math.min(created, now));
      } else if (
        !before || before.cron !== s.cron || before.tz !== s.tz || before.paused !== s.paused ||
        before.resumedAt !== s.resumedAt || !this.#cursor.has(s.name)
      ) {
        if (!before) joined.push(s.name);
        this.#cursor.set(s.name, now);
      }
      this.#seen.add(instanceKey(s));
    }
    for (const name of [...this.#cursor.keys()]) {
      if (!this.#schedules.has(name)) this.#cursor.delete(name);
    }
    this.#wake?.abort();
    return joined;
  }

  /**
   * What each active schedule owes since its last fire (or its creation), for start-up:
   * the fires within its `catchupMs` of now (`catch-up`, oldest first, to run), and the
   * older ones as spans (fires listed lazily when recorded: a year of a seconds-field
   * schedule is 31.5M of them). A span left unrecorded by a daemon that was stopped
   * (`pendingMissed`) is owed again; the new span starts after it. The fires a killed
   * daemon recorded but never started (`unstartedFires`) are owed too: each within
   * `catchupMs` runs (`leftWaiting`), the older ones are `left` to be recorded missed.
   * A resumed schedule owes nothing up to its resume (Schedule.resumedAt): a fire inside a
   * pause is not a missed one, and a resume starts the schedule afresh.
   *
   * A catch-up chain a killed daemon did not finish (`pendingCatchUp`) is owed again from
   * its start, whatever the last fire says: its fires that were handled have records, so
   * claiming them fails (daemon_fire.ts) and they neither run nor are recorded twice. Each
   * schedule's chain is given in `chains`, to be recorded before the first of it runs.
   * A chain owed by a cron replaced since (`weft schedule add --replace` after the kill)
   * is worked out with that cron: its fires within `catchupMs` run (`replacedCron`), the
   * older ones are `chainMissed`, to be recorded by the chain before its fires run; the
   * new cron owes fires only after the chain's end. Such a chain stays on record (as
   * `earlier`) until the new chain is over.
   *
   * `only`: just those schedules (ones that joined a running daemon: setSchedules), the
   * others keep their place.
   */
  catchUp(only?: ReadonlySet<string>): {
    fires: Fire[];
    missed: MissedSpan[];
    left: LeftFire[];
    chains: CatchUpSpan[];
    chainMissed: MissedSpan[];
    /** Fires a stopped daemon left waiting, of schedules paused now: recorded skipped. */
    paused: LeftFire[];
  } {
    const now = this.#clock.now();
    const fires: Fire[] = [];
    const missed: MissedSpan[] = [];
    const left: LeftFire[] = [];
    const chains: CatchUpSpan[] = [];
    const chainMissed: MissedSpan[] = [];
    const paused: LeftFire[] = [];
    for (const s of this.#schedules.values()) {
      if (only && !only.has(s.name)) continue;
      if (s.paused) {
        // Owed nothing, and what waited never starts (daemon_waiting.ts, recordLeftPaused).
        for (const at of s.unstartedFires ?? []) paused.push({ schedule: s, time: new Date(at) });
        continue;
      }
      const waiting = new Set<number>();
      for (const at of s.unstartedFires ?? []) {
        const time = new Date(at);
        waiting.add(time.getTime());
        if (now.getTime() - time.getTime() <= s.catchupMs) {
          fires.push({ schedule: s, time, kind: "catch-up", leftWaiting: true });
        } else left.push({ schedule: s, time });
      }
      let since = new Date(s.lastFire ? s.lastFire.time : s.createdAt);
      const chain = s.pendingCatchUp;
      // Fires t with now - t <= catchupMs run; older ones are missed.
      const edge = now.getTime() - s.catchupMs - 1;
      const earlier = replacedChains(s);
      for (const old of earlier) {
        const owner = { ...s, cron: old.cron!, tz: old.tz ?? null };
        const after = Date.parse(old.after);
        const end = Date.parse(old.through);
        if (edge > after) {
          const through = new Date(Math.min(edge, end));
          chainMissed.push({ schedule: owner, after: new Date(after), through });
        }
        for (const time of firesBetween(owner, new Date(Math.max(edge, after)), new Date(end))) {
          if (waiting.has(time.getTime())) continue;
          fires.push({ schedule: owner, time, kind: "catch-up", replacedCron: true });
        }
        // The new cron owes what came after the old one's chain.
        if (end > since.getTime()) since = new Date(end);
      }
      if (chain && ownsChain(s, chain) && Date.parse(chain.after) < since.getTime()) {
        since = new Date(chain.after);
      }
      if (s.resumedAt && Date.parse(s.resumedAt) > since.getTime()) since = new Date(s.resumedAt);
      const pending = s.pendingMissed;
      if (pending) {
        const through = new Date(pending.through);
        missed.push({ schedule: s, after: new Date(pending.after), through });
        if (through > since) since = through;
      }
      let owed = false;
      let from = since;
      if (since.getTime() < now.getTime()) {
        // Older than the window (through = the newest such t): missed.
        const through = new Date(edge);
        if (through > since) missed.push({ schedule: s, after: since, through });
        from = through > since ? through : since;
        for (const time of firesBetween(s, from, now)) {
          owed = true;
          // One a killed daemon left waiting is given once, as such (above).
          if (!waiting.has(time.getTime())) fires.push({ schedule: s, time, kind: "catch-up" });
        }
      }
      if (owed || earlier.length > 0 || chain) {
        const span: PendingCatchUp = {
          after: (owed ? from : now).toISOString(),
          through: now.toISOString(),
          cron: s.cron,
          tz: s.tz,
          ...(earlier.length > 0 ? { earlier } : {}),
        };
        chains.push({ schedule: s, span: owed || earlier.length > 0 ? span : null });
      }
      this.#cursor.set(s.name, now.getTime());
    }
    fires.sort((a, b) => a.time.getTime() - b.time.getTime());
    return { fires, missed, left, chains, chainMissed, paused };
  }

  /**
   * The fires due since the last tick (oldest first; a paused schedule's are passed
   * over), and when the next fire is due (null: no active schedule).
   */
  tick(): { fires: Fire[]; next: Date | null } {
    const now = this.#clock.now();
    const fires: Fire[] = [];
    let next: Date | null = null;
    for (const s of this.#schedules.values()) {
      const cursor = this.#cursor.get(s.name) ?? now.getTime();
      if (cursor < now.getTime()) {
        if (!s.paused) {
          for (const time of firesBetween(s, new Date(cursor), now)) {
            fires.push({ schedule: s, time, kind: "schedule" });
          }
        }
        this.#cursor.set(s.name, now.getTime());
      }
      if (s.paused) continue;
      const upcoming = nextFires(s, now, 1)[0];
      if (upcoming && (next === null || upcoming < next)) next = upcoming;
    }
    fires.sort((a, b) => a.time.getTime() - b.time.getTime());
    return { fires, next };
  }

  /**
   * Ticks until `signal` aborts, handing each due fire to `onFire` (synchronously, in
   * time order). Sleeps on the clock until the next fire, at most {@link MAX_SLEEP_MS}.
   */
  async run(onFire: (fire: Fire) => void, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const { fires, next } = this.tick();
      for (const fire of fires) onFire(fire);
      const now = this.#clock.now().getTime();
      const wait = next === null ? MAX_SLEEP_MS : Math.min(MAX_SLEEP_MS, next.getTime() - now);
      this.#wake = new AbortController();
      const stop = () => this.#wake?.abort();
      signal.addEventListener("abort", stop, { once: true });
      try {
        await this.#clock.sleep(Math.max(0, wait), this.#wake.signal);
      } catch {
        // woken early (new schedules, or stopping): tick again or leave
      } finally {
        signal.removeEventListener("abort", stop);
      }
    }
  }
}
