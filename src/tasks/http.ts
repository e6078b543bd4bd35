/**
 * The `http` task type: one HTTP request, judged like `curl --fail` — a status
 * outside the expected set (any 2xx unless `expect_status` says otherwise) fails
 * the task. The response body is streamed to the task's stdout as lines; status,
 * headers and the start of the body become outputs. What is sent (URL, headers,
 * authorization, body) is prepared and checked first, in http_request.ts.
 * @module
 */
import type { TaskContext, TaskResult, TaskRunner } from "./types.ts";
import { formatDuration } from "../model/duration.ts";
import { embeddedMessage, ownText, quoteCut, quoteData } from "../model/data_text.ts";
import { sizeText } from "../bounded_file.ts";
import { concatBytes } from "../arrays.ts";
import { emitMarked } from "./emit_marked.ts";
import { bodyDecoder, declaredCharset, markedStatus } from "./http_text.ts";
import { type HttpTask, type PreparedRequest, prepareRequest } from "./http_request.ts";
import { httpTaskSecrets } from "./http_secrets.ts";
import { urlMasked } from "../model/http_header.ts";
import {
  fetchFollowing,
  followsRedirects,
  HTTP_DEFAULT_TIMEOUT_MS,
  RedirectTrouble,
} from "./http_fetch.ts";

export type { HttpTask } from "./http_request.ts";

/**
 * The largest body read: it becomes the output lines and, whole, the `body` output (as
 * `$WEFT_OUTPUT` holds at most 1 MiB). A larger one fails the task, as `curl
 * --max-filesize` does, rather than pass on its start as if it were all of it.
 */
export const BODY_MAX_BYTES = 1024 * 1024;

/** The `http` task runner. */
export const httpRunner: TaskRunner<HttpTask> = {
  type: "http",
  // Nothing an http task runs can write $WEFT_OUTPUT; its outputs come from the response.
  usesOutputFile: false,
  defaultTimeoutMs: HTTP_DEFAULT_TIMEOUT_MS,
  // Its credentials (an Authorization header's, auth's token or password): http_secrets.ts.
  secretsIn: httpTaskSecrets,
  run: runHttp,
};

async function runHttp(task: HttpTask, ctx: TaskContext): Promise<TaskResult> {
  let request: PreparedRequest;
  try {
    request = prepareRequest(task, ctx);
  } catch (e) {
    const error = (e as Error).message;
    emitMarked(ctx, "stderr", error);
    return { ok: false, exitCode: null, outputs: {}, error };
  }
  // The URL is data (secret masking applies to it), the rest of a message weft's own.
  // Cut, so that a reason (cut at 4 096 characters where it is shown) still reaches its
  // cause after a long URL.
  const label = `${request.method} ${shownUrl(request.displayUrl)}`;
  const started = performance.now();
  const elapsed = () => formatDuration(performance.now() - started);

  let response: Response;
  // After a redirect, messages name the URL that answered too: its status is not the first URL's.
  let answered = label;
  try {
    const reply = await fetchFollowing(request, followsRedirects(task), ctx.signal, (hop) => {
      const to = `${hop.method} ${shownUrl(urlMasked(hop.to.href))}`;
      const dropped = hop.dropped.length === 0
        ? ""
        : ` (another origin: ${quoteData(hop.dropped.join(", "))} not sent on)`;
      const status = markedStatus(hop.status, hop.statusText);
      emitMarked(ctx, "stderr", `${answered} → ${status}, redirected to ${to}${dropped}`);
      answered = `${label}, redirected to ${to}`;
    });
    response = reply.response;
  } catch (e) {
    const cause = e instanceof RedirectTrouble ? e.message : describeFetchError(e, ctx.signal);
    emitMarked(ctx, "stderr", `${answered} → ${embeddedMessage(cause)} (${elapsed()})`);
    return { ok: false, exitCode: null, outputs: {}, error: `${answered} failed: ${cause}` };
  }

  let body: { output: string; tooLarge: boolean };
  try {
    body = await streamBody(response, ctx);
  } catch (e) {
    const cause = describeFetchError(e, ctx.signal);
    emitMarked(
      ctx,
      "stderr",
      `${answered} → ${response.status}, body not read: ${embeddedMessage(cause)} (${elapsed()})`,
    );
    return {
      ok: false,
      exitCode: null,
      outputs: responseOutputs(response, ""),
      error: `${answered}: reading the response failed: ${cause}`,
    };
  }

  // The number and a registered phrase are weft's words; a phrase of the server's own is data.
  const statusText = markedStatus(response.status, response.statusText);
  if (body.tooLarge) {
    // Its first MiB is in the log; the `body` output is left out rather than cut.
    const cause = ownText(
      `body over its limit of ${sizeText(BODY_MAX_BYTES)}, not read past it; download ` +
        "large files with a shell task (curl -o FILE) and pass the file's path",
    );
    emitMarked(ctx, "stderr", `${answered} → ${statusText}, ${cause} (${elapsed()})`);
    return {
      ok: false,
      exitCode: null,
      outputs: responseOutputs(response, ""),
      error: `${answered} → ${statusText}: ${cause}`,
    };
  }
  emitMarked(ctx, "stderr", `${answered} → ${statusText} (${elapsed()})`);
  const outputs = responseOutputs(response, body.output);
  if (!statusExpected(response.status, task.expect_status)) {
    const wanted = task.expect_status?.length ? task.expect_status.join(", ") : "2xx";
    return {
      ok: false,
      exitCode: null,
      outputs,
      error: `${answered} returned HTTP ${statusText} (expected ${wanted})`,
    };
  }
  return { ok: true, exitCode: 0, outputs };
}

