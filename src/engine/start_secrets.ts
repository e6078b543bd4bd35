/**
 * The secrets a run knows before it starts, so that the run record (its parameter
 * values) is masked and a value too short to mask is reported before anything runs.
 * Values that depend on what happens during the run (`${tasks...}`, `${item}`) are
 * added when their task starts (attempt_context.ts).
 * @module
 */
import { compileTemplate, ownValue, type Scope, withNamesAbove } from "../expr/mod.ts";
import { type Expressions, makeScope, type ScopeSource, withRunVariables } from "./expressions.ts";
import type { NodeSet } from "./nodes.ts";
import type { EngineOptions } from "./options.ts";
import { Secrets } from "./secrets.ts";
import type { Registry } from "../tasks/mod.ts";
import { addConfigSecrets, leafSpecs } from "./leaf_secrets.ts";
import { addCalledSecrets, calledWorkflows, declareCalledSecrets } from "./called_secrets.ts";

export { addConfigSecrets, leafSpecs };

/** What {@link startSecrets} reads of the run being prepared. */
export interface SecretSources {
  /** What it reads of the run's options (a dry run gives the workflow alone). */
  options: Pick<EngineOptions, "secrets" | "workflow" | "secretValues">;
  /** Process env + --env < workflow `environment`, interpolated. */
  workflowEnv: Record<string, string>;
  nodes: NodeSet;
  exprs: Expressions;
  source: ScopeSource;
  /** The runners, for the secrets inside task configurations (TaskRunner.secretsIn). */
  registry?: Registry;
}

/**
 * Fills the run's secrets (`options.secrets`, else a new set): the secret variables of
 * `workflowEnv`, the secret params (by name or `secrets:`), the values the caller gave,
 * the triggers' `config.secret` ({@link triggerSecrets}), and those of every task's `environment`
 * (with `defaults.environment`) that can be worked out at the start — literal values, or
 * ones reading only params, env, workflow and run — and those of the workflows its
 * `workflow` tasks call, at any depth (called_secrets.ts). Weft's own names (workflow name,
 * task ids and names) are protected in error messages.
 */
export function startSecrets(
  { options, workflowEnv, nodes, exprs, source, registry }: SecretSources,
): Secrets {
  const secrets = options.secrets ?? new Secrets();
  secrets.declare(options.workflow.secrets ?? []);
  // The workflows it calls share its secrets: theirs are its own from the start, names
  // declared before any value is read (called_secrets.ts).
  const calls = calledWorkflows(options.workflow, nodes);
  declareCalledSecrets(secrets, calls);
  secrets.addEnv(workflowEnv);
  secrets.addParams(source.params);
  for (const value of options.secretValues ?? []) secrets.add(value);
  for (const value of triggerSecrets(options.workflow, workflowEnv)) {
    secrets.add(value, "trigger secret");
  }
  secrets.protect([options.workflow.name]);
  secrets.protectWrittenNames(() => writtenWords(nodes, options.workflow));
  const atStart = (env: (name: string) => string | undefined): Scope => {
    const later = (): never => {
      throw new NotYetKnown();
    };
    const scope = makeScope(source, withRunVariables(source, env, undefined, later));
    return (root, path) => {
      if (root === "tasks" || root === "item" || root === "index") throw new NotYetKnown();
      return scope(root, path);
    };
  };
  for (const node of nodes.order) {
    secrets.protect([node.id, node.record.name]);
    for (const spec of leafSpecs(node)) {
      const runner = registry?.get(spec.type);
      if (runner?.secretsIn) {
        // Only env the task does not set itself: its own values are known at its start.
        const outside = atStart((name) => {
          if (spec.environment && Object.hasOwn(spec.environment, name)) throw new NotYetKnown();
          return ownValue(workflowEnv, name);
        });
        addConfigSecrets(
          secrets,
          runner,
          spec.config,
          (text, above) => exprs.render(text, withNamesAbove(outside, above)),
          (text) => {
            const url = exprs.renderUrl(text, outside);
            secrets.noteUrl(url);
            return url;
          },
        );
      }
      const entries = Object.entries(spec.environment ?? {});
      const holds = (name: string, value: unknown) =>
        secrets.mayHoldSecret(name, typeof value === "string" ? value : "");
      if (!entries.some(([name, value]) => holds(name, value))) continue;
      try {
        secrets.addEnv(
          exprs.renderEnvBlocks(spec.envBlocks, atStart, (name) => ownValue(workflowEnv, name)),
        );
      } catch {
        // Something in the blocks is known only later: each secret value on its own,
        // when it reads nothing of the blocks and nothing made during the run.
        const own = spec.environment!;
        const outside = atStart((name) => {
          if (Object.hasOwn(own, name)) throw new NotYetKnown();
          return ownValue(workflowEnv, name);
        });
        for (const [name, value] of Object.entries(own)) {
          if (!holds(name, value)) continue;
          try {
            secrets.addEnvValue(name, exprs.render(value, outside));
          } catch {
            // added when the task starts (attempt_context.ts)
          }
        }
      }
    }
  }
  addCalledSecrets(secrets, calls, registry);
  return secrets;
}

