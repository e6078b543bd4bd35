/**
 * src/store/sha256.ts: its digests (@noble/hashes for short texts, node:crypto for long
 * ones) are those of node:crypto's `createHash`, so keys, log file names and blob keys
 * written before the change are still found (issue 12 §3).
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

Deno.test("sha256: every length around the 64-byte blocks, any text, several updates", () => {
  const alphabet = ["a", "é", "✓", "𝄞", "\ud800", "\udc00", "\n", "\0"];
  let seed = 7;
  const pick = () => alphabet[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length];
  for (let length = 0; length < 300; length++) {
    const text = length % 3 === 0 ? "x".repeat(length) : Array.from({ length }, pick).join("");
    for (const encoding of ["utf8", "utf16le"] as const) {
      const expected = createHash("sha256").update(text, encoding).digest("hex");
      assert.equal(sha256().update(text, encoding).digest("hex"), expected, `${length}`);
      const half = Math.floor(text.length / 2);
      assert.equal(
        sha256().update(text.slice(0, half), encoding).update(text.slice(half), encoding)
          .digest("hex"),
        createHash("sha256").update(text.slice(0, half), encoding).update(
          text.slice(half),
          encoding,
        ).digest("hex"),
      );
    }
  }
});

Deno.test("sha256: long texts (node:crypto's side) and raw digests agree too", () => {
  for (const text of ["y".repeat(64 * 1024), "ü".repeat(40_000), "z".repeat(70_000)]) {
    assert.equal(
      sha256().update(text, "utf16le").digest("hex"),
      createHash("sha256").update(text, "utf16le").digest("hex"),
    );
    assert.deepEqual(
      sha256().update(text).digest(),
      new Uint8Array(createHash("sha256").update(text).digest()),
    );
  }
  assert.deepEqual(sha256().digest(), new Uint8Array(createHash("sha256").digest()));
});
