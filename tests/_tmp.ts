/**
 * Temporary folders for tests, all under one root per test process that is removed when
 * the process ends, so test runs leave nothing behind in the system's temp folder.
 * @module
 */

let root: string | undefined;

/** A new empty folder under this process's test root. */
export function testTempDir(prefix = "t-"): string {
  if (root === undefined) {
    const created = Deno.makeTempDirSync({ prefix: "weft-tests-" });
    root = created;
    globalThis.addEventListener("unload", () => {
      try {
        Deno.removeSync(created, { recursive: true });
      } catch {
        // Already gone, or a child still holds a file: nothing more to do.
      }
    });
  }
  return Deno.makeTempDirSync({ dir: root, prefix });
}
