/**
 * The `docker` task type: builds an image (`docker build`, then `docker push` of each
 * tag when `push: true`) and/or runs a container (`docker run`), in that order, all
 * through the `docker` CLI found on the task's PATH. Each docker command is a child in
 * its own process group (ctx.spawner), its output streamed as the task's lines; the
 * arguments are built in docker_argv.ts, every value one argv element.
 *
 * A timeout or cancel ends the docker client, which does not stop the container, so the
 * container runs under a known name (see docker_argv.ts containerName) and is removed with
 * `docker rm -f` then. A missing `docker` program, or an engine the client cannot
 * reach, fails the task with a one-line reason saying so.
 * @module
 */
import { emitUntilExit, forEachByteLine, lineText } from "./byte_lines.ts";
import { notFoundReason, startFailure, WorkingDirectoryError } from "./start_errors.ts";
import { dockerArgvs, type DockerConfig, pushArgvs } from "./docker_argv.ts";
import { dockerTaskSecrets } from "./env_secrets.ts";
import { emitMarked } from "./emit_marked.ts";
import type { TaskContext, TaskResult, TaskRunner } from "./types.ts";
import { ownText, quoteCut, quoteData } from "../model/data_text.ts";

/** What the docker runner reads: the task (or step) with its `config`. */
export interface DockerTask {
  config: DockerConfig;
}

/** The docker client program, looked up in the task's PATH. */
const DOCKER = "docker";
/** How long `docker rm -f` after an abort may take before weft gives up on it. */
const REMOVE_TIMEOUT_MS = 30_000;
/** What the docker client prints when it cannot reach the engine (Linux, macOS, Windows). */
const UNREACHABLE =
  /Cannot connect to the Docker daemon|error during connect|permission denied while trying to connect to the Docker daemon/i;
/** The hint the client ends its error messages with. */
const HELP_HINT = /^Run 'docker .*--help' for more information/;
/** Longest stderr line quoted in a reason. */
const MAX_QUOTED = 300;

/** Runs docker builds and containers. */
export const dockerRunner: TaskRunner<DockerTask> = {
  type: "docker",
  // Nothing inside a container can reach the host's $WEFT_OUTPUT file.
  usesOutputFile: false,
  secretsIn: dockerTaskSecrets,
  run: runDocker,
};

async function runDocker(task: DockerTask, ctx: TaskContext): Promise<TaskResult> {
  const config = task.config;
  // Every argv is worked out first: a bad value fails the task before anything starts.
  // Errors (DockerConfigError, an expression's) are thrown: the engine fails the task.
  const { build, tags, name, run } = dockerArgvs(config, ctx);
  const outputs: Record<string, string> = {};
  if (build) {
    const built = await docker(ctx, build, ownText("docker build"));
    if (!built.ok) return failed(built, outputs);
    if (tags.length > 0) outputs.image = tags[0];
    for (const argv of config.push ? pushArgvs(tags) : []) {
      const pushed = await docker(ctx, argv, `docker push ${quoteData(argv[1])}`);
      if (!pushed.ok) return failed(pushed, outputs);
    }
  }
  if (!run) return { ok: true, exitCode: 0, outputs };
  outputs.container = name;
  const ran = await docker(ctx, run, ownText("docker run"), name);
  // The name is weft's own (run id, task id): a secret `postgres` must not make the
  // recorded output `weft-…-dump-***-1`.
  const identifiers = [name];
  if (ran.ok) return { ok: true, exitCode: 0, outputs, identifiers };
  // 125-127: docker could not run the command; any other code is the container's own.
  const code = ran.exitCode;
  const own = code !== null && !ran.unreachable && (code < 125 || code > 127);
  const error = own ? ownText(`the container exited with code ${code}`) : ran.error;
  return { ok: false, exitCode: code, outputs, error, identifiers };
}

function failed(result: DockerResult, outputs: Record<string, string>): TaskResult {
  return { ok: false, exitCode: result.exitCode, outputs, error: result.error };
}

interface DockerResult {
  ok: boolean;
  exitCode: number | null;
  error?: string;
  /** The client said it cannot reach the engine. */
  unreachable?: boolean;
}

/**
 * Runs `docker ARGV` to its end, streaming its output. `label` names the step in
 * reasons, marked (ownText, or weft's words with quoteData): the reason built on it is
 * then never secret-masked whole. With `container`, an abort also removes that
 * container. Never throws for a failure of the process.
 */
