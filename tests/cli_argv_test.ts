/**
 * The CLI layer without commander: the argv parser, help rendering, runCli's usage
 * error output, and that main.ts statically imports no npm package or Node built-in.
 */
import assert from "node:assert/strict";
import { parseCommandLine, parseVerb, UsageError, type VerbParse } from "../src/cli/argv.ts";
import type { ProgramDef, VerbDef } from "../src/cli/command.ts";
import { verbHelp } from "../src/cli/help.ts";
import type { CliIO } from "../src/cli/io.ts";
import { PROGRAM, runCli } from "../src/cli/main.ts";

const noRun = () => Promise.resolve(0);

const prune: VerbDef = {
  name: "prune",
  summary: "delete old runs",
  options: [
    { long: "keep-days", value: "n", description: "days to keep" },
    { long: "home", value: "dir", description: "history folder" },
  ],
  run: noRun,
};

/** A verb with every kind of option and argument the parser knows. */
const deploy: VerbDef = {
  name: "deploy",
  summary: "deploy things",
  arguments: [
    { name: "run-id", description: "the run", required: true },
    { name: "targets", description: "where to", variadic: true },
  ],
  options: [
    { long: "param", short: "p", value: "name=value", repeatable: true, description: "a param" },
    { long: "max-parallel", value: "n", description: "most at once" },
    { long: "limit", short: "n", value: "n", default: "20", description: "at most N" },
    { long: "stream", value: "name", choices: ["stdout", "stderr"], description: "a stream" },
    { long: "quiet", short: "q", description: "say less" },
    { long: "verbose", short: "v", description: "say more" },
    { long: "color", negatable: true, description: "no colour" },
    { long: "home", value: "dir", description: "history folder" },
  ],
  examples: "Examples:\n  weft deploy 42 eu --param a=1",
  subcommands: [],
  run: noRun,
};

const withPrune: VerbDef = {
  name: "history",
  summary: "list runs",
  options: [
    { long: "workflow", short: "w", value: "name", description: "only this workflow" },
    { long: "home", value: "dir", description: "history folder" },
  ],
  subcommands: [prune],
  run: noRun,
};

function call(verb: VerbDef, words: string[]): Extract<VerbParse, { kind: "verb" }> {
  const parsed = parseVerb(verb, `weft ${verb.name}`, words);
  assert.equal(parsed.kind, "verb", `${words.join(" ")} should be a call`);
  return parsed as Extract<VerbParse, { kind: "verb" }>;
}

function usageError(fn: () => unknown, message: RegExp, suggestion?: string): UsageError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof UsageError, `expected a UsageError, got ${caught}`);
  assert.match(caught.message, message);
  assert.equal(caught.suggestion, suggestion);
  return caught;
}

Deno.test("long options: --name value, --name=value; keys are camelCase", () => {
  const { options, args } = call(deploy, ["42", "--max-parallel", "3", "--home=/tmp/h"]);
  assert.equal(options.maxParallel, "3");
  assert.equal(options.home, "/tmp/h");
  assert.equal(args.runId, "42");
  assert.deepEqual(args.targets, []);
  // A value-taking option takes the next word whatever it looks like, and `=` may be empty.
  assert.equal(call(deploy, ["42", "--home", "--quiet"]).options.home, "--quiet");
  assert.equal(call(deploy, ["42", "--home="]).options.home, "");
});

Deno.test("short options: -p v, -pv, grouped flags, a group ending in a value", () => {
  assert.deepEqual(call(deploy, ["42", "-p", "k=v"]).options.param, ["k=v"]);
  assert.deepEqual(call(deploy, ["42", "-pk=v"]).options.param, ["k=v"]);
  const grouped = call(deploy, ["-qv", "42"]).options;
  assert.equal(grouped.quiet, true);
  assert.equal(grouped.verbose, true);
  const valued = call(deploy, ["-qpa=1", "42", "-qn", "5"]).options;
  assert.deepEqual(valued.param, ["a=1"]);
  assert.equal(valued.limit, "5");
  assert.equal(valued.quiet, true);
});

