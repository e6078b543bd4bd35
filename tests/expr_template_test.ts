/**
 * An unset `${env.NAME}` in a field an empty value would silently change — a path
 * (`cwd`, a script, a sqlite file, a glob), a URL (an http `url`, a postgres connection),
 * a notification credential — fails naming the variable (src/expr/template.ts checkSet,
 * renderUrl, renderPath); in a command it reads as empty, as the shell's does.
 */
import assert from "node:assert/strict";
import {
  compileShellTemplate,
  compileTemplate,
  ExpressionError,
  type Scope,
} from "../src/expr/mod.ts";
import { resolveChannels } from "../src/notify/config.ts";
import { resolveQuoted } from "../src/model/data_text.ts";
import { weft } from "./_run_cli.ts";

const FIXTURES = new URL("./fixtures/unset_env/", import.meta.url).pathname;

const envScope = (env: Record<string, string>): Scope => (root, path) =>
  root === "env" && path.length === 1 ? env[path[0]] : undefined;

Deno.test("template: renderPath and renderUrl refuse an unset ${env.NAME}, at its offset", () => {
  const path = compileTemplate("${env.DIR}/sub");
  assert.throws(
    () => path.renderPath(envScope({}), false),
    (e: unknown) =>
      e instanceof ExpressionError && e.offset === 0 &&
      resolveQuoted(e.message) === "DIR is not set" && /--env DIR=/.test(e.hint ?? ""),
  );
  // Set to the empty text, it is set, and then a name of the path like any value: an
  // empty first name would start it at / (verifier N3); raw(...) reads as written.
  assert.throws(
    () => path.renderPath(envScope({ DIR: "" }), false),
    /an empty name at the start of the path/,
  );
  const raw = compileTemplate("${raw(env.DIR)}/sub");
  assert.equal(raw.renderPath(envScope({ DIR: "" }), false), "/sub");
  const url = compileTemplate("https://x.test/${raw(env.P)}?q=${env.Q}");
  assert.throws(
    () => url.renderUrl(envScope({ Q: "1" })),
    (e: unknown) => e instanceof ExpressionError && e.offset === 15,
  );
  assert.throws(
    () => url.renderUrl(envScope({ P: "a" })),
    (e: unknown) => e instanceof ExpressionError && resolveQuoted(e.message) === "Q is not set",
  );
  assert.equal(url.renderUrl(envScope({ P: "a/b", Q: "" })), "https://x.test/a/b?q=");
});

Deno.test("template: plain text and expressions other than one variable read unset as empty", () => {
  const scope = envScope({});
  assert.equal(compileTemplate("[${env.X}]").render(scope), "[]");
  // An expression reading it decides for itself; only a bare ${env.NAME} is checked.
  assert.equal(compileTemplate("a${env.X + 'b'}").renderPath(scope, false), "ab");
  compileTemplate("${params.p}/${item.f}").checkSet(scope);
  assert.throws(() => compileTemplate("x ${env.X}").checkSet(scope), ExpressionError);
});

Deno.test("notifications: an unset variable in the SMTP password fails the channel naming it", () => {
  const plan = resolveChannels({
    workflow: {
      name: "wf",
      notifications: {
        channels: ["email", "webhook"],
        email: {
          smtp: { host: "mail.test", user: "weft", password: "${env.SMTP_PASSWORD}" },
          from: "weft@x.test",
          to: ["ops@x.test"],
        },
        webhook: { url: "${env.HOOK_URL}/hooks" },
      },
    },
    env: {},
    params: {},
  });
  const email = plan.channels.get("email") as { error: string };
  assert.match(
    resolveQuoted(email.error),
    /^notifications\.email\.smtp\.password: SMTP_PASSWORD is not set/,
  );
  const hook = plan.channels.get("webhook") as { error: string };
  assert.match(resolveQuoted(hook.error), /^notifications\.webhook\.url: HOOK_URL is not set/);
});

Deno.test("weft run: an unset variable in a path, URL or connection fails the task naming it", async () => {
  const run = await weft(["run", "fields.yml", "-v"], { cwd: FIXTURES });
  assert.equal(run.code, 1, run.stderr);
  const text = run.stdout + run.stderr;
  for (
    const [id, line] of [
      ["dir", "cwd: WEFT_TEST_WORK_DIR is not set"],
      ["below", "cwd: WEFT_TEST_WORK_DIR is not set"],
      ["url", "url: WEFT_TEST_API_URL is not set"],
      ["script", "script: WEFT_TEST_SCRIPT_DIR is not set"],
      ["sqlite", "connection: WEFT_TEST_DB_FILE is not set"],
      ["postgres", "connection: WEFT_TEST_DATABASE_URL is not set"],
      ["glob", "input.path: WEFT_TEST_IN is not set"],
    ]
  ) {
    assert.ok(text.includes(`✖ ${id} failed: ${line} (set it: --env`), `${id}:\n${text}`);
  }
  // A command reads it as empty, as the shell does.
  assert.match(text, /\[command\] \[\]/);
});

Deno.test("weft run --dry-run: a task's cwd is shown, an unset variable in it as such", async () => {
  const plan = await weft(["run", "fields.yml", "--dry-run"], { cwd: FIXTURES });
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stdout + plan.stderr, /in <env\.WEFT_TEST_WORK_DIR unset>\/sub\n\s+\$ pwd/);
  const set = await weft(["run", "fields.yml", "--dry-run"], {
    cwd: FIXTURES,
    env: { WEFT_TEST_WORK_DIR: "/srv/w" },
  });
  assert.match(set.stdout + set.stderr, /in \/srv\/w\/sub\n/);
});

Deno.test("template: renderShellShown shows a command as renderShell has the shell read it", () => {
  const scope: Scope = (root) => root === "params" ? "val" : undefined;
  const shown = (text: string) => compileShellTemplate(text).renderShellShown(scope);
  // A comment is the shell's: its `${...}` stays as written, as renderShell leaves it.
  assert.equal(
    shown("# a ${params.x} ${HOME}\necho ${params.x} # ${params.x}"),
    "# a ${params.x} ${HOME}\necho val # ${params.x}",
  );
  // A backslash before a value: renderShell's line continuation removes it with the
  // newline, so the shell reads the value whole; in $'...' it is doubled, one backslash.
  assert.equal(shown('echo "d \\${params.x}" e\\${params.x}'), 'echo "d val" eval');
  assert.equal(shown("printf %s $'\\${params.x}'"), "printf %s $'\\\\val'");
  assert.match(
    compileShellTemplate('echo "\\${params.x}"').renderShell(scope).command,
    /^echo "\\\n\$\{WEFT_V_1\}"$/,
  );
  // `$${` is the shell's `${`.
  assert.equal(shown("echo $${HOME} ${params.x}"), "echo ${HOME} val");
});
