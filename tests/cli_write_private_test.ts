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

function mkfifo(path: string): void {
  const made = new Deno.Command("mkfifo", { args: [path] }).outputSync();
  assert.ok(made.success, new TextDecoder().decode(made.stderr));
}

Deno.test("create, generate, schema -o and schedule export refuse a FIFO, device or link to one; left as it was", async () => {
  const dir = testTempDir("write-special-");
  const env = { WEFT_HOME: `${dir}/home` };
  mkfifo(`${dir}/fifo`);
  Deno.symlinkSync("fifo", `${dir}/link`);
  Deno.symlinkSync("nowhere", `${dir}/dangling`);
  // Our own device node (never one of /dev), as root only: /dev/null's numbers.
  const root = Deno.uid() === 0;
  if (root) {
    const made = new Deno.Command("mknod", { args: [`${dir}/null`, "c", "1", "3"] }).outputSync();
    assert.ok(made.success);
  }
  const attempts: Array<[string[], RegExp]> = [
    [
      ["schema", "-o", "fifo"],
      /^cannot write the schema to .*\/fifo: it is a named pipe \(FIFO\), not a file; nothing was written\n/,
    ],
    [
      ["schema", "-o", "link"],
      /: it is a symbolic link to fifo, a named pipe \(FIFO\), not a file; nothing was written/,
    ],
    [
      ["schema", "-o", "dangling"],
      /: it is a symbolic link to nowhere, where nothing is \(a dangling link\), not a file/,
    ],
    [
      ["create", "-t", "backup", "-o", "fifo", "--force"],
      /^cannot write fifo: it is a named pipe \(FIFO\), not a file/,
    ],
    [
      ["generate", "--type", "etl", "-o", "link", "--force"],
      /^cannot write link: it is a symbolic link to fifo/,
    ],
    ...(root
      ? [
        [["schema", "-o", "null"], /: it is a character device, not a file; nothing was written/],
        [
          ["create", "-t", "etl", "-o", "null", "--force"],
          /^cannot write null: it is a character device/,
        ],
      ] as Array<[string[], RegExp]>
      : []),
  ];
  for (const [args, says] of attempts) {
    const r = await weft(args, { env, cwd: dir });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, says, args.join(" "));
    assert.match(
      r.stderr,
      /\n {2}hint: weft replaces only a file \(or the file a link points to\): give --output a file name\n$/,
    );
  }
  // schedule export: a unit's name holding a FIFO stops the whole export.
  const added = await weft(["schedule", "add", BACKUP, "--cron", "0 2 * * *"], { env });
  assert.equal(added.code, 0, added.stderr);
  Deno.mkdirSync(`${dir}/units`);
  mkfifo(`${dir}/units/weft-backup.timer`);
  const unit = await weft(["schedule", "export", "--systemd", `${dir}/units`], { env });
  assert.equal(unit.code, 2, unit.stderr);
  assert.match(unit.stderr, /weft-backup\.timer is a named pipe \(FIFO\), not a file/);
  assert.deepEqual(names(`${dir}/units`), ["weft-backup.timer"]);
  assert.ok(Deno.lstatSync(`${dir}/units/weft-backup.timer`).isFifo);
  assert.ok(Deno.lstatSync(`${dir}/fifo`).isFifo);
  assert.ok(Deno.lstatSync(`${dir}/link`).isSymlink);
  assert.ok(Deno.lstatSync(`${dir}/dangling`).isSymlink);
  if (root) assert.ok(Deno.lstatSync(`${dir}/null`).isCharDevice);
  assert.deepEqual(names(dir).filter((n) => n.includes(".weft-")), []);
});

Deno.test("create and schema -o: one wording for a missing folder, the OS's reason (no temp name) otherwise", async () => {
  const dir = testTempDir("write-folder-");
  for (
    const args of [["create", "-t", "backup", "-o", "no/x.yml"], ["schema", "-o", "no/s.json"]]
  ) {
    const r = await weft(args, { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `: its folder does not exist; nothing was written\\n {2}hint: create the folder first \\(mkdir -p ${dir}/no\\)\\n$`,
      ),
    );
  }
  Deno.writeTextFileSync(`${dir}/f`, "");
  for (const path of ["f/x.json", "f/deeper/x.json"]) {
    const underFile = await weft(["schema", "-o", path], { cwd: dir });
    assert.equal(underFile.code, 2);
    assert.match(
      underFile.stderr,
      /: \/.*\/f(\/deeper)? is not a folder \(a file is in the path\); nothing was written\n {2}hint: give --output a file in a folder\n$/,
    );
  }
  // /proc exists but takes no new file: not "its folder does not exist".
  if (Deno.statSync("/proc").isDirectory) {
    for (
      const args of [["create", "-t", "backup", "-o", "/proc/x.yml"], [
        "schema",
        "-o",
        "/proc/x.json",
      ]]
    ) {
      const r = await weft(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /: the folder \/proc took no new file: no such file or directory; nothing was written/,
      );
      assert.doesNotMatch(r.stderr, /\.weft-|os error/);
    }
  }
});
