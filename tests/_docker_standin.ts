/**
 * The recording stand-in `docker` of tests/fixtures/docker/bin, for tests on machines
 * without a docker engine, and the check for a real one.
 * @module
 */

/** The folder holding the stand-in `docker`: put it first on PATH. */
export const STANDIN_BIN = new URL("./fixtures/docker/bin", import.meta.url).pathname;

/** Each call the stand-in recorded in `log`, as its argv (without `docker`). */
export async function dockerCalls(log: string): Promise<string[][]> {
  const text = await Deno.readTextFile(log).catch(() => "");
  return text.split("\x1e").filter((call) => call !== "").map((call) =>
    call.split("\0").slice(0, -1)
  );
}

/**
 * Null when `docker info` succeeds here (a real engine is reachable), else why not:
 * the reason a real-container test is skipped with.
 */
export async function dockerEngineMissing(): Promise<string | null> {
  try {
    const { code, stderr } = await new Deno.Command("docker", {
      args: ["info", "--format", "{{.ServerVersion}}"],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code === 0) return null;
    const line = new TextDecoder().decode(stderr).trim().split("\n").find((l) => l.trim());
    return `docker info fails: ${line ?? `exit ${code}`}`;
  } catch {
    return "no docker client on PATH";
  }
}
