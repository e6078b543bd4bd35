/**
 * The inside of a `javascript` task: `weft __javascript FILE|- ARGS...`, run in a child
 * process started by javascript.ts. It evaluates the script's source itself (as the body
 * of an async function) rather than `import()`ing it, because a compiled weft can only
 * import modules embedded at compile time.
 *
 * The script sees, as Node's CommonJS wrapper gives: `require` (node:module
 * createRequire, relative to the script), `module`, `exports`, `__filename`,
 * `__dirname`, `process` (`process.argv` = [runtime, script, ...args]); and weft's own:
 * `params` (the run's parameters), `env` (the environment) and `setOutput(key, value)`.
 * Top-level `await` works; static `import` statements do not (use `await import("node:fs")`
 * or `require`). A `.ts`/`.mts`/`.cts` file has its type annotations erased first
 * (node:module stripTypeScriptTypes: erasable syntax only, no enums or namespaces).
 * @module
 */
import { appendFileSync } from "node:fs";
import { createRequire, stripTypeScriptTypes } from "node:module";
import { dirname, resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { FileTooLargeError, readTextBoundedSync } from "../bounded_file.ts";
import { pushAll } from "../arrays.ts";
import { type JsSyntaxError, jsSyntaxError, SCRIPT_BINDINGS } from "../expr/js_syntax.ts";
import { jsNestingTrouble } from "../expr/js_nesting.ts";

/** A script file: at most SOURCE_FILE_MAX_BYTES (a path to /dev/zero must not fill memory). */
const SCRIPT_READ = {
  what: "the script",
  hint:
    "keep data out of the script (read it from a file at run time), or check that it names the right file",
};

/**
 * data_processor's list of input paths (written by weft, but as long as the glob makes it):
 * 64 MiB holds ~500,000 paths of 128 bytes.
 */
const INPUT_LIST_READ = {
  what: "the input list",
  hint: "narrow the input glob",
  limit: 64 * 1024 * 1024,
};

/**
 * The run's parameters, when too long for `WEFT_PARAMS` (script_launch.ts paramsInFile):
 * weft's own file, as large as the parameters are.
 */
const PARAMS_READ = {
  what: "the run's parameters",
  hint: "pass smaller parameters",
  limit: 256 * 1024 * 1024,
};

type ScriptFunction = (...args: unknown[]) => Promise<unknown>;
const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => ScriptFunction;

/** The names the script's body sees, in the order they are passed (shared with validate). */
const BINDINGS = SCRIPT_BINDINGS;

/**
 * Runs one script; resolves to the exit code (0 ok, 1 the script threw or could not be
 * read or compiled; `process.exit(n)` inside the script exits with n directly).
 * `argv[0]` is the script file, or `-` for source on stdin.
 */
export async function runJavaScriptHost(argv: string[]): Promise<number> {
  const [target = "-", ...args] = argv;
  // data_processor's input paths, when too long for exec, come in a file (one a line).
  if (process.env.WEFT_INPUT_LIST_ONLY === "1" && process.env.WEFT_INPUT_LIST) {
    delete process.env.WEFT_INPUT_LIST_ONLY;
    let list: string;
    try {
      list = readTextBoundedSync(process.env.WEFT_INPUT_LIST, INPUT_LIST_READ);
    } catch (error) {
      return fail(`weft: cannot read ${process.env.WEFT_INPUT_LIST}: ${messageOf(error)}`);
    }
    const files = list.split("\n").slice(0, -1);
    pushAll(args, files);
    process.env.WEFT_INPUT_FILES = files.join("\n");
  }
  // The run's parameters, when too long for WEFT_PARAMS, come in a file.
  let paramsText = process.env.WEFT_PARAMS;
  const paramsFile = process.env.WEFT_PARAMS_FILE;
  if (paramsText === undefined && paramsFile) {
    try {
      paramsText = readTextBoundedSync(paramsFile, PARAMS_READ);
    } catch (error) {
      return fail(`weft: cannot read the run's parameters from ${paramsFile}: ${messageOf(error)}`);
    }
  }
  const inline = target === "-";
  const file = inline ? resolve("[inline code]") : resolve(target);
  let source: string;
  try {
    source = inline ? await readStdin() : readTextBoundedSync(file, SCRIPT_READ);
  } catch (error) {
    if (error instanceof FileTooLargeError) return fail(`weft: ${error.message}`);
    return fail(`weft: cannot read ${file}: ${messageOf(error)}`);
  }
  if (source.startsWith("#!")) source = "//" + source.slice(2); // keep line numbers
  const label = inline ? "inline code" : file;
  // Before the type stripper, which aborts the process on deep nesting (js_nesting.ts).
  const deep = jsNestingTrouble(source);
  if (deep) return fail(placed(label, source, deep, ""));
  if (/\.[mc]?ts$/.test(file)) {
    try {
      source = stripTypeScriptTypes(source, { mode: "strip" });
    } catch (error) {
      // The position names a placeholder file; it is this one's.
      const message = messageOf(error).replaceAll("file:///stripTypeScriptTypes.ts", file);
      return fail(`weft: ${message} (only erasable TypeScript is supported)`);
    }
  }
  const sourceUrl = inline ? "weft-inline-code" : pathToFileURL(file).href;
  let body: ScriptFunction;
  try {
    body = new AsyncFunction(...BINDINGS, `${source}\n//# sourceURL=${sourceUrl}`);
  } catch (error) {
    const hint = /import statement|Cannot use import/i.test(messageOf(error))
      ? ' (static import statements are not supported: use require("node:fs") or await import("node:fs"))'
      : "";
    // V8 names no place: find it, and show the line with a caret under it, as node does.
    // (A RangeError: V8's parser ran out of stack, which jsSyntaxError places too.)
    const at = error instanceof SyntaxError || error instanceof RangeError
      ? jsSyntaxError(source)
      : undefined;
    if (!at) return fail(`weft: ${label}: ${messageOf(error)}${hint}`);
    const kind = at.deep ? "" : "SyntaxError: ";
    return fail(placed(label, source, at, kind, hint));
  }
  process.argv.length = 0;
  pushAll(process.argv, [process.execPath, file, ...args]);
  const module = { exports: {} as unknown, filename: file, id: ".", loaded: false };
  // The event loop ran dry while the script still awaited: nothing can settle what it
  // waits on. Node ends an ES module so with exit code 13; say so in one line.
  let settled = false;
  // (beforeunload: only when the loop runs dry, not on process.exit.)
  globalThis.addEventListener("beforeunload", () => {
    if (settled) return;
    console.error(
      `weft: ${label}: the script ended while awaiting a promise that nothing can settle ` +
        "(an unsettled top-level await)",
    );
    Deno.exit(13);
  });
  const shownLabel = inline ? "<inline code>" : file;
  uncaughtAsScript(sourceUrl, shownLabel);
  try {
    await body(
      createRequire(file),
      module,
      module.exports,
      file,
      dirname(file),
      process,
      parseParams(paramsText),
      process.env,
      setOutput,
    );
  } catch (error) {
    console.error(scriptStack(error, sourceUrl, shownLabel));
    return 1;
  } finally {
    settled = true;
  }
  return typeof process.exitCode === "number" ? process.exitCode : 0;
}

/**
 * Appends one output to `$WEFT_OUTPUT` in the format outputs.ts reads: `KEY=VALUE`, or
 * `KEY<<DELIM`, the lines, `DELIM` for a value holding a line break, with a delimiter
 * the value does not contain. A value that is not text is JSON; null and undefined are
 * the empty value. Throws for a key that the format cannot carry.
 */
export function setOutput(key: string, value: unknown): void {
  const path = process.env.WEFT_OUTPUT;
  if (!path) throw new Error("setOutput: $WEFT_OUTPUT is not set");
  // What outputs.ts reads back as this key: no blank (it fails the attempt there), and no
  // `<<` or final `<` (a `KEY<<DELIM` line would split there).
  if (
    typeof key !== "string" || !/^[^=<\s][^=\s]*$/.test(key) || key.includes("<<") ||
    key.endsWith("<")
  ) {
    throw new Error(
      `setOutput: invalid key ${JSON.stringify(key)} (no "=", "<<", blanks or line breaks)`,
    );
  }
  // As GitHub's core.setOutput (toCommandValue): null and undefined are the empty value,
  // not the words "null"/"undefined" landing in a later command.
  const text = value === undefined || value === null
    ? ""
    : typeof value === "string"
    ? value
    : JSON.stringify(value) ?? String(value);
  appendFileSync(path, formatOutput(key, text));
}

/** One `$WEFT_OUTPUT` entry for `key` and `value` (see {@link setOutput}). */
export function formatOutput(key: string, value: string): string {
  if (!/[\r\n]/.test(value)) return `${key}=${value}\n`;
  let delimiter = "WEFT_EOF";
  while (value.split(/\r?\n/).includes(delimiter)) {
    delimiter = `WEFT_EOF_${crypto.randomUUID().replaceAll("-", "")}`;
  }
  return `${key}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/**
 * Errors the script's body no longer awaits — a rejected promise nobody handles, a throw
 * in a timer or event callback — printed as an uncaught throw in the body is
 * ({@link scriptStack}: the script's frames and line numbers, none of weft's or Deno's
 * internals), then exit 1, as node ends on them. A script that listens for them itself
 * (`process.on("unhandledRejection" | "uncaughtException")`) keeps them.
 */
function uncaughtAsScript(sourceUrl: string, label: string): void {
  const report = (event: Event, error: unknown, nodeEvent: string) => {
    if (process.listenerCount(nodeEvent) > 0) return;
    event.preventDefault();
    console.error(scriptStack(error, sourceUrl, label));
    Deno.exit(1);
  };
  globalThis.addEventListener(
    "unhandledrejection",
    (event) => report(event, event.reason, "unhandledRejection"),
  );
  globalThis.addEventListener("error", (event) => report(event, event.error, "uncaughtException"));
}

/** Lines the AsyncFunction constructor puts before the body (`async function anonymous(...`). */
const HEADER_LINES = 2;

/**
 * What an uncaught error prints: its stack with the script's own frames only (weft's
 * host frames dropped) and their line numbers as in the script, as node would show them.
 */
export function scriptStack(error: unknown, sourceUrl: string, label: string): string {
  if (!(error instanceof Error) || !error.stack) return `Uncaught ${String(error)}`;
  const escaped = sourceUrl.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const position = new RegExp(`${escaped}(?:, <anonymous>)?:(\\d+):(\\d+)`, "g");
  return error.stack.split("\n")
    .filter((line) => !/^\s+at /.test(line) || line.includes(sourceUrl))
    .map((line) =>
      line.replace(position, (_, row, col) => `${label}:${Number(row) - HEADER_LINES}:${col}`)
    )
    .join("\n");
}

function parseParams(text: string | undefined): Record<string, string> {
  try {
    const parsed = JSON.parse(text ?? "{}");
    return parsed && typeof parsed === "object" ? parsed : {};
  } catch {
    return {};
  }
}

async function readStdin(): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of Deno.stdin.readable) chunks.push(chunk);
  return new TextDecoder().decode(await new Blob(chunks as BlobPart[]).arrayBuffer());
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fail(message: string): number {
  console.error(message);
  return 1;
}

/** `label:line:col: message`, then the line and a caret under the column, as node shows them. */
function placed(
  label: string,
  source: string,
  at: JsSyntaxError,
  kind: string,
  hint = "",
): string {
  let line = source.split("\n")[at.line - 1].replace(/\r$/, "");
  let column = at.column;
  // A very long line (deep nesting often is one) is shown from 60 characters before the place.
  if (column > 80) {
    line = "…" + line.slice(column - 61, column + 19);
    column = 62;
  } else line = line.slice(0, 100);
  const caret = line.slice(0, column - 1).replace(/[^\t]/g, " ") + "^";
  return `weft: ${label}:${at.line}:${at.column}: ${kind}${at.message}${hint}\n` +
    `    ${line}\n    ${caret}`;
}
