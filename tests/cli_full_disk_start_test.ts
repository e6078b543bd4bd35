/**
 * `weft run` on a disk too full to record the run, with weft.reserve present (tester15
 * F5): whatever little room is left (enough to open the history, too little for the
 * run's record), the run is refused in words with exit 2 ("nothing ran", README Full
 * disk): no "started" line, no report, no run in history, the reserve kept. Needs a
 * tmpfs (root); skipped, saying so, elsewhere.
 */
import assert from "node:assert/strict";
import { historyJson, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { MOUNTABLE, NEEDS_MOUNT, sh, withTmpfs } from "./_tmpfs.ts";

/** Leaves about `kib` KiB free on the file system of `dir`. */
async function leaveFree(dir: string, kib: number): Promise<void> {
  const df = await new Deno.Command("df", { args: ["-k", "--output=avail", dir] }).output();
  const avail = Number(new TextDecoder().decode(df.stdout).trim().split("\n").pop());
  if (avail > kib) {
    assert.ok(await sh("dd", "if=/dev/zero", `of=${dir}/.fill`, "bs=1k", `count=${avail - kib}`));
  }
}

Deno.test({
  name: "full disk at the start, reserve present: refused with exit 2, nothing recorded" +
    (MOUNTABLE ? "" : NEEDS_MOUNT),
  ignore: !MOUNTABLE,
  fn: async () => {
    const flows = testTempDir("full-start-");
    Deno.writeTextFileSync(
      `${flows}/c0.yml`,
      "name: c0\ntasks:\n  - id: x\n    command: echo hi\n",
    );
    Deno.writeTextFileSync(
      `${flows}/d2.yml`,
      "name: d2\ntasks:\n  - id: a\n    command: seq 1 2000\n  - id: b\n    depends_on: [a]\n" +
        "    command: 'exit 1'\n    on_failure: [cb]\n  - id: cb\n    command: echo cb\n",
    );
    for (const [free, json] of [[40, false], [50, true], [35, false]] as const) {
      await withTmpfs("2m", async (mnt) => {
        const env = { WEFT_HOME: `${mnt}/h` };
        assert.equal((await weft(["run", `${flows}/c0.yml`, "-q"], { env })).code, 0);
        await leaveFree(mnt, free);
        const args = ["run", `${flows}/d2.yml`, ...(json ? ["--json"] : [])];
        const r = await weft(args, { env });
        const at = `${free} KiB free`;
        assert.equal(r.code, 2, `${at}: ${r.stderr}`);
        assert.match(r.stderr, /no space left on the device/, at);
        assert.doesNotMatch(r.stderr, /started|failed in|internal error/, at);
        assert.equal(r.stdout, "", at);
        await sh("rm", "-f", `${mnt}/.fill`);
        const listed = await historyJson<{ workflow: string }>(env.WEFT_HOME);
        assert.deepEqual(listed.map((run) => run.workflow), ["c0"], at);
        assert.equal(Deno.statSync(`${mnt}/h/weft.reserve`).size, 128 * 1024, at);
      });
    }
  },
});
