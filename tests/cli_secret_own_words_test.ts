/**
 * Secret masking never rewrites weft's own words (README "What weft writes itself ...
 * is kept as it is"), through the real `weft run`: reasons built by the data processor,
 * the loop, the path rule, the URL rule, the environment size check and the http status
 * line stay whole when the secret is one of their words; the values they quote are
 * still masked (model/data_text.ts ownText/quoteData).
 */
import assert from "node:assert/strict";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/secret_own_words/", import.meta.url).pathname;

/** Runs words.yml with DB_PASSWORD = `secret` against a server answering 404. */
async function runWith(secret: string) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("nothing here", { status: 404 }),
  );
  try {
    const home = testTempDir("home-");
    const run = await weft(
      ["run", "words.yml", "-v", "--json", "-p", `port=${server.addr.port}`],
      { env: { WEFT_HOME: home, DB_PASSWORD: secret }, cwd: FIXTURES },
    );
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    return { stderr: run.stderr, error: (id: string) => reportTask(report, id).error ?? "" };
  } finally {
    await server.shutdown();
    Deno.removeSync(`${FIXTURES}dp/out`, { recursive: true });
  }
}

const DP = "the processor succeeded but wrote no file at $WEFT_OUTPUT_FILE; it must write " +
  "its result there (weft moves it to the output path)";

for (const secret of ["process", "output"]) {
  Deno.test(`cli secret own words: the data processor's reason is whole with the secret "${secret}"`, async () => {
    const { error } = await runWith(secret);
    assert.equal(error("dp"), DP);
  });
}

for (const secret of ["array", "object"]) {
  Deno.test(`cli secret own words: the loop's reason is whole with the secret "${secret}"`, async () => {
    const { error } = await runWith(secret);
    assert.equal(
      error("lp"),
      "loop items: the text is a JSON object, not a list: give a JSON array or one item per line",
    );
  });
}

for (const secret of ["folders", "holds", "value"]) {
  Deno.test(`cli secret own words: the path and URL rules' refusals are whole with the secret "${secret}"`, async () => {
    const { error } = await runWith(secret);
    assert.match(
      error("path"),
      /^script: a value holds "\/" \(at character 3\), which would add folders to the path in \$\{params\.p\} \(a value stands for a name inside the path; if it is meant to add folders, write raw\(\.\.\.\) around it\)$/,
    );
    assert.match(error("host"), /^url: value "a;bcdef" cannot be used as the host of the URL/);
  });
}

Deno.test("cli secret own words: a variable's name and the http status phrase are weft's words", async () => {
  const { error } = await runWith("PAYLOAD");
  assert.match(error("use"), /environment variable PAYLOAD_JSON is 140000 bytes;/);
  const found = await runWith("Found");
  assert.match(found.stderr, /GET http:\/\/127\.0\.0\.1:\d+\/x → 404 Not Found \(/);
  assert.match(found.error("nf"), /returned HTTP 404 Not Found \(expected 2xx\)/);
});

Deno.test("cli secret own words: the values quoted in those reasons are still masked", async () => {
  const { error } = await runWith("a;bcdef");
  assert.match(
    error("host"),
    /^url: value "?\*\*\*"? cannot be used as the host of the URL in \$\{params\.h\} \(/,
  );
  assert.ok(!error("host").includes("a;bcdef"));
});
