/**
 * The secret values a workflow file writes, read from its lines when the file does not
 * parse: a YAML error on a secret's line (a generated password starting with `*`, `%`,
 * `@`, `` ` `` or `|`) quotes the value in its message and in its hint ("quote the whole
 * value: API_TOKEN: "*…""), and there is no data for file_secrets.ts to read then. So
 * the file's lines are read as plainly as they can be: `KEY: value` (or `"KEY": value`,
 * or `- KEY: value`) where KEY is secret as the run has it (model/secret_name.ts, or
 * listed under `secrets:` as `[A, B]` or `- A` lines), or `default: value` under such
 * a key (a param). A line read wrongly costs only a message masked more than needed.
 * @module
 */
import { isSecretLikeName, MIN_SECRET_LENGTH } from "../model/secret_name.ts";

const ENTRY = /^(\s*(?:-\s+)?)["']?([\w.-]+)["']?\s*:(?:\s+(.*))?$/;
const INDICATORS = /^[*&%@`|>!'"]+|['"`]+$/g;

/**
 * The spellings of the secret values written in `text` (see the module doc) that a
 * message may quote: the value as written, unquoted, without its YAML indicator, and
 * each of its blank-separated words (a message quotes the text after a closing quote).
 * None shorter than MIN_SECRET_LENGTH.
 */
export function writtenSecretValues(text: string): string[] {
  const lines = text.split(/\r?\n|\r/);
  const declared = declaredNames(lines);
  const secret = (name: string) => declared.has(name) || isSecretLikeName(name);
  const values = new Set<string>();
  const add = (value: string) => {
    if (value.length >= MIN_SECRET_LENGTH) values.add(value);
  };
  // The keys above each line, by indentation: a param's `default` is its parent's value.
  const above: { indent: number; key: string }[] = [];
  for (const line of lines) {
    const entry = ENTRY.exec(line);
    if (!entry) continue;
    const [, lead, key, rest] = entry;
    const indent = lead.length;
    while (above.length > 0 && above[above.length - 1].indent >= indent) above.pop();
    const parent = above[above.length - 1]?.key;
    above.push({ indent, key });
    const value = rest?.trim() ?? "";
    // `secrets:` itself lists names, not values.
    const named = key !== "secrets" && secret(key);
    if (value === "" || !(named || (key === "default" && parent && secret(parent)))) continue;
    add(value);
    add(value.replace(/^(["'])(.*)\1$/, "$2"));
    add(value.replace(INDICATORS, ""));
    for (const word of value.split(/\s+/)) {
      add(word);
      add(word.replace(INDICATORS, ""));
    }
  }
  return [...values];
}

/** The names a `secrets:` list of `lines` gives, written `[A, B]` or as `- A` lines. */
function declaredNames(lines: readonly string[]): Set<string> {
  const names = new Set<string>();
  const name = (text: string) => text.trim().replace(/^["']|["']$/g, "");
  for (let i = 0; i < lines.length; i++) {
    const flow = /^secrets\s*:\s*\[(.*)\]/.exec(lines[i]);
    if (flow) flow[1].split(",").forEach((n) => names.add(name(n)));
    if (!/^secrets\s*:\s*$/.test(lines[i])) continue;
    for (let j = i + 1; j < lines.length; j++) {
      const item = /^\s*-\s*(\S+)/.exec(lines[j]);
      if (!item) break;
      names.add(name(item[1]));
    }
  }
  return names;
}
