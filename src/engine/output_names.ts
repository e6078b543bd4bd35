/**
 * The limit on output names ({@link MAX_OUTPUT_NAME_BYTES}), checked where an attempt's
 * outputs come together (leaf.ts: what its runner returned and what it wrote to
 * `$WEFT_OUTPUT`), so that one limit holds whatever made the name. A name over it fails
 * the attempt, naming the task and the limit, and is left out of the outputs: a
 * 300 KB name stored whole, its value emptied to fit the record, hid the task's mistake.
 * @module
 */
import { MAX_OUTPUT_NAME_BYTES } from "../model/limits.ts";
import { ownText, quoteCut } from "../model/data_text.ts";

/** Characters of a too-long name quoted in the reason. */
const SHOWN = 40;

const encoder = new TextEncoder();

function byteLength(text: string): number {
  // A UTF-16 unit is at most 3 UTF-8 bytes: a short name needs no encoding.
  return text.length * 3 <= MAX_OUTPUT_NAME_BYTES ? text.length : encoder.encode(text).length;
}

/**
 * `outputs` without names over the limit, and the task's reason when some were:
 * `task "w" made an output whose name is 300,001 bytes ("kkkk…"); an output name is at most
 * 256 bytes`, and how many more when there were several. `outputs` itself when all fit.
 */
export function checkOutputNames(
  taskId: string,
  outputs: Record<string, string>,
): { outputs: Record<string, string>; error: string | null } {
  let over: string[] | null = null;
  for (const name in outputs) {
    if (byteLength(name) > MAX_OUTPUT_NAME_BYTES) (over ??= []).push(name);
  }
  if (over === null) return { outputs, error: null };
  const kept = { ...outputs };
  for (const name of over) delete kept[name];
  const first = over[0];
  const more = over.length > 1 ? ` (and ${over.length - 1} more)` : "";
  const error = ownText(
    `task "${taskId}" made an output whose name is ` +
      `${byteLength(first).toLocaleString("en-US")} bytes (`,
  ) + quoteCut(first, SHOWN, { json: true, ellipsis: true }) +
    ownText(
      `)${more}; an output name is at most ${MAX_OUTPUT_NAME_BYTES} bytes: ` +
        "pass long text as an output's value",
    );
  return { outputs: kept, error };
}
