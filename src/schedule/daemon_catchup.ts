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
import type { CatchUpSpan } from "./daemon_fires.ts";
import type { ScheduleStore } from "../store/schedule_store.ts";

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
    const old = schedule.pendingCatchUp ?? null;
    if (old?.after === span?.after && old?.through === span?.through) continue;
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
