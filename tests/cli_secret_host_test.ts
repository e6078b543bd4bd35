/**
 * A secret's URL host spelling (engine/secrets.ts noteUrl, expr/url_spellings.ts
 * hostSpelling: lowercased, a number read as an IPv4 address) is masked only once a URL
 * showed the secret in its host, through the real `weft run`: an ordinary word or address
 * that merely equals it is kept, in what is printed, stored and resumed.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { startRecordingServer } from "./_loopback_server.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/secret_host/", import.meta.url).pathname;

for (const secret of ["Production", "2130706433", "0x7f000001"]) {
  Deno.test(`cli secret host: ${secret} never put in a URL host leaves "production" and 127.0.0.1 alone, on --resume too`, async () => {
    const home = testTempDir("home-");
    const env = { WEFT_HOME: home, DB_PASSWORD: secret, MARKER: `${home}/fixed` };
    const first = await weft(["run", `${FIXTURES}words.yml`, "-v", "--json"], { env });
    assert.equal(first.code, 1, first.stderr);
    assert.match(first.stderr, /\[a\] deploying to production on 127\.0\.0\.1:8080\n/);
    assert.match(first.stderr, /\[a\] https:\/\/production\.example\.com\/x\n/);
    assert.match(first.stderr, /\[a\] secret \*\*\*\n/);
    assert.match(first.stderr, /\[b\] got production 127\.0\.0\.1\n/);
    const failed: RunReport = JSON.parse(first.stdout);
    assert.deepEqual(reportTask(failed, "a").outputs, { target: "production", addr: "127.0.0.1" });
    Deno.writeTextFileSync(`${home}/fixed`, "");
    const second = await weft(["run", `${FIXTURES}words.yml`, "-v", "--resume", failed.id], {
      env,
    });
    assert.equal(second.code, 0, second.stderr);
    // The kept output held no secret: it reaches b as it was written.
    assert.match(second.stderr, /\[b\] got production 127\.0\.0\.1\n/);
  });
}

for (const [file, before] of [["in_url.yml", "***"], ["in_url_late.yml", "127.0.0.1"]]) {
  Deno.test(`cli secret host: a secret put in a URL host is masked as the URL spells it (${file})`, async () => {
    const server = startRecordingServer((req) => req.url);
    try {
      const home = testTempDir("home-");
      // 2130706433 is 127.0.0.1 to the URL parser: the request reaches the loopback server.
      const run = await weft(["run", `${FIXTURES}${file}`, "-v", "-p", `port=${server.port}`], {
        env: { WEFT_HOME: home, API_TOKEN: "2130706433", RAW_HOST: "2130706433", NO_PROXY: "*" },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(server.seen.length, 1);
      // Masked from the moment the run knows the URL: its start, or the http task's.
      assert.ok(run.stderr.includes(`[before] before ${before} production\n`), run.stderr);
      assert.match(run.stderr, /\[get\] GET http:\/\/\*\*\*:\d+\/x → 200 OK/);
      // "production" spells no secret put in a URL: kept.
      assert.match(run.stderr, /\[after\] after \*\*\* production\n/);
    } finally {
      await server.close();
    }
  });
}

for (const [secret, spelled] of [["2130706433", "127.0.0.1"], ["DB.Internal", "db.internal"]]) {
  Deno.test(`cli secret host: a secret in a database URL's host is masked as the driver spells it (${secret})`, async () => {
    const home = testTempDir("home-");
    const run = await weft(["run", `${FIXTURES}in_db_url.yml`, "-v", "--json"], {
      env: { WEFT_HOME: home, DB_HOST: secret },
    });
    assert.equal(run.code, 0, run.stderr);
    const text = run.stdout + run.stderr;
    assert.ok(!text.includes(spelled), text);
    assert.ok(!text.includes(secret), text);
    assert.match(run.stderr, /cannot connect to postgresql:\/\/u@\*\*\*:1\/db/);
    // The other spelling stays: only the secret's own is masked.
    const other = spelled === "127.0.0.1" ? "db.internal" : "127.0.0.1";
    assert.match(run.stderr, new RegExp(`\\[late\\] late .*${other.replaceAll(".", "\\.")}`));
  });
}
