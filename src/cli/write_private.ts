/**
 * Writing a file the user asked for (`weft create -o`, `weft schema -o`) under the two
 * rules for files weft touches: a file weft creates is private (0600), and a file that
 * was already there keeps the mode its owner gave it (weft replaces its text only).
 * @module
 */

/**
 * Writes `text` to `path`. A new file is created with mode 0600 (O_EXCL: never a race
 * with a file that appears meanwhile). An existing file is replaced only when `replace`
 * is true, and then keeps its mode (Deno's `mode` option would chmod it, so it is not
 * given). Throws what Deno throws: `Deno.errors.AlreadyExists` when the file exists
 * and `replace` is false, `NotFound` when the folder is missing, and so on.
 */
export async function writePrivateText(
  path: string,
  text: string,
  replace: boolean,
): Promise<void> {
  try {
    await Deno.writeTextFile(path, text, { createNew: true, mode: 0o600 });
  } catch (e) {
    if (!replace || !(e instanceof Deno.errors.AlreadyExists)) throw e;
    await Deno.writeTextFile(path, text);
  }
}
