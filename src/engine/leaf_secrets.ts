/**
 * The units of work of a node and the secrets a task's configuration holds: what
 * start_secrets.ts and called_secrets.ts read at a run's start, and leaf.ts at each attempt.
 * @module
 */
import type { Above } from "../expr/mod.ts";
import type { Node } from "./nodes.ts";
import type { LeafSpec } from "./leaf_spec.ts";
import type { Secrets } from "./secrets.ts";
import type { TaskRunner } from "../tasks/mod.ts";

/**
 * Adds the secrets a runner finds in a task's configuration (TaskRunner.secretsIn),
 * interpolated with `interpolate` (a URL field with `interpolateUrl`); nothing when that
 * throws (a value known only later, or an expression error the runner reports itself).
 */
export function addConfigSecrets(
  secrets: Secrets,
  runner: TaskRunner,
  config: unknown,
  interpolate: (text: string, above?: Above) => string,
  interpolateUrl: (text: string) => string,
): void {
  if (!runner.secretsIn) return;
  let values: string[];
  try {
    values = runner.secretsIn(
      config,
      interpolate,
      (name) => secrets.isSecretName(name),
      interpolateUrl,
    );
  } catch {
    return;
  }
  for (const value of values) secrets.add(value);
}

/** Every unit of work a node may run: itself, a conditional's branches, a loop's step. */
export function leafSpecs(node: Node): LeafSpec[] {
  const composite = node.composite;
  if (composite?.kind === "conditional") {
    return composite.else ? [composite.then, composite.else] : [composite.then];
  }
  if (composite?.kind === "loop") return [composite.step];
  return node.leaf ? [node.leaf] : [];
}
