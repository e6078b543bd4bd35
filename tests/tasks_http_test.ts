import { lineText } from "../src/tasks/byte_lines.ts";
import assert from "node:assert/strict";
import { BODY_MAX_BYTES, httpRunner, type HttpTask } from "../src/tasks/http.ts";
import type { TaskResult } from "../src/tasks/types.ts";
import { compileTemplate } from "../src/expr/mod.ts";
import { ownText, quoteData, resolveQuoted } from "../src/model/data_text.ts";
import { fakeContext } from "./_task_context.ts";

/** What the test server saw of one request. */
interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A real server on 127.0.0.1; routes by path, records every request. */
function startServer() {
  const seen: Seen[] = [];
  const hanging = Promise.withResolvers<void>();
  const hangArrived = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    seen.push({
      method: req.method,
      path: url.pathname + url.search,
      headers: Object.fromEntries(req.headers),
      body: await req.text(),
    });
    switch (url.pathname) {
      case "/ok":
        return new Response("line one\nline two\r\nlast without newline", {
          headers: { "x-answer": "42" },
        });
      case "/json":
        return Response.json({ hello: "world" });
      case "/status": {
        const code = Number(url.searchParams.get("code"));
        const empty = code === 204 || code === 304;
        return new Response(empty ? null : `status ${code}`, { status: code });
      }
      case "/big": {
        // `lines` lines of 1 KiB: 1024 is exactly the limit, 1025 one line over it.
        const lines = Number(url.searchParams.get("lines") ?? 2048);
        return new Response(
          new ReadableStream({
            start(controller) {
              const line = new TextEncoder().encode("x".repeat(1023) + "\n");
              for (let i = 0; i < lines; i++) controller.enqueue(line);
              controller.close();
            },
          }),
        );
      }
      case "/hang":
        hangArrived.resolve();
        await hanging.promise;
        return new Response("late");
      default:
        return new Response("not found", { status: 404 });
    }
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  return {
    base,
    seen,
    /** Resolves when a request to /hang has reached the handler. */
    hangArrived: hangArrived.promise,
    async [Symbol.asyncDispose]() {
      hanging.resolve();
      await server.shutdown();
    },
  };
}

interface Captured {
  /** The result with quoted data unmarked, as the engine shows it. */
  result: TaskResult;
  /** The result as the runner returned it. */
  raw: TaskResult;
  stdout: string[];
  stderr: string[];
}

