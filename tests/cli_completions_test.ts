/**
 * `weft completions bash|zsh|fish`: scripts generated from the verb definitions. The
 * bash script is sourced in a real bash and asked for completions as bash would
 * (COMP_WORDS/COMP_CWORD); zsh and fish scripts are syntax-checked where those shells
 * are installed.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { completionScript } from "../src/cli/completions.ts";
import type { ProgramDef } from "../src/cli/command.ts";
import { PROGRAM } from "../src/cli/main.ts";

async function sh(cmd: string, args: string[], cwd?: string) {
  try {
    const r = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    return { code: r.code, stdout: text(r.stdout), stderr: text(r.stderr) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** What bash offers for the words typed so far (the last one being completed). */
async function bashComplete(script: string, cwd: string, ...words: string[]): Promise<string[]> {
  const file = `${cwd}/.completion.bash`;
  await Deno.writeTextFile(file, script);
  const quoted = words.map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(" ");
  const r = await sh("bash", [
    "-c",
    `source ${file}; COMP_WORDS=(${quoted}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); ` +
    `_weft_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
  ], cwd);
  assert.ok(r, "bash is installed");
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split("\n").filter(Boolean).sort();
}

Deno.test("completions bash: verbs, options, subcommands and workflow files", async () => {
  const dir = testTempDir("completions-");
  for (const f of ["a.yml", "b.yaml", "c.json", "notes.txt"]) {
    await Deno.writeTextFile(`${dir}/${f}`, "");
  }
  await Deno.mkdir(`${dir}/flows`);
  const r = await weft(["completions", "bash"]);
  assert.equal(r.code, 0, r.stderr);
  const verbs = PROGRAM.verbs.map((v) => v.name);
  assert.deepEqual(await bashComplete(r.stdout, dir, "weft", ""), [...verbs, "help"].sort());
  assert.deepEqual(await bashComplete(r.stdout, dir, "weft", "va"), ["validate"]);
  assert.deepEqual(await bashComplete(r.stdout, dir, "weft", "run", ""), [
    "a.yml",
    "b.yaml",
    "c.json",
    "flows",
  ]);
  assert.deepEqual(await bashComplete(r.stdout, dir, "weft", "validate", "--js"), ["--json"]);
  const runOptions = await bashComplete(r.stdout, dir, "weft", "run", "--");
  for (const o of ["--param", "--home", "--help", "--json"]) assert.ok(runOptions.includes(o), o);
  assert.deepEqual(await bashComplete(r.stdout, dir, "weft", "history", "p"), ["prune"]);
  assert.ok(
    (await bashComplete(r.stdout, dir, "weft", "history", "prune", "--")).includes("--keep-days"),
  );
  // A value option completes paths for <dir>, nothing for free text.
  assert.ok((await bashComplete(r.stdout, dir, "weft", "run", "--home", "fl")).includes("flows"));
  assert.deepEqual(await bashComplete(r.stdout, dir, "weft", "help", "st"), ["status"]);
  // An argument's fixed values (ArgumentDef.choices) are offered like subcommands.
  assert.deepEqual(await bashComplete(r.stdout, dir, "weft", "completions", ""), [
    "bash",
    "fish",
    "zsh",
  ]);
  assert.match(completionScript(PROGRAM, "zsh"), /subs=\('bash' 'zsh' 'fish'\)/);
});

Deno.test("completions bash: a path with spaces is one reply, for files and option values", async () => {
  const dir = testTempDir("completions-spaces-");
  await Deno.writeTextFile(`${dir}/my flow.yml`, "");
  await Deno.mkdir(`${dir}/my dir`);
  const r = await weft(["completions", "bash"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await bashComplete(r.stdout, dir, "weft", "run", "my"), [
    "my dir",
    "my flow.yml",
  ]);
  assert.deepEqual(await bashComplete(r.stdout, dir, "weft", "schema", "-o", "my"), [
    "my dir",
    "my flow.yml",
  ]);
  assert.deepEqual(await bashComplete(r.stdout, dir, "weft", "run", "--home", "my"), [
    "my dir",
    "my flow.yml",
  ]);
});

const TINY: ProgramDef = {
  name: "weft",
  version: "1.0.0",
  summary: "s",
  verbs: [{
    name: "paint",
    summary: "paint things",
    arguments: [{ name: "file", description: "a workflow" }],
    options: [{
      long: "color",
      short: "c",
      value: "c",
      choices: ["red", "blue"],
      description: "d",
    }],
    run: () => Promise.resolve(0),
  }],
};

Deno.test("completions: an option's choices come from its definition, in every shell", async () => {
  const dir = testTempDir("completions-tiny-");
  const bash = completionScript(TINY, "bash");
  assert.deepEqual(await bashComplete(bash, dir, "weft", "paint", "--color", ""), ["blue", "red"]);
  assert.deepEqual(await bashComplete(bash, dir, "weft", "paint", "-c", "r"), ["red"]);
  assert.match(completionScript(TINY, "zsh"), /\{--color,-c\}'\[d\]:c:\(red blue\)'/);
  assert.match(completionScript(TINY, "fish"), /-l color -s c -x -a 'red blue' -d 'd'/);
});

Deno.test("completions zsh and fish: valid scripts where the shells exist", async (t) => {
  for (const shell of ["zsh", "fish"]) {
    const r = await weft(["completions", shell]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, shell === "zsh" ? /^#compdef weft\n/ : /^# weft completion for fish/);
    for (const verb of PROGRAM.verbs) {
      assert.ok(r.stdout.includes(verb.name), `${shell}: ${verb.name}`);
    }
    const file = `${testTempDir("completions-")}/weft.${shell}`;
    await Deno.writeTextFile(file, r.stdout);
    const check = await sh(shell, ["-n", file]);
    await t.step({
      name: `${shell} -n accepts it${
        check === null ? ` (skipped: ${shell} is not installed)` : ""
      }`,
      ignore: check === null,
      fn: () => {
        assert.equal(check!.code, 0, check!.stderr);
      },
    });
  }
});

Deno.test("completions fish: what fish offers, where fish is installed", async (t) => {
  const dir = testTempDir("completions-fish-");
  for (const f of ["a.yml", "c.json", "notes.txt"]) await Deno.writeTextFile(`${dir}/${f}`, "");
  await Deno.mkdir(`${dir}/flows`);
  const r = await weft(["completions", "fish"]);
  assert.equal(r.code, 0, r.stderr);
  await Deno.writeTextFile(`${dir}/weft.fish`, r.stdout);
  const offer = async (line: string) => {
    const out = await sh("fish", ["-c", `source weft.fish; complete -C '${line}'`], dir);
    assert.equal(out?.code, 0, out?.stderr);
    return out!.stdout.split("\n").filter(Boolean).map((l) => l.split("\t")[0]).sort();
  };
  const fish = await sh("fish", ["--version"]);
  await t.step({
    name: `verbs, workflow files, subcommands, choices${
      fish === null ? " (skipped: fish is not installed)" : ""
    }`,
    ignore: fish === null,
    fn: async () => {
      assert.deepEqual(await offer("weft va"), ["validate"]);
      assert.deepEqual(await offer("weft run "), ["a.yml", "c.json", "flows/"]);
      assert.deepEqual(await offer("weft history p"), ["prune"]);
      assert.deepEqual(await offer("weft logs --stream "), ["stderr", "stdout"]);
      assert.deepEqual(await offer("weft completions "), ["bash", "fish", "zsh"]);
    },
  });
});

Deno.test("completions: an unknown shell is a usage error (exit 2)", async () => {
  const r = await weft(["completions", "tcsh"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown shell 'tcsh' \(one of: bash, zsh, fish\)/);
});

Deno.test("completions bash: create --template / -t and generate --type offer the templates", async () => {
  const { TEMPLATE_IDS } = await import("../src/cli/create.ts");
  const { TEMPLATES } = await import("../src/templates/mod.ts");
  // The list completion offers without loading the templates is theirs.
  assert.deepEqual([...TEMPLATE_IDS], TEMPLATES.map((t) => t.id));
  const dir = testTempDir("completions-templates-");
  const r = await weft(["completions", "bash"]);
  const all = [...TEMPLATE_IDS].sort();
  assert.deepEqual(await bashComplete(r.stdout, dir, "weft", "create", "--template", ""), all);
  assert.deepEqual(await bashComplete(r.stdout, dir, "weft", "create", "-t", "e"), ["etl"]);
  assert.deepEqual(await bashComplete(r.stdout, dir, "weft", "generate", "--type", "c"), ["ci-cd"]);
  assert.match(r.stdout, /web-app/);
  for (const shell of ["zsh", "fish"]) {
    assert.match(
      (await weft(["completions", shell])).stdout,
      /web-app ci-cd backup etl health-check/,
    );
  }
  // Still the verb's own check: an unknown template names the close match.
  const bad = await weft(["create", "--template", "etll", "-o", `${dir}/x.yml`]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown template "etll"/);
});
