/**
 * The registry of task types: the only place that lists them. A type missing here is
 * accepted by `weft validate` but refused by `weft run` before anything starts.
 *
 * Each type's module (and what it imports: drivers, node: modules) loads only when a
 * run uses that type: at the start of such a run ({@link TaskRunner.prepare}, while
 * the run record is written), else at its first task. What the engine must know
 * before that — `usesOutputFile`, `secretsIn`, `defaultTimeoutMs` — is given here, and
 * tests/tasks_mod_test.ts holds it equal to each module's own runner.
 * @module
 */
import { databaseTaskSecrets } from "../model/connection.ts";
import { dockerTaskSecrets, workflowCallSecrets } from "./env_secrets.ts";
import { httpTaskSecrets } from "./http_secrets.ts";
import { HTTP_DEFAULT_TIMEOUT_MS } from "./http_fetch.ts";
import type { TaskRunner } from "./types.ts";

/** Task runners by task type. */
export type Registry = ReadonlyMap<string, TaskRunner>;

/** What the engine knows of a type before its module is loaded: a runner without `run`. */
type RunnerFacts = Omit<TaskRunner, "run" | "prepare">;

/**
 * A runner for `facts.type` whose module `load` imports on the first `prepare()` or
 * `run()`. Once loaded, `run` calls the module's runner directly and `prepare` returns
 * nothing. A module that fails to load fails the attempts of its type with the error.
 */
function lazyRunner(facts: RunnerFacts, load: () => Promise<TaskRunner>): [string, TaskRunner] {
  let loaded: TaskRunner | undefined;
  let loading: Promise<TaskRunner> | undefined;
  const get = () => loading ??= load().then((runner) => loaded = runner);
  const runner: TaskRunner = {
    ...facts,
    prepare: () => loaded ? undefined : get(),
    run: (task, ctx) => loaded ? loaded.run(task, ctx) : get().then((r) => r.run(task, ctx)),
  };
  return [facts.type, runner];
}

// The import() specifiers are literals: the bundle (scripts/build.ts) and `deno compile`
// find and carry each module.
/** Every task type this version of weft can run. */
export const defaultRegistry: Registry = new Map<string, TaskRunner>([
  lazyRunner({ type: "shell" }, async () => (await import("./shell.ts")).shellRunner),
  lazyRunner(
    {
      type: "http",
      usesOutputFile: false,
      secretsIn: httpTaskSecrets,
      defaultTimeoutMs: HTTP_DEFAULT_TIMEOUT_MS,
    },
    async () => (await import("./http.ts")).httpRunner,
  ),
  lazyRunner(
    { type: "javascript" },
    async () => (await import("./javascript.ts")).javascriptRunner,
  ),
  lazyRunner({ type: "python" }, async () => (await import("./python.ts")).pythonRunner),
  lazyRunner(
    { type: "data_processor" },
    async () => (await import("./data_processor.ts")).dataProcessorRunner,
  ),
  lazyRunner(
    {
      type: "database",
      usesOutputFile: false,
      secretsIn: databaseTaskSecrets,
    },
    async () => (await import("./database/runner.ts")).databaseRunner as TaskRunner,
  ),
  lazyRunner(
    { type: "docker", usesOutputFile: false, secretsIn: dockerTaskSecrets },
    async () => (await import("./docker.ts")).dockerRunner as TaskRunner,
  ),
  lazyRunner(
    { type: "workflow", usesOutputFile: false, secretsIn: workflowCallSecrets },
    async () => (await import("./workflow.ts")).workflowRunner as TaskRunner,
  ),
]);

export type { ProcessSpawner, TaskContext, TaskResult, TaskRunner } from "./types.ts";
export { DenoSpawner } from "./spawner.ts";
