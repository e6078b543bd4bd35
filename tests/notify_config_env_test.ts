/**
 * Notification settings read `env.NAME` as the workflow's tasks do (the workflow's
 * `environment` over the process environment, src/notify/config.ts via the engine's
 * onWorkflowEnv), a credential header's parts and the values inside it are secrets
 * (model/http_header.ts credentialSecrets), and a header fetch would refuse is refused at
 * once, naming the header, never tried. Through `weft run` against a real HTTP server on
 * 127.0.0.1.
 */
import assert from "node:assert/strict";
import { credentialSecrets } from "../src/model/http_header.ts";
import { startRecordingServer } from "./_loopback_server.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** An HTTP server on 127.0.0.1 keeping each request's path and headers. */
function startHookServer() {
  return startRecordingServer((req) => ({ path: new URL(req.url).pathname, headers: req.headers }));
}

async function runFlow(yaml: string, env: Record<string, string> = {}, args: string[] = []) {
  const dir = testTempDir("notify-env-");
  await Deno.writeTextFile(`${dir}/flow.yml`, yaml);
  return await weft(["run", `${dir}/flow.yml`, ...args], {
    env: { WEFT_HOME: `${dir}/home`, ...env },
  });
}

Deno.test(
  "webhook: env.NAME reads the workflow's environment, over the process's",
  opts,
  async () => {
    const server = startHookServer();
    try {
      const run = await runFlow(
        `name: ne
environment:
  TOKEN: literal\${env.SUFFIX}
  PORT: "${server.port}"
notifications:
  channels: [webhook]
  webhook:
    url: "http://127.0.0.1:\${env.PORT}/wh/\${env.TOKEN}"
    headers: {X-T: "\${env.TOKEN}", X-Shell: "\${env.FROM_SHELL}"}
tasks: [{ id: a, command: "true" }]
`,
        { SUFFIX: "abc", TOKEN: "fromshell", FROM_SHELL: "shellvalue" },
      );
      assert.equal(run.code, 0, run.stderr);
      assert.equal(server.seen.length, 1, run.stderr);
      assert.equal(server.seen[0].path, "/wh/literalabc");
      assert.equal(server.seen[0].headers.get("x-t"), "literalabc");
      assert.equal(server.seen[0].headers.get("x-shell"), "shellvalue");
    } finally {
      await server.close();
    }
  },
);

Deno.test(
  "webhook: the token of `Bearer ${env.X}` and the env value are masked",
  opts,
  async () => {
    const server = startHookServer();
    try {
      const run = await runFlow(
        `name: cred
notifications:
  channels: [webhook]
  webhook:
    url: "http://127.0.0.1:${server.port}/hook"
    headers: {Authorization: "Bearer \${env.HOOK_AUTH}", X-Api-Key: "k-\${env.HOOK_K}"}
tasks:
  - id: echo
    command: 'echo "a=$HOOK_AUTH k=$HOOK_K"'
`,
        { HOOK_AUTH: "hookAuthValue-777", HOOK_K: "keyValue-888" },
        ["-v"],
      );
      assert.equal(run.code, 0, run.stderr);
      const all = run.stdout + run.stderr;
      assert.match(all, /a=\*\*\* k=\*\*\*/);
      assert.doesNotMatch(all, /hookAuthValue-777|keyValue-888/);
      assert.equal(server.seen[0].headers.get("authorization"), "Bearer hookAuthValue-777");
    } finally {
      await server.close();
    }
  },
);

