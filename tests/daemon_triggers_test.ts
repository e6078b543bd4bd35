/**
 * The daemon's triggers (src/schedule/daemon_triggers.ts) through the real CLI: a
 * webhook secret read from the daemon's environment (`${env.NAME}`), `${...}` elsewhere in
 * a trigger's config refused by `weft validate`, GitHub's and GitLab's headers and
 * payloads, the answer given at once when no run slot is free, and the warnings about
 * webhooks nobody can reach or anybody can.
 */
import assert from "node:assert/strict";
import { freePort, startDaemon } from "./_daemon.ts";
import { testTempDir } from "./_tmp.ts";
import { weft } from "./_run_cli.ts";
import { signBody } from "../src/server/webhook_auth.ts";
import { webhookWarnings } from "../src/schedule/daemon_triggers.ts";
import { resolveTriggerSecret } from "../src/engine/start_secrets.ts";

const FIXTURES = new URL("./fixtures/triggers/", import.meta.url).pathname;

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: "POST", body, headers });
  return { status: res.status, body: await res.json() };
}

/** A folder holding only the named fixtures (the daemon loads every file of a folder). */
function flowsWith(...names: string[]): string {
  const dir = testTempDir("flows-");
  for (const name of names) Deno.copyFileSync(`${FIXTURES}${name}`, `${dir}/${name}`);
  return dir;
}

Deno.test("daemon triggers: validate refuses ${...} in a trigger's config but secret's ${env.NAME}", async () => {
  const bad = await weft(["validate", `${FIXTURES}templated_config.yml`]);
  assert.equal(bad.code, 2, bad.stdout + bad.stderr);
  const out = bad.stdout + bad.stderr;
  for (
    const [where, text] of [
      ["5:23", "trigger.config.webhook: a trigger's config is taken as written: ${env.NAME}"],
      ["6:14", "trigger.config.files[0]: a trigger's config is taken as written: ${env.DIR}"],
      ["8:20", "trigger.config.params.env: a trigger's config is taken as written: ${env.TARGET}"],
      ["9:15", "trigger.config.secret: a trigger's secret reads only ${env.NAME}: ${params.env}"],
    ]
  ) {
    assert.ok(out.includes(`templated_config.yml:${where}: ${text}`), `${where} in:\n${out}`);
  }
  assert.match(out, /hint: use \$\{env\.TARGET\} in the fields of the task that needs it/);
  for (const name of ["env_secret.yml", "literal_dollar.yml", "hold.yml"]) {
    const ok = await weft(["validate", `${FIXTURES}${name}`]);
    assert.equal(ok.code, 0, `${name}: ${ok.stdout}${ok.stderr}`);
  }
});

