/**
 * The credentials a URL holds once its `${...}` values are in (src/tasks/http_secrets.ts
 * decides on the URL as built, not on its template): `url: ${env.API_URL}/x` with a
 * user-info password, `${env.QUERY_URL}&x=1` with `?api_key=`, a query part from a value;
 * and a database `connection: ${env.DB_URL}`. Through the real `weft run` against a
 * loopback server: the terminal, the logs and every file under WEFT_HOME, `status --json`,
 * `weft logs`, `--dry-run` (plain and `--json`) and the notification's body.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/http_secrets/", import.meta.url).pathname;
const opts = { sanitizeResources: false, sanitizeOps: false };

/** Every file under `folder`, read as Latin-1 (any bytes). */
function filesUnder(folder: string): [string, string][] {
  const out: [string, string][] = [];
  const latin1 = new TextDecoder("latin1");
  for (const entry of Deno.readDirSync(folder)) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) out.push(...filesUnder(path));
    else if (entry.isFile) out.push([path, latin1.decode(Deno.readFileSync(path))]);
  }
  return out;
}

/** Asserts that no value of `secrets` is in `text` (named `where`). */
function assertNone(secrets: string[], text: string, where: string): void {
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `${where} holds ${JSON.stringify(secret)}:\n${text}`);
  }
}

/** A server answering each request with its path, query and Authorization header. */
function startEchoServer() {
  const bodies: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    bodies.push(await req.text());
    const url = new URL(req.url);
    return new Response(`seen ${url.pathname}${url.search} ${req.headers.get("authorization")}`);
  });
  return { port: server.addr.port, bodies, close: () => server.shutdown() };
}

Deno.test(
  "cli http secrets: a URL's credentials brought by ${env...} values are masked everywhere",
  opts,
  async () => {
    const server = startEchoServer();
    try {
      const home = testTempDir("http-secrets-home-");
      const base = `127.0.0.1:${server.port}`;
      const env = {
        WEFT_HOME: home,
        PORT: String(server.port),
        API_URL: `http://svc:p%40ssW0rd-xyz@${base}`,
        QUERY_URL: `http://${base}/v1?api_key=qk-1234567890`,
        QUERY_PART: "access_token=at-0987654321&page=2",
        HOOK_URL: `http://${base}/hook`,
        DB_URL: "postgres://app:dbS3cret-pw@127.0.0.1:1/app",
      };
      const secrets = [
        "p%40ssW0rd-xyz",
        "p@ssW0rd-xyz",
        btoa("svc:p@ssW0rd-xyz"),
        "qk-1234567890",
        "at-0987654321",
        "dbS3cret-pw",
      ];
      const file = `${FIXTURES}url_value.yml`;
      for (const extra of [[], ["--json"]]) {
        const plan = await weft(["run", file, "--dry-run", ...extra], { env });
        assert.equal(plan.code, 0, plan.stderr);
        const text = plan.stdout + plan.stderr;
        assertNone(secrets, text, `--dry-run ${extra.join(" ")}`);
        assert.match(text, /GET http:\/\/svc:\*\*\*@127\.0\.0\.1:\d+\/missing/);
        assert.match(text, /api_key=\*\*\*&x=1/);
        assert.match(text, /access_token=\*\*\*&page=2/);
      }
      const run = await weft(["run", file, "-v"], { env });
      assert.equal(run.code, 0, run.stderr);
      const text = run.stdout + run.stderr;
      assertNone(secrets, text, "weft run -v");
      assert.match(text, /\[sh\] url is http:\/\/svc:\*\*\*@127\.0\.0\.1/);
      // `svc:p@ssW0rd-xyz` is the Basic credential decoded: masked whole.
      assert.match(text, /\[sh\] decoded http:\/\/(svc:)?\*\*\*@127\.0\.0\.1/);
      assert.match(
        text,
        /\[sh\] query is http:\/\/127\.0\.0\.1:\d+\/v1\?api_key=\*\*\* and access_token=\*\*\*&page=2/,
      );
      // The http tasks' own lines: the request line and the server's answer (it echoes
      // the Basic credential fetch sent).
      assert.match(text, /\[q\] GET http:\/\/127\.0\.0\.1:\d+\/v1\?api_key=\*\*\*&x=1 → 200/);
      assert.match(text, /\[h\] seen \/missing (Basic )?\*\*\*\n/);
      for (const [path, content] of filesUnder(home)) assertNone(secrets, content, path);
      const status = await weft(["status", "--json"], { env });
      assert.equal(status.code, 0, status.stderr);
      assertNone(secrets, status.stdout + status.stderr, "status --json");
      const logs = await weft(["logs"], { env });
      assertNone(secrets, logs.stdout + logs.stderr, "weft logs");
      // The notification went out, its body masked.
      assert.ok(server.bodies.some((body) => body.includes("url-value")), server.bodies.join());
      for (const body of server.bodies) assertNone(secrets, body, "a request body");
    } finally {
      await server.close();
    }
  },
);
