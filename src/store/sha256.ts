/**
 * SHA-256 for the store's synchronous hashing (long key parts, file names of odd ids,
 * blob keys), with node:crypto loaded on the first hash rather than at import. Resume
 * fingerprints, computed on every run, use @noble/hashes instead (resume.ts).
 *
 * Why: a static `import "node:crypto"` starts Deno's Node compatibility layer (~10 ms)
 * on every command that opens the store, `weft history` included, although reading
 * hashes only ids that are long or unusual (issue 12 §3). `process.getBuiltinModule`
 * (Node 22.3+, supported by Deno 2) loads the same module synchronously on demand, so
 * the digests are byte for byte those of `createHash` — nothing stored changes.
 * @module
 */
import type * as NodeCrypto from "node:crypto";
import { nodeBuiltin } from "../path.ts";

let crypto: typeof NodeCrypto | undefined;

/**
 * A fresh SHA-256 `Hash` of node:crypto (feed it with `update(text, encoding)`, read it
 * with `digest()`); the module loads on the first call.
 */
export function sha256(): NodeCrypto.Hash {
  crypto ??= nodeBuiltin<typeof NodeCrypto>("node:crypto");
  return crypto.createHash("sha256");
}
