/**
 * Per-task facts the renderers look up by task id, where a loop iteration (`LOOP[key]`,
 * engine/loop.ts) finds those of its loop's step, kept under `LOOP[]`: iteration ids are
 * known only once the loop runs.
 * @module
 */

/** `LOOP[]`, under which the facts of loop LOOP's iterations are kept, or "" for other ids. */
function iterationsKey(id: string): string {
  const cut = id.indexOf("[");
  return cut > 0 ? `${id.slice(0, cut)}[]` : "";
}

/** A set where a loop iteration's id (`LOOP[key]`) is found when `LOOP[]` is in it. */
export class LoopAwareSet extends Set<string> {
  override has(id: string): boolean {
    return super.has(id) || super.has(iterationsKey(id));
  }
}

/** A map where a loop iteration's id (`LOOP[key]`) finds the value of `LOOP[]`. */
export class LoopAwareMap<V> extends Map<string, V> {
  override get(id: string): V | undefined {
    return super.get(id) ?? super.get(iterationsKey(id));
  }
}
