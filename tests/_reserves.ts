/**
 * The space reserves in a home (src/store/reserve.ts, run_reserve.ts), for tests that
 * look at them: the idle `weft.reserve`, and those the runs in flight hold.
 * @module
 */

/** A reserve a run holds: `weft.reserve.<pid>-<start ticks>-<where>-<n>`. */
export const HELD_RESERVE = /^weft\.reserve\.\d+-\d+-[0-9a-f]{8}-\d+$/;

/** The paths of the reserves runs in flight hold in `home`. */
export function heldReserves(home: string): string[] {
  return [...Deno.readDirSync(home)].filter((e) => HELD_RESERVE.test(e.name))
    .map((e) => `${home}/${e.name}`).sort();
}

/**
 * Waits until no run holds a reserve in `home` (a run hands its own back just after its
 * end is logged); throws after `timeoutMs`.
 */
export async function untilNoneHeld(home: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (heldReserves(home).length > 0) {
    if (Date.now() > deadline) throw new Error(`runs still hold reserves: ${heldReserves(home)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
