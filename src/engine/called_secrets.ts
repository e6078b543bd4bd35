/**
 * The secrets of the workflows a run calls (`workflow` tasks, and the calls of those in
 * turn), known at the caller's start as its own later tasks' secrets are: the child run
 * shares the caller's secrets (child.ts), so without this a value would be masked only
 * from the moment the child starts, and a caller task running before the call (or beside
 * it) would print and store it in clear. The called files are those loading the caller
 * read and checked (model/called_files.ts), never read again here.
 * @module
 */
import { type CalledFile, calledFiles } from "../model/called_files.ts";
import type { Workflow } from "../model/workflow.ts";
import { nodePath } from "../path.ts";
import type { Registry } from "../tasks/mod.ts";
import { envEntrySecrets } from "../tasks/env_secrets.ts";
import { buildNodes, type NodeSet } from "./nodes.ts";
import type { Secrets } from "./secrets.ts";
import { addConfigSecrets, leafSpecs } from "./leaf_secrets.ts";

/** One call of a file: the file, its nodes (one set per file), and the params passed. */
interface Call {
  path: string;
  file: CalledFile;
  nodes: NodeSet;
  passed: Set<string>;
}

/**
 * The workflows `workflow` calls, read as its loading read them: each call of every
 * file reached, at any depth (each file's own calls followed once), with the params the
 * calling task passes. None when the workflow calls none or was not loaded from a file.
 */
export function calledWorkflows(workflow: Workflow, nodes: NodeSet): Call[] {
  const called = calledFiles(workflow);
  if (!called) return [];
  const calls: Call[] = [];
  /** Each file's nodes, built once: walked here, read again by addCalledSecrets. */
  const built = new Map<string, NodeSet>();
  const walk = (set: NodeSet, dir: string) => {
    for (const node of set.order) {
      for (const spec of leafSpecs(node)) {
        const config = spec.config as { file?: unknown; params?: unknown };
        if (spec.type !== "workflow" || typeof config.file !== "string") continue;
        const path = nodePath().resolve(dir, config.file);
        const file = called.files.get(path);
        if (!file) continue;
        const params = config.params !== null && typeof config.params === "object"
          ? Object.keys(config.params)
          : [];
        const known = built.get(path);
        const fileNodes = known ?? buildNodes(file.workflow, path, () => true);
        calls.push({ path, file, nodes: fileNodes, passed: new Set(params) });
        if (known) continue;
        built.set(path, fileNodes);
        walk(fileNodes, file.dir);
      }
    }
  };
  walk(nodes, called.dir);
  return calls;
}

/** Declares the names each called workflow lists under `secrets:` (before any value is added). */
export function declareCalledSecrets(secrets: Secrets, calls: readonly Call[]): void {
  for (const { file } of calls) secrets.declare(file.workflow.secrets ?? []);
}

/**
 * Adds the values of the called workflows that are secret and written literally, as the
 * child run would find them at its start (start_secrets.ts): its `environment`, each
 * task's (over `defaults.environment`), the secrets a task's configuration holds
 * (TaskRunner.secretsIn: a docker `env`, an http URL's password, …), and the default of
 * a secret param the call does not pass. A value holding `${...}` is left to the child
 * run, which knows what it reads.
 */
export function addCalledSecrets(
  secrets: Secrets,
  calls: readonly Call[],
  registry: Registry | undefined,
): void {
  const literal = (text: string): string => {
    if (text.includes("${")) throw new Error("known when the child starts");
    return text;
  };
  const literalUrl = (text: string): string => {
    secrets.noteUrl(literal(text));
    return text;
  };
  const isSecret = (name: string) => secrets.isSecretName(name);
  const done = new Set<string>();
  for (const { path, file, nodes, passed } of calls) {
    for (const [name, param] of Object.entries(file.workflow.params ?? {})) {
      const value = (param as { default?: string }).default;
      if (!passed.has(name) && value !== undefined && isSecret(name)) {
        secrets.add(value, `param ${name}`);
      }
    }
    if (done.has(path)) continue;
    done.add(path);
    for (const value of envEntrySecrets(file.workflow.environment, literal, isSecret, true)) {
      secrets.add(value);
    }
    for (const node of nodes.order) {
      for (const spec of leafSpecs(node)) {
        for (const block of spec.envBlocks ?? []) {
          for (const value of envEntrySecrets(block, literal, isSecret, true)) secrets.add(value);
        }
        const runner = registry?.get(spec.type);
        if (runner) addConfigSecrets(secrets, runner, spec.config, literal, literalUrl);
      }
    }
  }
}