Deno.test("repeatable options collect in order; others keep the last; defaults apply", () => {
  const { options } = call(deploy, [
    "42",
    "-p",
    "a=1",
    "--param",
    "b=2",
    "--param=a=3",
    "--max-parallel",
    "1",
    "--max-parallel",
    "2",
  ]);
  assert.deepEqual(options.param, ["a=1", "b=2", "a=3"]);
  assert.equal(options.maxParallel, "2");
  assert.equal(options.limit, "20", "the default");
  assert.equal(options.quiet, undefined, "a flag not given is absent");
  assert.equal(call(deploy, ["42", "-n", "7"]).options.limit, "7");
});

Deno.test("repeatable options: 100,000 values are all collected, in order (appended, not copied per value)", () => {
  const words = ["42"];
  for (let i = 0; i < 100_000; i++) words.push(i % 2 ? `-pq${i}=1` : `--param=q${i}=1`);
  const { options } = call(deploy, words);
  const param = options.param as string[];
  assert.equal(param.length, 100_000);
  assert.equal(param[0], "q0=1");
  assert.equal(param[99_999], "q99999=1");
  assert.ok(param.every((value, i) => value === `q${i}=1`));
  assert.deepEqual(call(deploy, ["42"]).options.param, undefined, "absent when not given");
});

Deno.test("negatable flags: true unless --no-x; --x itself is not an option", () => {
  assert.equal(call(deploy, ["42"]).options.color, true);
  assert.equal(call(deploy, ["42", "--no-color"]).options.color, false);
  usageError(
    () => parseVerb(deploy, "weft deploy", ["42", "--color"]),
    /unknown option '--color'/,
    "--no-color",
  );
});

Deno.test("arguments: -- ends options, - is an argument, variadic takes the rest", () => {
  const { args, options } = call(deploy, ["-", "eu", "--quiet", "--", "--no-color", "-p"]);
  assert.equal(args.runId, "-");
  assert.deepEqual(args.targets, ["eu", "--no-color", "-p"]);
  assert.equal(options.quiet, true);
  assert.equal(options.color, true);
  const files: VerbDef = {
    name: "validate",
    summary: "check",
    arguments: [{ name: "files", description: "files", required: true, variadic: true }],
    run: noRun,
  };
  assert.deepEqual(call(files, ["a.yml", "-", "b.yml"]).args.files, ["a.yml", "-", "b.yml"]);
  usageError(() => parseVerb(files, "weft validate", []), /^missing required argument 'files'$/);
});

Deno.test("usage errors: missing argument or value, too many arguments, flag with a value", () => {
  const parse = (...words: string[]) => () => parseVerb(deploy, "weft deploy", words);
  usageError(parse("--quiet"), /^missing required argument 'run-id'$/);
  usageError(parse("42", "--max-parallel"), /^option '--max-parallel <n>' argument missing$/);
  usageError(parse("42", "-n"), /^option '-n, --limit <n>' argument missing$/);
  usageError(parse("42", "--quiet=yes"), /^option '--quiet' takes no value$/);
  const status: VerbDef = {
    name: "status",
    summary: "one run",
    arguments: [{ name: "run-id", description: "run id" }],
    run: noRun,
  };
  assert.deepEqual(call(status, []).args, {});
  const extra = usageError(
    () => parseVerb(status, "weft status", ["a", "b"]),
    /^too many arguments for 'weft status': expected at most 1, got 2 \(a b\)$/,
  );
  assert.equal(extra.command, "weft status");
});

