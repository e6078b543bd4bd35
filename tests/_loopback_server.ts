/**
 * A real HTTP server on 127.0.0.1 (a free port) for tests that check what weft sent:
 * it keeps `record(request)` for each request, in the order received, discards the body
 * unread and answers 200 "ok". `close()` shuts it down (await it in `finally`).
 * @module
 */

/** Starts the server; `seen` fills with one `record(req)` per request received. */
export function startRecordingServer<T>(record: (req: Request) => T) {
  const seen: T[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    seen.push(record(req));
    return new Response("ok");
  });
  return { port: server.addr.port, seen, close: () => server.shutdown() };
}

/** The request's Authorization header, or null: a `record` for credential tests. */
export const authorizationOf = (req: Request): string | null => req.headers.get("authorization");
