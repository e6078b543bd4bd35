/**
 * Reading a workflow file: bytes from a path or stdin, a content hash, and text
 * decoding that turns binary input into one clear problem.
 * @module
 */
import type { Problem } from "../model/errors.ts";
import { describeEncodingTrouble, firstInvalidUtf8, wideEncoding } from "./encoding.ts";
import { positionIn } from "./lines.ts";
import {
  dirnameOf,
  isAbsolutePath,
  joinPath,
  normalizeAbsolute,
  specialFileKind,
} from "../path.ts";
import { descriptorPath, NotRegularFileError } from "../regular_file.ts";
import { readBytesBounded } from "../bounded_file.ts";
import { concatBytes } from "../arrays.ts";

/** The two syntaxes a workflow file may use; YAML's parser reads both. */
export type SourceFormat = "json" | "yaml";

/** Raw input, as read. */
export interface RawInput {
  bytes: Uint8Array;
  /** Absolute path, or "-" for stdin. */
  path: string;
  /**
   * Read as a stream, not a file: stdin, or a FIFO or device (`weft run <(…)`, which is
   * read as stdin is). Its relative paths (a called workflow's `file:`) are then the
   * current folder's, not the folder of a path such as /dev/fd/63.
   */
  stream: boolean;
  /** The folder the workflow's relative paths resolve against (see {@link stream}). */
  dir: string;
}

/**
 * The path the run's checks of fixed values (LoadOptions.refusals) take `raw` for: its
 * own, or for input read as a stream (stdin, a pipe) a `-` in the folder its relative
 * paths resolve against, so that both place what a task names alike.
 */
export function refusalPath(raw: RawInput): string {
  return raw.stream ? `${raw.dir}/-` : raw.path;
}

/** Text ready to parse. */
export interface DecodedInput {
  text: string;
  format: SourceFormat;
}

/**
 * The most bytes a workflow file may have: 16 MiB. Far above any real workflow (a
 * 50,000-task file is about 10 MB) and small enough that endless input (`yes | weft
 * validate -`, a path to /dev/zero) stops quickly instead of filling memory.
 */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/**
 * Reads `file` (resolved against `cwd`) or, for `-`, `stdin`, in chunks and never more
 * than {@link MAX_INPUT_BYTES} + 1 bytes: larger input is a problem, not read further.
 * Returns a problem instead of throwing when the file cannot be read.
 */
export async function readInput(
  file: string,
  options: { cwd: string; stdin?: ReadableStream<Uint8Array>; regularOnly?: boolean },
): Promise<RawInput | Problem> {
  if (file === "-") {
    if (!options.stdin) {
      return {
        file,
        message: "no standard input to read the workflow from",
        hint: "name the workflow file instead of -",
      };
    }
    const bytes = await readBounded(options.stdin);
    return bytes ? { bytes, path: "-", stream: true, dir: options.cwd } : tooLarge(file);
  }
  // An empty name (`weft run ''`, an unset "$FILE") would resolve to the current folder.
  if (file === "") {
    return {
      file,
      message: "no workflow file named: the name given is empty",
      hint:
        "name a .yml, .yaml or .json file (is a variable in the command unset?), or - for stdin",
    };
  }
  const path = inputPath(options.cwd, file);
  const own = options.regularOnly ? descriptorPath(path) : null;
  if (own !== null) {
    return {
      file,
      message: (own === path ? "names" : `leads to ${own}:`) +
        " a descriptor of the process that reads it (its standard input, or another), not a file",
      hint: "name the workflow file itself: this one is read again unattended (at each " +
        "fire, or when a run calls it), by a process whose descriptors are others",
    };
  }
  // What the path is when no regular file: said when its open fails (a socket: ENXIO).
  let kind: string | null = null;
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) {
      return {
        file,
        message: "is a folder, not a workflow file",
        hint: "name a .yml, .yaml or .json file",
      };
    }
    // Unattended, never opened: a FIFO would wait for a writer for ever (a daemon's fire
    // with it), a device be read without end (regular_file.ts).
    const special = !info.isFile;
    if (special) kind = specialFileKind(info);
    if (special && options.regularOnly) return notAFile(file, specialFileKind(info));
    if (info.size > MAX_INPUT_BYTES && !special) return tooLarge(file);
    // Without a stream (starting streams costs ~3 ms), and bounded whatever stat said:
    // devices and FIFOs (`weft run <(…)`) report no size, and /proc files
    // (/proc/self/pagemap: gigabytes) report 0 as regular files.
    const bytes = await readBytesBounded(path, MAX_INPUT_BYTES, { special: !options.regularOnly });
    if (!bytes) return tooLarge(file);
    return { bytes, path, stream: special, dir: special ? options.cwd : dirnameOf(path) };
  } catch (e) {
    // Swapped for one between the stat and the open.
    if (e instanceof NotRegularFileError) return notAFile(file, e.kind);
    if (e instanceof Deno.errors.NotFound) {
      // Deno hands arguments over as UTF-8 text, a byte that is not UTF-8 as U+FFFD:
      // such a file exists under another name than the one looked for.
      if (path.includes("\uFFFD")) {
        return {
          file,
          message: "file not found: its path as given is not valid UTF-8 (shown as \uFFFD)",
          hint: "weft reads paths as UTF-8; rename the file (or its folder) with a UTF-8 name",
        };
      }
      return { file, message: "file not found", hint: `looked for ${path}` };
    }
    if (kind && !(e instanceof Deno.errors.PermissionDenied)) {
      return notAFile(file, kind, options.regularOnly === true);
    }
    return unreadable(file, e as Error);
  }
}