Deno.test("unknown options: did-you-mean among the verb's long options", () => {
  const parse = (...words: string[]) => () => parseVerb(deploy, "weft deploy", words);
  usageError(
    parse("42", "--max-paralel", "3"),
    /^unknown option '--max-paralel'$/,
    "--max-parallel",
  );
  usageError(parse("42", "--verbsoe"), /^unknown option '--verbsoe'$/, "--verbose");
  usageError(parse("42", "--frobnicate=1"), /^unknown option '--frobnicate'$/);
  usageError(parse("42", "-z"), /^unknown option '-z'$/);
  usageError(parse("42", "-qz"), /^unknown option '-z'$/);
});

Deno.test("choices: a value outside them is a usage error naming them, with a guess", () => {
  assert.equal(call(deploy, ["42", "--stream", "stderr"]).options.stream, "stderr");
  usageError(
    () => parseVerb(deploy, "weft deploy", ["42", "--stream", "stdrr"]),
    /^option '--stream' argument 'stdrr' is invalid; use one of: stdout, stderr$/,
    "stderr",
  );
});

Deno.test("subcommands: options before the name belong to it; a value is not a name", () => {
  const sub = call(withPrune, ["--home", "/h", "prune", "--keep-days", "3"]);
  assert.equal(sub.verb, prune);
  assert.equal(sub.command, "weft history prune");
  assert.deepEqual(sub.options, { keepDays: "3", home: "/h" });
  const own = call(withPrune, ["--workflow", "prune", "-w", "prune"]);
  assert.equal(own.verb, withPrune, "`prune` here is the value of --workflow");
  assert.equal(own.options.workflow, "prune");
  usageError(
    () => parseVerb(withPrune, "weft history", ["prun"]),
    /^unknown command 'prun' for 'weft history'$/,
    "prune",
  );
  usageError(
    () => parseVerb(withPrune, "weft history", ["-w", "x", "prune"]),
    /^unknown option '-w'$/,
  );
});

Deno.test("--help and -h win over missing arguments, also in a group and on subcommands", () => {
  for (const words of [["--help"], ["-h"], ["-qh"], ["42", "--no-color", "--help"]]) {
    const parsed = parseVerb(deploy, "weft deploy", words);
    assert.equal(parsed.kind, "help", words.join(" "));
  }
  const sub = parseVerb(withPrune, "weft history", ["prune", "--help"]);
  assert.deepEqual(sub, { kind: "help", verb: prune, command: "weft history prune" });
});

const program: ProgramDef = {
  name: "weft",
  version: "1.2.3",
  summary: "runs workflows",
  verbs: [deploy, withPrune],
  footer: "Exit codes: 0 ok.",
};

Deno.test("the top level: help, version, no arguments, unknown verbs and options", () => {
  const none = parseCommandLine(program, []);
  assert.equal(none.kind, "print");
  assert.ok(none.kind === "print" && none.stream === "stderr" && none.exitCode === 2);
  assert.match(none.kind === "print" ? none.text : "", /Usage: weft \[options\] <command>/);
  for (const words of [["--help"], ["-h"], ["help"]]) {
    const help = parseCommandLine(program, words);
    assert.ok(help.kind === "print" && help.stream === "stdout" && help.exitCode === 0);
    assert.match(help.text, /deploy \[options\] <run-id> \[targets\.\.\.\]\s+deploy things/);
    assert.match(help.text, /help \[command\]/);
    assert.match(help.text, /Exit codes: 0 ok\.\n$/);
  }
  for (const words of [["--version"], ["-V"]]) {
    assert.deepEqual(parseCommandLine(program, words), {
      kind: "print",
      text: "1.2.3\n",
      stream: "stdout",
      exitCode: 0,
    });
  }
  const helpSub = parseCommandLine(program, ["help", "history", "prune"]);
  assert.ok(helpSub.kind === "print" && helpSub.text.startsWith("Usage: weft history prune"));
  const verbHelpText = parseCommandLine(program, ["deploy", "--help"]);
  assert.ok(verbHelpText.kind === "print" && verbHelpText.text.includes("weft deploy 42 eu"));
  const deployed = parseCommandLine(program, ["deploy", "42"]);
  assert.ok(deployed.kind === "verb" && deployed.verb === deploy);

  const unknown = usageError(
    () => parseCommandLine(program, ["deplyo"]),
    /^unknown command 'deplyo'$/,
    "deploy",
  );
  assert.equal(unknown.command, "weft");
  usageError(() => parseCommandLine(program, ["help", "nope"]), /^unknown command 'nope'$/);
  usageError(
    () => parseCommandLine(program, ["--verison"]),
    /^unknown option '--verison'$/,
    "--version",
  );
});

