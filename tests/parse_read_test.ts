/**
 * A stray control character (U+0001..U+0008, U+000B, U+000E..U+001F, U+007F..U+009F but
 * NEL) is placed at its line and column and named, instead of making the whole file "not
 * a text file".
 */
import assert from "node:assert/strict";
import { decodeInput, inputPath, readInput } from "../src/parse/read.ts";
import type { Problem } from "../src/model/errors.ts";
import { NOBODY_CAN_RUN_WEFT, NOBODY_CANNOT_READ, weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const encode = (text: string) => new TextEncoder().encode(text);

Deno.test("decodeInput: the first control character is placed and named", () => {
  const found = decodeInput(encode("name: b\ntasks:\n  - id: a\x7f\n\x01"), "w.yml");
  assert.ok("message" in found);
  assert.equal(found.line, 3);
  assert.equal(found.column, 10);
  assert.match(found.message, /control character U\+007F/);
  assert.match(found.hint!, /\^\?.*\\u007F/);
  // After a byte-order mark, columns count from the first character, as the parser's.
  const bom = decodeInput(encode("\uFEFF{\x02}"), "w.json");
  assert.ok("message" in bom);
  assert.deepEqual([bom.line, bom.column], [1, 2]);
  assert.match(bom.hint!, /\^B/);
});

Deno.test("weft validate / run: one stray \\x01 is reported at its line:col", async () => {
  const dir = testTempDir("read-ctl-");
  await Deno.writeTextFile(
    `${dir}/w.yml`,
    'name: b\ntasks:\n  - id: a\n    command: "ec\x01ho"\n',
  );
  for (const command of ["validate", "run"]) {
    const result = await weft([command, "w.yml"], { cwd: dir });
    assert.equal(result.code, 2, command);
    const text = result.stdout + result.stderr;
    assert.match(text, /w\.yml:4:17: control character U\+0001/, command);
    assert.match(text, /hint: delete it/, command);
    assert.doesNotMatch(text, /not a text file/, command);
  }
});

Deno.test("inputPath: absolute and relative paths alike come out normalized", () => {
  assert.equal(inputPath("/work", "/tmp/./x.yml"), "/tmp/x.yml");
  assert.equal(inputPath("/work", "//tmp/dir//w.json"), "/tmp/dir/w.json");
  assert.equal(inputPath("/work", "/tmp/a/../x.yml"), "/tmp/x.yml");
  assert.equal(inputPath("/work", "/tmp/x.yml"), "/tmp/x.yml");
  assert.equal(inputPath("/work", "./d//x.yml"), "/work/d/x.yml");
});

Deno.test("weft run / status: a workflow named by an un-normalized absolute path is recorded normalized", async () => {
  const dir = testTempDir("abs-path-");
  await Deno.mkdir(`${dir}/sub`);
  await Deno.writeTextFile(`${dir}/sub/w.yml`, "name: w\ntasks:\n  - id: a\n    command: 'true'\n");
  const home = testTempDir("abs-home-");
  for (const typed of [`${dir}/./sub/w.yml`, `/${dir}//sub//w.yml`, `${dir}/sub/../sub/w.yml`]) {
    const run = await weft(["run", typed, "--json"], { env: { WEFT_HOME: home } });
    assert.equal(run.code, 0, run.stderr);
    const id = (JSON.parse(run.stdout) as { id: string }).id;
    const status = await weft(["status", id, "--json"], { env: { WEFT_HOME: home } });
    assert.equal(status.code, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout) as { file: string }).file, `${dir}/sub/w.yml`, typed);
  }
});

Deno.test("weft run '' / validate '': an empty name is said, not read as the current folder", async () => {
  for (const verb of ["run", "validate"]) {
    const run = await weft([verb, ""]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /no workflow file named: the name given is empty/);
    assert.doesNotMatch(run.stderr, /is a folder/);
  }
});

Deno.test("readInput: each way a path cannot be read says what to do", async () => {
  const dir = testTempDir("unreadable-");
  Deno.writeTextFileSync(`${dir}/plain`, "x");
  Deno.symlinkSync(`${dir}/loop_b`, `${dir}/loop_a`);
  Deno.symlinkSync(`${dir}/loop_a`, `${dir}/loop_b`);
  const cases: [string, RegExp, RegExp][] = [
    ["plain/w.yml", /a part of its path is a file, not a folder/, /every name before the last/],
    ["loop_a", /symbolic links point at each other in a loop/, /ls -l loop_a shows where/],
    [`${"n".repeat(300)}.yml`, /too long for the file system/, /shorter path/],
  ];
  for (const [file, message, hint] of cases) {
    const read = await readInput(file, { cwd: dir }) as Problem;
    assert.match(read.message, message, file);
    assert.match(read.hint ?? "", hint, file);
  }
});