/**
 * The problem for a file the system would not open or read (`error`: what Deno threw),
 * each kind with what to do about it. `file` as the user named it, for the advice.
 */
function unreadable(file: string, error: Error): Problem {
  const plain = /^[\w./,:+@%=-]+$/.test(file) && !file.startsWith("-");
  const look = plain ? `ls -l ${file}` : "ls -l";
  const code = (error as { code?: unknown }).code;
  if (error instanceof Deno.errors.PermissionDenied || code === "EACCES" || code === "EPERM") {
    // A folder on the way may be what refuses: `ls -l` of the file then fails too, where
    // util-linux's namei (Linux) lists the permissions of each folder down to the file.
    const each = Deno.build.os === "linux" ? (plain ? `namei -l ${file}` : "namei -l") : look;
    return {
      file,
      message: "cannot read the file: permission denied",
      hint: `check the file's permissions and those of the folders above it (${each}), ` +
        "or run weft as a user who can read it",
    };
  }
  if (error instanceof Deno.errors.NotADirectory) {
    return {
      file,
      message: "cannot read the file: a part of its path is a file, not a folder",
      hint: "check the path: every name before the last must be a folder",
    };
  }
  if (error instanceof Deno.errors.FilesystemLoop) {
    return {
      file,
      message: "cannot read the file: its symbolic links point at each other in a loop",
      hint: `fix or replace the link (${look} shows where it points)`,
    };
  }
  if (code === "ENAMETOOLONG") {
    return {
      file,
      message: "cannot read the file: its path, or a name in it, is too long for the file system",
      hint: "name the file by a shorter path (relative to the current folder) or rename it",
    };
  }
  return {
    file,
    message: `cannot read the file: ${error.message}`,
    hint: `check that the path names a readable file (${look}), or copy the file and name the copy`,
  };
}

/**
 * `file` resolved as node:path's `isAbsolute(file) ? normalize(file) : join(cwd, file)`
 * (both normalized: `/tmp/./x.yml` is `/tmp/x.yml`, as `./x.yml` in /tmp is), without
 * loading node:path where that is plain (see src/path.ts).
 */
export function inputPath(cwd: string, file: string): string {
  return isAbsolutePath(file) ? normalizeAbsolute(file) : joinPath(cwd, file);
}

function notAFile(file: string, kind: string, unattended = true): Problem {
  return {
    file,
    message: `is ${kind}, not a file`,
    hint: unattended
      ? "name a regular .yml, .yaml or .json file: this one is read again unattended " +
        "(at each fire, or when a run calls it), where a pipe would wait for a writer for ever"
      : "name a regular .yml, .yaml or .json file, or - for standard input",
  };
}

function tooLarge(file: string): Problem {
  return {
    file,
    message: `file too large: a workflow may have at most ${
      MAX_INPUT_BYTES / 1024 / 1024
    } MiB (stopped reading there)`,
    hint: "split the workflow, or check that the right file (not a device or a stream) is named",
  };
}

/**
 * All bytes of `stream`, or undefined once more than {@link MAX_INPUT_BYTES} arrived
 * (the stream is then cancelled, so nothing more is read).
 */