Deno.test(
  "webhook: a header value or name fetch refuses fails at once, naming it",
  opts,
  async () => {
    const server = startHookServer();
    try {
      for (
        const [headers, env, named] of [
          [
            `{X-A: "a\${env.V}b"}`,
            { V: "\x7f" },
            /header "X-A": its value .* contains a control character \(U\+007F\); refused/,
          ],
          [`{X-A: "\${env.V}"}`, { V: "\u6f22" }, /header "X-A": .*U\+6F22/],
          // A C1 control (NEL) as DEL is; a value adding a list member, as in an http task.
          [`{X-A: "v \${env.V}"}`, { V: "q\x85r" }, /header "X-A": .*\(U\+0085\); refused/],
          [
            `{Forwarded: "for=\${env.V}"}`,
            { V: "1.2.3.4, for=127.0.0.1" },
            /header "Forwarded": a value holds "," \(at character 8\), which would add a list member/,
          ],
          [`{Host: "\${env.V}"}`, { V: "x" }, null],
        ] as const
      ) {
        const run = await runFlow(
          `name: bad\nnotifications:\n  channels: [webhook]\n  webhook:\n` +
            `    url: "http://127.0.0.1:${server.port}/hook"\n    headers: ${headers}\n` +
            `tasks: [{ id: a, command: "true" }]\n`,
          env,
        );
        if (named === null) {
          // A literal Host is refused by validate, before anything runs.
          assert.equal(run.code, 2, run.stderr);
          assert.match(run.stderr, /header "Host" cannot be set/);
          continue;
        }
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stderr, named);
        assert.doesNotMatch(run.stderr, /tries|cannot reach/);
      }
      assert.equal(server.seen.length, 0);
    } finally {
      await server.close();
    }
  },
);

Deno.test(
  "webhook: env.NAME reads defaults.environment too, as a task with none of its own does",
  opts,
  async () => {
    const server = startHookServer();
    try {
      const run = await runFlow(
        `name: nd
environment:
  PORT: "${server.port}"
defaults:
  environment:
    DEF: defval-\${env.PORT}
notifications:
  channels: [webhook]
  webhook:
    url: "http://127.0.0.1:\${env.PORT}/wh/\${env.DEF}"
    headers: {X-D: "\${env.DEF}"}
tasks: [{ id: a, command: "test \\"$DEF\\" = defval-${server.port}" }]
`,
      );
      assert.equal(run.code, 0, run.stderr);
      assert.equal(server.seen.length, 1, run.stderr);
      assert.equal(server.seen[0].path, `/wh/defval-${server.port}`);
      assert.equal(server.seen[0].headers.get("x-d"), `defval-${server.port}`);
    } finally {
      await server.close();
    }
  },
);

Deno.test("credentialSecrets: the whole value and the credentials after the scheme", () => {
  assert.deepEqual(credentialSecrets("Authorization", " Bearer abc.def "), [
    "Bearer abc.def",
    "abc.def",
  ]);
  assert.deepEqual(credentialSecrets("X-Auth-Token", "Token t0k3n"), ["Token t0k3n", "t0k3n"]);
  assert.deepEqual(credentialSecrets("Authorization", `Basic ${btoa("me:s3cret")}`), [
    `Basic ${btoa("me:s3cret")}`,
    btoa("me:s3cret"),
    "me:s3cret",
    "s3cret",
  ]);
  assert.deepEqual(credentialSecrets("X-Api-Key", "plainkey"), ["plainkey"]);
  assert.deepEqual(credentialSecrets("X-Request-Id", "Bearer abc"), []);
});

Deno.test(
  "webhook: env.constructor and other inherited names read as unset, not Object's",
  opts,
  async () => {
    const server = startHookServer();
    const flow = (url: string) =>
      `name: proto
notifications:
  channels: [webhook]
  webhook:
    url: "http://127.0.0.1:${server.port}${url}"
    headers: {X-T: "[\${env.toString}]"}
tasks: [{ id: a, command: "true" }]
`;
    try {
      const run = await runFlow(flow("/x"));
      assert.equal(run.code, 0, run.stderr);
      assert.ok(!run.stderr.includes("warning"), run.stderr);
      assert.equal(server.seen.length, 1, run.stderr);
      assert.equal(server.seen[0].headers.get("x-t"), "[]");
      // As any unset variable a URL needs: said, not a JavaScript message.
      const unset = await runFlow(flow("/x/\${env.constructor}"));
      assert.match(
        unset.stderr,
        /warning: notification to webhook failed: notifications\.webhook\.url: constructor is not set in \$\{env\.constructor\}/,
      );
      assert.equal(server.seen.length, 1);
    } finally {
      await server.close();
    }
  },
);
