/**
 * No value is passed on cut, so no part of a secret is left by a cut: an http `body`
 * and `${tasks.ID.stdout}` over 64 KiB are passed whole (up to 1 MiB; past it, reading
 * the stdout fails: engine/tail.ts CutStdout), through the real `weft run`.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/secret_forms/", import.meta.url).pathname;
const SECRET = "hunter2secret42";

Deno.test("cli secret cuts: a body and a stdout over 64 KiB are whole, no part of a secret left", async () => {
  // 65,526 bytes, then the secret: the first 64 KiB end 10 characters into it.
  const body = "z".repeat(65526) + SECRET + "\nafter\n";
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response(body),
  );
  try {
    const home = testTempDir("home-");
    const run = await weft(
      ["run", `${FIXTURES}cuts.yml`, "-p", `port=${server.addr.port}`, "--json"],
      { env: { WEFT_HOME: home, API_TOKEN: SECRET } },
    );
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout);
    const task = (id: string) => report.tasks.find((t: { id: string }) => t.id === id);
    // The body is passed on whole (recorded masked).
    assert.equal(task("fetch").outputs.body, "z".repeat(65526) + "***\nafter\n");
    const logs = async (id: string) =>
      (await weft(["logs", report.id, id], { env: { WEFT_HOME: home } })).stdout;
    assert.equal((await logs("body-end")).trim(), String(body.length));
    // The stdout, over 64 KiB, is passed on whole too: the secret and the 65,531 y after it.
    assert.equal((await logs("stdout-start")).trim(), String(SECRET.length + 65531));
    for (const part of ["hunter2sec", "ret42"]) {
      assert.ok(!(run.stdout + run.stderr).includes(part), `weft printed ${part}`);
      const holding = [...walk(home)].filter((path) =>
        new TextDecoder("latin1").decode(Deno.readFileSync(path)).includes(part)
      );
      assert.deepEqual(holding, [], `WEFT_HOME holds ${part}`);
    }
  } finally {
    await server.shutdown();
  }
});

function* walk(folder: string): Generator<string> {
  for (const entry of Deno.readDirSync(folder)) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) yield path;
  }
}
