/**
 * `weft schedule add` refuses a path that names a descriptor of the process reading it
 * (/dev/stdin, /dev/fd/N, /proc/self/fd/N, or a link to one; src/regular_file.ts
 * descriptorPath): with add's stdin a regular file the path read well, but the daemon read
 * its own stdin at each fire (tester vsched F6). `weft validate /dev/stdin` still reads
 * standard input; `weft validate` of a socket says what it is.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FLOW = `name: every\ntasks:\n  - id: t\n    type: shell\n    command: "true"\n`;

/** `weft ARGS < file` through a shell: stdin a regular file, as a user's redirect gives. */
async function weftFromFile(args: string[], file: string, home: string) {
  const out = await new Deno.Command("bash", {
    args: ["-c", 'exec "$0" "$@" < "$FLOW"', Deno.execPath(), ...weftArgs(args)],
    env: weftEnv({ WEFT_HOME: home, FLOW: file }),
    clearEnv: true,
    cwd: join(file, ".."),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("schedule add refuses /dev/stdin, /dev/fd/0, /proc/self/fd/0 and a link to one", async () => {
  const dir = testTempDir("descriptor-");
  const home = testTempDir("home-");
  const file = join(dir, "every.yml");
  Deno.writeTextFileSync(file, FLOW);
  Deno.symlinkSync("/dev/stdin", join(dir, "link.yml"));
  for (const path of ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0", "link.yml"]) {
    const add = await weftFromFile(
      ["schedule", "add", path, "--cron", "* * * * *", "--name", "s"],
      file,
      home,
    );
    assert.equal(add.code, 2, `${path}: ${add.stdout}${add.stderr}`);
    assert.match(add.stderr, /a descriptor of the process that reads it/, path);
    assert.doesNotMatch(add.stderr, /at .*\.ts:\d+/, "no stack trace");
  }
  const list = await weft(["schedule", "list", "--json"], { env: { WEFT_HOME: home } });
  assert.deepEqual(JSON.parse(list.stdout), [], "nothing stored");
  // Read once, now: standard input is what the user means.
  const validate = await weftFromFile(["validate", "/dev/stdin"], file, home);
  assert.equal(validate.code, 0, validate.stderr);
  // The file itself is taken.
  const ok = await weftFromFile(
    ["schedule", "add", file, "--cron", "* * * * *", "--name", "s"],
    file,
    home,
  );
  assert.equal(ok.code, 0, ok.stderr);
});

Deno.test("validate of a socket says it is a socket", async () => {
  const dir = testTempDir("socket-");
  const path = join(dir, "sock.json");
  const listener = Deno.listen({ transport: "unix", path });
  try {
    const out = await weft(["validate", path]);
    assert.equal(out.code, 2, out.stderr); // as a file that cannot be read
    assert.match(out.stdout + out.stderr, /sock\.json: is a socket, not a file/);
  } finally {
    listener.close();
  }
});
