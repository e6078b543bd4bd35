/**
 * What `--help` restates of README agrees with it and with what weft does: the order of
 * a task's environment layers, as `weft run` applies it, is the order `weft run --help`
 * and README's "Parameters and environment" give (weft's own environment, `--env`, the
 * workflow's `environment`, `defaults.environment`, the task's `environment`, then
 * weft's own variables); `weft --help` names every exit code README's table has.
 * Through the real CLI.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";

const FILE = new URL("./fixtures/env_order/layers.yml", import.meta.url).pathname;
const README = new URL("../README.md", import.meta.url).pathname;

/** Each layer, lowest first, and the words the texts name it by. */
const LAYERS: [string, RegExp][] = [
  ["process", /weft's own environment/],
  ["flag", /--env/],
  ["workflow", /the workflow's `environment`/],
  ["defaults", /`defaults\.environment`/],
  ["task", /the task's `environment`/],
  ["weft", /weft's own variables/i],
];

/** The layers in the order `text` names them; every one must be named. */
function namedOrder(written: string, label: string): string[] {
  const text = written.replace(/\s+/g, " "); // as read, whatever the line breaks
  const at = LAYERS.map(([layer, words]) => {
    const found = text.search(words);
    assert.ok(found >= 0, `${label} names ${layer}:\n${text}`);
    return { layer, found };
  });
  return at.sort((a, b) => a.found - b.found).map((a) => a.layer);
}

Deno.test("weft run: each environment layer overrides those before it, as --help and README say", async () => {
  const env = { V1: "process", V2: "process", V3: "process", V4: "process", V5: "process" };
  const run = await weft(
    ["run", FILE, "-v", ...["V2", "V3", "V4", "V5"].flatMap((v) => ["--env", `${v}=flag`])],
    { env: { ...env, WEFT_TASK_ID: "process" } },
  );
  assert.equal(run.code, 0, run.stderr);
  // V1 only weft's own environment sets; each next one a layer more: the winners, in order.
  assert.match(run.stderr, /^\[show\] order process flag workflow defaults task show$/m);
  const real = ["process", "flag", "workflow", "defaults", "task", "weft"];

  const help = await weft(["run", "--help"]);
  const precedence = /Environment precedence \(lowest first\):[^]*?\.\n/.exec(help.stdout)?.[0];
  assert.ok(precedence, help.stdout);
  assert.deepEqual(namedOrder(precedence, "run --help"), real);

  const readme = await Deno.readTextFile(README);
  const layers = /A task's environment is[^]*?Weft's\s+own variables[^]*?over every layer\./
    .exec(readme)?.[0];
  assert.ok(layers, "README's Parameters and environment");
  // README says --env "together with" weft's own environment, first, as one layer.
  assert.deepEqual(namedOrder(layers, "README"), real);
});

Deno.test("weft --help names every exit code of README's table, and each verb's own", async () => {
  const readme = await Deno.readTextFile(README);
  const table = readme.split("\n## Exit codes\n")[1]?.split("\n## ")[0] ?? "";
  const codes = [...table.matchAll(/^\| (\d+) +\|/gm)].map((m) => m[1]);
  assert.deepEqual(codes.toSorted(), ["0", "1", "129", "130", "143", "2"]);
  const help = (await weft(["--help"])).stdout.replace(/\s+/g, " ");
  for (const code of codes) assert.match(help, new RegExp(`\\b${code} `), `code ${code}`);
  assert.match(help, /1 the workflow failed \(or a fault of the machine/);
  // The verbs README names for 143 and 129 say so in their own --help.
  const run = (await weft(["run", "--help"])).stdout.replace(/\s+/g, " ");
  assert.match(run, /SIGTERM or SIGHUP [^.]* ends weft with 143 or 129/);
  const logs = (await weft(["logs", "--help"])).stdout.replace(/\s+/g, " ");
  assert.match(logs, /--follow ends[^.]* 130 on Ctrl-C and 143 on SIGTERM/);
  const monitor = (await weft(["monitor", "--help"])).stdout.replace(/\s+/g, " ");
  assert.match(monitor, /--live exits 0 on q, 130 on Ctrl-C or SIGTERM, 129 on SIGHUP/);
});
