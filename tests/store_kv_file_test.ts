/**
 * src/store/kv_file.ts: the error a read gives once it waited out another process's
 * lock says how long it waited as weft prints every duration.
 */
import assert from "node:assert/strict";
import { LockWaitExpired } from "../src/store/kv_file.ts";

Deno.test("LockWaitExpired: the wait reads as weft prints durations (3.0s, 250ms)", () => {
  const read = Promise.resolve();
  assert.equal(new LockWaitExpired(3_000, null, read).message, "database is locked (waited 3.0s)");
  assert.equal(new LockWaitExpired(250, null, read).message, "database is locked (waited 250ms)");
  assert.equal(new LockWaitExpired(0, null, read).message, "database is locked (busy)");
});
