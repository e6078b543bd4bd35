/**
 * A secret written by a task (or echoed by a server) in an encoded form is masked
 * (src/engine/secret_encodings.ts): base64 as GitHub Actions masks it, XML/HTML-escaped,
 * form-urlencoded. Through the real `weft run` against a loopback server that answers
 * 500 echoing the XML body weft sent (as a SOAP fault does): the terminal, the failure
 * tail, every file under WEFT_HOME, `status --json` and `weft logs`.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/secret_forms/encodings.yml", import.meta.url).pathname;
const opts = { sanitizeResources: false, sanitizeOps: false };

/** base64 of `text`'s UTF-8 bytes. */
const b64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

/** The text of every file under `folder` (Latin-1: any bytes). */
function filesUnder(folder: string): [string, string][] {
  const out: [string, string][] = [];
  for (const entry of Deno.readDirSync(folder)) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) out.push(...filesUnder(path));
    else if (entry.isFile) {
      out.push([path, new TextDecoder("latin1").decode(Deno.readFileSync(path))]);
    }
  }
  return out;
}

Deno.test(
  "cli secret encodings: base64, XML-escaped and form-urlencoded forms are masked",
  opts,
  async () => {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      async (req) =>
        new Response(`<fault>could not process: ${await req.text()}</fault>`, { status: 500 }),
    );
    try {
      const home = testTempDir("encodings-home-");
      const token = "Sup3rS3cretTokenValue"; // 21 bytes: 7 whole groups
      const long = "L0ng-k3y-material-".repeat(6); // 108 bytes: 144 digits, wrapped at 76
      const xml = `R&D<pass>"2026" a+b`;
      const run = await weft(["run", FIXTURE, "-v"], {
        env: {
          WEFT_HOME: home,
          PORT: String(server.addr.port),
          DEPLOY_TOKEN: token,
          LONG_TOKEN: long,
          XML_TOKEN: xml,
        },
      });
      const text = run.stdout + run.stderr;
      assert.equal(run.code, 1, text); // soap: the server answers 500
      const lines = text.split("\n").filter((line) => line.startsWith("[show] "));
      assert.deepEqual(lines, [
        "[show] ***",
        "[show] YWRtaW46***", // admin: — the token's own digits masked
        `[show] ${b64(`x${token}\n`).slice(0, 4)}***${b64(`x${token}\n`).slice(-4)}`,
        "[show] ***",
        "[show] ***",
        "[show] ***",
        "[show] html ***",
        "[show] form t=***",
      ]);
      assert.match(text, /could not process: <login><password>\*\*\*<\/password><\/login>/);
      const leaks = [
        b64(token),
        b64(`admin:${token}`),
        b64(token).replaceAll("+", "-").replaceAll("/", "_"),
        b64(long).slice(0, 76),
        b64(long).slice(76),
        "R&amp;D&lt;pass&gt;&quot;2026&quot;",
        "R&amp;D&lt;pass&gt;&quot;2026&quot; a+b",
        "R%26D%3Cpass%3E%222026%22+a%2Bb",
      ];
      const status = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
      const logs = await weft(["logs"], { env: { WEFT_HOME: home } });
      const shown: [string, string][] = [
        ["weft run -v", text],
        ["status --json", status.stdout + status.stderr],
        ["weft logs", logs.stdout + logs.stderr],
        ...filesUnder(home),
      ];
      for (const [where, content] of shown) {
        for (const leak of leaks) {
          assert.ok(!content.includes(leak), `${where} holds ${JSON.stringify(leak)}`);
        }
      }
    } finally {
      await server.shutdown();
    }
  },
);
