/**
 * For tests of the FFI posix_spawn spawner (src/tasks/spawn_ffi.ts) and what reads its
 * children: a test declarer that skips, saying why, where FFI posix_spawn cannot work,
 * and `sh -c SCRIPT` started through one shared spawner.
 */
import { ffiSpawnAvailable, FfiSpawner } from "../src/tasks/spawn_ffi.ts";
import type { SpawnedProcess } from "../src/tasks/types.ts";

const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";
const spawner = new FfiSpawner();

/** Said in the name of each test left out where FFI posix_spawn cannot work. */
const WHY = ffiSpawnAvailable()
  ? ""
  : " (skipped: FFI posix_spawn unavailable: not Linux/glibc, or no FFI)";

/** `Deno.test` named `<prefix>: <name>`, ignored (and saying why) without FFI spawn. */
export function ffiTest(prefix: string) {
  return (name: string, fn: () => Promise<void>) =>
    Deno.test({ name: `${prefix}: ${name}${WHY}`, ignore: !ffiSpawnAvailable(), fn });
}

/** `sh -c script` started by the FFI spawner, with PATH only, in the current folder. */
export function sh(script: string): Promise<SpawnedProcess> {
  return spawner.spawn({ cmd: "sh", args: ["-c", script], env: { PATH }, cwd: Deno.cwd() });
}
