/**
 * Reading a workflow file: bytes from a path or stdin, a content hash, and text
 * decoding that turns binary input into one clear problem.
 * @module
 */
import { isAbsolute, join } from "node:path";
import type { Problem } from "../model/errors.ts";

/** The two syntaxes a workflow file may use; YAML's parser reads both. */
export type SourceFormat = "json" | "yaml";

/** Raw input, as read. */
export interface RawInput {
  bytes: Uint8Array;
  /** Absolute path, or "-" for stdin. */
  path: string;
}

/** Text ready to parse. */
export interface DecodedInput {
  text: string;
  format: SourceFormat;
}

/**
 * Reads `file` (resolved against `cwd`) or, for `-`, all of `stdin`.
 * Returns a problem instead of throwing when the file cannot be read.
 */
export async function readInput(
  file: string,
  options: { cwd: string; stdin?: ReadableStream<Uint8Array> },
): Promise<RawInput | Problem> {
  if (file === "-") {
    if (!options.stdin) return { file, message: "no standard input to read the workflow from" };
    return { bytes: await readAll(options.stdin), path: "-" };
  }
  const path = isAbsolute(file) ? file : join(options.cwd, file);
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) {
      return {
        file,
        message: "is a folder, not a workflow file",
        hint: "name a .yml, .yaml or .json file",
      };
    }
    return { bytes: await Deno.readFile(path), path };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { file, message: "file not found", hint: `looked for ${path}` };
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      return { file, message: "cannot read the file: permission denied" };
    }
    return { file, message: `cannot read the file: ${(e as Error).message}` };
  }
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.length;
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return all;
}

/** Lowercase hex SHA-256 of the bytes: identifies the exact file a run used. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Decodes UTF-8 text (dropping a byte-order mark) and picks the syntax: `.json` is
 * JSON, `.yml`/`.yaml` YAML, anything else JSON when it starts with `{`.
 * Binary input and empty files are problems, not parse errors.
 */
export function decodeInput(bytes: Uint8Array, file: string): DecodedInput | Problem {
  const notText = {
    file,
    message: "not a text file",
    hint: "a workflow is a UTF-8 JSON or YAML text file",
  };
  if (bytes.includes(0)) return notText;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return notText;
  }
  // Control characters other than tab, newline, carriage return and form feed mean binary.
  // deno-lint-ignore no-control-regex
  if (/[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]/.test(text)) return notText;
  if (text.trim() === "") {
    return {
      file,
      message: "the file is empty",
      hint: "a workflow needs at least `name` and `tasks`",
    };
  }
  return { text, format: detectFormat(file, text) };
}

/** The syntax of a file, from its extension or (stdin, other names) its first character. */
export function detectFormat(file: string, text: string): SourceFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".yml") || lower.endsWith(".yaml")) return "yaml";
  return text.trimStart().startsWith("{") ? "json" : "yaml";
}
