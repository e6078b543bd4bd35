/**
 * Basic auth user names (src/tasks/http_request.ts, src/parse/step_checks.ts): a `:` in
 * the user name would move the user/password split (RFC 7617), so it is refused — by
 * `weft validate` when written in the file, before sending when a value brings it. And a
 * `data` text sent as JSON, whose values cannot add JSON syntax (expr/json_text.ts).
 * Through the CLI against a real HTTP server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { authorizationOf, startRecordingServer } from "./_loopback_server.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

/** An HTTP server on 127.0.0.1 that keeps each request's Authorization header. */
const startAuthServer = () => startRecordingServer(authorizationOf);

async function writeFlow(yaml: string): Promise<{ file: string; env: Record<string, string> }> {
  const dir = testTempDir("http-auth-");
  await Deno.writeTextFile(`${dir}/flow.yml`, yaml);
  return { file: `${dir}/flow.yml`, env: { WEFT_HOME: `${dir}/home` } };
}

const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;

Deno.test("auth.username or URL user from a value with ':' fails the task; nothing is sent", async () => {
  const server = startAuthServer();
  try {
    const { file, env } = await writeFlow(`name: auth
params: { u: alice }
tasks:
  - id: field
    type: http
    url: http://127.0.0.1:${server.port}/a
    auth: { username: "\${params.u}", password: pw }
  - id: userinfo
    type: http
    url: http://\${params.u}:pw@127.0.0.1:${server.port}/b
`);
    const ok = await weft(["run", file, "--json"], { env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(server.seen, [basic("alice", "pw"), basic("alice", "pw")]);

    const bad = await weft(["run", file, "--json", "-p", "u=u:x"], { env });
    assert.equal(bad.code, 1, bad.stderr);
    const report = JSON.parse(bad.stdout);
    const errors = Object.fromEntries(
      report.tasks.map((t: { id: string; error: string }) => [t.id, t.error]),
    );
    assert.match(errors.field, /^auth\.username "u:x" contains ':', .*RFC 7617/);
    // Refused where the URL is built from its values (expr/url.ts), as notification URLs are.
    assert.match(errors.userinfo, /^url: the URL's user name "u:x" contains ':', .*RFC 7617/);
    assert.equal(server.seen.length, 2, "the refused requests were never sent");
  } finally {
    await server.close();
  }
});

Deno.test("weft validate refuses a ':' written in auth.username, at its line and column", async () => {
  const { file } = await writeFlow(`name: auth
params: { u: alice }
tasks:
  - id: literal
    type: http
    url: http://127.0.0.1:2/
    auth: { username: "u:x", password: pw }
  - id: around
    type: http
    url: http://127.0.0.1:2/
    auth: { type: basic, username: "\${params.u}:x", password: pw }
  - id: value
    type: http
    url: http://127.0.0.1:2/
    auth: { username: "\${params.u}", password: "a:b" }
`);
  const result = await weft(["validate", file]);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  const out = result.stdout + result.stderr;
  assert.match(out, /flow\.yml:7:25: auth\.username in task "literal": .*cannot contain ':'/);
  assert.match(out, /flow\.yml:11:48: auth\.username in task "around": .*cannot contain ':'/);
  assert.match(out, /RFC 7617/);
  assert.doesNotMatch(out, /task "value"/, "a value's ':' is only known at run time");
});

Deno.test("a %3A written in the URL's user name: validate refuses what the run refuses", async () => {
  const server = startAuthServer();
  try {
    const { file, env } = await writeFlow(`name: auth
tasks:
  - id: t
    type: http
    url: "http://a%3Ab:pw@127.0.0.1:${server.port}/h"
`);
    const checked = await weft(["validate", file]);
    assert.equal(checked.code, 2, checked.stdout + checked.stderr);
    assert.match(
      checked.stderr,
      /flow\.yml:5:11: url in task "t": the URL's user name "a:b" contains ':'.*\n.*RFC 7617/,
    );
    const run = await weft(["run", file, "--json"], { env });
    assert.equal(run.code, 2, run.stderr); // validated before it starts
    assert.match(run.stderr, /the URL's user name "a:b" contains ':'/);
    assert.deepEqual(server.seen, [], "nothing was sent");
    // The password may hold %3A: it ends at the '@', never at a ':'.
    const { file: fine, env: fineEnv } = await writeFlow(`name: auth
tasks:
  - {id: t, type: http, url: "http://ab:p%3Aw@127.0.0.1:${server.port}/h"}
`);
    const ok = await weft(["run", fine, "--json"], { env: fineEnv });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(server.seen, [basic("ab", "p:w")]);
  } finally {
    await server.close();
  }
});

Deno.test("a data text sent as JSON keeps each value inside its string; other texts as written", async () => {
  const bodies: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    bodies.push(await req.text());
    return new Response("ok");
  });
  try {
    const { file, env } = await writeFlow(`name: json_text
params: { n: alice, count: "1" }
tasks:
  - id: json
    type: http
    url: http://127.0.0.1:${server.addr.port}/j
    headers: { Content-Type: application/json; charset=utf-8 }
    data: '{"name": "\${params.n}", "role": "user", "count": \${params.count}}'
  - id: plain
    type: http
    depends_on: [json]
    url: http://127.0.0.1:${server.addr.port}/p
    headers: { Content-Type: text/plain }
    data: 'name=\${params.n}'
`);
    const n = 'x", "role": "admin", "z": "';
    const ok = await weft(["run", file, "--json", "-p", `n=${n}`], { env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(bodies[0]), { name: n, role: "user", count: 1 });
    assert.equal(bodies[1], `name=${n}`);

    const bad = await weft(["run", file, "--json", "-p", 'count=1, "role": "admin"'], { env });
    assert.equal(bad.code, 1, bad.stderr);
    const json = JSON.parse(bad.stdout).tasks.find((t: { id: string }) => t.id === "json");
    // The reason names the field, the `${...}`, the value and what to do (verC N4).
    assert.equal(
      json.error,
      'data: the value of ${params.count}, "1, \\"role\\": \\"admin\\"": a value outside a ' +
        'JSON string must be one number, true, false or null; quote it ("${...}") to send it ' +
        "as text",
    );
    assert.equal(bodies.length, 2, "the refused request was never sent");
  } finally {
    await server.shutdown();
  }
});

Deno.test("a form body keeps each value inside its field; a Cookie value inside its cookie", async () => {
  const seen: { path: string; body: string; cookie: string | null }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    seen.push({ path, body: await req.text(), cookie: req.headers.get("cookie") });
    return new Response("ok");
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    const { file, env } = await writeFlow(`name: form_text
params: { n: alice, s: abc, all: "a=1; b=2" }
tasks:
  - id: form
    type: http
    url: ${url}/form
    headers: { Content-Type: Application/X-WWW-Form-Urlencoded; charset=utf-8 }
    data: 'name=\${params.n}&role=user'
  - id: cookie
    type: http
    depends_on: [form]
    url: ${url}/cookie
    headers: { Cookie: "session=\${params.s}; theme=dark" }
  - id: base
    type: http
    depends_on: [cookie]
    url: ${url}/base
    headers: { Cookie: "\${params.all}" }
`);
    const ok = await weft(["run", file, "--json", "-p", "n=x&role=admin +%"], { env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(seen[0].body, "name=x%26role%3Dadmin%20%2B%25&role=user");
    // The server reads one name field, the value as given, and one role.
    const form = new URLSearchParams(seen[0].body);
    assert.deepEqual(form.getAll("role"), ["user"]);
    assert.equal(form.get("name"), "x&role=admin +%");
    assert.equal(seen[1].cookie, "session=abc; theme=dark");
    // A value that starts the header is its base, taken as written.
    assert.equal(seen[2].cookie, "a=1; b=2");

    const secret = "x; role=admin";
    const bad = await weft(["run", file, "--json", "-p", `s=${secret}`], { env });
    assert.equal(bad.code, 1, bad.stderr);
    const cookie = JSON.parse(bad.stdout).tasks.find((t: { id: string }) => t.id === "cookie");
    assert.match(
      cookie.error,
      /^header "Cookie": a value holds ";" \(at character 2\).*another cookie/,
    );
    assert.ok(!(bad.stdout + bad.stderr).includes(secret), "the value is not shown");
    assert.equal(
      seen.filter((s) => s.path === "/cookie").length,
      1,
      "the refused one was not sent",
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("a header value may not add a list member or parameter, nor a C1 control; raw(...) may", async () => {
  const seen: Headers[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    seen.push(req.headers);
    return new Response("ok");
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    const { file, env } = await writeFlow(`name: header_list
params: { ip: 1.2.3.4, cs: utf-8, age: "60", v: plain, tok: abc.DEF-_~+/= }
tasks:
  - id: h
    type: http
    method: POST
    url: ${url}/h
    data: hello
    headers:
      X-Forwarded-For: "\${params.ip}"
      Forwarded: "for=\${params.ip}"
      Content-Type: "text/plain; charset=\${params.cs}"
      Cache-Control: "max-age=\${params.age}"
      X-Val: "a \${params.v} b"
      Authorization: "Bearer \${params.tok}"
  - id: raw
    type: http
    depends_on: [h]
    url: ${url}/raw
    headers: { X-Forwarded-For: "\${raw(params.ip)}, 10.0.0.1" }
`);
    const ok = await weft(["run", file, "--json"], { env });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(seen[0].get("x-forwarded-for"), "1.2.3.4");
    assert.equal(seen[0].get("content-type"), "text/plain; charset=utf-8");
    assert.equal(seen[0].get("authorization"), "Bearer abc.DEF-_~+/=");
    assert.equal(seen[1].get("x-forwarded-for"), "1.2.3.4, 10.0.0.1");

    const errorsOf = async (...params: string[]) => {
      const run = await weft(["run", file, "--json", ...params.flatMap((p) => ["-p", p])], { env });
      assert.equal(run.code, 1, run.stderr);
      const report = JSON.parse(run.stdout);
      return report.tasks.find((t: { id: string }) => t.id === "h").error as string;
    };
    const before = seen.length;
    assert.match(
      await errorsOf("ip=1.2.3.4, 127.0.0.1"),
      /^header "X-Forwarded-For": a value holds "," \(at character 8\), which would add a list member or a parameter to the header \(RFC 9110 §5\.6\); refused/,
    );
    assert.match(
      await errorsOf("cs=utf-8; boundary=zzz"),
      /^header "Content-Type": a value holds ";"/,
    );
    assert.match(await errorsOf("age=0, no-store"), /^header "Cache-Control": a value holds ","/);
    assert.match(
      await errorsOf("v=q\u0085r\u009bz"),
      /^header "X-Val": its value "a q\u0085r\u009bz b" contains a control character \(U\+0085\); refused$/,
    );
    assert.equal(seen.length, before, "no refused request was sent");
  } finally {
    await server.shutdown();
  }
});

/**
 * A loopback server keeping each request's Content-Type and body, and `step(id, data,
 * after?)`: an http task posting `data` to it (after task `after`), as workflow text.
 */
function bodyRecorder() {
  const got: { type: string; body: string }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    got.push({ type: req.headers.get("content-type") ?? "", body: await req.text() });
    return new Response("ok");
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  const step = (id: string, data: string, after?: string) =>
    `  - id: ${id}\n    type: http\n    url: ${url}/${id}\n` +
    (after ? `    depends_on: [${after}]\n` : "") + `    data: ${JSON.stringify(data)}\n`;
  return { got, server, step };
}

Deno.test("a data text that reads as JSON, with no Content-Type, is sent as JSON; others as written", async () => {
  const { got, server, step } = bodyRecorder();
  try {
    const { file, env } = await writeFlow(
      "name: json_looking\nparams: { n: alice }\ntasks:\n" +
        step("obj", '  {"name": "${params.n}", "role": "user"}') +
        step("list", '[{"name": "${params.n}"}, ["${params.n}"]]', "obj") +
        step("ini", "[main]\nname=${params.n}", "list") +
        step("text", "hello ${params.n}", "ini"),
    );
    const n = 'x", "role": "admin", "z": "';
    const ran = await weft(["run", file, "-p", `n=${n}`], { env });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(got.length, 4);
    assert.equal(got[0].type, "application/json");
    assert.deepEqual(JSON.parse(got[0].body), { name: n, role: "user" });
    assert.equal(got[1].type, "application/json");
    assert.deepEqual(JSON.parse(got[1].body), [{ name: n }, [n]]);
    // Not JSON-looking: as written, with fetch's text/plain.
    assert.match(got[2].type, /^text\/plain/);
    assert.equal(got[2].body, `[main]\nname=${n}`);
    assert.equal(got[3].body, `hello ${n}`);
  } finally {
    await server.shutdown();
  }
});

Deno.test("a data text that is an array of bare values, with no Content-Type, is JSON too", async () => {
  const { got, server, step } = bodyRecorder();
  try {
    const { file, env } = await writeFlow(
      "name: json_array\nparams: { n: 42, s: main }\ntasks:\n" +
        step("one", "[${params.n}]") +
        step("two", " [ ${params.n} , 2 ]\n", "one") +
        step("ini", "[${params.s}]\nname=${params.n}", "two"),
    );
    const ran = await weft(["run", file], { env });
    assert.equal(ran.code, 0, ran.stderr);
    assert.deepEqual(got.map((g) => g.type.split(";")[0]), [
      "application/json",
      "application/json",
      "text/plain",
    ]);
    assert.deepEqual(got.map((g) => g.body), ["[42]", " [ 42 , 2 ]\n", "[main]\nname=42"]);
    // A value that would add an element is refused, not spliced.
    const bad = await weft(["run", file, "-p", 'n=1, "admin"'], { env });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stdout + bad.stderr, /one number, true, false or null/);
    assert.equal(got.length, 3, "no refused request was sent");
  } finally {
    await server.shutdown();
  }
});
