/**
 * Weft's version: the `version` of deno.json plus the git commit it was built from.
 *
 * The commit is stamped by `deno task build` / `deno task bundle` (scripts/build.ts),
 * which run `git rev-parse` once at build time and generate an entry module that sets
 * {@link BUILD_INFO_KEY} on globalThis before calling main(). Nothing runs git at run
 * time: started from source, the commit is reported as "source". This module imports
 * nothing heavy, so `weft --version` stays as fast as an empty program.
 * @module
 */
import denoJson from "../deno.json" with { type: "json" };

/** The globalThis key a build's generated entry module sets (see scripts/build.ts). */
export const BUILD_INFO_KEY = "__weftBuildInfo";

/**
 * What a build stamps: the commit (full hash, `-dirty` when the tree had changes), and
 * `build`, a content hash of the program (scripts/build.ts sourceHash: every module it is
 * built from, the lock file and the Deno version; lowercase hex).
 */
export interface BuildInfo {
  commit: string;
  build?: string;
}

/** The program's version, from deno.json (semver, e.g. `0.1.0`). */
export const VERSION: string = denoJson.version;

/** The commit weft was built from, or "source" when it runs from the source tree. */
export function commit(): string {
  const info = (globalThis as Record<string, unknown>)[BUILD_INFO_KEY] as BuildInfo | undefined;
  return typeof info?.commit === "string" && info.commit !== "" ? info.commit : "source";
}

/** What `weft --version` prints (without the line break): `0.1.0 (commit 1a2b3c4d5e6f)`. */
export function versionLine(): string {
  const c = commit();
  return c === "source" ? `${VERSION} (from source)` : `${VERSION} (commit ${c})`;
}

/**
 * The content hash of this program (BuildInfo.build), which changes whenever any of its
 * code does; undefined from source, where nothing stamps one (parse/validated_cache.ts
 * keeps nothing then).
 */
export function buildIdentity(): string | undefined {
  const info = (globalThis as Record<string, unknown>)[BUILD_INFO_KEY] as BuildInfo | undefined;
  const build = info?.build;
  return typeof build === "string" && /^[0-9a-f]{64}$/.test(build) ? build : undefined;
}