Deno.test("daemon triggers: secret ${env.NAME} is read from the daemon's environment, GitHub and GitLab headers", async () => {
  const port = freePort();
  const daemon = startDaemon(
    ["--dir", flowsWith("env_secret.yml"), "--listen", `127.0.0.1:${port}`],
    { env: { FXD_HOOK_SECRET: "from-the-env-42" } },
  );
  try {
    await daemon.waitFor(/daemon started/);
    const url = `http://127.0.0.1:${port}/trigger/env-secret`;
    const literal = await post(url, "{}", { Authorization: "Bearer ${env.FXD_HOOK_SECRET}" });
    assert.equal(literal.status, 401, "the text as written is no key");
    const bearer = await post(url, "{}", { Authorization: "Bearer from-the-env-42" });
    assert.equal(bearer.status, 202);
    // GitHub: its own signature header, a payload full of fields the workflow does not declare.
    const body = JSON.stringify({
      ref: "refs/heads/main",
      repository: { name: "app" },
      env: "prod",
    });
    const bytes = new TextEncoder().encode(body);
    const github = await post(url, body, {
      "X-Hub-Signature-256": await signBody(bytes, "from-the-env-42"),
      "X-GitHub-Event": "push",
    });
    assert.equal(github.status, 202, JSON.stringify(github.body));
    const forged = await post(url, body, {
      "X-Hub-Signature-256": await signBody(bytes, "${env.FXD_HOOK_SECRET}"),
    });
    assert.equal(forged.status, 401);
    const gitlab = await post(url, "{}", { "X-Gitlab-Token": "from-the-env-42" });
    assert.equal(gitlab.status, 202);
    const wrongToken = await post(url, "{}", { "X-Gitlab-Token": "from-the-env-43" });
    assert.equal(wrongToken.status, 401);
    assert.match(wrongToken.body.error, /X-Hub-Signature-256.*X-Gitlab-Token/);

    await daemon.waitFor(new RegExp(`run ${github.body.run_id} ended success`));
    const logs = await weft(["logs", github.body.run_id], { env: { WEFT_HOME: daemon.home } });
    // The declared `payload` param holds the body as sent; `env` came from its field.
    assert.match(logs.stdout, /env=prod payload=\{"ref":"refs\/heads\/main","repository":/);
    assert.equal(await daemon.stop("SIGTERM"), 0);
    assert.ok(daemon.lines.every((l) => !l.includes("from-the-env-42")));
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon triggers: a secret reading an unset variable is not served; no --listen is said", async () => {
  const port = freePort();
  const listening = startDaemon([
    "--dir",
    flowsWith("env_secret.yml"),
    "--listen",
    `127.0.0.1:${port}`,
  ]);
  try {
    const line = await listening.waitFor(/webhook \/trigger\/env-secret .* is not served/);
    assert.match(line, /config\.secret reads \$\{env\.FXD_HOOK_SECRET\}, which is not set/);
    await listening.waitFor(/daemon started/);
    const answer = await post(`http://127.0.0.1:${port}/trigger/env-secret`, "{}");
    assert.equal(answer.status, 404, "never served without its secret");
  } finally {
    await listening.stop("SIGKILL");
  }
  const quiet = startDaemon(["--dir", flowsWith("literal_dollar.yml", "hold.yml")]);
  try {
    const loaded = await quiet.waitFor(/loaded 2 workflow/);
    assert.match(loaded, /2 webhook\(s\) \(not served: no --listen\)/);
    const warning = await quiet.waitFor(/warning: 2 webhook trigger\(s\) but no --listen/);
    assert.match(warning, /start the daemon with --listen 8080/);
    assert.equal(await quiet.stop("SIGTERM"), 0);
  } finally {
    await quiet.stop("SIGKILL");
  }
});

Deno.test("daemon triggers: webhooks without a secret on a public address are warned of", () => {
  const route = (secret?: string) => ({
    method: "POST",
    secret,
    file: "/f/w.yml",
    fire: () => Promise.resolve({ runId: null }),
  });
  const routes = new Map([["/open", route()], ["/closed", route("s")]]);
  assert.deepEqual(webhookWarnings(routes, { hostname: "127.0.0.1" }), []);
  assert.deepEqual(webhookWarnings(routes, { hostname: "::1" }), []);
  for (const hostname of ["0.0.0.0", "::", "192.168.1.5"]) {
    const lines = webhookWarnings(routes, { hostname });
    assert.equal(lines.length, 1);
    assert.equal(
      lines[0],
      `warning: webhook /open of /f/w.yml has no config.secret and is served on ${hostname}: ` +
        "anyone who reaches this host can start it",
    );
  }
  assert.deepEqual(webhookWarnings(new Map(), undefined), []);
  assert.equal(webhookWarnings(routes, undefined).length, 1);
});

Deno.test("daemon triggers: with every run slot taken a webhook is answered 202 queued at once", async () => {
  const port = freePort();
  const gate = `${testTempDir("gate-")}/open`;
  const daemon = startDaemon([
    "--dir",
    flowsWith("hold.yml"),
    "--listen",
    `127.0.0.1:${port}`,
    "--max-runs",
    "1",
  ]);
  try {
    await daemon.waitFor(/daemon started/);
    const url = `http://127.0.0.1:${port}/trigger/hold`;
    const body = JSON.stringify({ gate });
    const first = await post(url, body);
    assert.equal(first.status, 202);
    assert.match(first.body.run_id, /^\d{8}T/);
    // The first run waits for the gate: these are answered while it still holds the slot.
    const second = await post(url, body);
    const third = await post(url, body);
    assert.deepEqual(second, { status: 202, body: { run_id: null, queued: true } });
    assert.deepEqual(third, { status: 202, body: { run_id: null, queued: true } });
    assert.equal(daemon.count(/ended/), 0, "answered before any run ended");
    const queued = /queued until a run slot is free \(--max-runs\)/;
    const one = daemon.lines.indexOf(await daemon.waitFor(queued));
    await daemon.waitFor(queued, { from: one + 1 });
    Deno.writeTextFileSync(gate, "");
    await daemon.waitFor(/ended success/);
    while (daemon.count(/ended success/) < 3) {
      await daemon.waitFor(/ended success/, { from: daemon.lines.length });
    }
    assert.equal(await daemon.stop("SIGTERM"), 0);
  } finally {
    await daemon.stop("SIGKILL");
  }
});

Deno.test("daemon triggers: resolveTriggerSecret reads ${env.NAME}, keeps $${ literal, refuses unset", () => {
  const env = { A: "alpha", EMPTY: "" };
  assert.deepEqual(resolveTriggerSecret("plain", env), { value: "plain" });
  assert.deepEqual(resolveTriggerSecret("${env.A}", env), { value: "alpha" });
  assert.deepEqual(resolveTriggerSecret("x-${env.A}-$${env.A}", env), {
    value: "x-alpha-${env.A}",
  });
  assert.deepEqual(resolveTriggerSecret("${env.B}", env), { unset: "B" });
  assert.deepEqual(resolveTriggerSecret("${env.EMPTY}", env), { unset: "EMPTY" });
});
