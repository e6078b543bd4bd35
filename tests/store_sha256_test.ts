/**
 * src/store/sha256.ts: node:crypto loaded on the first hash gives the same digests as a
 * static `createHash` import, so keys, log file names and blob keys written before the
 * change are still found (issue 12 §3).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { sha256 } from "../src/store/sha256.ts";
import { safeFileName } from "../src/store/log_files.ts";
import { keyPart } from "../src/store/kv_keys.ts";

const SAMPLES = ["", "a", "run/../x", "täsk ✓ 𝄞", "x".repeat(10_000)];

Deno.test("sha256: the same digests as node:crypto's createHash, in every encoding used", () => {
  for (const text of SAMPLES) {
    for (const encoding of ["utf8", "utf16le"] as const) {
      assert.equal(
        sha256().update(text, encoding).digest("hex"),
        createHash("sha256").update(text, encoding).digest("hex"),
      );
    }
  }
});

Deno.test("sha256: each call is a fresh hash", () => {
  const a = sha256().update("one").digest("hex");
  assert.equal(sha256().update("one").digest("hex"), a);
  assert.notEqual(sha256().update("two").digest("hex"), a);
});

Deno.test("sha256: store names of long or unusual ids are unchanged", () => {
  const odd = "deploy / step ✓";
  const expected = createHash("sha256").update(odd, "utf16le").digest("hex").slice(0, 16);
  assert.equal(safeFileName(odd), `deploy_step_~${expected}`);
  const long = "é".repeat(400);
  assert.deepEqual(
    keyPart(long),
    new Uint8Array(createHash("sha256").update(long, "utf16le").digest()),
  );
});