Deno.test({
  name: "weft validate / run: a file the user may not read says so, and what to do" +
    (Deno.uid() === 0 ? " (as nobody, through setpriv)" : " (a folder of mode 000)") +
    (NOBODY_CAN_RUN_WEFT ? "" : NOBODY_CANNOT_READ),
  ignore: !NOBODY_CAN_RUN_WEFT,
  fn: async () => {
    const root = Deno.uid() === 0;
    // Open to every user (the tests' own temp root is private), removed at the end.
    const dir = Deno.makeTempDirSync({ prefix: "weft-unreadable-" });
    try {
      Deno.chmodSync(dir, 0o755);
      Deno.mkdirSync(`${dir}/locked`);
      Deno.writeTextFileSync(
        `${dir}/locked/secret.yml`,
        "name: s\ntasks:\n  - id: a\n    command: 'true'\n",
      );
      // The folder denies search: root reads through any mode, nobody does not.
      Deno.chmodSync(`${dir}/locked`, 0o000);
      const user = root ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
      for (const verb of ["validate", "run"]) {
        const [cmd, ...args] = [...user, Deno.execPath(), ...weftArgs([verb, "locked/secret.yml"])];
        const env = weftEnv({ WEFT_HOME: `${dir}/home`, HOME: dir, DENO_DIR: `${dir}/deno` });
        const out = await new Deno.Command(cmd, { args, env, clearEnv: true, cwd: dir }).output();
        const stderr = new TextDecoder().decode(out.stderr);
        assert.equal(out.code, 2, stderr);
        assert.match(
          stderr,
          /locked\/secret\.yml: cannot read the file: permission denied\n {2}hint: check the file's permissions and those of the folders above it \(namei -l locked\/secret\.yml\), or run weft as a user who can read it\n/,
        );
      }
    } finally {
      Deno.chmodSync(`${dir}/locked`, 0o755);
      Deno.removeSync(dir, { recursive: true });
    }
  },
});

Deno.test("weft validate: a raw ESC or C1 control is placed at its line:col; NEL and the \\e escape pass", async () => {
  const esc = await validateText("w.yml", "name: x\ntasks:\n  - id: a\n    command: echo a\x1bb\n");
  assert.equal(esc.code, 2, esc.text);
  assert.match(
    esc.text,
    /w\.yml:4:20: control character U\+001B .*\n\s*hint: delete it \(editors may show it as \^\[ /,
  );
  const csi = await validateText(
    "w.json",
    '{"name": "x\u009b2J", "tasks": [{"id": "a", "command": "true"}]}',
  );
  assert.equal(csi.code, 2, csi.text);
  assert.match(csi.text, /w\.json:1:12: control character U\+009B .*M-\^\[.*\\u009B/s);
  const nel = await validateText(
    "w.json",
    '{"name": "x\u0085y", "tasks": [{"id": "a", "command": "true"}]}',
  );
  assert.equal(nel.code, 0, nel.text);
  // Written as YAML's escape, ESC is data the file spells out: shown escaped, never refused.
  const escape = await validateText(
    "w.yml",
    'name: "a\\eb"\ntasks:\n  - id: a\n    command: "true"\n',
  );
  assert.equal(escape.code, 0, escape.text);
});

/** Runs `weft validate` on `text` saved as `name`; returns exit code and all output. */
async function validateText(name: string, text: string) {
  const dir = testTempDir("read-");
  await Deno.writeTextFile(`${dir}/${name}`, text);
  const { code, stdout, stderr } = await weft(["validate", name], { cwd: dir });
  return { code, text: stdout + stderr };
}

Deno.test("weft validate: a NUL in text is placed at its line:col; a binary file stays 'not a text file'", async () => {
  const nul = await validateText(
    "w.yml",
    "name: c1\ntasks:\n  - id: a\n    command: |\n      echo a\n      echo \0b\n",
  );
  assert.equal(nul.code, 2, nul.text);
  assert.match(
    nul.text,
    /w\.yml:6:12: control character U\+0000 .*\n\s*hint: delete it \(editors may show it as \^@ or not at all\): no program/,
  );
  const dir = testTempDir("read-bin-");
  await Deno.writeFile(
    `${dir}/b.yml`,
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]),
  );
  const bin = await weft(["validate", "b.yml"], { cwd: dir });
  assert.equal(bin.code, 2);
  assert.match(bin.stdout + bin.stderr, /b\.yml: not a text file\n\s*hint: .*byte 8 is zero/);
});
