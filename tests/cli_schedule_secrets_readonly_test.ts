/**
 * A schedule-secrets folder that cannot be written (here a read-only bind mount; as root
 * chmod would not stop the writes): `schedule remove` and `schedule add --replace` say in
 * one line which file they could not delete or write, exit 2, and leave the schedule as
 * it was with its values, so nothing is half-done and the secret is never left on disk
 * behind a schedule said removed (store/schedule_secrets.ts, store/kv_schedules.ts).
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { MOUNTABLE, NEEDS_MOUNT, sh } from "./_tmpfs.ts";

const DEPLOY = new URL("./fixtures/schedule_secrets/deploy.yml", import.meta.url).pathname;
const TOKEN = "tok_RO_4242";

function add(cron: string, secrets: boolean, ...more: string[]): string[] {
  return [
    "schedule",
    "add",
    DEPLOY,
    "--cron",
    cron,
    ...(secrets ? ["-p", `api_token=${TOKEN}`] : []),
    "-p",
    `region=eu-${secrets ? TOKEN : "west"}`,
    ...more,
  ];
}

/** Runs `fn` with the schedule `deploy` added (with secrets) and its secrets folder read-only. */
async function withReadOnlySecrets(
  fn: (env: Record<string, string>, file: string) => Promise<void>,
): Promise<void> {
  const home = testTempDir("sched-ro-secrets-");
  const env = { WEFT_HOME: home };
  const added = await weft(add("0 2 * * *", true), { env });
  assert.equal(added.code, 0, added.stderr);
  const dir = `${home}/schedule-secrets`;
  const [file] = [...Deno.readDirSync(dir)].map((e) => `${dir}/${e.name}`);
  assert.ok(await sh("mount", "--bind", dir, dir));
  try {
    assert.ok(await sh("mount", "-o", "remount,bind,ro", dir));
    await fn(env, file);
  } finally {
    await sh("umount", dir);
  }
}

/** The one-line refusal, and that the schedule is still there with its old cron. */
async function refused(
  result: { code: number; stdout: string; stderr: string },
  env: Record<string, string>,
  file: string,
  verb: "delete" | "write",
): Promise<void> {
  assert.equal(result.code, 2, result.stderr);
  const [line] = result.stderr.split("\n");
  assert.equal(
    line,
    `${file}: cannot ${verb} the secret params of schedule deploy, so it is left as it was: ` +
      "the file system is read-only",
  );
  assert.doesNotMatch(result.stderr, /internal error|removed schedule|added schedule| {4}at /);
  assert.ok(!result.stderr.includes(TOKEN) && !result.stdout.includes(TOKEN));
  const list = await weft(["schedule", "list", "--json"], { env });
  assert.equal(list.code, 0, list.stderr);
  const [entry] = JSON.parse(list.stdout);
  assert.equal(entry.name, "deploy");
  assert.equal(entry.cron, "0 2 * * *");
  assert.equal(entry.secrets_unreadable, undefined);
  assert.equal(JSON.parse(Deno.readTextFileSync(file)).params.api_token, TOKEN);
}

const ro = (name: string) => name + (MOUNTABLE ? "" : NEEDS_MOUNT);

Deno.test({
  name: ro(
    "remove with a read-only secrets folder refuses, keeps the schedule; again once writable",
  ),
  ignore: !MOUNTABLE,
  fn: async () => {
    let env: Record<string, string> = {};
    let file = "";
    await withReadOnlySecrets(async (e, f) => {
      [env, file] = [e, f];
      await refused(await weft(["schedule", "remove", "deploy"], { env }), env, file, "delete");
    });
    const again = await weft(["schedule", "remove", "deploy"], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /removed schedule deploy/);
    assert.ok(!(await Deno.stat(file).then(() => true, () => false)), "the secret stayed");
  },
});

Deno.test({
  name: ro("add --replace with a read-only secrets folder refuses, with or without secrets"),
  ignore: !MOUNTABLE,
  fn: () =>
    withReadOnlySecrets(async (env, file) => {
      const without = await weft(add("0 3 * * *", false, "--replace"), { env });
      await refused(without, env, file, "delete");
      const other = await weft(add("0 4 * * *", true, "--replace"), { env });
      await refused(other, env, file, "write");
      // A new schedule with secrets is not added without its file.
      const fresh = await weft(add("0 5 * * *", true, "--name", "fresh"), { env });
      assert.equal(fresh.code, 2, fresh.stderr);
      assert.match(fresh.stderr, /: cannot write the secret params of schedule fresh, /);
      const list = await weft(["schedule", "list", "--json"], { env });
      assert.deepEqual(JSON.parse(list.stdout).map((s: { name: string }) => s.name), ["deploy"]);
    }),
});
