/**
 * A log file replaced by something that is no regular file (src/store/regular_open.ts):
 * a FIFO, a socket, a device. `weft logs` (with and without --follow) and `weft status`
 * say so in one line naming the path, and never wait on it (tester19 F7); a folder keeps
 * its own words; a resume claim that is a FIFO is refused naming it.
 */
import assert from "node:assert/strict";
import { NotRegularFileError, openRegular } from "../src/store/regular_open.ts";
import { historyJson, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const TWO = new URL("./fixtures/logs_fifo/two.yml", import.meta.url).pathname;
const POSIX = Deno.build.os !== "windows";

async function mkfifo(path: string): Promise<void> {
  const { code } = await new Deno.Command("mkfifo", { args: [path] }).output();
  assert.equal(code, 0);
}

/** A run of two.yml in a new home: its id, env, and the path of `a`'s log. */
async function runTwo() {
  const home = testTempDir("home-");
  const env = { WEFT_HOME: home, NO_COLOR: "1" };
  const run = await weft(["run", TWO, "-q"], { env });
  assert.equal(run.code, 1, run.stderr);
  const [{ id }] = await historyJson(home);
  const dir = `${home}/logs/${
    [...Deno.readDirSync(`${home}/logs`)].find((e) => e.isDirectory)!.name
  }`;
  return { id, env, log: `${dir}/a.1.log` };
}

Deno.test({
  name: "regular open: a FIFO, a socket, a device are refused without waiting; a file opens",
  ignore: !POSIX,
  fn: async () => {
    const dir = testTempDir("special-");
    await mkfifo(`${dir}/fifo`);
    const socket = Deno.listen({ transport: "unix", path: `${dir}/socket` });
    Deno.symlinkSync("/dev/zero", `${dir}/zero`);
    try {
      for (const [name, kind] of [["fifo", "FIFO"], ["socket", "socket"], ["zero", "device"]]) {
        // Only read through the link to /dev/zero: weft's tests never write under /dev.
        const ways = name === "zero" ? [{ read: true }] : [{ read: true }, { append: true }];
        for (const options of ways) {
          await assert.rejects(
            () => openRegular(`${dir}/${name}`, options),
            (e: unknown) => e instanceof NotRegularFileError && e.message.includes(kind),
          );
        }
      }
      Deno.writeTextFileSync(`${dir}/file`, "x");
      (await openRegular(`${dir}/file`, { read: true })).close();
      await assert.rejects(() => openRegular(`${dir}/none`, { read: true }), Deno.errors.NotFound);
    } finally {
      socket.close();
    }
  },
});

Deno.test({
  name: "regular open: weft logs and logs --follow name a FIFO in a log's place, exit 1",
  ignore: !POSIX,
  fn: async () => {
    const { id, env, log } = await runTwo();
    Deno.removeSync(log);
    await mkfifo(log);
    const line = `weft: cannot read the log of a (attempt 1): ${log}: ` +
      "it is a named pipe (FIFO), not a file\n";
    for (const extra of [[], ["--follow"], ["a"], ["a", "--follow"]]) {
      const logs = await weft(["logs", id, ...extra], { env });
      assert.equal(logs.code, 1, extra.join(" "));
      assert.equal(logs.stderr, line, extra.join(" "));
      if (!extra.includes("a")) assert.match(logs.stdout, /from-b/, "the other logs are shown");
    }
  },
});

Deno.test({
  name: "regular open: weft status of the failed task says its log cannot be read",
  ignore: !POSIX,
  fn: async () => {
    const { id, env, log } = await runTwo();
    Deno.removeSync(log);
    await mkfifo(log);
    const status = await weft(["status", id], { env });
    assert.equal(status.code, 0, status.stderr);
    assert.match(
      status.stdout + status.stderr,
      new RegExp(`its log file cannot be read: .*a\\.1\\.log: it is a named pipe \\(FIFO\\)`),
    );
  },
});

Deno.test({
  name: "regular open: a FIFO as the resume claim is named, --resume does not wait on it",
  ignore: !POSIX,
  fn: async () => {
    const { id, env, log } = await runTwo();
    const claim = `${log.slice(0, log.lastIndexOf("/"))}/resumed-by`;
    await mkfifo(claim);
    const resumed = await weft(["run", TWO, "-q", "--resume", id], { env });
    assert.equal(resumed.code, 2, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`resumed-by.*named pipe \\(FIFO\\)`));
  },
});
