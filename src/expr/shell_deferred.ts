/**
 * The reference weft writes for a value in code a shell evaluates later (the words
 * shell_later.ts finds: `eval`, `trap`, `sh -c`…), and how a launch tells that a child
 * shell reads it (tasks/shell_launch.ts exports the variable then). See shell.ts.
 * @module
 */
import { ExpressionError } from "./errors.ts";
import type { ShellSlot } from "./shell.ts";

/**
 * Text that, once the shell has read weft's command, leaves the code evaluated later
 * reading the variable itself, quoted for the quote open at that point of the code
 * (`slot.inner`): `"${WEFT_V_1}"` outside quotes, `${WEFT_V_1}` inside "...",
 * `'"${WEFT_V_1}"'` inside '...', and `${WEFT_V_1}` in a prompt string (not split into
 * words, and keeping the quotes it holds); `${WEFT_V_1-}` where a child shell reads it
 * (the same value; {@link exportedLater} recognises it). Then written for weft's own
 * quotes around it: `'` as `'\''` inside '...', `\'` inside $'...', `\` before `$ ` " \`
 * inside "..." (and before `'` too outside quotes). Refuses where the code runs without
 * weft's environment (`ssh`, `sudo` without `-E`, `su -`, `env -i`).
 */
export function deferredReference(
  slot: ShellSlot,
  name: string,
  prefix: string,
  offset: number,
): string {
  if (slot.later === "remote") {
    throw new ExpressionError(
      "cannot substitute a value into the command ssh runs on another machine: the remote " +
        "shell would read the value as code, and cannot see the variable weft passes it in",
      offset,
      "send the value on the remote command's standard input " +
        "(`printf '%s\\n' \"${params.x}\" | ssh host 'read -r x; …'`) or in a file " +
        "(`scp`), and keep the remote command free of ${...}",
    );
  }
  if (slot.later === "cleared") {
    throw new ExpressionError(
      "cannot substitute a value into code run after the environment is cleared " +
        "(`sudo` without -E, `doas`, `su -`, `env -i`): the shell that runs it would read " +
        "the value as code, and cannot see the variable weft passes it in",
      offset,
      "keep the environment (`sudo -E` or `--preserve-env`, `su` without `-`), or pass the " +
        'value as an argument after the code: `sudo sh -c \'echo "$1"\' sh "${params.x}"`',
    );
  }
  // `-}` marks a child shell's reference for exportedLater; the value is the same.
  const variable = slot.later === "child" ? `\${${name}-}` : `\${${name}}`;
  // The reference as the later code should read it, for the quote open there: a prompt
  // string is not split into words and keeps the quotes it holds.
  const code = slot.later === "prompt" || slot.inner === "double"
    ? variable
    : slot.inner === "single"
    ? `'"${variable}"'`
    : `"${variable}"`;
  // Written for weft's own quotes around it.
  switch (slot.context) {
    case "single":
      return prefix + code.replaceAll("'", `'\\''`);
    case "ansi":
      return prefix + code.replaceAll("'", "\\'");
    case "double":
      return prefix + code.replace(/[$`"\\]/g, "\\$&");
    default:
      return prefix + code.replace(/[$`"'\\]/g, "\\$&");
  }
}

/**
 * Whether `command` (as rendered) holds a deferred reference to `name` read by a child
 * shell (`${WEFT_V_1-}`, see {@link deferredReference}): that child must find the
 * variable in its environment, so a value the launch reads from a file must be exported
 * (tasks/shell_launch.ts). Weft's other references are written `${WEFT_V_1}`.
 */
export function exportedLater(command: string, name: string): boolean {
  return command.includes(`{${name}-}`);
}
