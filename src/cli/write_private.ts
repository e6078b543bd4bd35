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
import { NotAFileError, writeTarget } from "../write_target.ts";

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
 * to where it points. A path holding anything but a file or a link to one (a device,
 * a FIFO, a folder) throws NotAFileError before any file is written (write_target.ts).
 * Throws the first error; temporary files are removed.
 */
export async function writePrivateFiles(files: FileText[], replace: boolean): Promise<void> {
  const staged: Array<{ temp: string; target: string; fresh: boolean }> = [];
  try {
    for (const { path, text, mode } of files) {
      // Nothing, a file or a link to one (written through); a device, FIFO or folder is
      // refused before anything is written (write_target.ts).
      const existing = writeTarget(path);
      const fresh = existing.mode === null;
      if (!fresh && !replace) {
        throw new Deno.errors.AlreadyExists(`File exists (os error 17): open '${path}'`);
      }
      const target = existing.path;
      // node:path loads here, not with the CLI (startup_imports_test).
      const { basename, dirname, join } = nodePath();
      const temp = join(dirname(target), `.${basename(target)}.weft-${crypto.randomUUID()}`);
      staged.push({ temp, target, fresh });
      await Deno.writeTextFile(temp, text, { createNew: true, mode: 0o600 });
      // Deno's `mode` is cut by the umask; a replaced file keeps its owner's mode.
      await Deno.chmod(temp, mode ?? existing.mode ?? 0o600);
    }
    for (const { temp, target, fresh } of staged) await place(temp, target, fresh);
  } catch (error) {
    await Promise.all(staged.map(({ temp }) => Deno.remove(temp).catch(() => {})));
    throw error;
  }
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

/**
 * The error to show when writing `what` for the user failed (`/x/b.yml`, `the schema to
 * /x/s.json`), `path` being the file's path: one wording for every `-o` option. Says what
 * is in the way (a device, a FIFO, a folder: NotAFileError), a folder that does not exist
 * (with the `mkdir -p` to run) apart from one that exists but took no new file (/proc),
 * a full or read-only disk ({@link writeFault}, `option` named in its hint), else the
 * OS's reason without the name of weft's temporary file. Each ends "nothing was written".
 */
export async function writeError(
  error: unknown,
  what: string,
  path: string,
  option: string,
): Promise<WeftError> {
  const fault = writeFault(error, what, option);
  if (fault) return fault;
  const { dirname } = nodePath();
  if (error instanceof NotAFileError) {
    return new WeftError(
      `cannot write ${what}: it is ${error.describe((s) => s)}, not a file; nothing was written`,
      {
        hint:
          `weft replaces only a file (or the file a link points to): give ${option} a file name`,
      },
    );
  }
  const folder = dirname(path);
  if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
    const info = await Deno.stat(folder).catch((e) => e instanceof Deno.errors.NotFound ? null : e);
    if (info === null) {
      return new WeftError(
        `cannot write ${what}: its folder does not exist; nothing was written`,
        { hint: `create the folder first (mkdir -p ${folder})` },
      );
    }
    if (
      info instanceof Deno.errors.NotADirectory || (!(info instanceof Error) && !info.isDirectory)
    ) {
      return new WeftError(
        `cannot write ${what}: ${folder} is not a folder (a file is in the path); nothing was written`,
        { hint: `give ${option} a file in a folder` },
      );
    }
  }
  // Deno's message names the temporary file it was writing: keep the OS's reason only.
  const message = error instanceof Error ? error.message : String(error);
  const os = /^(.*?) \(os error \d+\)/s.exec(message)?.[1];
  const reason = os === undefined ? message : os.charAt(0).toLowerCase() + os.slice(1);
  const inFolder = error instanceof Deno.errors.NotFound ||
    error instanceof Deno.errors.PermissionDenied;
  return new WeftError(
    `cannot write ${what}: ${
      inFolder ? `the folder ${folder} took no new file: ${reason}` : reason
    }; nothing was written`,
    { hint: "give a file in a folder that exists and that you can write" },
  );
}
