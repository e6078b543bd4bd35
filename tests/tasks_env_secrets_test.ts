/**
 * The secrets in task types' environment-like fields (src/tasks/env_secrets.ts): a docker
 * task's `env` and `build_args`, a sub-workflow's `params`, by the rule a task's
 * `environment` follows (a secret-looking name, or one listed under `secrets:`).
 */
import assert from "node:assert/strict";
import {
  dockerTaskSecrets,
  envEntrySecrets,
  workflowCallSecrets,
} from "../src/tasks/env_secrets.ts";
import { defaultRegistry } from "../src/tasks/mod.ts";
import { Secrets } from "../src/engine/secrets.ts";

const byName = (name: string) => new Secrets({ declared: ["DEPLOY_KEY"] }).isSecretName(name);
const interpolate = (text: string) => {
  if (text.includes("${tasks.")) throw new Error("not yet known");
  return text.replace("${params.x}", "1");
};

Deno.test("envEntrySecrets: the values of secret names only, interpolated; a later one left out", () => {
  const found = envEntrySecrets(
    {
      API_TOKEN: "tok-${params.x}-lit",
      DEPLOY_KEY: "declared-key",
      HOME: "/home/app",
      DB_PASSWORD: "${tasks.login.outputs.pw}",
      PIN_TOKEN: 123456,
    },
    interpolate,
    byName,
  );
  assert.deepEqual(found, ["tok-1-lit", "declared-key", "123456"]);
  assert.deepEqual(envEntrySecrets(undefined, interpolate, byName), []);
});

Deno.test("dockerTaskSecrets: env and build_args entries; the registry knows them before docker.ts loads", () => {
  const task = {
    config: {
      image: "alpine",
      context: ".",
      env: { API_TOKEN: "literalDockerTok1", LEVEL: "debug" },
      build_args: { NPM_TOKEN: "npm-${params.x}", VERSION: "1.2.3" },
    },
  };
  assert.deepEqual(dockerTaskSecrets(task, interpolate, byName), ["literalDockerTok1", "npm-1"]);
  const facts = defaultRegistry.get("docker")!;
  assert.deepEqual(facts.secretsIn!(task, interpolate, byName), ["literalDockerTok1", "npm-1"]);
  // Without the rule (a caller that gives none) nothing is a secret by name.
  assert.deepEqual(dockerTaskSecrets(task, interpolate), []);
});

Deno.test("workflowCallSecrets: a sub-workflow's params named like secrets", () => {
  const task = { file: "child.yml", params: { db_password: "pw-${params.x}", region: "eu" } };
  assert.deepEqual(workflowCallSecrets(task, interpolate, byName), ["pw-1"]);
  assert.deepEqual(defaultRegistry.get("workflow")!.secretsIn!(task, interpolate, byName), [
    "pw-1",
  ]);
});
