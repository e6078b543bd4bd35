/**
 * The webhook listener of `weft daemon --listen ADDR`: one `Deno.serve` answering
 * `POST <trigger.config.webhook>` for each workflow that declares one. A JSON object
 * body's fields become the run's params; a trigger with a secret requires either
 * `X-Weft-Signature: sha256=<hex HMAC-SHA256 of the raw body>` (GitHub's scheme, also
 * read from its `X-Hub-Signature-256`), `Authorization: Bearer <secret>` or
 * `X-Gitlab-Token: <secret>`. Every answer is JSON: 202 `{run_id}` on success,
 * else `{error}` with 400 (malformed JSON — said by line, column and byte, never quoting
 * the body, which may hold a secret — bad params), 401, 404, 405, 413 (body over
 * {@link MAX_BODY_BYTES}, counted while streaming) or 503 (the daemon is stopping).
 * @module
 */
import { formatDuration } from "../model/duration.ts";
import { checkSecret } from "./webhook_auth.ts";
import { jsonTooDeep, MAX_NESTING_DEPTH } from "../parse/nesting.ts";
import { findJsonError } from "../parse/json_error.ts";

/** Largest request body accepted (1 MiB); larger bodies get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** How long a request's body may take to arrive, in ms; slower ones get 408. */
export const BODY_TIMEOUT_MS = 10_000;

/**
 * How long shutdown() waits for connections in flight, in ms. A client that sent part of
 * a body and then nothing holds Deno.serve's graceful shutdown for as long as it likes;
 * after this the server stops holding the process open (unref) instead.
 */
export const SHUTDOWN_WAIT_MS = 2_000;

/** What the server needs about one webhook route. */
export interface WebhookRoute {
  /** The HTTP method it answers (default POST). */
  method: string;
  /** Set: the request must be signed or carry it as a bearer token. */
  secret?: string;
  /** The workflow file it starts (for the daemon's log). */
  file?: string;
  /**
   * Starts the run with the body's fields as params. Resolves to the run id (null with
   * `queued` when it waits behind a running one), or rejects with an error carrying an
   * HTTP `status` (e.g. 400 for unknown or missing params, 409 when skipped).
   */
  fire(
    params: Record<string, string>,
    body: WebhookBody,
  ): Promise<{ runId: string | null; queued?: boolean }>;
}

/** What the route's `fire` gets of the body besides its scalar fields. */
export interface WebhookBody {
  /** The fields whose value is an object, a list or null (a GitHub payload's `repository`). */
  nested: string[];
  /** The body as sent (UTF-8), for a workflow that takes it whole. */
  text: string;
}

/** Options of {@link startWebhookServer}. */
export interface WebhookServerOptions {
  hostname: string;
  /** 0 picks a free port (see the returned `port`). */
  port: number;
  /** The route for a URL path, or undefined (404). Read per request, so reloads apply. */
  route(path: string): WebhookRoute | undefined;
  /** One line per request outcome (method, path, status, detail). */
  log(line: string): void;
  /** How long a body may take to arrive, in ms (default {@link BODY_TIMEOUT_MS}). */
  bodyTimeoutMs?: number;
}

/** A listening webhook server. */
export interface WebhookServer {
  hostname: string;
  port: number;
  /** Stops accepting; answers in flight finish. */
  shutdown(): Promise<void>;
}

/**
 * Starts listening. Throws (Deno.errors.AddrInUse, PermissionDenied…) when the
 * address cannot be bound.
 */
export function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  return new Promise((resolve, reject) => {
    try {
      const server = Deno.serve({
        hostname: options.hostname,
        port: options.port,
        onListen: (addr) => {
          resolve({
            hostname: addr.hostname,
            port: addr.port,
            shutdown: () => boundedShutdown(server),
          });
        },
        onError: (e) => {
          options.log(`webhook: error: ${e instanceof Error ? e.message : String(e)}`);
          return json(500, { error: "internal error" });
        },
      }, (request) => handle(request, options));
    } catch (e) {
      reject(e);
    }
  });
}

async function boundedShutdown(server: Deno.HttpServer): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((r) => timer = setTimeout(() => r(true), SHUTDOWN_WAIT_MS));
  const done = await Promise.race([server.shutdown().then(() => false), late]);
  clearTimeout(timer);
  if (done) server.unref();
}

async function handle(request: Request, options: WebhookServerOptions): Promise<Response> {
  const path = new URL(request.url).pathname;
  const answer = await answerFor(request, path, options);
  options.log(`webhook ${request.method} ${path} ${answer.status} ${answer.detail}`);
  return json(answer.status, answer.body);
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  detail: string;
}

function refuse(status: number, error: string): Answer {
  return { status, body: { error }, detail: error };
}

