/**
 * Opening a log file weft reads or appends to without ever waiting on what is no file:
 * a log replaced by a named pipe (FIFO) would make open(2) wait for a writer (reading)
 * or a reader (appending) for ever, and a device such as /dev/zero would be read without
 * end. The rule is src/regular_file.ts's: anything but a regular file or a folder (a
 * folder keeps its EISDIR, said by store/faults.ts) is refused with
 * {@link NotRegularFileError}, opened never. Same rule as the small files of WEFT_HOME
 * (small_file.ts).
 * @module
 */
import { NotRegularFileError, refuseSpecial } from "../regular_file.ts";

export { NotRegularFileError };

/**
 * Opens `path` with `options` (as Deno.open) unless it is there and is no regular file
 * nor folder (reading a folder then fails with EISDIR, as before): then throws
 * {@link NotRegularFileError}, never waiting. Other errors (NotFound...) are thrown as
 * Deno.open gives them.
 */
export async function openRegular(path: string, options: Deno.OpenOptions): Promise<Deno.FsFile> {
  // Not there (a log is made with the first output), or not ours to stat: open says.
  refuseSpecial(path);
  return await Deno.open(path, options);
}
