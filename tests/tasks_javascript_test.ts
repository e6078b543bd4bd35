/**
 * The `javascript` task: weft's own runtime runs the script (no node or deno on PATH),
 * Node-style scripts, TypeScript, setOutput, params and env; failures in one line; a
 * timeout ends the script and what it started.
 */
import assert from "node:assert/strict";
import { formatOutput, scriptStack } from "../src/tasks/js_host.ts";
import { parseOutputs } from "../src/engine/outputs.ts";
import { JS_HOST_VERB, jsHostCommand } from "../src/tasks/script_launch.ts";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask as task, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/scripts/", import.meta.url).pathname;

/** A folder whose only program is `sh`: neither node nor deno can be found on it. */
function bareBin(): string {
  const bin = testTempDir("bin-");
  Deno.symlinkSync("/bin/sh", `${bin}/sh`);
  for (const name of ["node", "deno", "nodejs", "bun"]) {
    assert.throws(() => Deno.statSync(`${bin}/${name}`));
  }
  return bin;
}

Deno.test("formatOutput: values, multi-line values and delimiter clashes round-trip", () => {
  const values: Record<string, string> = {
    plain: "a=b c",
    empty: "",
    lines: "one\ntwo",
    clash: "x\nWEFT_EOF\ny",
  };
  const text = Object.entries(values).map(([k, v]) => formatOutput(k, v)).join("");
  assert.deepEqual(parseOutputs(text), values);
});

Deno.test("jsHostCommand: compiled, from source and from a bundle", () => {
  assert.deepEqual(
    jsHostCommand("/opt/bin/weft", "file:///x/main.ts", "file:///x/a.ts", true),
    ["/opt/bin/weft", JS_HOST_VERB],
  );
  const root = new URL("..", import.meta.url);
  const source = jsHostCommand(
    "/usr/bin/deno",
    "file:///somewhere/test.ts",
    new URL("src/tasks/script_launch.ts", root).href,
  );
  assert.deepEqual(source.slice(0, 5), ["/usr/bin/deno", "run", "-A", "--quiet", "--config"]);
  assert.deepEqual(source.slice(-2), [new URL("main.ts", root).pathname, JS_HOST_VERB]);
  assert.deepEqual(
    jsHostCommand("/usr/bin/deno", "file:///d/weft.js", "file:///d/weft.js"),
    ["/usr/bin/deno", "run", "-A", "--quiet", "--no-config", "/d/weft.js", JS_HOST_VERB],
  );
});

Deno.test("scriptStack: the script's own frames, at the script's line numbers", () => {
  const error = new Error("boom");
  error.stack = [
    "Error: boom",
    "    at f (file:///w/a.js, <anonymous>:3:22)",
    "    at runJavaScriptHost (file:///weft/js_host.ts:77:11)",
  ].join("\n");
  assert.equal(
    scriptStack(error, "file:///w/a.js", "/w/a.js"),
    "Error: boom\n    at f (/w/a.js:1:22)",
  );
  assert.equal(scriptStack("plain", "x", "x"), "Uncaught plain");
});

Deno.test("javascript: Node-style, TypeScript and inline scripts run with neither node nor deno on PATH", async () => {
  const dir = testTempDir("js-");
  Deno.mkdirSync(`${dir}/lib`);
  for (const name of ["javascript.yml", "node-style.js", "typed.ts", "lib/shout.js"]) {
    Deno.copyFileSync(`${FIXTURES}${name}`, `${dir}/${name}`);
  }
  const { code, stdout, stderr } = await weft(
    ["run", `${dir}/javascript.yml`, "--json", "-v", "-p", "who=ada"],
    { env: { PATH: bareBin() } },
  );
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as RunReport;
  assert.deepEqual(task(report, "node-style").outputs, {
    shouted: "ADA!",
    second: "two words",
    dirname: dir,
  });
  assert.match(stderr, /^\[node-style\] ADA! string$/m);
  assert.deepEqual(task(report, "typed").outputs, { length: "5" });
  assert.deepEqual(task(report, "inline").outputs, {
    joined: "a/b",
    color: "blue",
    who: "ada",
    lines: "one\ntwo\nWEFT_EOF\nthree",
    object: '{"n":1}',
  });
  assert.match(stderr, /^\[inline\] argv \["x"\]$/m);
});

