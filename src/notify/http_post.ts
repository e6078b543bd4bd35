/**
 * One JSON POST for the Slack and webhook channels: a response other than 2xx is an
 * error naming the status (and the start of the body, which may say why), never the URL
 * (it holds the token).
 * @module
 */
import { quoteCut } from "../model/data_text.ts";
import { concatBytes } from "../arrays.ts";
import { urlLengthTrouble } from "../model/fetch_url_length.ts";
import { formatDuration } from "../model/duration.ts";

/** How long one try may take before it counts as failed, in ms. */
export const POST_TIMEOUT_MS = 10_000;

/**
 * POSTs `body` as JSON to `url` with `headers`. Resolves when the server answers 2xx;
 * throws Error("HTTP 500: ...") otherwise, or the network error in plain words
 * (`no answer within 10.0s` once `timeoutMs` passed without one). `signal` abandons the
 * request (Ctrl-C while notifications go out).
 */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
  timeoutMs: number = POST_TIMEOUT_MS,
): Promise<void> {
  // fetch would only say "Invalid URL" (model/fetch_url_length.ts).
  const tooLong = URL.canParse(url) ? urlLengthTrouble(new URL(url)) : undefined;
  if (tooLong) throw new Error(tooLong);
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", ...headers },
      body: JSON.stringify(body),
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      redirect: "error",
    });
  } catch (e) {
    const error = e as Error;
    if (signal?.aborted) throw new Error("interrupted");
    if (error.name === "TimeoutError") {
      throw new Error(`no answer within ${formatDuration(timeoutMs)}`);
    }
    const cause = (error.cause as Error | undefined)?.message ?? error.message;
    throw new Error(`cannot reach the server: ${cause.replace(/https?:\/\/\S+/g, "<url>")}`);
  }
  const text = await responseStart(response).catch(() => "");
  if (!response.ok) {
    // The body is marked whole and cut once masked (model/data_text.ts): a cut through a
    // secret the server echoes would leave a start that masking cannot recognise.
    const said = text.trim() ? `: ${quoteCut(text, 200, { squash: true })}` : "";
    throw new Error(`HTTP ${response.status}${said}`);
  }
}

/**
 * The most of a notification's response body read: only its first 200 characters are
 * quoted, and a server answering with an endless body must not fill memory.
 */
const RESPONSE_READ_BYTES = 64 * 1024;

/** The first {@link RESPONSE_READ_BYTES} of the body as text; the rest is never read. */
async function responseStart(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_READ_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return new TextDecoder().decode(concatBytes(chunks, Math.min(size, RESPONSE_READ_BYTES)));
}
