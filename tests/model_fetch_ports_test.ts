/**
 * src/model/fetch_ports.ts: the Fetch standard's bad ports, which fetch always refuses:
 * `weft validate` refuses a literal one in a URL, and the run says the same words.
 */
import assert from "node:assert/strict";
import { blockedPortTrouble, isBlockedPort } from "../src/model/fetch_ports.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/fetch_ports/", import.meta.url).pathname;
const WORDS =
  /port 6000 is one that fetch always blocks \(the Fetch standard's "bad ports", https:\/\/fetch\.spec\.whatwg\.org\/#port-blocking\)/;

Deno.test("fetch ports: the list is the one Deno's fetch blocks", async () => {
  for (
    const port of [1, 22, 25, 5060, 6000, 6566, 6665, 6669, 6679, 6697, 10080, 8080, 6670, 3000]
  ) {
    let blocked = false;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        signal: AbortSignal.timeout(500),
      });
      await response.body?.cancel();
    } catch (e) {
      blocked = /are blocked/.test((e as Error).message);
    }
    assert.equal(isBlockedPort(port), blocked, `port ${port}`);
  }
  assert.equal(blockedPortTrouble(new URL("http://h:80/")), undefined, "the default port");
  assert.equal(blockedPortTrouble(new URL("https://h/")), undefined);
});

Deno.test("cli validate: a literal bad port in an http url or a webhook URL is an error; a ${...} port is not", async () => {
  const run = await weft(["validate", `${FIXTURES}literal.yml`]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const text = run.stdout + run.stderr;
  assert.match(text, new RegExp(`literal\\.yml:5:11: url in task "x11": ${WORDS.source}`));
  assert.match(
    text,
    /literal\.yml:8:11: url in task "ssh": port 22 is one that fetch always blocks/,
  );
  assert.match(text, /literal\.yml:11:\d+: .*port 10080 is one that fetch always blocks/);
  assert.match(text, /hint: serve the endpoint on another port/);
  assert.match(text, /3 problems/);
  const param = await weft(["validate", `${FIXTURES}param.yml`]);
  assert.equal(param.code, 0, param.stdout + param.stderr);
});

Deno.test("cli run: a bad port from a value fails the task in validate's words, before fetch", async () => {
  const home = testTempDir("ports-");
  const run = await weft(["run", `${FIXTURES}param.yml`, "-p", "port=6000"], {
    env: { WEFT_HOME: home },
  });
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, new RegExp(`GET http://127\\.0\\.0\\.1:6000/x failed: ${WORDS.source}`));
  assert.doesNotMatch(run.stderr, /Requests to port/);
});
