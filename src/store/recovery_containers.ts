/**
 * The containers a crashed run left running. Ending a `docker run` client does not stop
 * its container (README, docker): after a timeout or cancel the docker task runs
 * `docker rm -f NAME` itself (tasks/docker.ts); after a crash (`kill -9`, power loss)
 * recovery does it. The client of a running container is started with
 * `WEFT_CONTAINER=<name>` in its environment (tasks/docker.ts), read here from
 * /proc/<pid>/environ of each group leader proven the run's (run_leaders.ts) — only a name
 * weft gives (`weft-<run>-…-<attempt>`, this run's id), whatever the environment says.
 * `docker rm -f` is then run with that client's own environment (its PATH, DOCKER_HOST,
 * DOCKER_CONTEXT), so it reaches the engine the run used.
 * @module
 */
import { readEnviron } from "../proc.ts";
import { leaderTicksIfOfRun } from "./run_leaders.ts";
import type { GroupRef } from "./process_groups.ts";

/** A container to remove and the environment of the client that started it. */
export interface RunContainer {
  name: string;
  env: Record<string, string>;
}

/** How long one `docker rm -f` may take (as tasks/docker.ts allows after an abort). */
const REMOVE_TIMEOUT_MS = 30_000;

/**
 * The containers of the crashed run `runId` whose `docker run` client leads one of
 * `groups`. Call before the groups are ended: a dead client's environment is gone.
 */
export function runContainers(runId: string, groups: GroupRef[]): RunContainer[] {
  // docker_argv.ts containerName: the run id with characters docker refuses made `_`.
  const prefix = `weft-${runId.replace(/[^A-Za-z0-9_.-]/g, "_")}-`;
  const found: RunContainer[] = [];
  for (const group of groups) {
    if (leaderTicksIfOfRun(group.pid, runId) === null) continue;
    const environ = readEnviron(group.pid);
    if (environ === null) continue;
    const env: Record<string, string> = {};
    for (const entry of environ.split("\0")) {
      const eq = entry.indexOf("=");
      if (eq > 0 && !Object.hasOwn(env, entry.slice(0, eq))) {
        env[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
    }
    const name = env.WEFT_CONTAINER;
    if (name === undefined || !name.startsWith(prefix) || !/^[A-Za-z0-9_.-]+-\d+$/.test(name)) {
      continue;
    }
    if (!found.some((c) => c.name === name)) found.push({ name, env });
  }
  return found;
}

/**
 * Runs `docker rm -f NAME` for each container (after its client's group was ended).
 * Returns the names removed or already gone (`--rm`, or never created: the client died
 * first); a failure (no docker client, engine unreachable) leaves the name out.
 */
export async function removeContainers(containers: RunContainer[]): Promise<string[]> {
  const removed: string[] = [];
  for (const { name, env } of containers) {
    try {
      const { code, stderr } = await new Deno.Command("docker", {
        args: ["rm", "-f", name],
        env,
        clearEnv: true,
        stdin: "null",
        stdout: "null",
        stderr: "piped",
        signal: AbortSignal.timeout(REMOVE_TIMEOUT_MS),
      }).output();
      if (code === 0 || /No such container/i.test(new TextDecoder().decode(stderr))) {
        removed.push(name);
      }
    } catch {
      // No docker client where the run found one, or too slow: nothing more to do here.
    }
  }
  return removed;
}
