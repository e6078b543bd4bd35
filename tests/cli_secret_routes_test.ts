/**
 * Secrets weft knows from the run's start on routes masking once missed, through the
 * real CLI: a webhook trigger's `config.secret` (engine/start_secrets.ts triggerSecrets),
 * an http URL's credential-named query parameters (model/http_header.ts
 * urlCredentialSecrets), kebab-case and camelCase secret names (engine/secret_names.ts
 * isSecretLikeName), and `weft validate`'s message quoting a URL it refuses
 * (model/http_header.ts urlMasked).
 */
import { textsUnder } from "./_file_texts.ts";
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

async function workflowIn(name: string, yaml: string[]): Promise<string> {
  const file = `${testTempDir("secret-routes-")}/${name}`;
  await Deno.writeTextFile(file, yaml.join("\n") + "\n");
  return file;
}

Deno.test("a webhook trigger's config.secret is masked in the run, its log and --dry-run", async () => {
  const file = await workflowIn("t.yml", [
    "name: trig",
    'trigger: {type: webhook, config: {webhook: /trigger/t, secret: "TrigSecretXYZ123"}}',
    "tasks:",
    '  - {id: a, command: "echo secret is TrigSecretXYZ123"}',
  ]);
  const home = testTempDir("secret-routes-home-");
  const run = await weft(["run", "-v", file], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /\[a\] secret is \*\*\*/);
  const dry = await weft(["run", "--dry-run", file], { env: { WEFT_HOME: home } });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout + dry.stderr, /\$ echo secret is \*\*\*/);
  for (const shown of [run.stdout, run.stderr, dry.stdout, dry.stderr, textsUnder(home)]) {
    assert.ok(!shown.includes("TrigSecretXYZ123"));
  }
});

Deno.test("an http URL's credential-named query values are secrets of the run", async () => {
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (request) => new Response(`got ${new URL(request.url).search}`),
  );
  const url = `http://127.0.0.1:${server.addr.port}/v1` +
    "?api_key=QueryLitKey12345&access_token=QueryLitTok67890&page=2";
  const file = await workflowIn("qk.yml", [
    "name: qk",
    "tasks:",
    `  - {id: h, type: http, url: "${url}"}`,
    '  - {id: a, command: "echo x QueryLitKey12345 QueryLitTok67890 page=2"}',
  ]);
  const home = testTempDir("secret-routes-home-");
  const run = await weft(["run", "-v", file], { env: { WEFT_HOME: home } });
  assert.equal(run.code, 0, run.stderr);
  const shown = run.stdout + run.stderr;
  assert.match(shown, /\[a\] x \*\*\* \*\*\* page=2/);
  assert.match(shown, /api_key=\*\*\*&access_token=\*\*\*&page=2/);
  for (const text of [shown, textsUnder(home)]) {
    assert.ok(!text.includes("QueryLitKey12345") && !text.includes("QueryLitTok67890"));
  }
});

Deno.test("api-key, apiKey and OPENAI_APIKEY are secret names, as API_KEY is", async () => {
  const file = await workflowIn("kebab.yml", [
    "name: kebab",
    "params:",
    '  api-key: {default: ""}',
    '  apiKey: {default: ""}',
    "tasks:",
    '  - {id: a, command: "echo k=${params.api-key} K=${params.apiKey} e=$OPENAI_APIKEY"}',
  ]);
  const env = { WEFT_HOME: testTempDir("secret-routes-home-"), OPENAI_APIKEY: "EnvApikey4321" };
  const run = await weft(
    ["run", "-v", file, "-p", "api-key=KebabKey12345", "-p", "apiKey=CamelKey12345"],
    { env },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout + run.stderr, /\[a\] k=\*\*\* K=\*\*\* e=\*\*\*/);
  const status = await weft(["status"], { env });
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /api-key=\*\*\* apiKey=\*\*\*/);
  for (const text of [run.stdout, run.stderr, status.stdout, textsUnder(env.WEFT_HOME)]) {
    for (const value of ["KebabKey12345", "CamelKey12345", "EnvApikey4321"]) {
      assert.ok(!text.includes(value), value);
    }
  }
});

Deno.test("validate quotes a refused URL without its password, key or webhook token", async () => {
  const file = await workflowIn("vurl.yml", [
    "name: vurl",
    "tasks:",
    "  - id: h",
    "    type: http",
    '    url: "http://user:ValPw12345@127.0.0.1:99999/x?api_key=QK12345678"',
    "notifications:",
    "  channels: [webhook]",
    '  webhook: {url: "http://127.0.0.1:70000/hooks/HookValPathXYZ123456"}',
  ]);
  for (const verb of ["validate", "run"]) {
    const checked = await weft([verb, file], {
      env: { WEFT_HOME: testTempDir("secret-routes-home-") },
    });
    assert.equal(checked.code, 2, checked.stderr);
    const shown = checked.stdout + checked.stderr;
    assert.match(
      shown,
      /vurl\.yml:5:11: url in task "h": invalid URL "http:\/\/user:\*\*\*@127\.0\.0\.1:99999\/x\?api_key=\*\*\*"/,
    );
    assert.match(
      shown,
      /vurl\.yml:8:19: notifications\.webhook\.url: invalid URL "http:\/\/127\.0\.0\.1:70000\/\*\*\*"/,
    );
    for (const value of ["ValPw12345", "QK12345678", "HookValPathXYZ123456"]) {
      assert.ok(!shown.includes(value), `${verb}: ${value}`);
    }
  }
});
