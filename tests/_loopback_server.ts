/**
 * A real HTTP server on 127.0.0.1 (a free port) for tests that check what weft sent:
 * it keeps `record(request)` for each request, in the order received, discards the body
 * unread and answers 200 "ok" (or as told). `close()` shuts it down (await it in `finally`).
 * @module
 */

/**
 * Starts the server; `seen` fills with one `record(req)` per request received. With
 * `answer`, each request is answered with what it resolves to (a test holds the answer
 * until it has done something while weft waits for it).
 */
export function startRecordingServer<T>(
  record: (req: Request) => T,
  answer: () => Promise<Response> = () => Promise.resolve(new Response("ok")),
) {
  const seen: T[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    seen.push(record(req));
    return await answer();
  });
  return { port: server.addr.port, seen, close: () => server.shutdown() };
}

/** The request's Authorization header, or null: a `record` for credential tests. */
export const authorizationOf = (req: Request): string | null => req.headers.get("authorization");