/**
 * The `config.secret` of each of the workflow's triggers (`trigger` or `triggers`): the
 * key a webhook request is signed with or the bearer token it carries (server/webhook.ts),
 * a secret of every run of the workflow whatever it is called, as a notification's
 * credentials are. Its `${env.NAME}` read from `env` ({@link resolveTriggerSecret}).
 */
export function triggerSecrets(
  workflow: SecretSources["options"]["workflow"],
  env: Readonly<Record<string, string | undefined>> = {},
): string[] {
  const triggers = workflow.trigger ? [workflow.trigger] : workflow.triggers ?? [];
  return triggers.flatMap((trigger) => {
    const secret = trigger.config?.secret;
    if (typeof secret !== "string") return [];
    const resolved = resolveTriggerSecret(secret, env);
    return "value" in resolved && resolved.value.trim() !== "" ? [resolved.value] : [];
  });
}

/**
 * A trigger's `config.secret` with its `${env.NAME}` read from `env` (the daemon's
 * environment; `$${` is a literal `${`, as in every template). `weft validate` allows no
 * other `${...}` there (parse/trigger_checks.ts). A name unset or empty gives `{ unset }`
 * with that name: the webhook is then not served, never keyed with an empty secret.
 */
export function resolveTriggerSecret(
  secret: string,
  env: Readonly<Record<string, string | undefined>>,
): { value: string } | { unset: string } {
  if (!secret.includes("$")) return { value: secret };
  let template;
  try {
    template = compileTemplate(secret);
  } catch {
    return { value: secret }; // refused by validate; never reached for a loaded file
  }
  for (const ref of template.references) {
    const name = ref.root === "env" && ref.path.length === 1 ? ref.path[0] : undefined;
    if (name === undefined || !ownValue(env, name)) return { unset: name ?? ref.root };
  }
  return {
    value: template.render((root, path) => root === "env" ? ownValue(env, path[0]) : undefined),
  };
}

/** Thrown by the start scope for a reference whose value the run has not made yet. */
class NotYetKnown extends Error {}

/**
 * The words (runs of letters, digits, `_`, `.`, `-`) of every string in the task
 * definitions as written, before interpolation: the names the workflow's author gave,
 * among them the output keys a command writes (`echo "postgres=$V" >> "$WEFT_OUTPUT"`);
 * and the names every reference to a task's outputs or a loop item reads, anywhere in
 * the workflow (`${tasks.a.outputs.postgres_host}`, `${item.postgres_host}`, a
 * condition's `tasks.a.outputs['x']`): an output key (or a key inside a JSON output, a
 * column's name in `rows`) the workflow reads is its identifier, kept as it is, or the
 * read would find nothing (mask_events.ts maskOutputs).
 */
function* writtenWords(nodes: NodeSet, workflow: unknown): Generator<string> {
  const walk = function* (value: unknown, words: (text: string) => Iterable<string>) {
    const stack = [value];
    while (stack.length > 0) {
      const next = stack.pop();
      if (typeof next === "string") yield* words(next);
      else if (Array.isArray(next)) stack.push(...next);
      else if (typeof next === "object" && next !== null) stack.push(...Object.values(next));
    }
  };
  const plain = (text: string) => text.match(/[\w.-]+/g) ?? [];
  for (const node of nodes.order) {
    for (const spec of leafSpecs(node)) yield* walk(spec.config, plain);
  }
  yield* walk(workflow, referencedNames);
}

/** A reference to a task's or an item's fields, with the path after its root. */
const REFERENCE = /\b(?:tasks|item)((?:\s*\.\s*[\w-]+|\s*\[\s*(?:'[^']*'|"[^"]*"|\d+)\s*\])+)/g;
const STEP = /\.\s*([\w-]+)|\[\s*(?:'([^']*)'|"([^"]*)")\s*\]/g;

/** The names the references to `tasks` and `item` in `text` read (the path after each root). */
function* referencedNames(text: string): Generator<string> {
  if (!text.includes("tasks") && !text.includes("item")) return;
  for (const ref of text.matchAll(REFERENCE)) {
    for (const step of ref[1].matchAll(STEP)) yield step[1] ?? step[2] ?? step[3];
  }
}