Deno.test("verb help: usage, arguments, aligned options with defaults and choices, examples", () => {
  const text = verbHelp("weft deploy", deploy);
  const lines = text.split("\n");
  assert.equal(lines[0], "Usage: weft deploy [options] <run-id> [targets...]");
  assert.equal(lines[2], "deploy things");
  const rows = lines.filter((l) => /^ {2}\S/.test(l) && !l.startsWith("  weft"));
  const flags = [
    "run-id",
    "targets",
    "-p, --param <name=value>",
    "--max-parallel <n>",
    "-n, --limit <n>",
    "--stream <name>",
    "-q, --quiet",
    "-v, --verbose",
    "--no-color",
    "--home <dir>",
    "-h, --help",
  ];
  assert.deepEqual(rows.map((r) => r.slice(2).split(/ {2,}/)[0]), flags);
  // Every description starts in the same column.
  const column = rows.map((r) => /^ {2}\S+(?: \S+)* {2,}/.exec(r)?.[0].length);
  assert.equal(new Set(column).size, 1, text);
  assert.ok(column[0]! > 2);
  assert.match(text, /at most N \(default: 20\)/);
  assert.match(text, /a stream \(choices: stdout, stderr\)/);
  assert.ok(text.endsWith("Examples:\n  weft deploy 42 eu --param a=1\n"), text);
  const history = verbHelp("weft history", withPrune);
  assert.match(history, /Commands:\n {2}prune \[options\] +delete old runs\n/);
  assert.match(history, /^Usage: weft history \[options\] \[command\]\n/);
});

Deno.test("weft's own verbs: help for each lists its options and examples", () => {
  for (const verb of PROGRAM.verbs) {
    for (const v of [verb, ...(verb.subcommands ?? [])]) {
      const longs = (v.options ?? []).map((o) => o.long);
      const shorts = (v.options ?? []).flatMap((o) => (o.short ? [o.short] : []));
      assert.equal(new Set(longs).size, longs.length, `${v.name}: duplicate long option`);
      assert.equal(new Set([...shorts, "h"]).size, shorts.length + 1, `${v.name}: short clash`);
      const text = verbHelp(`weft ${v.name}`, v);
      for (const o of v.options ?? []) {
        assert.ok(text.includes(`--${o.negatable ? "no-" : ""}${o.long}`));
      }
      assert.match(text, /Examples:\n {2}weft /, `${v.name} has examples`);
      for (const line of text.split("\n")) {
        if (!line.startsWith("  weft")) assert.ok(line.length <= 86, `too long: ${line}`);
      }
    }
  }
});

/** A CliIO whose streams are captured as text. */
function capturedIO() {
  const chunks = { stdout: "", stderr: "" };
  const sink = (name: "stdout" | "stderr") => ({
    write: (bytes: Uint8Array) => {
      chunks[name] += new TextDecoder().decode(bytes);
      return Promise.resolve();
    },
  });
  const io: CliIO = {
    stdout: sink("stdout"),
    stderr: sink("stderr"),
    env: {},
    cwd: Deno.cwd(),
    stderrIsTTY: false,
    stdin: new ReadableStream(),
  };
  return { io, chunks };
}

