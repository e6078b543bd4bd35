/**
 * The validated-workflow cache (issue 8 §5): `weft run` of a `.json` file whose exact
 * bytes this same build of weft has validated before takes the workflow (and its task
 * hashes, store/resume.ts taskHashes) from a small file instead of validating again, as
 * a compiler keeps object files. A clean validation of the 1,000-task bench workflow costs
 * ~50 ms, its task hashes ~15 ms; reading the entry back is one JSON.parse.
 *
 * Where: `$XDG_CACHE_HOME/weft` (else `$HOME/.cache/weft`, as the bundle's parts, see
 * scripts/_bundle_pack.ts), one folder per build, `validated-<build>/<sha256 of the
 * bytes>.json`: folders 0700, files 0600, each written to a temporary name and renamed.
 * The newest {@link MAX_ENTRIES} entries are kept (pruned when one is written, never on
 * a read); the folders of other builds go when a build makes its own.
 *
 * It never changes what weft does: an entry is only read for the build (a content hash of
 * the program, src/version.ts buildIdentity) and the bytes (their SHA-256) it records,
 * and only written for a workflow that is plain JSON data (plain_json.ts) whose checks
 * looked at nothing but its bytes (program_checks.ts fileSystemLooks; the checks that read
 * the file's place run at every load, problems.ts); anything else
 * — no build identity (weft run from source), `WEFT_NO_CACHE`, a missing or read-only
 * folder, an entry that does not parse — means a full validation, silently.
 * @module
 */
import { STALE_TEMPORARY_MS } from "../stale_temporaries.ts";
import { isPlainJson } from "./plain_json.ts";
import { sha256Hex } from "./read.ts";
import { refuseSpecial } from "../regular_file.ts";
import type { Workflow } from "../model/workflow.ts";

/** How many entries a build's folder keeps (the newest by modification time). */
export const MAX_ENTRIES = 64;

/** Where entries live and for which build: see {@link validatedCacheFor}. */
export interface ValidatedCache {
  /** The cache's base folder (`$XDG_CACHE_HOME/weft`); entries go in a folder below it. */
  base: string;
  /**
   * The build identity: a content hash of the program (and the Deno running it), e.g.
   * `3f9a…-deno2.5.6`; letters, digits, `.+_-`, 16 to 200 of them.
   */
  build: string;
}

/** What an entry gives back: the workflow as validated, and its task hashes when kept. */
export interface CachedWorkflow {
  workflow: Workflow;
  /** store/resume.ts taskHashes of the workflow (task id → hex SHA-256). */
  taskHashes?: Record<string, string>;
}

/**
 * One entry on disk: this header as one line of JSON, then the payload ({@link Payload},
 * JSON), whose SHA-256 the header records: an entry changed after weft wrote it (by hand,
 * or damaged) is not read.
 */
interface Header {
  weft: "validated-workflow";
  build: string;
  hash: string;
  /** SHA-256 (lowercase hex) of the payload's text. */
  sum: string;
}

/** What an entry keeps. */
interface Payload {
  workflow: Workflow;
  taskHashes?: Record<string, string>;
}

const utf8 = new TextEncoder();

const HEX = /^[0-9a-f]{16,128}$/;
/** A build identity: safe as a folder name (no `/`, no `..`). */
const BUILD = /^[0-9A-Za-z][0-9A-Za-z.+_-]{15,199}$/;
const FOLDER = /^validated-[0-9A-Za-z][0-9A-Za-z.+_-]{15,199}$/;
const ENTRY = /^[0-9a-f]{64}\.json$/;

/**
 * The cache for the program of content hash `build` (src/version.ts buildIdentity) run
 * by the Deno of version `runtime` (a bundle runs on whichever Deno starts it, whose
 * time zones and Unicode tables checks may read) under the environment `env`; undefined
 * for none: no build identity (weft run from source), `WEFT_NO_CACHE` set and not empty,
 * or neither `XDG_CACHE_HOME` nor `HOME` set.
 */
export function validatedCacheFor(
  env: Readonly<Record<string, string>>,
  build: string | undefined,
  runtime: string = Deno.version.deno,
): ValidatedCache | undefined {
  if (build === undefined || !HEX.test(build) || env.WEFT_NO_CACHE) return undefined;
  const id = `${build}-deno${runtime}`;
  if (!BUILD.test(id)) return undefined;
  const xdg = env.XDG_CACHE_HOME;
  const home = env.HOME ?? env.USERPROFILE;
  const base = xdg ? `${xdg}/weft` : home ? `${home}/.cache/weft` : undefined;
  return base === undefined ? undefined : { base: base.replaceAll("\\", "/"), build: id };
}

/** The folder of `cache`'s build. */
export function buildFolder(cache: ValidatedCache): string {
  return `${cache.base}/validated-${cache.build}`;
}

/** The entry file for the bytes whose SHA-256 (lowercase hex) is `hash`. */
export function entryPath(cache: ValidatedCache, hash: string): string {
  return `${buildFolder(cache)}/${hash}.json`;
}

/**
 * The workflow kept for the bytes of SHA-256 `hash` by this build, or undefined: no entry,
 * or one that cannot be read, does not parse, records another build or hash, or whose
 * payload is not the one its header's sum records. Never rejects, never writes.
 */