Deno.test("javascript: a static import, a throw, an exit code and a missing script fail clearly", async () => {
  const { code, stdout, stderr } = await weft([
    "run",
    `${FIXTURES}javascript-bad.yml`,
    "--json",
  ]);
  assert.equal(code, 1, stderr);
  const report = JSON.parse(stdout) as RunReport;
  assert.equal(task(report, "static-import").exitCode, 1);
  assert.match(stderr, /static import statements are not supported: use require\("node:fs"\)/);
  assert.equal(task(report, "throws").exitCode, 1);
  // The script's own frame at its own line; none of weft's.
  assert.match(stderr, /stderr │ Error: broken on purpose/);
  assert.match(stderr, /at f \(<inline code>:1:\d+\)/);
  assert.doesNotMatch(stderr, /js_host|main\.ts/);
  assert.equal(task(report, "exits").exitCode, 7);
  assert.equal(task(report, "enum").exitCode, 1);
  assert.match(
    stderr,
    /TypeScript enum is not supported in strip-only mode at \S*enum\.ts:1:1 \(only erasable TypeScript is supported\)/,
  );
  const never = task(report, "never-settles");
  assert.deepEqual([never.status, never.exitCode], ["failed", 13]);
  assert.match(
    stderr,
    /weft: inline code: the script ended while awaiting a promise that nothing can settle/,
  );
  assert.doesNotMatch(stderr, /Top-level await promise never resolved/);
  assert.equal(task(report, "timer-after").status, "success");
  assert.match(task(report, "folder-script").error ?? "", /^script "lib" is a folder \(.*lib\)/);
  const missing = task(report, "missing-script");
  assert.equal(missing.status, "failed");
  assert.match(missing.error ?? "", /^script "nowhere\.js" not found \(looked for .*nowhere\.js;/);
});

Deno.test("javascript: a timeout ends the script and the process it started", async () => {
  const pidFile = `${testTempDir("pid-")}/pid`;
  const { code, stdout, stderr } = await weft(
    ["run", `${FIXTURES}javascript-timeout.yml`, "--json"],
    { env: { PID_FILE: pidFile } },
  );
  assert.equal(code, 1, stderr);
  const report = JSON.parse(stdout) as RunReport;
  assert.equal(task(report, "slow").status, "timed_out");
  const pid = Number(Deno.readTextFileSync(pidFile));
  assert.ok(pid > 0);
  let state = "gone";
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    // gone
  }
  assert.ok(state === "gone" || state === "Z", `sleep ${pid} is still running (${state})`);
});

Deno.test("javascript: from a bundle, with neither node nor deno on PATH", async () => {
  const dir = testTempDir("js-bundle-");
  const bundle = `${dir}/weft.js`;
  const root = new URL("..", import.meta.url).pathname;
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform", "deno", "-o", bundle, `${root}main.ts`],
    cwd: root,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(built.code, 0, new TextDecoder().decode(built.stderr));
  Deno.mkdirSync(`${dir}/lib`);
  for (const name of ["javascript.yml", "node-style.js", "typed.ts", "lib/shout.js"]) {
    Deno.copyFileSync(`${FIXTURES}${name}`, `${dir}/${name}`);
  }
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-config", "--unstable-kv", bundle, "run", "javascript.yml", "--json"],
    cwd: dir,
    clearEnv: true,
    env: { PATH: bareBin(), HOME: dir, WEFT_HOME: `${dir}/home` },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(run.stderr);
  assert.equal(run.code, 0, stderr);
  const report = JSON.parse(new TextDecoder().decode(run.stdout)) as RunReport;
  assert.equal(task(report, "node-style").outputs.shouted, "WORLD!");
  assert.equal(task(report, "typed").outputs.length, "5");
  assert.equal(task(report, "inline").outputs.joined, "a/b");
});

Deno.test("javascript: an unhandled rejection or a throw in a timer shows the script's own lines, exit 1", async () => {
  const { code, stdout, stderr } = await weft([
    "run",
    `${FIXTURES}uncaught/uncaught.yml`,
    "--json",
    "-v",
  ]);
  assert.equal(code, 1, stderr);
  const report = JSON.parse(stdout) as RunReport;
  for (const id of ["rejects", "timer", "inline"]) assert.equal(task(report, id).exitCode, 1, id);
  assert.match(stderr, /Error: async boom at line 5\n.*at f \(\S*uncaught\/rejects\.js:5:9\)/);
  assert.match(stderr, /TypeError: Cannot read properties of null \(reading 'prop'\)/);
  assert.match(stderr, /\(\S*uncaught\/timer\.js:4:5\)/);
  assert.match(stderr, /Error: boom\n.*at eval \(<inline code>:1:16\)/);
  // Not Deno's words, nor its internal frames, nor weft's.
  assert.doesNotMatch(stderr, /Uncaught \(in promise\)|ext:|js_host|file:\/\//);
  assert.doesNotMatch(stderr, /after/); // the inline script ended at its rejection, as node does
  // A script listening for them itself keeps them.
  assert.equal(task(report, "handled").status, "success");
  assert.match(stderr, /\[handled\] handled mine/);
});

Deno.test("javascript: setOutput of null or undefined is the empty value, not the word", async () => {
  const dir = new URL("./fixtures/js_outputs/", import.meta.url).pathname;
  const { code, stdout, stderr } = await weft(["run", `${dir}empty.yml`, "--json", "-v"]);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as RunReport;
  assert.deepEqual(task(report, "j").outputs, {
    u: "",
    nul: "",
    zero: "0",
    no: "false",
    list: "[1,null]",
  });
  assert.equal(task(report, "show").status, "success");
  assert.match(stderr, /^\[show\] \[\]\[\]\[0\]$/m);
});
