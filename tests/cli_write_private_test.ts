/**
 * Files weft writes for the user (cli/write_private.ts): `create -o`, `generate -o`,
 * `schema -o` and `schedule export --systemd` write to a temporary file beside the
 * target and rename it into place, so a full disk leaves nothing behind and says so
 * plainly; a replaced file keeps its mode and its symbolic link.
 */
import assert from "node:assert/strict";
import { writePrivateFiles, writePrivateText } from "../src/cli/write_private.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { fillDisk, MOUNTABLE, NEEDS_MOUNT, withTmpfs } from "./_tmpfs.ts";

const BACKUP = new URL("./fixtures/schedule/backup.yml", import.meta.url).pathname;

function names(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("writePrivateText: new files 0600; a replaced one keeps its mode and link; no temp left", async () => {
  const dir = testTempDir("write-private-");
  await writePrivateText(`${dir}/new.yml`, "one", false);
  assert.equal((await Deno.stat(`${dir}/new.yml`)).mode! & 0o777, 0o600);
  await assert.rejects(writePrivateText(`${dir}/new.yml`, "two", false), Deno.errors.AlreadyExists);
  assert.equal(await Deno.readTextFile(`${dir}/new.yml`), "one");
  await Deno.chmod(`${dir}/new.yml`, 0o644);
  await Deno.symlink("new.yml", `${dir}/link.yml`);
  await writePrivateText(`${dir}/link.yml`, "three", true);
  assert.ok((await Deno.lstat(`${dir}/link.yml`)).isSymlink);
  assert.equal(await Deno.readTextFile(`${dir}/new.yml`), "three");
  assert.equal((await Deno.stat(`${dir}/new.yml`)).mode! & 0o777, 0o644);
  assert.deepEqual(names(dir), ["link.yml", "new.yml"]);
});

Deno.test("writePrivateFiles: all or none; a failure removes what it staged", async () => {
  const dir = testTempDir("write-private-");
  await Deno.writeTextFile(`${dir}/b`, "old");
  await assert.rejects(
    writePrivateFiles([{ path: `${dir}/a`, text: "a" }, { path: `${dir}/b`, text: "b" }], false),
    Deno.errors.AlreadyExists,
  );
  assert.deepEqual(names(dir), ["b"]);
  await assert.rejects(
    writePrivateFiles([{ path: `${dir}/c`, text: "c" }, { path: `${dir}/no/d`, text: "d" }], true),
    Deno.errors.NotFound,
  );
  assert.deepEqual(names(dir), ["b"]);
});

Deno.test({
  name: "full disk: create, generate, schema -o and schedule export leave nothing, say so" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: () =>
    withTmpfs("256k", async (mnt) => {
      const home = testTempDir("write-home-");
      const env = { WEFT_HOME: home };
      const added = await weft(["schedule", "add", BACKUP, "--cron", "0 2 * * *"], { env });
      assert.equal(added.code, 0, added.stderr);
      await Deno.mkdir(`${mnt}/units`);
      const fill = await fillDisk(mnt);
      const attempts = [
        ["create", "-t", "backup", "-o", `${mnt}/b.yml`],
        ["generate", "--type", "etl", "-o", `${mnt}/g.json`],
        ["schema", "-o", `${mnt}/s.json`],
        ["schedule", "export", "--systemd", `${mnt}/units`],
      ];
      for (const args of attempts) {
        const r = await weft(args, { env });
        assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
        assert.match(r.stderr, /no space left on the device; nothing was written/);
        assert.match(r.stderr, /\n {2}hint: free some space there, or point --\w+ at another/);
        assert.doesNotMatch(r.stderr, /internal error|os error|folder that exists/);
      }
      assert.deepEqual(names(mnt), [".fill", "units"]);
      assert.deepEqual(names(`${mnt}/units`), []);
      await Deno.remove(fill);
      for (const args of attempts) {
        const r = await weft(args, { env });
        assert.equal(r.code, 0, `${args.join(" ")} once there is space: ${r.stderr}`);
      }
      assert.match(await Deno.readTextFile(`${mnt}/b.yml`), /^name: backup$/m);
      assert.deepEqual(names(`${mnt}/units`), ["weft-backup.service", "weft-backup.timer"]);
    }),
});