Deno.test("runCli: usage errors say what, a guess and where help is; exit 2", async () => {
  const cases: [string[], string][] = [
    [
      ["valid"],
      "error: unknown command 'valid'\n(Did you mean validate?)\n(run weft --help for usage)\n",
    ],
    [["run"], "error: missing required argument 'file'\n(run weft run --help for usage)\n"],
    [
      ["run", "x.yml", "--max-paralel", "3"],
      "error: unknown option '--max-paralel'\n(Did you mean --max-parallel?)\n(run weft run --help for usage)\n",
    ],
  ];
  for (const [args, stderr] of cases) {
    const { io, chunks } = capturedIO();
    assert.equal(await runCli(args, io), 2, args.join(" "));
    assert.deepEqual(chunks, { stdout: "", stderr });
  }
  const version = capturedIO();
  assert.equal(await runCli(["--version"], version.io), 0);
  assert.deepEqual(version.chunks, { stdout: `${PROGRAM.version}\n`, stderr: "" });
  const help = capturedIO();
  assert.equal(await runCli([], help.io), 2);
  assert.equal(help.chunks.stdout, "");
  assert.match(help.chunks.stderr, /^Usage: weft/);
});

/** Every module `entry` (under the repository) loads at start, before any `await import()`. */
async function staticImports(entry: string): Promise<Set<string>> {
  const main = new URL(entry, import.meta.url).pathname;
  const config = new URL("../deno.json", import.meta.url).pathname;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "--config", config, main],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  interface Dependency {
    code?: { specifier: string };
    isDynamic?: boolean;
  }
  const info: {
    roots: string[];
    modules: { specifier: string; dependencies?: Dependency[] }[];
  } = JSON.parse(new TextDecoder().decode(stdout));
  const modules = new Map(info.modules.map((m) => [m.specifier, m]));
  const seen = new Set<string>();
  const queue = [...info.roots];
  while (queue.length > 0) {
    const specifier = queue.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of modules.get(specifier)?.dependencies ?? []) {
      // `import type` has no `code`; `await import()` is dynamic: neither loads at start.
      if (dep.code && !dep.isDynamic) queue.push(dep.code.specifier);
    }
  }
  return seen;
}

Deno.test("main.ts statically imports no npm package and no Node built-in", async () => {
  // main.ts answers --version alone: it loads the version and nothing else.
  const root = new URL("..", import.meta.url).href;
  const entry = [...await staticImports("../main.ts")].map((s) => s.replace(root, ""));
  // And what weft's parent ignored (nohup's SIGHUP), read before the runtime resets it.
  assert.deepEqual(entry.sort(), [
    "deno.json",
    "main.ts",
    "src/cli/startup_signals.ts",
    "src/version.ts",
  ]);
  // Every other verb loads the CLI first, which declares the verbs cheaply.
  const seen = await staticImports("../src/cli/main.ts");
  const external = [...seen].filter((s) => !s.startsWith("file:"));
  assert.deepEqual(external, [], "loaded at start-up");
  assert.ok([...seen].some((s) => s.endsWith("/src/cli/history.ts")), "the walk found the verbs");
});

Deno.test("contradicting options are a usage error (exit 2), in any order or group; each alone is fine", async () => {
  const { weft } = await import("./_run_cli.ts");
  const file = new URL("./fixtures/io_full/ok.yml", import.meta.url).pathname;
  const cases: [string[], RegExp][] = [
    [["run", file, "-q", "-v"], /options '--quiet' and '--verbose' contradict each other/],
    [["run", file, "--verbose", "--quiet"], /options '--quiet' and '--verbose' contradict/],
    [["run", file, "-qv"], /options '--quiet' and '--verbose' contradict/],
    [
      ["history", "--json", "-q"],
      /options '--json' and '--quiet' contradict|'--quiet' and '--json'/,
    ],
  ];
  for (const [args, message] of cases) {
    const { code, stdout, stderr } = await weft(args);
    assert.equal(code, 2, `${args}: ${stderr}`);
    assert.equal(stdout, "");
    assert.match(stderr, message);
    assert.match(stderr, /run weft (run|history) --help for usage/);
  }
  for (const flag of ["-q", "-v"]) {
    assert.equal((await weft(["run", file, flag])).code, 0, flag);
  }
});