function statusExpected(status: number, expected: number[] | undefined): boolean {
  if (expected && expected.length > 0) return expected.includes(status);
  return status >= 200 && status < 300;
}

function responseOutputs(response: Response, body: string): Record<string, string> {
  return {
    status: String(response.status),
    headers: JSON.stringify(Object.fromEntries(response.headers)),
    body,
  };
}

/**
 * Emits the body as stdout lines while it arrives, keeping it whole for the `body`
 * output; stops reading once it is over {@link BODY_MAX_BYTES} (`tooLarge`, the output
 * then empty), so a huge or endless download fills neither memory nor the log.
 * Text is decoded with the charset the response declares (see http_text.ts).
 */
async function streamBody(
  response: Response,
  ctx: TaskContext,
): Promise<{ output: string; tooLarge: boolean }> {
  if (!response.body) return { output: "", tooLarge: false };
  const reader = response.body.getReader();
  const charset = declaredCharset(response.headers.get("content-type"));
  // Chosen once the first bytes are in, since a byte order mark overrides the label.
  let decoder: TextDecoder | undefined;
  let early: Uint8Array = new Uint8Array(0);
  let seen = 0;
  // The body decoded whole: the same decoder streaming gives what one decode of it all would.
  let whole = "";
  let pending = "";
  let tooLarge = false;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      let chunk: Uint8Array = value;
      if (seen + chunk.length > BODY_MAX_BYTES) {
        chunk = chunk.subarray(0, BODY_MAX_BYTES - seen);
        tooLarge = true;
      }
      seen += chunk.length;
      if (!decoder) {
        early = concatBytes([early, chunk]);
        if (early.length < 3 && !tooLarge) continue;
        decoder = bodyDecoder(charset, early);
        chunk = early;
      }
      const text = decoder.decode(chunk, { stream: true });
      whole += text;
      pending += text;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) ctx.emit("stdout", line.replace(/\r$/, ""));
      if (tooLarge) break;
    }
  } finally {
    if (tooLarge) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  if (!decoder) {
    // The whole body was shorter than a byte order mark: decode it now.
    decoder = bodyDecoder(charset, early);
    const text = decoder.decode(early, { stream: true });
    whole += text;
    pending += text;
  }
  const rest = decoder.decode();
  whole += rest;
  pending += rest;
  // A body not ending in a newline ends unended, as a process's last line does (the log
  // then gives it back byte for byte, `weft logs` adds no newline); one cut short is cut.
  if (pending) ctx.emit("stdout", pending.replace(/\r$/, ""), false, false, false, !tooLarge);
  return { output: tooLarge ? "" : whole, tooLarge };
}

/** The most characters of a URL a message shows; a longer one is cut, with `…`. */
const URL_SHOWN_MAX = 1000;

/** `url` marked as data, cut to {@link URL_SHOWN_MAX} once masked. */
function shownUrl(url: string): string {
  return url.length > URL_SHOWN_MAX
    ? quoteCut(url, URL_SHOWN_MAX, { ellipsis: true })
    : quoteData(url);
}

/**
 * A short cause for a failed request: refused, unknown host, aborted, timed out. Marked
 * (model/data_text.ts): weft's words as they are, the fetch error's own text quoted, so
 * masking a secret never rewrites "timed out"; resolveQuoted gives the plain line.
 */
function describeFetchError(e: unknown, signal: AbortSignal): string {
  if (signal.aborted) {
    // The engine aborts with a reason string ("timeout", "signal", …); AbortSignal.timeout
    // with a TimeoutError.
    const reason: unknown = signal.reason;
    if (reason === "timeout" || (reason instanceof Error && reason.name === "TimeoutError")) {
      return ownText("timed out");
    }
    if (typeof reason === "string" && reason) return `aborted (${quoteData(reason)})`;
    return reason instanceof Error && reason.message
      ? `aborted (${quoteData(reason.message)})`
      : ownText("aborted");
  }
  const error = e as Error & { cause?: unknown };
  const messages = [error?.message ?? String(e)];
  if (error?.cause instanceof Error) messages.push(error.cause.message);
  const text = messages.join(": ");
  if (/connection refused|os error 111/i.test(text)) {
    return `connection refused (${quoteData(text)})`;
  }
  if (/dns error|failed to lookup|name or service not known/i.test(text)) {
    return `host not found (${quoteData(text)})`;
  }
  return quoteData(text);
}
