/**
 * tmux for the terminal tests: whether it can be used here, and running it on a server of
 * the test's own (`-L SOCKET`, no config file), so no user session is touched.
 * @module
 */
import { weftArgs } from "./_run_cli.ts";

/** Why tmux cannot be used on this machine; "" when it can. */
export const TMUX_MISSING: string = await (async () => {
  try {
    const { success } = await new Deno.Command("tmux", { args: ["-V"], stdout: "null" }).output();
    return success ? "" : "tmux -V failed";
  } catch {
    return "tmux is not installed (apt-get install tmux)";
  }
})();

/** Runs `tmux ARGS` on the server `socket`; its stdout. Throws with tmux's stderr when it fails. */
export async function tmux(socket: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("tmux", {
    args: ["-L", socket, "-f", "/dev/null", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`tmux ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}

/** `text` single-quoted for sh. */
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * `weft ARGS` as one shell command line for a tmux pane, carrying the variables of `env`
 * (from weftEnv) that weft needs: WEFT_HOME, PATH, HOME, DENO_DIR and NO_COLOR.
 */
export function weftCommandLine(args: string[], env: Record<string, string | undefined>): string {
  return [
    "env",
    ...["WEFT_HOME", "PATH", "HOME", "DENO_DIR", "NO_COLOR"].flatMap((k) =>
      env[k] === undefined ? [] : [quote(`${k}=${env[k]}`)]
    ),
    quote(Deno.execPath()),
    ...weftArgs(args).map(quote),
  ].join(" ");
}
