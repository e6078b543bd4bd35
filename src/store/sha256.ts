/**
 * SHA-256 (FIPS 180-4) for the store's synchronous hashing (long key parts, file names
 * of odd ids, blob keys, resume fingerprints), without starting Deno's Node
 * compatibility layer.
 *
 * Why: node:crypto (a static import, or `process.getBuiltinModule` on the first hash)
 * starts that layer, 10–15 ms of every `weft run`, which hashes its tasks' definitions
 * (issue 12 §3, issue 8 §5). Short inputs go to @noble/hashes (audited, pure JavaScript,
 * ~3 ms to load); inputs of {@link NATIVE_FROM} bytes or more go to node:crypto, faster
 * per byte once loaded. Both give the digest of `createHash("sha256").update(text,
 * encoding)`, byte for byte: nothing stored changes.
 * @module
 */
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import type * as NodeCrypto from "node:crypto";

/** A SHA-256 being fed: {@link sha256}'s result, a subset of node:crypto's `Hash`. */
export interface Sha256 {
  /** Adds `text` in `encoding` (default utf8, as node:crypto); returns this hash. */
  update(text: string, encoding?: "utf8" | "utf16le"): Sha256;
  /** The 32-byte digest. */
  digest(): Uint8Array;
  /** The digest as 64 lowercase hex digits. */
  digest(encoding: "hex"): string;
}

/** Inputs of at least this many bytes are hashed by node:crypto. */
const NATIVE_FROM = 64 * 1024;

let crypto: typeof NodeCrypto | undefined;
const utf8 = new TextEncoder();

/** A fresh SHA-256 (feed it with `update(text, encoding)`, read it with `digest()`). */
export function sha256(): Sha256 {
  const parts: Uint8Array[] = [];
  let size = 0;
  const hash: Sha256 = {
    update(text: string, encoding: "utf8" | "utf16le" = "utf8") {
      const bytes = encoding === "utf16le" ? utf16le(text) : utf8.encode(text);
      parts.push(bytes);
      size += bytes.length;
      return hash;
    },
    digest: ((encoding?: "hex") => {
      const digest = size >= NATIVE_FROM ? nativeDigest(parts) : nobleDigest(parts);
      return encoding === "hex" ? hex(digest) : digest;
    }) as Sha256["digest"],
  };
  return hash;
}

function nobleDigest(parts: Uint8Array[]): Uint8Array {
  const hash = nobleSha256.create();
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function nativeDigest(parts: Uint8Array[]): Uint8Array {
  crypto ??= (globalThis as unknown as {
    process: { getBuiltinModule(id: "node:crypto"): typeof NodeCrypto };
  }).process.getBuiltinModule("node:crypto");
  const hash = crypto.createHash("sha256");
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

/** Each UTF-16 code unit as two bytes, low first (Node's "utf16le", lone surrogates too). */
function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[2 * i] = unit & 0xff;
    bytes[2 * i + 1] = unit >>> 8;
  }
  return bytes;
}

/** Each byte's two hex digits: a 1,000-task run hashes every task at its start. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

function hex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]];
  return out;
}
