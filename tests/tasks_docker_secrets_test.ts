/**
 * Secrets and a docker task, through the real CLI with the recording stand-in `docker`
 * (tests/fixtures/docker/bin): `env` and `build_args` entries named like secrets are
 * secrets of the run (masked in the terminal, logs, history and `--dry-run`, yet given
 * to docker as they are), and the container name weft makes is never masked.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { filesHolding } from "./_file_texts.ts";
import { dockerCalls, STANDIN_BIN } from "./_docker_standin.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";

async function workflow(yaml: string[]): Promise<string> {
  const file = `${testTempDir("docker-secrets-")}/workflow.yml`;
  await Deno.writeTextFile(file, yaml.join("\n") + "\n");
  return file;
}

const SECRET_ENV = [
  "name: docker-env-secrets",
  "secrets: [DEPLOY_KEY]",
  "params:",
  "  x: {default: '1'}",
  "tasks:",
  "  - id: r",
  "    type: docker",
  "    config:",
  "      context: .",
  "      build_args: {NPM_TOKEN: npmTok-4242}",
  "      image: alpine",
  "      env: {API_TOKEN: literalDockerTok1, DB_PASSWORD: 'pw-${params.x}-lit', DEPLOY_KEY: dkLiteral777, LEVEL: debug}",
  "      command: echo done",
  "  - id: after",
  "    depends_on: r",
  '    command: echo "later literalDockerTok1 pw-1-lit dkLiteral777 npmTok-4242 debug"',
];
const VALUES = ["literalDockerTok1", "pw-1-lit", "dkLiteral777", "npmTok-4242"];

Deno.test("docker env secrets: masked in output, logs and history; docker gets them as they are", async () => {
  const file = await workflow(SECRET_ENV);
  const home = testTempDir("home-");
  const log = `${testTempDir("docker-")}/calls`;
  const env = { WEFT_HOME: home, DOCKER_STANDIN_LOG: log, PATH: `${STANDIN_BIN}:${PATH}` };
  const { code, stdout, stderr } = await weft(["run", file, "-v"], { env });
  assert.equal(code, 0, stderr);
  const shown = stdout + stderr;
  for (const value of VALUES) assert.ok(!shown.includes(value), `terminal shows ${value}`);
  assert.match(shown, /\[after\] later \*\*\* \*\*\* \*\*\* \*\*\* debug/);
  for (const value of VALUES) {
    assert.deepEqual(filesHolding(home, value), [], `WEFT_HOME holds ${value}`);
  }
  const calls = await dockerCalls(log);
  const run = calls.find((argv) => argv[0] === "run")!;
  assert.ok(run.includes("API_TOKEN=literalDockerTok1"), JSON.stringify(run));
  assert.ok(run.includes("DB_PASSWORD=pw-1-lit"), JSON.stringify(run));
  assert.ok(calls.some((argv) => argv.includes("NPM_TOKEN=npmTok-4242")), JSON.stringify(calls));
});

Deno.test("docker env secrets: --dry-run masks them too, text and --json", async () => {
  const file = await workflow(SECRET_ENV);
  for (const extra of [[], ["--json"]]) {
    const { code, stdout, stderr } = await weft(["run", file, "--dry-run", ...extra]);
    assert.equal(code, 0, stderr);
    const plan = stdout + stderr; // the plan goes to stderr, --json to stdout
    for (const value of VALUES) assert.ok(!plan.includes(value), `dry run shows ${value}`);
    assert.ok(plan.includes("API_TOKEN=***"), plan);
    assert.ok(plan.includes("LEVEL=debug"), plan);
  }
});

Deno.test("docker: the container name weft makes is kept whole when a secret is part of it", async () => {
  const file = await workflow([
    "name: docker-name",
    "secrets: [DB_PASSWORD]",
    "tasks:",
    "  - id: dump-postgres",
    "    type: docker",
    "    config: {image: alpine, command: echo done}",
    "  - id: inspect",
    "    depends_on: dump-postgres",
    '    command: echo "got ${tasks.dump-postgres.outputs.container}"',
  ]);
  const log = `${testTempDir("docker-")}/calls`;
  const env = { DB_PASSWORD: "postgres", DOCKER_STANDIN_LOG: log, PATH: `${STANDIN_BIN}:${PATH}` };
  const { code, stdout, stderr } = await weft(["run", file, "--json"], { env });
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as RunReport;
  const name = `weft-${report.id}-dump-postgres-1`;
  assert.equal(reportTask(report, "dump-postgres").outputs.container, name);
});

Deno.test("docker env secrets: a secret entry reading a name above it is the value docker gets", async () => {
  const file = await workflow([
    "name: docker-env-chain",
    "tasks:",
    "  - id: r",
    "    type: docker",
    "    config:",
    "      image: alpine",
    "      env: {BASE: chainTok, API_TOKEN: '${env.BASE}-9931'}",
    "      command: echo done",
    "  - id: after",
    "    depends_on: r",
    '    command: echo "later chainTok-9931"',
  ]);
  const log = `${testTempDir("docker-")}/calls`;
  const env = {
    WEFT_HOME: testTempDir("home-"),
    DOCKER_STANDIN_LOG: log,
    PATH: `${STANDIN_BIN}:${PATH}`,
  };
  const { code, stdout, stderr } = await weft(["run", file, "-v"], { env });
  assert.equal(code, 0, stderr);
  assert.match(stdout + stderr, /\[after\] later \*\*\*\n/);
  const run = (await dockerCalls(log)).find((call) => call[0] === "run")!;
  assert.ok(run.includes("API_TOKEN=chainTok-9931"), run.join(" "));
  const dry = await weft(["run", file, "--dry-run"], { env });
  assert.ok(!(dry.stdout + dry.stderr).includes("chainTok-9931"), dry.stdout + dry.stderr);
});
