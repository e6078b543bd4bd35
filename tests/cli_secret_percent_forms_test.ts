/**
 * A secret a task percent-encodes itself (tester23 F3) is masked
 * (src/engine/percent_forms.ts): real javascript and python tasks through `weft run -v`
 * print it as encodeURIComponent, encodeURI, URLSearchParams, urllib.parse.quote,
 * quote_plus and lower-case hex write it; the terminal, `weft logs` and every file under
 * WEFT_HOME show `***` and never the encoded text.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURE = new URL("./fixtures/secret_forms/percent.yml", import.meta.url).pathname;

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

for (const token of ["Tr0ub4dor&3!xyz", "AKIAxyz+abc/DEFghi=", "it's(MY)*secret#1"]) {
  Deno.test(`cli secret percent forms: ${token} encoded by the task is masked`, async () => {
    const home = testTempDir("percent-home-");
    const run = await weft(["run", FIXTURE, "-v"], { env: { WEFT_HOME: home, API_TOKEN: token } });
    const text = run.stdout + run.stderr;
    assert.equal(run.code, 0, text);
    const lines = text.split("\n").filter((line) => /^\[(js|py)\] /.test(line)).sort();
    assert.deepEqual(lines, [
      "[js] component ***",
      "[js] form k=***",
      "[js] uri ***",
      "[py] lower ***",
      "[py] plus ***",
      "[py] quote ***",
    ]);
    const logs = await weft(["logs"], { env: { WEFT_HOME: home } });
    assert.match(logs.stdout + logs.stderr, /component \*\*\*/);
    const lower = (s: string) => s.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
    const leaks = [
      encodeURIComponent(token),
      encodeURI(token),
      new URLSearchParams({ k: token }).toString().slice(2),
      lower(encodeURIComponent(token)),
      // Python's quote: `/` and `~` kept, `! ' ( ) *` escaped.
      encodeURIComponent(token).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      )
        .replaceAll("%2F", "/"),
    ].filter((leak) => leak !== token);
    const shown: [string, string][] = [
      ["weft run -v", text],
      ["weft logs", logs.stdout + logs.stderr],
      ...filesUnder(home),
    ];
    for (const [where, content] of shown) {
      for (const leak of leaks) {
        assert.ok(!content.includes(leak), `${where} holds ${JSON.stringify(leak)}`);
      }
    }
  });
}
