/**
 * What the daemon does with the fires its schedules owe from before now
 * (FireLoop.catchUp): on start, and for a schedule that starts firing later (its file did
 * not validate at start and SIGHUP loaded it fixed, or it came back into the folders).
 * Each schedule's catch-up fires run one after another, its older fires are recorded
 * missed, and each is put on record before any runs (daemon_catchup.ts, markMissed), so
 * a daemon killed meanwhile leaves the rest to the next start.
 * @module
 */
import type { Fire, FireLoop } from "./daemon_fires.ts";
import { type Chain, chainsOf, finishChain, markChains } from "./daemon_catchup.ts";
import {
  holdsFires,
  markMissed,
  type MissedFireDeps,
  recordLeftMissed,
  recordMissed,
  recordSpan,
} from "./daemon_schedules.ts";
import { recordLeftPaused } from "./daemon_waiting.ts";

/** What FireLoop.catchUp found owed. */
export type Owed = ReturnType<FireLoop["catchUp"]>;

/** What {@link oweFires} needs of the daemon. */
export interface OwedDeps extends MissedFireDeps {
  /**
   * Runs one fire (Daemon's handling); true once its outcome is recorded, false when it
   * could not be or the daemon's stop left it owed to the next start. Never rejects.
   */
  handle(fire: Fire): Promise<boolean>;
  /** Keeps `work` for the daemon's stop to wait for. */
  track(work: Promise<unknown>): void;
  /**
   * Holds the run slots' target of `schedule` for its catch-up chain (RunSlots.hold);
   * the release is called once the chain is over, or could not begin.
   */
  hold(schedule: Fire["schedule"]): () => void;
}

/**
 * Puts the owed chains and missed spans on record, then runs each schedule's catch-up
 * chain and records the missed fires in the background (`track`). Resolves once the
 * records that must come before any newer fire are written.
 */
export async function oweFires(owed: Owed, deps: OwedDeps): Promise<void> {
  const chains = chainsOf(owed.fires, owed.chainMissed, owed.chains);
  // Held from before the first record: an on-time fire of the schedule that comes due
  // while its chain goes — between two of its runs too — meets it going, every time.
  const releases = chains.map((c) => c.fires.length ? deps.hold(c.fires[0].schedule) : () => {});
  let missed: Awaited<ReturnType<typeof markMissed>>;
  try {
    // Marked pending before any newer fire is recorded (see markMissed).
    missed = await markMissed(owed.missed, deps);
    // Likewise the catch-up fires, so that a kill -9 mid-chain loses none (daemon_catchup.ts).
    await markChains(owed.chains, deps);
  } catch (e) {
    for (const release of releases) release();
    throw e;
  }
  // Each schedule's catch-up fires run one after another (as `queue` would): under
  // `overlap: skip` they would otherwise skip each other, the oldest alone running.
  // Released once the chain is over: the on-time fires that wait for it go on.
  chains.forEach((chain, i) => deps.track(runChain(chain, deps).finally(releases[i])));
  deps.track(recordMissed(missed, deps));
  deps.track(recordLeftMissed(owed.left, deps));
  deps.track(recordLeftPaused(owed.paused, deps));
}

/** Records a chain's missed spans, then runs its catch-up fires, oldest first. */
async function runChain(chain: Chain, deps: OwedDeps): Promise<void> {
  let handled = true;
  // A replaced cron's fires too old to run now are recorded before the newer run.
  for (const span of chain.missed) {
    handled = handled && !deps.stopping() && await recordSpan(span, deps).catch((e) => {
      deps.log(`schedule ${chain.name}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    });
  }
  for (const fire of chain.fires) handled = await deps.handle(fire) && handled;
  // A fire left owed by the stop, or not recorded: the next start owes the chain again.
  // One whose every fire has its outcome is over, though the stop began meanwhile.
  if (handled) await finishChain(chain.name, deps);
}

/**
 * One log line per schedule that owes fires as it starts firing in a running daemon:
 * from when, and that they are caught up or recorded missed (each then has its own line).
 */
export function joinedLines(owed: Owed): string[] {
  // A span may hold no fire (since its creation, none came due): nothing is owed then.
  const spans = [...owed.missed, ...owed.chainMissed].filter(holdsFires);
  const owing = new Map(
    [...owed.fires, ...spans, ...owed.left].map((f) => [f.schedule.name, f.schedule]),
  );
  return [...owing.values()].map((s) => {
    const since = s.lastFire ? `its last fire (${s.lastFire.time})` : "it was added";
    return `schedule ${s.name}: fires from now on; the fires it owes since ${since} run as ` +
      "catch-ups when within its catch-up window, and are recorded missed when older";
  });
}
