/**
 * The secrets inside a task type's own environment-like fields, by the one rule a task's
 * `environment` follows (engine/secrets.ts `Secrets.isSecretName`: a name like
 * *TOKEN*, *PASSWORD*, … or listed under `secrets:`): a docker task's `env` and
 * `build_args` (the container's environment, a build's ARGs), and a sub-workflow's
 * `params` (a param so named is a secret of the child run). Given in the registry
 * (tasks/mod.ts) as `TaskRunner.secretsIn`, so the engine knows them before the type's
 * module loads, at the run's start (and `--dry-run`) as well as at each attempt.
 * @module
 */

import type { Above } from "../expr/mod.ts";

/** Says whether a variable (or param) name makes its value secret. */
export type IsSecretName = (name: string) => boolean;

/**
 * The interpolated values of the entries of `entries` whose name is secret. An entry
 * whose value cannot be interpolated yet (`${tasks...}` at the run's start) is left out
 * without losing the others: the engine asks again when the task starts. `block`: the
 * entries are an environment-like block, read in order (expr/env_block.ts): a value
 * reads the names set above it; after one that cannot be interpolated yet, no later
 * value is (it might read that one), until the task starts.
 * @example envEntrySecrets({ API_TOKEN: "t0k3n", HOME: "/x" }, (s) => s, (n) => /TOKEN/.test(n)) // ["t0k3n"]
 */
export function envEntrySecrets(
  entries: Readonly<Record<string, unknown>> | undefined,
  interpolate: (text: string, above?: Above) => string,
  isSecretName: IsSecretName,
  block = false,
): string[] {
  const found: string[] = [];
  const above: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(entries ?? {})) {
    if (typeof value !== "string") {
      // Numbers and booleans are passed as their text.
      if (value === undefined || value === null) continue;
      above[name] = String(value);
      if (isSecretName(name)) found.push(above[name]);
      continue;
    }
    if (!block && !isSecretName(name)) continue;
    try {
      above[name] = block ? interpolate(value, { ...above }) : interpolate(value);
      if (isSecretName(name)) found.push(above[name]);
    } catch {
      // known later (the engine tries again at the task's start), or an expression error
      // the runner reports itself
      if (block) break;
    }
  }
  return found;
}

/** A docker task's secrets: its `config.env` and `config.build_args` entries named like secrets. */
export function dockerTaskSecrets(
  task: unknown,
  interpolate: (text: string, above?: Above) => string,
  isSecretName: IsSecretName = () => false,
): string[] {
  const config = (task as { config?: { env?: unknown; build_args?: unknown } })?.config ?? {};
  return [
    ...envEntrySecrets(asRecord(config.env), interpolate, isSecretName, true),
    ...envEntrySecrets(asRecord(config.build_args), interpolate, isSecretName, true),
  ];
}

/** A sub-workflow task's secrets: its `params` named like secrets (the child masks them too). */
export function workflowCallSecrets(
  task: unknown,
  interpolate: (text: string) => string,
  isSecretName: IsSecretName = () => false,
): string[] {
  const params = asRecord((task as { params?: unknown } | undefined)?.params);
  return envEntrySecrets(params, interpolate, isSecretName);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? value as Record<string, unknown>
    : undefined;
}
