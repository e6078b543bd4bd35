/**
 * Reading back what weft left in a folder, for tests that check a value is nowhere in
 * clear (a secret in WEFT_HOME).
 * @module
 */
import { reservePath } from "../src/store/reserve.ts";
import { HELD_RESERVE } from "./_reserves.ts";

/**
 * Every file under `dir` (but `except`, a path under it) with its bytes as text, joined.
 * A home's space reserves (the idle one and those runs in flight hold) are left out:
 * src/store/reserve.ts fills each with 128 KiB of random bytes before anything is
 * recorded, so it never holds a value, yet any short text turns up in it by chance (a
 * given 3 characters about once in 128 homes: a flaky failure).
 */
export function textsUnder(dir: string, except?: string): string {
  let all = "";
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    if (path === except || path === reservePath(dir) || HELD_RESERVE.test(entry.name)) continue;
    if (entry.isDirectory) all += textsUnder(path, except);
    else if (entry.isFile) all += new TextDecoder().decode(Deno.readFileSync(path));
  }
  return all;
}

/**
 * The paths of the files under `dir` whose bytes hold `needle` (its UTF-8), or any of
 * several, anywhere; with `names`, also of each file or folder whose name holds one.
 */
export function filesHolding(
  dir: string,
  needle: string | readonly string[],
  { names = false }: { names?: boolean } = {},
): string[] {
  const needles = typeof needle === "string" ? [needle] : needle;
  const encoded = needles.map((n) => new TextEncoder().encode(n));
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of Deno.readDirSync(folder)) {
      const path = `${folder}/${entry.name}`;
      if (names && needles.some((n) => entry.name.includes(n))) found.push(path);
      if (entry.isDirectory) walk(path);
      else if (entry.isFile) {
        const bytes = Deno.readFileSync(path);
        if (encoded.some((n) => holds(bytes, n))) found.push(path);
      }
    }
  };
  walk(dir);
  return found;
}

function holds(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
