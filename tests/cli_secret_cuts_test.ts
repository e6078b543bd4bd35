/**
 * Outputs kept only in part (the http `body`'s first 64 KiB, `${tasks.ID.stdout}`'s last
 * 64 KiB) never keep part of a secret that runs across the limit, through the real
 * `weft run`: the cut moves to the secret's edge (engine/secrets.ts Secrets.around).
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/secret_forms/", import.meta.url).pathname;
const SECRET = "hunter2secret42";

Deno.test("cli secret cuts: a secret across the 64 KiB cut of body and stdout leaves no part behind", async () => {
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
    // The body ends before the secret; the stdout tail begins after it.
    const kept: string = task("fetch").outputs.body;
    assert.equal(kept.length, 65526, `the body output ends ${JSON.stringify(kept.slice(-20))}`);
    assert.ok(/^z+$/.test(kept));
    const logs = async (id: string) =>
      (await weft(["logs", report.id, id], { env: { WEFT_HOME: home } })).stdout;
    assert.equal(await logs("body-end"), "z".repeat(20) + "\n");
    assert.equal(await logs("stdout-start"), "y".repeat(20) + "\n");
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
