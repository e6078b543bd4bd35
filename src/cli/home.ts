/**
 * WEFT_HOME: the folder holding run history (`weft.kv`), logs and the global
 * `config.json`. `--home DIR` wins, then `$WEFT_HOME`, then `$XDG_DATA_HOME/weft`,
 * then `~/.local/share/weft`.
 * @module
 */
import { ExitCode, WeftError } from "../model/errors.ts";
import type { CliIO } from "./io.ts";
import { didYouMean } from "../parse/suggest.ts";

/** The global configuration in `WEFT_HOME/config.json`. */
export interface GlobalConfig {
  /** History kept for all runs together (see store/retention.ts). */
  retention?: { keep_days?: number; keep_runs?: number };
  /** Channel settings every workflow falls back to (checked by src/notify/config.ts). */
  notifications?: unknown;
}

/**
 * How the folder is chosen, in the words `--help` uses for `--home` on every verb (and
 * the README's "Where"); one text so that they cannot drift apart.
 */
export const HOME_RESOLUTION =
  "history folder (default: $WEFT_HOME, else $XDG_DATA_HOME/weft, else ~/.local/share/weft)";

function isAbsolute(path: string): boolean {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path);
}

function join(base: string, path: string): string {
  return isAbsolute(path) ? path : `${base.replace(/\/+$/, "")}/${path}`;
}

/**
 * The absolute WEFT_HOME folder for this invocation (not created here; the store
 * creates it 0700 when opened).
 * @example resolveHome({ HOME: "/home/ada" }) // "/home/ada/.local/share/weft"
 */
export function resolveHome(
  env: Record<string, string>,
  override?: string,
  cwd = "/",
  unreadable: readonly string[] = [],
): string {
  if (override) return join(cwd, override);
  // One that is set but not UTF-8 (cli/env_bytes.ts) is not read as unset: the history
  // would go to another folder than the one named.
  const bad = ["WEFT_HOME", "XDG_DATA_HOME", "HOME"].find((name) => unreadable.includes(name));
  const before = bad === "XDG_DATA_HOME"
    ? env.WEFT_HOME
    : bad === "HOME"
    ? env.WEFT_HOME || env.XDG_DATA_HOME
    : undefined;
  if (bad && !before) {
    throw new WeftError(
      `cannot find the history folder: ${bad} is not valid UTF-8 text, which weft cannot read`,
      { hint: "set it to a path in UTF-8, or pass --home DIR", exitCode: ExitCode.Invalid },
    );
  }
  if (env.WEFT_HOME) return join(cwd, env.WEFT_HOME);
  if (env.XDG_DATA_HOME) return join(cwd, `${env.XDG_DATA_HOME}/weft`);
  const home = env.HOME ?? env.USERPROFILE;
  if (!home) {
    throw new WeftError("cannot find a folder for run history: HOME is not set", {
      hint: "set WEFT_HOME or pass --home DIR",
      exitCode: ExitCode.Invalid,
    });
  }
  return `${home}/.local/share/weft`;
}

/** WEFT_HOME for a CLI invocation, from `--home` and the invocation's environment. */
export function homeFor(io: CliIO, override?: string): string {
  return resolveHome(io.env, override, io.cwd, io.unreadableEnv);
}

/** The path of the global config file. */
export function configPath(home: string): string {
  return `${home}/config.json`;
}

/**
 * Reads `WEFT_HOME/config.json`; a missing file is an empty config. Malformed JSON, a
 * wrong retention value, a path that is no regular file (a symlink to /dev/zero) or a
 * file over 1 MiB (store/small_file.ts) is a WeftError (exit 2) naming the file.
 */
export async function readGlobalConfig(home: string): Promise<GlobalConfig> {
  const file = configPath(home);
  const { readSmallText } = await import("../store/small_file.ts");
  const text = await readSmallText(file, { hint: CONFIG_HINT });
  if (text === null) return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new WeftError([{ file, message: `not valid JSON: ${(e as Error).message}` }], {
      exitCode: ExitCode.Invalid,
    });
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) {
    throw new WeftError([{ file, message: "expected a JSON object", hint: EXAMPLE }]);
  }
  // Unknown keys are errors, as in workflow files: a typo (`notifcations`) or a key
  // config.json does not hold (`alerts`) must not be ignored in silence.
  for (const key of Object.keys(data)) {
    if (CONFIG_KEYS.includes(key)) continue;
    const near = didYouMean(key, CONFIG_KEYS.filter((k) => !k.startsWith("$")));
    throw new WeftError([{
      file,
      message: `unknown key ${JSON.stringify(key)} at the top level`,
      hint: `${near ? `${near} ` : ""}config.json holds only retention and notifications; ` +
        "alert rules go in a workflow's `alerts`",
    }]);
  }
  const { retention, notifications } = data as { retention?: unknown; notifications?: unknown };
  const extra = notifications === undefined ? {} : { notifications };
  if (retention === undefined) return extra;
  if (!retention || typeof retention !== "object" || Array.isArray(retention)) {
    throw new WeftError([{ file, message: "`retention` must be an object", hint: EXAMPLE }]);
  }
  const result: GlobalConfig["retention"] = {};
  for (const [key, value] of Object.entries(retention)) {
    if (key !== "keep_days" && key !== "keep_runs") {
      throw new WeftError([{
        file,
        message: `unknown retention setting ${JSON.stringify(key)}`,
        hint: EXAMPLE,
      }]);
    }
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
      throw new WeftError([{
        file,
        message: `retention.${key} must be a whole number ≥ 1`,
        hint: EXAMPLE,
      }]);
    }
    result[key] = value;
  }
  return { retention: result, ...extra };
}

/** The keys config.json may hold (`$schema`, for editors, is ignored as in workflows). */
const CONFIG_KEYS = ["retention", "notifications", "$schema"];

const EXAMPLE = 'e.g. {"retention": {"keep_days": 30, "keep_runs": 1000}}';
const CONFIG_HINT = `make it a plain JSON file (${EXAMPLE}), or remove it`;

/**
 * Throws the WeftError (exit 2) {@link readGlobalConfig} would throw for a config.json
 * that is no regular file or is over 1 MiB, reading nothing: `weft run` checks this
 * before it starts, since it reads the file only after the run (for retention).
 */
export async function checkGlobalConfigFile(home: string): Promise<void> {
  const { checkSmallFile } = await import("../store/small_file.ts");
  try {
    await checkSmallFile(configPath(home), { hint: CONFIG_HINT });
  } catch (e) {
    // A home that cannot be looked into (a file, no permission) is reported, in its
    // words, when the store opens it.
    if (e instanceof WeftError) throw e;
  }
}
