/**
 * The webhook listener of `weft daemon --listen ADDR`: one `Deno.serve` answering
 * `POST <trigger.config.webhook>` for each workflow that declares one. A JSON object
 * body's fields become the run's params; a trigger with a secret requires either
 * `X-Weft-Signature: sha256=<hex HMAC-SHA256 of the raw body>` (GitHub's scheme, also
 * read from its `X-Hub-Signature-256`), `Authorization: Bearer <secret>` or
 * `X-Gitlab-Token: <secret>`. Every answer is JSON: 202 `{run_id}` on success,
 * else `{error}` with 400 (malformed JSON — said by line, column and byte, never quoting
 * the body, which may hold a secret — bad params), 401, 404, 405, 413 (body over
 * {@link MAX_BODY_BYTES}, counted while streaming), 429 (the workflow's wait is full) or
 * 503 (over {@link MAX_REQUESTS_AT_ONCE} requests in flight, or the run could not start).
 * 429 and 503 for overload carry `Retry-After` (RFC 6585 §4, RFC 9110 §10.2.3, §15.6.4).
 * @module
 */
import { formatDuration } from "../model/duration.ts";
import { checkSecret } from "./webhook_auth.ts";
import { MAX_BODY_BYTES, parseBody, readLimited, toParams } from "./webhook_body.ts";

export { MAX_BODY_BYTES } from "./webhook_body.ts";

/**
 * Most requests answered at once; a further one gets 503 with a Retry-After at once,
 * before its body is read. Each holds its body (up to MAX_BODY_BYTES) until answered, so
 * this bounds what a flood of connections holds: 64 MiB at most.
 */
export const MAX_REQUESTS_AT_ONCE = 64;

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
   * HTTP `status` (e.g. 400 for unknown or missing params, 409 when skipped, 429 with a
   * `retryAfter` in seconds when its wait is full).
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
  /** Most requests answered at once (default {@link MAX_REQUESTS_AT_ONCE}). */
  maxRequestsAtOnce?: number;
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
  const limit = options.maxRequestsAtOnce ?? MAX_REQUESTS_AT_ONCE;
  let inFlight = 0;
  const serve = async (request: Request): Promise<Response> => {
    if (inFlight >= limit) return busy(request, options, limit);
    inFlight++;
    try {
      return await handle(request, options);
    } finally {
      inFlight--;
    }
  };
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
      }, serve);
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
  let a: Answer;
  try {
    a = await answerFor(request, path, options);
  } catch (e) {
    // Still one line naming the request, not the server's bare `error:` line.
    const why = e instanceof Error ? e.message : String(e);
    a = { ...refuse(500, "internal error"), detail: `internal error: ${why.split("\n")[0]}` };
  }
  return answer(request, path, a, options);
}

/** The answer to a request over the limit: 503 at once, its body left unread. */
function busy(request: Request, options: WebhookServerOptions, limit: number): Response {
  const path = new URL(request.url).pathname;
  request.body?.cancel().catch(() => {});
  const refused = refuse(
    503,
    `the daemon is answering ${limit} webhook requests already; retry later`,
    BUSY_RETRY_AFTER_S,
  );
  return answer(request, path, refused, options);
}

/** The Retry-After (s) of a 503 for too many requests at once: their bodies' time limit. */
const BUSY_RETRY_AFTER_S = Math.ceil(BODY_TIMEOUT_MS / 1000);

function answer(
  request: Request,
  path: string,
  a: Answer,
  options: WebhookServerOptions,
): Response {
  const retry = a.retryAfter === undefined
    ? ""
    : ` (Retry-After ${formatDuration(a.retryAfter * 1000)})`;
  // Nobody is left to read an answer to a request whose sender went away: not one is logged.
  if (a.gone) options.log(`webhook ${request.method} ${path}: ${a.gone}`);
  else options.log(`webhook ${request.method} ${path} ${a.status} ${a.detail}${retry}`);
  return json(a.status, a.body, a.retryAfter);
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  detail: string;
  /** Seconds, sent as `Retry-After` (RFC 9110 §10.2.3). */
  retryAfter?: number;
  /** Why there is nobody to answer (the client went away): logged instead of a status. */
  gone?: string;
}

function refuse(status: number, error: string, retryAfter?: number): Answer {
  return { status, body: { error }, detail: error, retryAfter };
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
  if (bytes === "gone") {
    return {
      status: 400,
      body: { error: "the body was not all there" },
      detail: "",
      gone: "the client closed the connection before the body was all there; no run",
    };
  }
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
    const { status, retryAfter } = e as { status?: unknown; retryAfter?: unknown };
    if (typeof status === "number" && status >= 400 && status < 600) {
      return refuse(
        status,
        (e as Error).message,
        typeof retryAfter === "number" ? retryAfter : undefined,
      );
    }
    throw e;
  }
}

function json(status: number, body: Record<string, unknown>, retryAfter?: number): Response {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
  return new Response(JSON.stringify(body) + "\n", { status, headers });
}