export async function readValidated(
  cache: ValidatedCache,
  hash: string,
): Promise<CachedWorkflow | undefined> {
  if (!/^[0-9a-f]{64}$/.test(hash) || !BUILD.test(cache.build)) return undefined;
  try {
    // Synchronous: one small file, where an async read costs more in scheduling. A FIFO
    // in its place would make every run wait for ever: refused, a miss (regular_file.ts).
    const path = entryPath(cache, hash);
    refuseSpecial(path);
    const text = Deno.readTextFileSync(path);
    const cut = text.indexOf("\n");
    if (cut < 0) return undefined;
    const header = JSON.parse(text.slice(0, cut)) as Partial<Header> | null;
    if (
      header === null || typeof header !== "object" || header.weft !== "validated-workflow" ||
      header.build !== cache.build || header.hash !== hash || typeof header.sum !== "string"
    ) return undefined;
    const payloadText = text.slice(cut + 1);
    if (await sha256Hex(utf8.encode(payloadText)) !== header.sum) return undefined;
    const entry = JSON.parse(payloadText) as Partial<Payload> | null;
    const workflow = entry?.workflow;
    if (workflow === null || typeof workflow !== "object" || !Array.isArray(workflow.tasks)) {
      return undefined;
    }
    const hashes = entry!.taskHashes;
    if (hashes === undefined) return { workflow };
    if (!taskHashesFit(workflow, hashes)) return undefined;
    return { workflow, taskHashes: hashes };
  } catch {
    return undefined;
  }
}

/** Whether `hashes` names exactly the workflow's top-level tasks, each with a hex hash. */
function taskHashesFit(workflow: Workflow, hashes: unknown): hashes is Record<string, string> {
  if (hashes === null || typeof hashes !== "object" || Array.isArray(hashes)) return false;
  const ids = workflow.tasks.map((t) => t.id);
  const keys = Object.keys(hashes);
  if (keys.length !== ids.length) return false;
  const record = hashes as Record<string, unknown>;
  return ids.every((id) =>
    Object.hasOwn(record, id) && typeof record[id] === "string" && HEX.test(record[id])
  );
}

/**
 * The entry's text for a workflow just validated from the bytes of SHA-256 `hash`, or
 * undefined when the workflow is not plain JSON data (it would not come back the same).
 * Serialised at once: the caller may go on to change the workflow object.
 */
export async function entryText(
  cache: ValidatedCache,
  hash: string,
  workflow: Workflow,
  taskHashes?: Record<string, string>,
): Promise<string | undefined> {
  if (!isPlainJson(workflow) || (taskHashes !== undefined && !isPlainJson(taskHashes))) {
    return undefined;
  }
  const payload: Payload = { workflow };
  if (taskHashes !== undefined) payload.taskHashes = taskHashes;
  const payloadText = JSON.stringify(payload);
  const sum = await sha256Hex(utf8.encode(payloadText));
  const header: Header = { weft: "validated-workflow", build: cache.build, hash, sum };
  return JSON.stringify(header) + "\n" + payloadText;
}

/**
 * Writes an entry (see {@link entryText}) for the bytes of SHA-256 `hash`: atomically,
 * 0600 in a 0700 folder, then keeps the newest {@link MAX_ENTRIES}. A build writing its
 * first entry removes the folders of other builds. Never throws: a cache that cannot be
 * written is no cache.
 */
export async function storeValidated(
  cache: ValidatedCache,
  hash: string,
  text: string,
): Promise<void> {
  if (!/^[0-9a-f]{64}$/.test(hash) || !BUILD.test(cache.build)) return;
  const folder = buildFolder(cache);
  try {
    await Deno.mkdir(cache.base, { recursive: true, mode: 0o700 });
    let made = false;
    try {
      await Deno.mkdir(folder, { mode: 0o700 });
      made = true;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    if (made) await removeOtherBuilds(cache);
    const file = entryPath(cache, hash);
    const temporary = `${file}.${crypto.randomUUID()}.tmp`;
    try {
      await Deno.writeTextFile(temporary, text, { mode: 0o600, createNew: true });
      await Deno.rename(temporary, file);
    } catch (e) {
      await Deno.remove(temporary).catch(() => {});
      throw e;
    }
    await pruneEntries(folder, MAX_ENTRIES);
  } catch {
    // Read-only, full or missing: validation just runs each time.
  }
}

/** Removes the `validated-*` folders of builds other than `cache.build` (only weft's names). */
async function removeOtherBuilds(cache: ValidatedCache): Promise<void> {
  for await (const e of Deno.readDir(cache.base)) {
    if (!e.isDirectory || !FOLDER.test(e.name) || e.name === `validated-${cache.build}`) continue;
    await Deno.remove(`${cache.base}/${e.name}`, { recursive: true }).catch(() => {});
  }
}

/**
 * Keeps the newest `keep` entries of `folder` (by modification time, then name), and
 * removes temporary files left by a weft that stopped between write and rename once
 * they are STALE_TEMPORARY_MS old.
 */
export async function pruneEntries(folder: string, keep: number): Promise<void> {
  const entries: { name: string; mtime: number }[] = [];
  const now = Date.now();
  for await (const e of Deno.readDir(folder)) {
    if (!e.isFile) continue;
    const stat = await Deno.lstat(`${folder}/${e.name}`).catch(() => null);
    const mtime = stat?.mtime?.getTime() ?? 0;
    if (ENTRY.test(e.name)) entries.push({ name: e.name, mtime });
    else if (e.name.endsWith(".tmp") && now - mtime > STALE_TEMPORARY_MS) {
      await Deno.remove(`${folder}/${e.name}`).catch(() => {});
    }
  }
  if (entries.length <= keep) return;
  entries.sort((a, b) => b.mtime - a.mtime || (a.name < b.name ? -1 : 1));
  for (const old of entries.slice(keep)) {
    await Deno.remove(`${folder}/${old.name}`).catch(() => {});
  }
}
