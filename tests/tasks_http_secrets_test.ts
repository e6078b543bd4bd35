/**
 * An http task's credentials are secrets of the run from its start
 * (src/tasks/http_secrets.ts, the registry's secretsIn): an Authorization header's
 * credentials after the scheme, `auth`'s token and password, and every `${env.NAME}` or
 * `${params.NAME}` value inside them — so a task printing the variable shows `***`.
 * A header fetch would drop or refuse is refused (model/http_header.ts). Through `weft run`
 * against a real HTTP server on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { httpTaskSecrets } from "../src/tasks/http_secrets.ts";
import { authorizationOf, startRecordingServer } from "./_loopback_server.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** A server on 127.0.0.1 that keeps each request's Authorization header. */
const startServer = () => startRecordingServer(authorizationOf);

async function runFlow(yaml: string, env: Record<string, string>, args: string[] = []) {
  const dir = testTempDir("http-secrets-");
  await Deno.writeTextFile(`${dir}/flow.yml`, yaml);
  return await weft(["run", `${dir}/flow.yml`, "-v", ...args], {
    env: { WEFT_HOME: `${dir}/home`, ...env },
  });
}

Deno.test(
  "http task: the env and param values of credentials are masked everywhere",
  opts,
  async () => {
    const server = startServer();
    try {
      const run = await runFlow(
        `name: creds
params: { pw: { default: "" } }
tasks:
  - id: call
    type: http
    url: "http://127.0.0.1:${server.port}/a"
    headers: { Authorization: "Bearer \${env.API_TOKEN}" }
  - id: basic
    type: http
    url: "http://127.0.0.1:${server.port}/b"
    auth: { username: me, password: "\${params.pw}" }
  - id: show
    command: 'echo "t=$API_TOKEN p=\${params.pw}"'
`,
        { API_TOKEN: "tokenValue-4242" },
        ["-p", "pw=passValue-5151"],
      );
      assert.equal(run.code, 0, run.stderr);
      const all = run.stdout + run.stderr;
      assert.match(all, /t=\*\*\* p=\*\*\*/);
      assert.doesNotMatch(all, /tokenValue-4242|passValue-5151/);
      // The two calls run side by side: in either order.
      assert.deepEqual(server.seen.toSorted(), [
        `Basic ${btoa("me:passValue-5151")}`,
        "Bearer tokenValue-4242",
      ]);
    } finally {
      await server.close();
    }
  },
);