/** Runs the http runner with a hand-built context; `${name}` interpolates from `vars`. */
async function run(
  task: HttpTask,
  options: { vars?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Captured> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const vars = options.vars ?? {};
  const ctx = fakeContext({
    runId: "run-1",
    taskId: "call",
    env: {},
    signal: options.signal ?? new AbortController().signal,
    outputFile: "/dev/null",
    emit: (stream, line) => (stream === "stdout" ? stdout : stderr).push(lineText(line)),
    interpolate: (text) => text.replace(/\$\{(\w+)\}/g, (_, name) => vars[name] ?? ""),
    // The real URL renderer; `${name}` reads vars[name].
    interpolateUrl: (url) => compileTemplate(url).renderUrl((root) => vars[root]),
    interpolatePath: (path, glob) => compileTemplate(path).renderPath((root) => vars[root], glob),
    interpolateJson: (text) => compileTemplate(text).renderJson((root) => vars[root]),
    interpolateForm: (text) => compileTemplate(text).renderForm((root) => vars[root]),
    interpolatePlaced: (text, place) =>
      compileTemplate(text).renderPlaced((root) => vars[root], place),
    interpolateShell: (command) => ({ command, env: {} }),
    spawner: { spawn: () => Promise.reject(new Error("http must not spawn")) as never },
  });
  const raw = await httpRunner.run(task, ctx);
  // The error as the engine shows it: quoted data unmarked (model/data_text.ts).
  const result = raw.error === undefined ? raw : { ...raw, error: resolveQuoted(raw.error) };
  return { result, raw, stdout, stderr };
}

Deno.test("http: GET 200 succeeds; body lines on stdout, summary on stderr, outputs set", async () => {
  await using server = startServer();
  const { result, stdout, stderr } = await run({ url: `${server.base}/ok` });
  assert.equal(result.ok, true);
  assert.equal(result.exitCode, 0);
  assert.deepEqual(stdout, ["line one", "line two", "last without newline"]);
  assert.equal(stderr.length, 1);
  assert.match(
    stderr[0],
    new RegExp(`^GET ${server.base}/ok → 200 OK \\((\\d+ms|\\d+\\.\\ds)\\)$`),
  );
  assert.equal(result.outputs.status, "200");
  assert.equal(result.outputs.body, "line one\nline two\r\nlast without newline");
  assert.equal(JSON.parse(result.outputs.headers)["x-answer"], "42");
  assert.equal(server.seen[0].method, "GET");
});

Deno.test("http: explicit methods are sent as given", async () => {
  await using server = startServer();
  for (const method of ["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]) {
    const { result } = await run({ url: `${server.base}/ok`, method });
    assert.equal(result.ok, true, method);
  }
  assert.deepEqual(server.seen.map((s) => s.method), ["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]);
});

Deno.test("http: object data is sent as JSON with POST by default, strings interpolated deep", async () => {
  await using server = startServer();
  const { result } = await run(
    {
      url: `${server.base}/json`,
      data: { name: "${who}", list: ["${who}", 3, true, null], nested: { key: "v-${who}" } },
    },
    { vars: { who: "ada" } },
  );
  assert.equal(result.ok, true);
  const seen = server.seen[0];
  assert.equal(seen.method, "POST");
  assert.equal(seen.headers["content-type"], "application/json");
  assert.deepEqual(JSON.parse(seen.body), {
    name: "ada",
    list: ["ada", 3, true, null],
    nested: { key: "v-ada" },
  });
  assert.deepEqual(JSON.parse(result.outputs.body), { hello: "world" });
});

Deno.test("http: array data is JSON; a content-type header given by the task is kept", async () => {
  await using server = startServer();
  await run({
    url: `${server.base}/ok`,
    method: "PUT",
    data: [1, 2],
    headers: { "Content-Type": "application/vnd.api+json" },
  });
  assert.equal(server.seen[0].method, "PUT");
  assert.equal(server.seen[0].headers["content-type"], "application/vnd.api+json");
  assert.equal(server.seen[0].body, "[1,2]");
});

Deno.test("http: string data is sent as is after interpolation", async () => {
  await using server = startServer();
  await run(
    { url: `${server.base}/ok`, data: "a=1&b=${b}", headers: { "content-type": "text/plain" } },
    { vars: { b: "two words" } },
  );
  assert.equal(server.seen[0].method, "POST");
  assert.equal(server.seen[0].body, "a=1&b=two words");
  assert.equal(server.seen[0].headers["content-type"], "text/plain");
});

Deno.test("http: url and header values are interpolated", async () => {
  await using server = startServer();
  const { result } = await run(
    { url: "${base}/ok?env=${env}", headers: { "X-Request-Env": "${env}", "X-Fixed": "1" } },
    { vars: { base: server.base, env: "staging" } },
  );
  assert.equal(result.ok, true);
  assert.equal(server.seen[0].path, "/ok?env=staging");
  assert.equal(server.seen[0].headers["x-request-env"], "staging");
  assert.equal(server.seen[0].headers["x-fixed"], "1");
});

Deno.test("http: basic auth in both spellings, and credentials in the URL", async () => {
  await using server = startServer();
  const expected = `Basic ${btoa("ada:s3cr3t:x")}`;
  await run(
    { url: `${server.base}/ok`, auth: { username: "ada", password: "${pw}" } },
    { vars: { pw: "s3cr3t:x" } },
  );
  await run({
    url: `${server.base}/ok`,
    auth: { type: "basic", username: "ada", password: "s3cr3t:x" },
  });
  const withCreds = server.base.replace("http://", "http://ada:s3cr3t%3Ax@");
  const { stderr } = await run({ url: `${withCreds}/ok` });
  assert.deepEqual(server.seen.map((s) => s.headers.authorization), [expected, expected, expected]);
  assert.ok(!stderr[0].includes("s3cr3t"), "credentials must not appear in the summary");
});

Deno.test("http: bearer auth in both spellings, token interpolated", async () => {
  await using server = startServer();
  await run({ url: `${server.base}/ok`, auth: { type: "bearer", token: "${tok}" } }, {
    vars: { tok: "abc" },
  });
  await run({ url: `${server.base}/ok`, auth: { bearer: "def" } });
  assert.deepEqual(server.seen.map((s) => s.headers.authorization), ["Bearer abc", "Bearer def"]);
});

Deno.test("http: a non-2xx status fails like curl --fail, keeping the outputs", async () => {
  await using server = startServer();
  const { result, stdout, stderr } = await run({ url: `${server.base}/status?code=503` });
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, null); // no process exited
  assert.match(result.error ?? "", /HTTP 503 Service Unavailable \(expected 2xx\)/);
  assert.equal(result.outputs.status, "503");
  assert.equal(result.outputs.body, "status 503");
  assert.deepEqual(stdout, ["status 503"]);
  assert.match(stderr[0], /→ 503 Service Unavailable/);
});

Deno.test("http: a 3xx without redirect target and a 404 fail by default", async () => {
  await using server = startServer();
  const notModified = await run({ url: `${server.base}/status?code=304` });
  assert.equal(notModified.result.ok, false);
  assert.equal(notModified.result.outputs.status, "304");
  assert.equal((await run({ url: `${server.base}/missing` })).result.ok, false);
});

Deno.test("http: expect_status accepts listed codes and rejects others, 2xx included", async () => {
  await using server = startServer();
  const notFound = await run({ url: `${server.base}/status?code=404`, expect_status: [404, 410] });
  assert.equal(notFound.result.ok, true);
  assert.equal(notFound.result.exitCode, 0);
  const ok = await run({ url: `${server.base}/ok`, expect_status: [201] });
  assert.equal(ok.result.ok, false);
  assert.match(ok.result.error ?? "", /returned HTTP 200 OK \(expected 201\)/);
});

Deno.test("http: connection refused fails with a cause", async () => {
  // Bind a port, then free it, so nothing listens there.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const { result, stderr } = await run({ url: `http://127.0.0.1:${port}/` });
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, null);
  assert.match(result.error ?? "", /^GET http:\/\/127\.0\.0\.1:\d+\/ failed: connection refused/);
  assert.deepEqual(result.outputs, {});
  assert.match(stderr[0], /connection refused/);
});

Deno.test("http: aborting the signal ends a hanging request promptly", async () => {
  await using server = startServer();
  const controller = new AbortController();
  const pending = run({ url: `${server.base}/hang` }, { signal: controller.signal });
  // Abort once the server has the request, so the abort hits an in-flight fetch.
  await server.hangArrived;
  controller.abort(new Error("cancelled by user"));
  const { result } = await pending;
  assert.equal(result.ok, false);
  assert.match(result.error ?? "", /aborted \(cancelled by user\)/);
});

Deno.test("http: a timeout signal reports 'timed out'", async () => {
  await using server = startServer();
  const { result } = await run({ url: `${server.base}/hang` }, { signal: AbortSignal.timeout(50) });
  assert.equal(result.ok, false);
  assert.match(result.error ?? "", /timed out/);
  // The engine aborts with a reason string.
  const controller = new AbortController();
  const pending = run({ url: `${server.base}/hang` }, { signal: controller.signal });
  await server.hangArrived;
  controller.abort("timeout");
  assert.match((await pending).result.error ?? "", /failed: timed out$/);
});

Deno.test("http: a body up to 1 MiB is the body output whole; a larger one fails the task", async () => {
  await using server = startServer();
  const whole = await run({ url: `${server.base}/big?lines=1024` });
  assert.equal(whole.result.ok, true, whole.result.error ?? "");
  assert.equal(whole.result.outputs.body.length, BODY_MAX_BYTES);
  assert.equal(whole.stdout.length, 1024);
  const over = await run({ url: `${server.base}/big?lines=1025` });
  assert.equal(over.result.ok, false);
  assert.equal(over.result.outputs.body, "", "no start of the body passed on as if whole");
  assert.match(over.result.error ?? "", /200 OK: body over its limit of 1 MiB, not read past it/);
  assert.match(over.stderr[0], /curl -o FILE/);
  // The log gets the first MiB; an endless body ends there too.
  assert.equal(over.stdout.length, 1024);
  const huge = await run({ url: `${server.base}/big` });
  assert.equal(huge.result.ok, false);
  assert.equal(huge.stdout.length, 1024);
});

Deno.test("http: bad URLs and GET with data fail before sending anything", async () => {
  await using server = startServer();
  const relative = await run({ url: "/ok" });
  assert.equal(relative.result.ok, false);
  assert.match(relative.result.error ?? "", /invalid URL "\/ok"/);
  const ftp = await run({ url: "ftp://127.0.0.1/x" });
  assert.match(ftp.result.error ?? "", /unsupported URL scheme ftp:/);
  const getWithData = await run({ url: `${server.base}/ok`, method: "GET", data: { a: 1 } });
  assert.match(getWithData.result.error ?? "", /GET request cannot carry `data`/);
  assert.equal(server.seen.length, 0);
});

Deno.test("http: values in the URL are encoded for their part; a path value cannot climb out", async () => {
  await using server = startServer();
  await run(
    { url: "${base}/api/users/${user}?fields=name&q=${q}#${frag}", expect_status: [404] },
    {
      vars: {
        base: server.base,
        user: "../admin/delete?confirm=yes#",
        q: "a&admin=1",
        frag: "x",
      },
    },
  );
  assert.equal(
    server.seen[0].path,
    "/api/users/..%2Fadmin%2Fdelete%3Fconfirm%3Dyes%23?fields=name&q=a%26admin%3D1",
  );
  // raw(...) inserts text as written, for values meant as URL syntax.
  const url = "${base}/${raw(rest)}";
  const raw = await run({ url }, { vars: { base: server.base, rest: "ok?page=2&x=%41" } });
  assert.equal(raw.result.ok, true);
  assert.equal(server.seen[1].path, "/ok?page=2&x=%41");
});

Deno.test("http: a value that would change the host or port, or be a .. segment, is refused unsent", async () => {
  await using server = startServer();
  const port = server.base.split(":").at(-1)!;
  const host = await run(
    { url: "http://${host}:" + port + "/ok" },
    { vars: { host: `127.0.0.1:${port}/admin?` } },
  );
  assert.equal(host.result.ok, false);
  assert.match(host.result.error ?? "", /^url: value .* cannot be used as the host of the URL/);
  const badPort = await run({ url: "http://127.0.0.1:${p}/ok" }, { vars: { p: `${port}/admin` } });
  assert.match(badPort.result.error ?? "", /cannot be used as the port/);
  const dots = await run({ url: "${base}/api/${u}/x" }, { vars: { base: server.base, u: ".." } });
  assert.match(dots.result.error ?? "", /path segment "\.\."/);
  assert.equal(server.seen.length, 0);
});

Deno.test("http: a header value with CR or LF inside is refused; ends are trimmed", async () => {
  await using server = startServer();
  const injected = await run(
    { url: `${server.base}/ok`, headers: { "X-User": "${u}" } },
    { vars: { u: "alice\r\nX-Admin: 1" } },
  );
  assert.equal(injected.result.ok, false);
  assert.match(injected.result.error ?? "", /header "X-User": .*line break/);
  const bearer = await run(
    { url: `${server.base}/ok`, auth: { type: "bearer", token: "${t}" } },
    { vars: { t: "abc\nX-Admin: 1" } },
  );
  assert.match(bearer.result.error ?? "", /header "authorization": .*line break/);
  assert.equal(server.seen.length, 0);
  const trailing = await run(
    { url: `${server.base}/ok`, headers: { "X-Token": "${t}" } },
    { vars: { t: "tok\n" } },
  );
  assert.equal(trailing.result.ok, true);
  assert.equal(server.seen[0].headers["x-token"], "tok");
  assert.equal(server.seen[0].headers["x-admin"], undefined);
});

/**
 * A raw HTTP/1.1 server on 127.0.0.1 that answers every request with `head` (status
 * line and headers, CRLF-separated, without the blank line) and the bytes of `body`,
 * so tests control the reason phrase and the body's encoding byte for byte.
 */
function rawServer(head: string, body: Uint8Array) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const done = (async () => {
    for await (const conn of listener) {
      const request = new Uint8Array(64 * 1024);
      await conn.read(request);
      const headers = `${head}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n`;
      await conn.write(new TextEncoder().encode(headers));
      await conn.write(body);
      conn.close();
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/`,
    async [Symbol.asyncDispose]() {
      listener.close();
      await done;
    },
  };
}

Deno.test("http: a failed request names the status, with the registered phrase when none is sent", async () => {
  const empty = new Uint8Array(0);
  for (
    const [head, expected] of [
      ["HTTP/1.1 503 ", "HTTP 503 Service Unavailable"],
      ["HTTP/1.1 404", "HTTP 404 Not Found"],
      ["HTTP/1.1 429 Slow Down", "HTTP 429 "],
      ["HTTP/1.1 599 ", "HTTP 599 (expected"],
    ]
  ) {
    await using server = rawServer(head, empty);
    const { result, stderr } = await run({ url: server.url });
    assert.equal(result.ok, false);
    assert.ok(result.error?.includes(`returned ${expected}`), `${head}: ${result.error}`);
    assert.match(stderr[0], /→ \d{3}/);
  }
});

Deno.test("http: bodies are decoded with the charset the response declares", async () => {
  const latin1 = Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0x6e, 0xe8, 0x0a]); // "café\nnè\n"
  const cp1252 = Uint8Array.from([0x80, 0x20, 0x35, 0x0a, 0x93, 0x71, 0x94]); // "€ 5\n“q”"
  const utf16le = Uint8Array.from([
    0xff,
    0xfe,
    ...[..."ok\nü"].flatMap((c) => [c.charCodeAt(0), 0]),
  ]);
  const utf16be = Uint8Array.from([...[..."hé"].flatMap((c) => [0, c.charCodeAt(0)])]);
  const cases: [string, Uint8Array, string[]][] = [
    ["text/plain; charset=ISO-8859-1", latin1, ["café", "nè"]],
    ['text/plain; charset="windows-1252"', cp1252, ["€ 5", "“q”"]],
    ["text/plain;charset=utf-16", utf16le, ["ok", "ü"]],
    ["text/plain; charset=utf-16be", utf16be, ["hé"]],
    // A byte order mark wins over the label (WHATWG Encoding "decode").
    ["text/plain; charset=iso-8859-1", Uint8Array.from([0xef, 0xbb, 0xbf, 0xc3, 0xa9]), ["é"]],
    // No charset, or one nobody knows: UTF-8.
    ["text/plain", new TextEncoder().encode("naïve\n"), ["naïve"]],
    ["text/plain; charset=x-unknown", new TextEncoder().encode("ü"), ["ü"]],
  ];
  for (const [type, body, lines] of cases) {
    await using server = rawServer(`HTTP/1.1 200 OK\r\ncontent-type: ${type}`, body);
    const { result, stdout } = await run({ url: server.url });
    assert.equal(result.ok, true, type);
    assert.deepEqual(stdout, lines, type);
    assert.equal(result.outputs.body, lines.join("\n") + (body.at(-1) === 0x0a ? "\n" : ""), type);
  }
});

Deno.test("http: the URL in an error is marked as data, weft's words are not", async () => {
  await using server = startServer();
  const url = `${server.base}/status?code=500`;
  const { raw } = await run({ url });
  assert.ok(raw.error!.startsWith(`GET ${quoteData(url)} returned HTTP `), raw.error);
  // The status and its registered phrase are weft's words too (tasks/http_text.ts).
  assert.ok(raw.error!.includes(`HTTP ${ownText("500 Internal Server Error")}`), raw.error);
});
