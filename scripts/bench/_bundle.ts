/**
 * The bundle (`deno task bundle`: one file holding the whole program, what `deno compile`
 * would embed) built into a benchmark's temporary folder, and the argv that runs it, so
 * that benchmarks measure the form weft ships in beside the source form.
 * @module
 */

/** Builds `<dir>/weft.js` from this checkout; throws when the build fails. */
export async function buildBundle(dir: string): Promise<string> {
  const root = new URL("../../", import.meta.url).pathname;
  const bundle = `${dir}/weft.js`;
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}scripts/build.ts`, "--bundle", "--output", bundle],
    stdout: "null",
    stderr: "inherit",
  }).output();
  if (!built.success) throw new Error("bench: building the bundle failed");
  return bundle;
}

/**
 * `deno` arguments that run `bundle` as the released executable runs: no deno.json, KV
 * enabled. Give the command `XDG_CACHE_HOME` (see {@link bundleEnv}).
 */
export function bundleArgs(bundle: string): string[] {
  return ["run", "-A", "--unstable-kv", "--no-config", bundle];
}

/** Environment additions for running the bundle: where it writes out its parts. */
export function bundleEnv(dir: string): Record<string, string> {
  return { XDG_CACHE_HOME: `${dir}/cache` };
}
