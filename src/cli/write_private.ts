/**
 * Writing files the user asked for (`weft create -o`, `weft generate -o`, `weft schema -o`,
 * `weft schedule export --systemd`) under the rules for files weft touches: a file weft
 * creates is private (0600), a file that was already there keeps the mode its owner gave
 * it (weft replaces its text only), and a write that fails leaves nothing behind.
 *
 * Each text is first written whole to a private temporary file in the same folder and
 * only then put in place (a rename, atomic within one file system), so a full disk or
 * any other failure midway never leaves an empty or cut-off file where the user's file
 * goes (which a later `weft create` would then refuse as "already exists"). The
 * temporary files are removed when anything fails.
 * @module
 */
import { nodePath } from "../path.ts";
import { WeftError } from "../model/errors.ts";
import { describeFault } from "../store/faults.ts";

/** One file to write: where, and its whole text. */
export interface FileText {
  path: string;
  text: string;
  /**
   * The file's permission bits whatever mode a file it replaces had (one holding secret
   * values: 0600), set before it is put in place; default: the replaced file's, or 0600.
   */
  mode?: number;
}

/**
 * Writes `text` to `path` (see {@link writePrivateFiles}). Throws what Deno throws:
 * `Deno.errors.AlreadyExists` when the file exists and `replace` is false, `NotFound`
 * when the folder is missing, an error with code ENOSPC on a full disk, and so on; the
 * file is then as it was before (absent, or with its old text).
 */
export async function writePrivateText(
  path: string,
  text: string,
  replace: boolean,
): Promise<void> {
  await writePrivateFiles([{ path, text }], replace);
}

/**
 * Writes every file or none: all texts go to temporary files first (the file's own
 * `mode`, else the mode of the file they replace, else 0600), then each is renamed into place. A new file is never
 * put over one that appeared meanwhile (a hard link, which fails if the name exists);
 * an existing one is replaced only when `replace` is true, through a symbolic link
 * to where it points. Throws the first error; temporary files are removed.
 */
export async function writePrivateFiles(files: FileText[], replace: boolean): Promise<void> {
  const staged: Array<{ temp: string; target: string; fresh: boolean }> = [];
  try {
    for (const { path, text, mode } of files) {
      const existing = await existingTarget(path);
      if (existing && !replace) {
        throw new Deno.errors.AlreadyExists(`File exists (os error 17): open '${path}'`);
      }
      const target = existing?.path ?? path;
      // node:path loads here, not with the CLI (startup_imports_test).
      const { basename, dirname, join } = nodePath();
      const temp = join(dirname(target), `.${basename(target)}.weft-${crypto.randomUUID()}`);
      staged.push({ temp, target, fresh: !existing });
      await Deno.writeTextFile(temp, text, { createNew: true, mode: 0o600 });
      // Deno's `mode` is cut by the umask; a replaced file keeps its owner's mode.
      await Deno.chmod(temp, mode ?? existing?.mode ?? 0o600);
    }
    for (const { temp, target, fresh } of staged) await place(temp, target, fresh);
  } catch (error) {
    await Promise.all(staged.map(({ temp }) => Deno.remove(temp).catch(() => {})));
    throw error;
  }
}

/** The file at `path` (followed through links) and its permission bits; null when none. */
async function existingTarget(path: string): Promise<{ path: string; mode: number } | null> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  if (info.isDirectory) throw new Deno.errors.IsADirectory(`Is a directory: '${path}'`);
  if (!info.isSymlink) return { path, mode: (info.mode ?? 0o600) & 0o7777 };
  const real = await Deno.realPath(path).catch(() => null);
  if (real === null) return { path, mode: 0o600 }; // a dangling link: replaced as it is
  const mode = (await Deno.stat(real)).mode ?? 0o600;
  return { path: real, mode: mode & 0o7777 };
}

/** Puts `temp` at `target`: a new name by hard link (never over a file that appeared), else a rename. */
async function place(temp: string, target: string, fresh: boolean): Promise<void> {
  if (fresh) {
    try {
      await Deno.link(temp, target);
      await Deno.remove(temp).catch(() => {});
      return;
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) throw error;
      // A file system without hard links (vfat, some network mounts): rename instead.
    }
  }
  await Deno.rename(temp, target);
}

/** The faults of a disk that {@link writeFault} explains: full, over quota, read-only. */
const DISK_FAULTS = ["ENOSPC", "EDQUOT", "EFBIG", "EROFS"];

/**
 * The error for a full, over-quota or read-only disk met while writing `what` for the
 * user (`b.yml`, `the schema to /x/s.json`): the reason in plain words (store/faults.ts),
 * that nothing was written, and what to do (free space, or point `option` elsewhere);
 * null for any other error, which the caller reports its own way.
 */
export function writeFault(error: unknown, what: string, option: string): WeftError | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !DISK_FAULTS.includes(code)) return null;
  const fault = describeFault(error, option);
  if (!fault) return null;
  return new WeftError(`cannot write ${what}: ${fault.reason}; nothing was written`, {
    hint: fault.hint,
  });
}
