import assert from "node:assert/strict";
import { fnv1a } from "../src/short_hash.ts";

Deno.test("fnv1a gives FNV-1a 32's published vectors for ASCII text, as 8 hex digits", () => {
  // Vectors from the FNV reference test suite (draft-eastlake-fnv, "FNV-1a 32").
  assert.equal(fnv1a(""), "811c9dc5");
  assert.equal(fnv1a("a"), "e40c292c");
  assert.equal(fnv1a("foobar"), "bf9cf968");
});

Deno.test("fnv1a keeps names that differ only past a cut apart", () => {
  const long = "d".repeat(300);
  assert.notEqual(fnv1a(`${long}1`), fnv1a(`${long}2`));
  assert.match(fnv1a(long), /^[0-9a-f]{8}$/);
});
