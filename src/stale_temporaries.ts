/**
 * Removing the temporary files a weft killed between a write and its rename left behind
 * (`FILE.PID.tmp`, written then renamed over FILE: store/schedule_secrets.ts,
 * store/reserve.ts). The writer that made one may be another process, so its own
 * remove-before-write never sees it; left, it stays for good (a schedule's secret params
 * in clear, a reserve's 128 KiB). Only names of the form `<one of names>.<digits>.tmp`,
 * and only once {@link STALE_TEMPORARY_MS} old: such a write takes milliseconds, so a
 * live writer's is never that old.
 * @module
 */

/**
 * Age (ms, by modification time) from which a temporary is taken for a dead writer's;
 * also the age at which the validation cache (parse/validated_cache.ts) and the bundle's
 * chunk loader (scripts/_bundle_pack.ts) remove theirs.
 */
export const STALE_TEMPORARY_MS = 3_600_000;

/**
 * Removes each `dir/<name>.<digits>.tmp` whose `<name>` satisfies `owns` and that was last
 * modified more than {@link STALE_TEMPORARY_MS} before `now` (ms since the epoch); a
 * symlink or folder of that name is left alone. Never rejects: an unreadable folder or a
 * file that cannot be removed is left as it is (the caller's write goes on).
 */
export async function removeStaleTemporaries(
  dir: string,
  owns: (name: string) => boolean,
  now: number = Date.now(),
): Promise<void> {
  try {
    for await (const e of Deno.readDir(dir)) {
      const m = /^(.+)\.\d+\.tmp$/.exec(e.name);
      if (!e.isFile || !m || !owns(m[1])) continue;
      const path = `${dir}/${e.name}`;
      const info = await Deno.lstat(path).catch(() => null);
      const mtime = info?.mtime?.getTime();
      if (info?.isFile && mtime !== undefined && now - mtime > STALE_TEMPORARY_MS) {
        await Deno.remove(path).catch(() => {});
      }
    }
  } catch {
    // Unreadable: nothing swept; the write itself says what is wrong, if anything.
  }
}
