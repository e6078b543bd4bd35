/**
 * A packed bundle made of hand-written chunks, for the packer's and the merger's tests
 * (scripts/_bundle_pack.ts, scripts/_bundle_merge.ts).
 * @module
 */
import assert from "node:assert/strict";
import { packSplitBundle } from "../scripts/_bundle_pack.ts";

/**
 * Writes `chunks` (file name → code, `entry.js` among them) to `dir/split`, packs them into
 * `dir/packed.js` (merging the chunks that load together with `merge`), and returns a run
 * of it (caching its chunks under `dir/cache`) that gives what it printed, trimmed; a run
 * that fails fails the test.
 */
export async function packInto(
  dir: string,
  chunks: Record<string, string>,
  { merge = false } = {},
): Promise<() => Promise<string>> {
  await Deno.mkdir(`${dir}/split`);
  for (const [name, code] of Object.entries(chunks)) {
    await Deno.writeTextFile(`${dir}/split/${name}`, code);
  }
  await Deno.writeTextFile(
    `${dir}/packed.js`,
    await packSplitBundle(`${dir}/split`, "entry.js", "// test", { merge }),
  );
  return async () => {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-config", `${dir}/packed.js`],
      env: { XDG_CACHE_HOME: `${dir}/cache` },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    return new TextDecoder().decode(r.stdout).trim();
  };
}