async function readBounded(stream: ReadableStream<Uint8Array>): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
      if (size > MAX_INPUT_BYTES) {
        await reader.cancel().catch(() => {});
        return undefined;
      }
    }
  } finally {
    reader.releaseLock();
  }
  return concatBytes(chunks, size);
}

/** Lowercase hex SHA-256 of the bytes: identifies the exact file a run used. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Decodes UTF-8 text (dropping a byte-order mark) and picks the syntax: `.json` is
 * JSON, `.yml`/`.yaml` YAML, anything else JSON when it starts with `{`.
 * UTF-16/32 text is named as such, invalid UTF-8 is placed at its first bad byte, and
 * binary input and empty files are problems, not parse errors.
 */
export function decodeInput(bytes: Uint8Array, file: string): DecodedInput | Problem {
  const wide = wideEncoding(bytes);
  if (wide) {
    return {
      file,
      message: describeEncodingTrouble(wide),
      hint: "save the file as UTF-8 (a workflow is a UTF-8 JSON or YAML text file)",
    };
  }
  const notText = {
    file,
    message: "not a text file",
    hint: "a workflow is a UTF-8 JSON or YAML text file",
  };
  const zero = bytes.indexOf(0);
  if (zero !== -1) {
    // Placed like any control character when the text before it is text (a stray NUL in
    // a script); a binary file's is only counted, its bytes having no lines.
    const before = textBefore(bytes, zero);
    if (before !== null) return controlCharacter(file, before + "\0", before.length);
    return { ...notText, hint: `${notText.hint}; byte ${zero} is zero` };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const position = bad?.kind === "invalid" ? bad.position : undefined;
    return {
      file,
      ...position,
      message: bad ? describeEncodingTrouble(bad) : "not valid UTF-8",
      hint: "save the file as UTF-8; this byte belongs to another encoding (Latin-1?) " +
        "or to a character cut in half",
    };
  }
  // Control characters other than tab, newline, carriage return and form feed are not
  // text; one stray byte is placed, so that it can be found and removed. ESC and the C1
  // controls too: YAML 1.2 (§5.1, c-printable) allows none of them, and one in a name or
  // command would reach a terminal raw. NEL (U+0085) stays: YAML 1.2 allows it, YAML 1.1
  // and Unicode read it as a line break.
  const control = text.search(CONTROL);
  if (control !== -1) return controlCharacter(file, text, control);
  if (text.trim() === "") {
    return {
      file,
      message: "the file is empty",
      hint: "a workflow needs at least `name` and `tasks`",
    };
  }
  return { text, format: detectFormat(file, text) };
}

/**
 * The control characters a workflow may not hold: all but tab, line breaks (LF, CR, NEL)
 * and form feed; NUL is looked for first (see decodeInput).
 */
// deno-lint-ignore no-control-regex
const CONTROL = /[\x01-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f]/;

/**
 * The first `end` bytes of `bytes` as text, when they are UTF-8 holding no other control
 * character than tab, line breaks and form feed; else null (binary data).
 */
function textBefore(bytes: Uint8Array, end: number): string | null {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      bytes.subarray(0, end),
    );
    return CONTROL.test(text) ? null : text;
  } catch {
    return null;
  }
}

/** The problem of a control character at `offset` of `text`, with its line and column. */
function controlCharacter(file: string, text: string, offset: number): Problem {
  const code = text.charCodeAt(offset).toString(16).toUpperCase().padStart(4, "0");
  // Positions count from after a byte-order mark, as the parser's do.
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return {
    file,
    ...positionIn(text.slice(bom), offset - bom),
    message: `control character U+${code} in the text: a workflow is a UTF-8 JSON or YAML ` +
      "text file, which has none",
    hint: `delete it (editors may show it as ${caretForm(parseInt(code, 16))} or not at all)` +
      (code === "0000"
        ? ": no program can be given a NUL, escaped or not"
        : `; inside a quoted string it may be written as the escape \\u${code}`),
  };
}

/** How editors and `cat -v` show control character `code`: ^[ for ESC, ^? for DEL, M-^[ for U+009B. */
function caretForm(code: number): string {
  if (code === 0x7f) return "^?";
  if (code >= 0x80) return `M-${caretForm(code - 0x80)}`;
  return `^${String.fromCharCode(0x40 + code)}`;
}

/** The syntax of a file, from its extension or (stdin, other names) its first character. */
export function detectFormat(file: string, text: string): SourceFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".yml") || lower.endsWith(".yaml")) return "yaml";
  return text.trimStart().startsWith("{") ? "json" : "yaml";
}
