/**
 * Whether SIGHUP was ignored when weft started (`nohup weft run …`, a shell's
 * `trap '' HUP`), read once as main.ts is loaded: the Deno runtime puts SIGHUP back to its
 * default a few hundred ms after start (measured with deno 2.9: ignored at 100 ms, default at
 * 500 ms), so a later look would no longer see what weft's parent asked for.
 * Read from /proc/self/status (`SigIgn`, a hex mask whose bit 0 is signal 1, SIGHUP);
 * false without /proc.
 * @module
 */

function hangupIgnored(): boolean {
  try {
    const mask = Deno.readTextFileSync("/proc/self/status").match(/^SigIgn:\s*([0-9a-f]+)/m)?.[1];
    return mask !== undefined && (parseInt(mask.slice(-1), 16) & 1) === 1;
  } catch {
    return false;
  }
}

/** True when SIGHUP was ignored as weft started (see the module's comment). */
export const HANGUP_IGNORED_AT_START: boolean = hangupIgnored();
