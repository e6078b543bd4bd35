/**
 * Environment variables that are not valid UTF-8. Deno leaves them out of
 * `Deno.env.toObject()` (and `Deno.env.get` throws for them), so weft cannot read them
 * nor pass them to tasks; what would otherwise vanish silently is found here, from the
 * bytes the kernel gave the process (Linux's /proc/self/environ), so weft can say so:
 * a warning naming each one, and a refusal for the variables that choose the history
 * folder (cli/home.ts), rather than writing the history somewhere else.
 * @module
 */

const fatal = new TextDecoder("utf-8", { fatal: true });
const lenient = new TextDecoder();

/**
 * The names of the variables of `environ` (NUL-separated `NAME=VALUE` entries, as
 * /proc/self/environ holds them) whose bytes are not valid UTF-8, in order; a name that
 * is not valid UTF-8 itself shown with U+FFFD in place of its bad bytes. Empty when
 * the file cannot be read (not Linux, no /proc).
 */
export function unreadableEnvNames(
  environ: () => Uint8Array = () => Deno.readFileSync("/proc/self/environ"),
): string[] {
  let bytes: Uint8Array;
  try {
    bytes = environ();
  } catch {
    return [];
  }
  if (valid(bytes)) return []; // the usual case: one pass, nothing to find
  const names: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0, start);
    if (end < 0) end = bytes.length;
    const entry = bytes.subarray(start, end);
    if (!valid(entry)) {
      const eq = entry.indexOf(0x3d, 1); // `=`; a name never starts with one
      names.push(lenient.decode(eq < 0 ? entry : entry.subarray(0, eq)));
    }
    start = end + 1;
  }
  return names;
}

function valid(bytes: Uint8Array): boolean {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
