/**
 * store/kv_handles.ts: the databases this process has open, so that nothing opens and
 * closes a descriptor of them outside SQLite (which would drop SQLite's locks; the
 * daemon-level consequence is tested in daemon_full_disk_test.ts).
 */
import assert from "node:assert/strict";
import { isKvOpenHere, openKvFile } from "../src/store/kv_handles.ts";
import { openableForWriting } from "../src/store/kv_file.ts";
import { openStore } from "../src/store/open.ts";
import { testTempDir } from "./_tmp.ts";

Deno.test("openKvFile: a database counts as open here until its last connection closes", async () => {
  const path = `${testTempDir("kv-handles-")}/weft.kv`;
  assert.equal(isKvOpenHere(path), false);
  const one = await openKvFile(path);
  const two = await openKvFile(path);
  assert.equal(isKvOpenHere(path), true);
  one.close();
  assert.throws(() => one.close()); // as Deno.Kv's own: and it does not count twice
  assert.equal(isKvOpenHere(path), true);
  two.close();
  assert.equal(isKvOpenHere(path), false);
});

Deno.test("openableForWriting: a database open here is not opened again (its locks are kept)", async () => {
  const home = testTempDir("kv-handles-");
  const store = await openStore(home);
  try {
    // Read-only, and open here: not opened (it was checked when the store opened).
    Deno.chmodSync(`${home}/weft.kv`, 0o400);
    openableForWriting(`${home}/weft.kv`);
    openableForWriting(`${home}/weft.kv-wal`);
    // A second store in the same process (as each daemon run opens one) opens fine.
    const again = await openStore(home);
    again.close();
  } finally {
    store.close();
  }
  if (Deno.uid() !== 0) {
    // Closed: the check opens it again, and says what it found.
    assert.throws(() => openableForWriting(`${home}/weft.kv`), Deno.errors.PermissionDenied);
  }
});
