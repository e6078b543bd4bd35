/**
 * DenoSpawner's fallbacks — the setsid program (when present) and `detached: true` —
 * against the checks every ProcessSpawner must pass (tests/_spawner_checks.ts; the FFI
 * path is tested in spawn_ffi_test.ts).
 */
import { DenoSpawner } from "../src/tasks/spawner.ts";
import { defineTests, type SignalOptions, spawnWith } from "./_spawner_checks.ts";

/** Both ways of making a process group: the setsid program (when present) and detached. */
const MODES: [string, DenoSpawner][] = [["detached", new DenoSpawner({ setsid: null })]];
const SETSID = ["/usr/bin/setsid", "/bin/setsid"].find((path) => {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
});
if (SETSID) MODES.unshift(["setsid", new DenoSpawner({ setsid: SETSID })]);

for (const [mode, spawner] of MODES) {
  const spawnSh = (
    script: string,
    options: SignalOptions = {},
    onLine: (line: string) => void = () => {},
  ) => spawnWith(spawner, script, options, onLine);
  const test = (name: string, fn: () => Promise<void> | void) =>
    Deno.test(`spawner (${mode}): ${name}`, fn);
  defineTests(spawnSh, test, spawner);
}
