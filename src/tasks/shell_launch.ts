/**
 * How a shell command and its interpolated values reach the shell whatever their size.
 *
 * Linux limits one argument or one `NAME=value` environment string to 128 KiB
 * (MAX_ARG_STRLEN) and all of them together to ARG_MAX (a quarter of the stack limit,
 * usually 2 MiB); beyond that exec fails with E2BIG ("argument list too long"). So:
 * - a small value travels in its environment variable (`WEFT_V_n`), as always;
 * - a large one (over {@link INLINE_VALUE_BYTES}, or once the values together pass
 *   256 KiB) is written to a private file, and the command starts by reading that file
 *   into a shell variable of the same name, which the command refers to unchanged. The
 *   value is read by `cat` into a variable, never parsed as syntax. Such a variable is
 *   not exported (exporting it would only hit the same limit at every child's exec),
 *   except where the command defers it to a child shell (`sh -c '… "${WEFT_V_1-}"'`, see
 *   expr/shell_deferred.ts exportedLater): that child reads it from its environment (a
 *   value over MAX_ARG_STRLEN never gets here: shell_deferred.ts refuses it at render).
 * - a long command (over {@link INLINE_COMMAND_BYTES}) is written to a file the shell
 *   runs with `.` from a tiny `-c` command: same shell, same `$0`, no positional
 *   parameters, as `sh -c COMMAND`.
 * Files live in a folder of their own (0700, files 0600) inside the run's work folder,
 * removed when the attempt ends ({@link ShellLaunch.cleanup}).
 *
 * What cannot move to a file — a variable of the task's `environment` or of weft's own
 * environment — still cannot be exec'd; the spawner's check (exec_limits.ts) then names it
 * and the limit.
 * @module
 */
import { exportedLater } from "../expr/shell_deferred.ts";
import { nodePath } from "../path.ts";
import { byteLength } from "./exec_limits.ts";

export { execLimitError, MAX_ARG_STRLEN, MAX_EXEC_BYTES } from "./exec_limits.ts";

/** Values longer than this (UTF-8 bytes) travel in a file rather than the environment. */
export const INLINE_VALUE_BYTES = 16 * 1024;
/** Commands longer than this (UTF-8 bytes) are run from a file rather than `-c`. */
export const INLINE_COMMAND_BYTES = 64 * 1024;
/** Interpolated values stay in the environment only while they take less than this in all. */
const INLINE_VALUES_BUDGET = 256 * 1024;

/** What to exec for one shell command. */
export interface ShellLaunch {
  /** Arguments after the shell's name. */
  args: string[];
  /** The child's complete environment. */
  env: Record<string, string>;
  /** Removes the files written for this launch (none for small commands); never throws. */
  cleanup(): Promise<void>;
}

/**
 * Prepares `SHELL -c COMMAND` with `values` (the `WEFT_V_n` variables the command refers
 * to) on top of `env`. Writes files only when something is too large to pass inline;
 * `workFile` is a path in the run's work folder (the attempt's output file), beside which
 * the folder for them is created (the system temp folder if that fails).
 */
export async function prepareShell(
  command: string,
  values: Record<string, string>,
  env: Record<string, string>,
  workFile: string,
): Promise<ShellLaunch> {
  let budget = 0;
  const inline: Record<string, string> = {};
  const spilled: Array<[string, string]> = [];
  /** The first variable holding each value: the same `${...}` used again is the same value. */
  const holder = new Map<string, string>();
  for (const [name, value] of Object.entries(values)) {
    const size = name.length + 2 + byteLength(value);
    if (size > INLINE_VALUE_BYTES || budget + size > INLINE_VALUES_BUDGET) {
      spilled.push([name, value]);
    } else {
      inline[name] = value;
      budget += size;
      if (!holder.has(value)) holder.set(value, name);
    }
  }
  const childEnv = Object.keys(inline).length === 0 ? env : { ...env, ...inline };
  const commandBytes = byteLength(command);
  if (spilled.length === 0 && commandBytes <= INLINE_COMMAND_BYTES) {
    return { args: ["-c", command], env: childEnv, cleanup: () => Promise.resolve() };
  }
  const dir = await privateDir(workFile);
  const cleanup = () => Deno.remove(dir, { recursive: true }).catch(() => {});
  try {
    let prelude = "";
    // One scan of a command that may be megabytes long, rather than one per value.
    const defers = command.includes("-}");
    for (let i = 0; i < spilled.length; i++) {
      const [name, value] = spilled[i];
      const first = holder.get(value);
      if (first !== undefined) {
        // A value already held (a param used on every line of a generated script) is
        // copied by the shell itself: reading a file costs a process (`cat`) per value,
        // and 32,000 uses of one param took minutes to start. An assignment's right side
        // is not split or globbed.
        prelude += `${name}=$${first}; `;
      } else {
        holder.set(value, name);
        const file = `${dir}/value-${i + 1}`;
        await Deno.writeTextFile(file, value, { mode: 0o600 });
        // `printf x` keeps trailing newlines, which $(...) would strip; then drop the x.
        prelude += `${name}=$(${catProgram()} ${quote(file)}; printf x); ${name}=\${${name}%x}; `;
      }
      // A child shell evaluating code weft deferred (`sh -c '… "${WEFT_V_1-}"'`) reads it
      // from its environment; other children never need it (and it may pass MAX_ARG_STRLEN).
      if (defers && exportedLater(command, name)) prelude += `export ${name}; `;
    }
    // On the command's first line, so the shell's line numbers in errors stay right.
    const script = prelude + command;
    if (commandBytes + prelude.length <= INLINE_COMMAND_BYTES) {
      return { args: ["-c", script], env: childEnv, cleanup };
    }
    const file = `${dir}/command.sh`;
    await Deno.writeTextFile(file, script, { mode: 0o600 });
    return { args: ["-c", `. ${quote(file)}`], env: childEnv, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function privateDir(workFile: string): Promise<string> {
  try {
    return await Deno.makeTempDir({ dir: nodePath().dirname(workFile), prefix: "shell-" });
  } catch {
    return await Deno.makeTempDir({ prefix: "weft-shell-" });
  }
}

let cat: string | undefined;

/** `cat` by absolute path where it is found, so a task's own PATH cannot hide it. */
function catProgram(): string {
  if (cat !== undefined) return cat;
  for (const candidate of ["/bin/cat", "/usr/bin/cat"]) {
    try {
      if (Deno.statSync(candidate).isFile) return cat = candidate;
    } catch { /* try the next */ }
  }
  return cat = "cat";
}

/** `text` as one single-quoted shell word. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
