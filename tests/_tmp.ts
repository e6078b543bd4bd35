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

/** A new folder under this process's test root holding a copy of folder `from` (recursively). */
export function testTempCopy(from: string, prefix = "t-"): string {
  const dir = testTempDir(prefix);
  const copy = (from: string, to: string) => {
    for (const entry of Deno.readDirSync(from)) {
      if (entry.isDirectory) {
        Deno.mkdirSync(`${to}/${entry.name}`);
        copy(`${from}/${entry.name}`, `${to}/${entry.name}`);
      } else Deno.copyFileSync(`${from}/${entry.name}`, `${to}/${entry.name}`);
    }
  };
  copy(from, dir);
  return dir;
}

/** Whether anything is at `path` (lstat: a symbolic link counts, even a broken one). */
export function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
