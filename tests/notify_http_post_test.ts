/**
 * src/notify/http_post.ts against a real loopback server: an error answer whose body
 * never ends is quoted from its first bytes, and the rest is never read; a secret in the
 * quoted start is masked whole before the cut (model/data_text.ts quoteCut); a server
 * that never answers is named with the try's time limit as weft prints durations.
 */
import assert from "node:assert/strict";
import { postJson } from "../src/notify/http_post.ts";
import { resolveQuoted } from "../src/model/data_text.ts";

Deno.test("postJson: an endless error body is cut, not read into memory", async () => {
  let sent = 0;
  let cancelled: () => void = () => {};
  const done = new Promise<void>((resolve) => cancelled = resolve);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    const chunk = new TextEncoder().encode("busy ".repeat(1000));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.length;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled();
      },
    });
    return new Response(body, { status: 503 });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/hook`;
    const error = await postJson(url, { text: "x" }).catch((e) => e as Error);
    assert.ok(error instanceof Error);
    // The body is quoted marked, cut once masked (model/data_text.ts quoteCut).
    assert.equal(resolveQuoted(error.message), `HTTP 503: ${"busy ".repeat(40)}`);
    await done;
    assert.ok(sent < 16 * 1024 * 1024, `${sent} bytes sent`);
  } finally {
    await server.shutdown();
  }
});

Deno.test("postJson: a secret the server echoes across the 200-character cut is masked whole first", async () => {
  const secret = "Tk9" + "q".repeat(290) + "Zz7"; // longer than the cut
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await req.body?.cancel();
    return new Response(`denied:\n  ${secret}\n`, { status: 401 });
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/hook`;
    const error = await postJson(url, { text: "x" }).catch((e) => e as Error);
    assert.ok(error instanceof Error);
    const masked = resolveQuoted(error.message, (text) => text.replaceAll(secret, "***"));
    assert.equal(masked, "HTTP 401: denied: ***");
    assert.equal(resolveQuoted(error.message), `HTTP 401: denied: ${secret}`.slice(0, 210));
  } finally {
    await server.shutdown();
  }
});

Deno.test("postJson: a server that takes the connection and never answers is 'no answer within 300ms'", async () => {
  // Accepts, reads nothing, answers nothing: the try ends at its time limit.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  try {
    const url = `http://127.0.0.1:${listener.addr.port}/hook`;
    const error = await postJson(url, { text: "x" }, {}, undefined, 300).catch((e) => e as Error);
    assert.ok(error instanceof Error);
    assert.equal(error.message, "no answer within 300ms");
  } finally {
    listener.close();
    await accepting.catch(() => {});
    for (const conn of held) conn.close();
  }
});