Deno.test(
  "http task: a password in the url's user info is a secret from the start, with its Basic credential",
  opts,
  async () => {
    const server = startServer();
    try {
      const flow = `name: urlcreds
params: { pw: { default: "" } }
tasks:
  - id: call
    type: http
    url: "http://me:\${params.pw}@127.0.0.1:${server.port}/a"
  - id: lit
    type: http
    url: "http://you:LiteralUiPw77@127.0.0.1:${server.port}/b"
  - id: show
    depends_on: [call, lit]
    command: 'echo "p=\${params.pw} l=LiteralUiPw77 b=$(printf %s "me:p@ss w/rd#9" | base64)"'
`;
      const pw = ["-p", "pw=p@ss w/rd#9"];
      const run = await runFlow(flow, {}, pw);
      assert.equal(run.code, 0, run.stderr);
      const basic = btoa("me:p@ss w/rd#9");
      assert.deepEqual(
        server.seen.toSorted(),
        [`Basic ${basic}`, `Basic ${btoa("you:LiteralUiPw77")}`].toSorted(),
      );
      const all = run.stdout + run.stderr;
      assert.match(all, /p=\*\*\* l=\*\*\* b=\*\*\*/);
      for (const part of ["p@ss w/rd#9", "p%40ss%20w%2Frd%239", "LiteralUiPw77", basic]) {
        assert.ok(!all.includes(part), `${part} in ${all}`);
      }
      const dry = await runFlow(flow, {}, [...pw, "--dry-run"]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.doesNotMatch(dry.stdout + dry.stderr, /LiteralUiPw77|p%40ss|p@ss/);
    } finally {
      await server.close();
    }
  },
);

Deno.test(
  "http task: a header value fetch refuses fails the task naming the header",
  opts,
  async () => {
    const server = startServer();
    try {
      for (
        const [value, what] of [["\x7f", /U\+007F/], ["\u6f22", /U\+6F22/], [
          "\x01",
          /U\+0001/,
        ]] as const
      ) {
        const run = await runFlow(
          `name: badval\ntasks:\n  - id: t\n    type: http\n    url: "http://127.0.0.1:${server.port}/"\n` +
            `    headers: { X-Name: "a\${env.V}" }\n`,
          { V: value },
        );
        assert.equal(run.code, 1, run.stderr);
        assert.match(run.stderr, /header "X-Name": its value .* contains/);
        assert.match(run.stderr, what);
      }
      assert.equal(server.seen.length, 0);
    } finally {
      await server.close();
    }
  },
);

Deno.test(
  "weft validate: Host, Content-Length and bad header characters, at their place",
  opts,
  async () => {
    const dir = testTempDir("http-secrets-");
    await Deno.writeTextFile(
      `${dir}/flow.yml`,
      `name: hdr
tasks:
  - id: t
    type: http
    url: "http://127.0.0.1:2/"
    headers: { Host: evil.example, Content-Length: "1", X-Del: "a\\x7fb", X-Han: "\\u6f22" }
`,
    );
    const run = await weft(["validate", `${dir}/flow.yml`], { env: { WEFT_HOME: `${dir}/home` } });
    assert.equal(run.code, 2, run.stderr);
    const out = run.stdout + run.stderr;
    assert.match(out, /:6:16: headers in task "t": header "Host" cannot be set/);
    assert.match(out, /put the host \(and port\) in the URL/);
    assert.match(out, /header "Content-Length" cannot be set/);
    assert.match(
      out,
      /headers\.X-Del in task "t": a header value cannot contain a control character \(U\+007F\)/,
    );
    assert.match(out, /headers\.X-Han in task "t": .*U\+6F22, which is not Latin-1/);
  },
);

Deno.test("httpTaskSecrets: the url's password as the request builder encodes it", () => {
  const values: Record<string, string> = { "${env.P}": "a@b:c/d%e" };
  const interpolate = (text: string) => text.replace(/\$\{[^}]+\}/g, (ref) => values[ref] ?? "");
  const encoded = "a%40b%3Ac%2Fd%25e";
  const interpolateUrl = (text: string) => text.replace("${env.P}", encoded);
  const task = { url: "https://u:${env.P}@h.example/x" };
  const found = httpTaskSecrets(task, interpolate, undefined, interpolateUrl);
  for (const value of [encoded, "a@b:c/d%e", btoa("u:a@b:c/d%e"), "u:a@b:c/d%e"]) {
    assert.ok(found.includes(value), `${value} in ${JSON.stringify(found)}`);
  }
  // A URL known only later leaves the other secrets in place.
  const later = { url: "https://u:${tasks.a.outputs.p}@h/", auth: { token: "tok-9876" } };
  const throwing = () => {
    throw new Error("not yet known");
  };
  assert.deepEqual(httpTaskSecrets(later, (t) => t, undefined, throwing), [
    "Bearer tok-9876",
    "tok-9876",
  ]);
});

Deno.test("httpTaskSecrets: credential parts and the values read inside them", () => {
  const values: Record<string, string> = { "${env.T}": "tok-123", "${params.p}": "pw-456" };
  const interpolate = (text: string) => text.replace(/\$\{[^}]+\}/g, (ref) => values[ref] ?? "");
  const found = httpTaskSecrets(
    {
      headers: { Authorization: "Bearer ${env.T}", "X-Request-Id": "${env.T}" },
      auth: { username: "me", password: "${params.p}" },
    },
    interpolate,
  );
  for (const value of ["Bearer tok-123", "tok-123", "pw-456", btoa("me:pw-456")]) {
    assert.ok(found.includes(value), `${value} in ${JSON.stringify(found)}`);
  }
  assert.deepEqual(httpTaskSecrets({ headers: { "X-Request-Id": "${env.T}" } }, interpolate), []);
});

Deno.test("httpTaskSecrets: decides on the URL as built, not on its template (no @ or ? written)", () => {
  const values: Record<string, string> = {
    "${env.API_URL}/missing": "http://svc:p%40ss-word@h:1/missing",
    "${env.Q}&x=1": "http://h/v1?api_key=qk-12345&x=1",
    "http://h/${env.PATH_PART}": "http://h/plain",
  };
  const render = (text: string) => values[text] ?? text;
  const found = (url: string) => httpTaskSecrets({ url }, render);
  const userinfo = found("${env.API_URL}/missing");
  assert.ok(userinfo.includes("p%40ss-word") && userinfo.includes("p@ss-word"), String(userinfo));
  assert.ok(userinfo.includes(btoa("svc:p@ss-word")), String(userinfo));
  assert.ok(found("${env.Q}&x=1").includes("qk-12345"));
  assert.deepEqual(found("http://h/${env.PATH_PART}"), []);
});
