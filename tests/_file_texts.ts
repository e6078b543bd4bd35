/**
 * Reading back what weft left in a folder, for tests that check a value is nowhere in
 * clear (a secret in WEFT_HOME).
 * @module
 */

/** Every file under `dir` (but `except`, a path under it) with its bytes as text, joined. */
export function textsUnder(dir: string, except?: string): string {
  let all = "";
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    if (path === except) continue;
    if (entry.isDirectory) all += textsUnder(path, except);
    else if (entry.isFile) all += new TextDecoder().decode(Deno.readFileSync(path));
  }
  return all;
}