async function docker(
  ctx: TaskContext,
  argv: string[],
  label: string,
  container?: string,
): Promise<DockerResult> {
  if (ctx.signal.aborted) return { ok: false, exitCode: null, error: ownText("not started") };
  let child;
  try {
    child = await ctx.spawner.spawn({
      cmd: DOCKER,
      args: argv,
      cwd: ctx.cwd,
      // Names the container in the client's /proc environ, for the recovery after a crash
      // (store/recovery_containers.ts): the client's end does not stop it.
      env: container === undefined ? ctx.env : { ...ctx.env, WEFT_CONTAINER: container },
      signal: ctx.signal,
      killGraceMs: ctx.killGraceMs,
    });
  } catch (error) {
    return { ok: false, exitCode: null, error: spawnError(error, ctx.cwd) };
  }
  let lastError = "";
  let unreachable = "";
  const status = await emitUntilExit(child, {
    emit: (stream, line, more, cont, early, unended) => {
      const text = stream === "stderr" ? lineText(line).trim() : "";
      // The client's closing "Run 'docker run --help' …" says nothing about the failure.
      if (text && !cont && !HELP_HINT.test(text)) {
        // Whole: the reason cuts it once masked (quoteCut), so no secret shows in part.
        lastError = text;
        if (!unreachable && UNREACHABLE.test(text)) unreachable = lastError;
      }
      return ctx.emit(stream, line, more, cont, early, unended);
    },
  });
  if (container !== undefined && ctx.signal.aborted) await removeContainer(ctx, container);
  if (status.code === 0) return { ok: true, exitCode: 0 };
  // A container's own output could say the same words: only docker's own failure (125) counts.
  if (unreachable && (container === undefined || status.code === 125)) {
    return {
      ok: false,
      exitCode: status.code,
      unreachable: true,
      error: `cannot reach the Docker engine: ${quoted(unreachable)}`,
    };
  }
  const how = status.signal ? `killed by ${status.signal}` : `exited with code ${status.code}`;
  return {
    ok: false,
    exitCode: status.code,
    error: lastError ? `${label} ${how}: ${quoted(lastError)}` : `${label} ${how}`,
  };
}

/** A stderr line as a reason quotes it: cut to {@link MAX_QUOTED} characters once masked. */
function quoted(line: string): string {
  return quoteCut(line, MAX_QUOTED, { ellipsis: true });
}

/**
 * `docker rm -f NAME` after an abort: the client's death leaves the container running.
 * Its own time limit, since the task's signal is already aborted. Failures are shown
 * as output lines; there is nothing more to do about them.
 */
async function removeContainer(ctx: TaskContext, name: string): Promise<void> {
  const limit = AbortSignal.timeout(REMOVE_TIMEOUT_MS);
  try {
    const child = await ctx.spawner.spawn({
      cmd: DOCKER,
      args: ["rm", "-f", name],
      cwd: ctx.cwd,
      env: ctx.env,
      signal: limit,
      killGraceMs: ctx.killGraceMs,
    });
    let gone = false;
    const [status] = await Promise.all([
      child.status,
      forEachByteLine(child.stdout, () => {}),
      forEachByteLine(child.stderr, (line) => {
        const text = lineText(line);
        // `--rm` may have removed it already: nothing left to do, nothing to say.
        if (/No such container/i.test(text)) gone = true;
        else emitMarked(ctx, "stderr", `docker rm -f: ${quoteData(text)}`);
      }),
    ]);
    if (status.code !== 0 && !gone) {
      emitMarked(ctx, "stderr", ownText(`weft: docker rm -f ${name} failed`));
    }
  } catch (error) {
    emitMarked(
      ctx,
      "stderr",
      `weft: cannot remove container ${name}: ${quoteData(String(error))}`,
    );
  }
}

function spawnError(error: unknown, cwd: string): string {
  if (error instanceof WorkingDirectoryError) return error.reason;
  if (error instanceof Deno.errors.NotFound) {
    return notFoundReason(cwd, ownText("docker is not installed: no `docker` program on PATH"));
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return ownText("cannot start `docker`: permission denied");
  }
  return ownText("cannot start `docker`: ") + startFailure(error);
}