async function answerFor(
  request: Request,
  path: string,
  options: WebhookServerOptions,
): Promise<Answer> {
  const route = options.route(path);
  if (!route) return refuse(404, `no webhook at ${path}`);
  if (request.method !== route.method) {
    return refuse(405, `${path} accepts ${route.method} only`);
  }
  const timeoutMs = options.bodyTimeoutMs ?? BODY_TIMEOUT_MS;
  const bytes = await readLimited(request, timeoutMs);
  if (bytes === "slow") {
    return refuse(408, `the body did not arrive within ${formatDuration(timeoutMs)}`);
  }
  if (bytes === null) return refuse(413, `the body is over ${MAX_BODY_BYTES} bytes`);
  if (route.secret !== undefined && !(await checkSecret(request.headers, bytes, route.secret))) {
    return refuse(
      401,
      "missing or wrong signature: send X-Weft-Signature (or GitHub's X-Hub-Signature-256): " +
        "sha256=<HMAC-SHA256 of the body>, Authorization: Bearer <secret> or X-Gitlab-Token: <secret>",
    );
  }
  const body = parseBody(bytes);
  if (typeof body === "string") return refuse(400, body);
  const { params, nested } = toParams(body);
  try {
    const text = new TextDecoder().decode(bytes);
    const { runId, queued } = await route.fire(params, { nested, text });
    return {
      status: 202,
      body: queued ? { run_id: runId, queued: true } : { run_id: runId },
      detail: queued ? "queued" : `run ${runId}`,
    };
  } catch (e) {
    const status = (e as { status?: unknown }).status;
    if (typeof status === "number" && status >= 400 && status < 600) {
      return refuse(status, (e as Error).message);
    }
    throw e;
  }
}

/**
 * The body's bytes; null once more than MAX_BODY_BYTES arrived (Content-Length is not
 * trusted); "slow" when it has not all arrived within `timeoutMs` (a slow-loris client).
 */
async function readLimited(
  request: Request,
  timeoutMs: number,
): Promise<Uint8Array | null | "slow"> {
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const slow = new Promise<"slow">((r) => timer = setTimeout(() => r("slow"), timeoutMs));
  try {
    while (true) {
      const next = await Promise.race([reader.read(), slow]);
      if (next === "slow") {
        reader.cancel().catch(() => {});
        return "slow";
      }
      const { done, value } = next;
      if (done) break;
      total += value.byteLength;
      if (total > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => {});
        return null;
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
  }
  return join(chunks, total);
}

function join(chunks: Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/** The JSON object in the body (an empty body is `{}`), or the error message. */
function parseBody(bytes: Uint8Array): Record<string, unknown> | string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "the body is not UTF-8";
  }
  if (text.trim() === "") return {};
  // Checked before parsing, without recursion: JSON.parse of 100,000 nested `[` fails
  // with the engine's "Maximum call stack size exceeded", which says nothing useful.
  const deep = jsonTooDeep(text);
  if (deep !== undefined) {
    return `the JSON body is nested too deeply: more than ${MAX_NESTING_DEPTH} levels of ` +
      `lists and objects (at byte ${deep}); send a flat JSON object whose fields are the ` +
      "workflow's params";
  }
  let value: unknown;
  try {
    // Numbers keep the text they were sent as: 12345678901234567890 stays that, not a
    // rounded double, and 1e999 is not "Infinity" (the reviver's context, ES2025).
    value = JSON.parse(
      text,
      (_key, v, context?: { source?: string }) =>
        typeof v === "number" ? new JsonNumber(context?.source ?? String(v)) : v,
    );
  } catch {
    // Said by position, not by V8's message, which quotes the body (it may hold a secret).
    return describeJsonError(text);
  }
  if (
    value === null || typeof value !== "object" || Array.isArray(value) ||
    value instanceof JsonNumber
  ) {
    return "the body must be a JSON object whose fields are the workflow's params";
  }
  return value as Record<string, unknown>;
}

/**
 * `malformed JSON at line L, column C (byte B): why` for a body JSON.parse refused (line
 * and column from 1, the column in code points; B from 0, in UTF-8 bytes). V8's own
 * message quotes the body around the error (`..."i_token": hunter2sec"...`), and the
 * body may hold a secret (a token param) that would go back to the client and into the
 * daemon's log: so nothing of the body is quoted, not even the character found there.
 */
function describeJsonError(text: string): string {
  const error = findJsonError(text);
  if (error === undefined) return "malformed JSON";
  const before = text.slice(0, error.offset);
  const line = before.split("\n").length;
  const column = [...before.slice(before.lastIndexOf("\n") + 1)].length + 1;
  const byte = new TextEncoder().encode(before).length;
  // The scanner's words, without a character it quotes (`unexpected character "h"`).
  const why = error.message.replace(/ "(?:[^"\\]|\\.)*"/g, "");
  return `malformed JSON at line ${line}, column ${column} (byte ${byte}): ${why}`;
}

/** A JSON number as the text it was sent as. */
class JsonNumber {
  constructor(readonly text: string) {}
}

/** Scalars become strings (as `-p` gives them); objects and arrays are refused. */
/** The scalar fields as params (numbers as sent), and the names of the others. */
function toParams(
  body: Record<string, unknown>,
): { params: Record<string, string>; nested: string[] } {
  const params: Record<string, string> = {};
  const nested: string[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === "string") params[name] = value;
    else if (value instanceof JsonNumber) params[name] = value.text;
    else if (typeof value === "boolean") params[name] = String(value);
    else nested.push(name);
  }
  return { params, nested };
}

function json(status: number, body: Record<string, unknown>): Response {
  return new Response(JSON.stringify(body) + "\n", {
    status,
    headers: { "content-type": "application/json" },
  });
}
