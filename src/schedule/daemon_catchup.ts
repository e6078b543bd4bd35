/**
 * A start's catch-up chains on record (Schedule.pendingCatchUp): each schedule's span of
 * catch-up fires is written before the first of them runs (and before the live loop
 * records a newer fire), and cleared once every fire of it is handled. A daemon killed
 * mid-chain so leaves the next start the fires it had not reached (daemon_fires.ts
 * FireLoop.catchUp owes the span again; the fires already handled have records, and a
 * claimed fire never runs twice), where the newer fires would otherwise have moved the
 * schedule's last fire past them and they would be lost without a trace.
 * @module
 */
import type { CatchUpSpan, Fire, MissedSpan } from "./daemon_fires.ts";
import type { ScheduleStore } from "../store/schedule_store.ts";
import type { CatchUpSegment, PendingCatchUp, Schedule } from "./types.ts";

/**
 * True when schedule `s`'s cron and zone are the ones that owed `chain` (a record written
 * before chains named theirs is taken as the schedule's own).
 */
export function ownsChain(s: Schedule, chain: CatchUpSegment): boolean {
  return (chain.cron ?? s.cron) === s.cron && (chain.tz === undefined ? s.tz : chain.tz) === s.tz;
}

/**
 * The chains on record for schedule `s` owed by a cron (or zone) it no longer has, oldest
 * first, each naming its cron and zone: the `earlier` ones, then the chain itself when
 * `weft schedule add --replace` changed the cron since it was written. Their fires are
 * the old cron's: run with the new one they would be other times, some older than fires
 * already run, and the old ones would get no record at all (verifier V4 F4).
 */
export function replacedChains(s: Schedule): CatchUpSegment[] {
  const chain: PendingCatchUp | null | undefined = s.pendingCatchUp;
  if (!chain) return [];
  const named = (c: CatchUpSegment): CatchUpSegment => ({
    after: c.after,
    through: c.through,
    cron: c.cron ?? s.cron,
    tz: c.tz === undefined ? s.tz : c.tz,
  });
  const out = (chain.earlier ?? []).map(named);
  if (!ownsChain(s, chain)) out.push(named(chain));
  return out;
}

/** What the chains' records need of the daemon. */
export interface ChainDeps {
  store: ScheduleStore;
  /** One line per event (no newline). */
  log(line: string): void;
}

/**
 * Writes each schedule's chain (or clears one left that owes nothing now). A write that
 * fails is logged and the chain runs all the same, as it did before it was recorded.
 */
export async function markChains(chains: CatchUpSpan[], deps: ChainDeps): Promise<void> {
  for (const { schedule, span } of chains) {
    if (JSON.stringify(schedule.pendingCatchUp ?? null) === JSON.stringify(span)) continue;
    try {
      await deps.store.setPendingCatchUp(schedule.name, span);
    } catch (e) {
      deps.log(`schedule ${schedule.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** Clears schedule `name`'s chain: every fire of it was handled and recorded. */
export async function finishChain(name: string, deps: ChainDeps): Promise<void> {
  try {
    await deps.store.setPendingCatchUp(name, null);
  } catch (e) {
    // Left on record: the next start finds its fires recorded and runs none twice.
    deps.log(`schedule ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** One schedule's chain as the start runs it: the old crons' missed fires, then `fires`. */
export interface Chain {
  name: string;
  /** Fires of a replaced cron's chain past the catch-up window, to record missed first. */
  missed: MissedSpan[];
  /** Oldest first. */
  fires: Fire[];
}

/**
 * The start's chains, one per schedule that has fires or missed spans owed by a chain, or
 * a chain to clear once handled (FireLoop.catchUp's `fires`, `chainMissed`, `chains`).
 */
export function chainsOf(
  fires: Fire[],
  chainMissed: MissedSpan[],
  chains: CatchUpSpan[],
): Chain[] {
  const out = new Map<string, Chain>();
  const of = (name: string) => {
    let c = out.get(name);
    if (!c) out.set(name, c = { name, missed: [], fires: [] });
    return c;
  };
  for (const { schedule, span } of chains) if (span) of(schedule.name);
  for (const span of chainMissed) of(span.schedule.name).missed.push(span);
  for (const fire of fires) of(fire.schedule.name).fires.push(fire);
  return [...out.values()];
}
