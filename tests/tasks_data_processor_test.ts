/**
 * The `data_processor` task: a glob relative to the workflow, a javascript, python or
 * shell processor given the files as arguments and WEFT_INPUT_FILES, the output written
 * atomically (a failed processor leaves no half file), zero matches a clear failure
 * unless allowed.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { matchFiles } from "../src/tasks/data_processor.ts";
import { reportTask as task, weft } from "./_run_cli.ts";
import { testTempCopy, testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/data_processor/", import.meta.url).pathname;

/** A fresh copy of the fixture folder (tasks write into it). */
function copyFixtures(): string {
  return testTempCopy(FIXTURES, "dp-");
}

Deno.test("matchFiles: files only, sorted, ** descends, ../ and glob characters in the folder", async () => {
  const dir = copyFixtures();
  assert.deepEqual(await matchFiles(dir, "data/*"), [`${dir}/data/a.csv`, `${dir}/data/b.csv`]);
  assert.deepEqual(await matchFiles(dir, "data/**/*.csv"), [
    `${dir}/data/a.csv`,
    `${dir}/data/b.csv`,
    `${dir}/data/nested/n.csv`,
  ]);
  assert.deepEqual(await matchFiles(dir, "data/nested/../[b].csv"), [`${dir}/data/b.csv`]);
  assert.deepEqual(await matchFiles(`${dir}/data/nested`, "../../data/a.*"), [`${dir}/data/a.csv`]);
  assert.deepEqual(await matchFiles("/", `${dir}/data/{a,b}.csv`), [
    `${dir}/data/a.csv`,
    `${dir}/data/b.csv`,
  ]);
  assert.deepEqual(await matchFiles(dir, "nothing/*.csv"), []);
  // Dotfiles only where the pattern names the dot (globSync's rule).
  Deno.writeTextFileSync(`${dir}/data/.hidden.csv`, "h\n");
  assert.deepEqual(await matchFiles(dir, "data/*.csv"), [`${dir}/data/a.csv`, `${dir}/data/b.csv`]);
  assert.deepEqual(await matchFiles(dir, "data/.*.csv"), [`${dir}/data/.hidden.csv`]);
  // A workflow folder named like a glob: its name is a name, not a pattern.
  const odd = `${dir}/[x]`;
  Deno.mkdirSync(`${odd}/data`, { recursive: true });
  Deno.writeTextFileSync(`${odd}/data/c.csv`, "c\n");
  assert.deepEqual(await matchFiles(odd, "data/*.csv"), [`${odd}/data/c.csv`]);
});

Deno.test("data_processor: shell, python and javascript processors write their outputs", async () => {
  const dir = copyFixtures();
  // Run from elsewhere: paths are relative to the workflow file, not the current folder.
  const { code, stdout, stderr } = await weft(["run", `${dir}/processors.yml`, "--json", "-v"], {
    cwd: testTempDir("elsewhere-"),
  });
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as RunReport;
  assert.equal(Deno.readTextFileSync(`${dir}/out/all.csv`), "a,1\nb,2\n");
  assert.match(stderr, /^\[shell\] files: 2$/m);
  assert.deepEqual(task(report, "shell").outputs, {
    output_file: `${dir}/out/all.csv`,
    input_count: "2",
  });
  assert.equal(Deno.readTextFileSync(`${dir}/out/count.txt`), "3\n");
  assert.equal(Deno.readTextFileSync(`${dir}/out/upper.csv`), "A,1\nB,2\n");
  // Nothing else is left beside the outputs (no temporary files).
  const names = [...Deno.readDirSync(`${dir}/out`)].map((e) => e.name).sort();
  assert.deepEqual(names, ["all.csv", "count.txt", "upper.csv"]);
});

Deno.test("data_processor: inputs too long for exec reach every processor in full", async () => {
  const dir = copyFixtures();
  Deno.mkdirSync(`${dir}/many`);
  // 1,500 paths of over 100 bytes: past the 128 KiB one environment value may take.
  const name = (i: number) =>
    `${"input-file-with-a-long-name-".repeat(3)}${String(i).padStart(4, "0")}.txt`;
  for (let i = 0; i < 1500; i++) Deno.writeTextFileSync(`${dir}/many/${name(i)}`, `${i}\n`);
  const { code, stdout, stderr } = await weft(["run", `${dir}/many.yml`, "--json", "-v"]);
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /E2BIG|errno 7|too long/);
  assert.match(stderr, /^\[shell\] a child started$/m);
  const report = JSON.parse(stdout) as RunReport;
  for (const id of ["shell", "javascript", "python"]) {
    assert.deepEqual(task(report, id).outputs!.input_count, "1500");
  }
  const first = name(0), last = name(1499);
  assert.equal(Deno.readTextFileSync(`${dir}/out/shell.txt`), `1500 ${first} ${last} 1500\n`);
  assert.equal(
    Deno.readTextFileSync(`${dir}/out/javascript.txt`),
    `own 1500 ${first} ${last} true\n`,
  );
  assert.equal(
    Deno.readTextFileSync(`${dir}/out/python.txt`),
    `own 1500 ${first} ${last} True __main__\n`,
  );
  // The list file is gone with the temporary output.
  const left = [...Deno.readDirSync(`${dir}/out`)].map((e) => e.name).sort();
  assert.deepEqual(left, ["javascript.txt", "python.txt", "shell.txt"]);
});

Deno.test("data_processor: failures leave no half file; zero matches fail unless allowed", async () => {
  const dir = copyFixtures();
  Deno.mkdirSync(`${dir}/out`);
  Deno.writeTextFileSync(`${dir}/out/all.csv`, "previous\n");
  Deno.writeTextFileSync(`${dir}/data/z.csv`, "an earlier output\n");
  const { code, stdout, stderr } = await weft(["run", `${dir}/failing.yml`, "--json"]);
  assert.equal(code, 1, stderr);
  const report = JSON.parse(stdout) as RunReport;

  const half = task(report, "half");
  assert.equal(half.exitCode, 3);
  assert.equal(Deno.readTextFileSync(`${dir}/out/all.csv`), "previous\n", "left as it was");

  const nothing = task(report, "nothing-written");
  assert.equal(nothing.status, "failed");
  assert.match(nothing.error ?? "", /succeeded but wrote no file at \$WEFT_OUTPUT_FILE/);

  const none = task(report, "no-match");
  assert.equal(none.status, "failed");
  assert.match(
    none.error ?? "",
    /^input "data\/\*\.parquet" matched no files \(looked in .*\); fix the glob, or set `allow_empty: true`/,
  );
  assert.equal(task(report, "empty-allowed").status, "success");
  assert.equal(Deno.readTextFileSync(`${dir}/out/empty.txt`), "inputs=0\n");

  // The output inside the glob is not an input of itself.
  assert.equal(Deno.readTextFileSync(`${dir}/data/z.csv`), "2\n");

  const names = [...Deno.readDirSync(`${dir}/out`)].map((e) => e.name).sort();
  assert.deepEqual(names, ["all.csv", "empty.txt"]);
});

Deno.test("data_processor: --dry-run shows input, processor and output", async () => {
  const { code, stdout, stderr } = await weft(["run", "--dry-run", `${FIXTURES}processors.yml`]);
  assert.equal(code, 0, stderr);
  const text = stdout + stderr;
  assert.match(text, /data\/\*\.csv → \$ echo "files: \$#" → out\/all\.csv/);
  assert.match(text, /data\/\{a,b\}\.csv → javascript <inline code> --upper → out\/upper\.csv/);
});

Deno.test("data_processor: a param in a path is a name, never a pattern or `..`", async () => {
  const dir = copyFixtures();
  const ok = await weft(["run", `${dir}/named.yml`, "--json", "-p", "name=b"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(Deno.readTextFileSync(`${dir}/out/b.copy`), "b,2\n");
  // The base may name any folder: it starts the path.
  const base = await weft(["run", `${dir}/named.yml`, "--json", "-p", "dir=data/../data"]);
  assert.equal(base.code, 0, base.stderr);
  for (
    const [value, reason] of [
      ["*", /"\*" .*read as a pattern/],
      ["../../etc/passwd", /"\/" .*add folders/],
    ] as const
  ) {
    const run = await weft(["run", `${dir}/named.yml`, "--json", "-p", `name=${value}`]);
    assert.equal(run.code, 1, `${value}: ${run.stderr}`);
    const one = task(JSON.parse(run.stdout) as RunReport, "one");
    assert.equal(one.status, "failed");
    assert.match(one.error ?? "", reason, value);
  }
  // Refused before anything is read or written.
  assert.deepEqual([...Deno.readDirSync(`${dir}/out`)].map((e) => e.name).sort(), [
    "a.copy",
    "b.copy",
  ]);
});

Deno.test("data_processor: a javascript processor given 120,000 input files gets them all", async () => {
  const dir = testTempDir("dp-many-");
  Deno.mkdirSync(`${dir}/in`);
  // 120,000 names: more arguments than a JavaScript spread can pass at once.
  const touch = await new Deno.Command("sh", {
    args: ["-c", "seq 120000 | sed 's/$/.txt/' | xargs touch"],
    cwd: `${dir}/in`,
  }).output();
  assert.equal(touch.code, 0);
  Deno.writeTextFileSync(
    `${dir}/many.yml`,
    `name: many
tasks:
  - id: js
    type: data_processor
    input: {type: file, path: "in/*.txt"}
    processor:
      type: javascript
      code: |
        require("node:fs").writeFileSync(process.env.WEFT_OUTPUT_FILE, String(process.argv.length));
    output: {type: file, path: out/js.txt}
`,
  );
  const run = await weft(["run", "-q", `${dir}/many.yml`]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(Deno.readTextFileSync(`${dir}/out/js.txt`), String(120_000 + 2));
});

Deno.test("data_processor: a shell processor gets a 140 KB value and a 70 KB command as a shell task does", async () => {
  const dir = copyFixtures();
  const file = `${dir}/large_value.yml`;
  const filler = "a".repeat(70_000);
  await Deno.writeTextFile(
    file,
    `name: dp-large-value
tasks:
  - id: produce
    command: |
      printf 'payload=' >> "$WEFT_OUTPUT"
      head -c 140000 /dev/zero | tr '\\0' 'p' >> "$WEFT_OUTPUT"
      echo >> "$WEFT_OUTPUT"
  - id: dp
    depends_on: produce
    type: data_processor
    input: {type: file, path: "data/*.csv"}
    output: {type: file, path: out/large.txt}
    processor:
      command: |
        x='${filler}'
        { printf '%s' "\${tasks.produce.outputs.payload}" | wc -c; echo "$\${#x} $0"; printf '%s\\n' "$@"; } > "$WEFT_OUTPUT_FILE"
`,
  );
  const run = await weft(["run", "-q", file], { env: { WEFT_HOME: `${dir}/home` } });
  assert.equal(run.code, 0, run.stderr);
  const lines = Deno.readTextFileSync(`${dir}/out/large.txt`).trim().split("\n");
  assert.deepEqual(lines.map((line) => line.trim()), [
    "140000",
    "70000 data_processor",
    `${dir}/data/a.csv`,
    `${dir}/data/b.csv`,
  ]);
});

Deno.test("data_processor: a matched name holding a line break fails the task, naming the file", async () => {
  const dir = testTempDir("dp-nl-");
  Deno.mkdirSync(`${dir}/in`);
  Deno.writeTextFileSync(`${dir}/in/a.txt`, "a\n");
  Deno.writeTextFileSync(`${dir}/in/secret.key`, "PRIVATE\n");
  Deno.writeTextFileSync(
    `${dir}/flow.yml`,
    `name: dp-nl
tasks:
  - id: dp
    type: data_processor
    input: { type: file, path: "in/*.txt" }
    output: { type: file, path: out/r.txt }
    processor:
      type: shell
      command: 'for a in "$@"; do cat "$a"; done > "$WEFT_OUTPUT_FILE"'
`,
  );
  const run = () => weft(["run", `${dir}/flow.yml`, "--json"], { env: { WEFT_HOME: `${dir}/h` } });
  const ok = await run();
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(Deno.readTextFileSync(`${dir}/out/r.txt`), "a\n");
  // Read one path a line, `secret.key<LF>zz.txt` would hand the processor `secret.key`,
  // a file the glob left out (with enough files, its arguments come from that list).
  for (const name of ["secret.key\nzz.txt", "b\rc.txt"]) {
    Deno.writeTextFileSync(`${dir}/in/${name}`, "x\n");
    const bad = await run();
    assert.equal(bad.code, 1, bad.stderr);
    const error = task(JSON.parse(bad.stdout) as RunReport, "dp").error ?? "";
    assert.equal(
      error,
      `input "in/*.txt" matched the file ${JSON.stringify(`${dir}/in/${name}`)}, whose name ` +
        "holds a line break: WEFT_INPUT_FILES and $WEFT_INPUT_LIST hold one path a line, so it " +
        "would be read as two files; rename it, or narrow the glob to leave it out",
    );
    assert.equal(Deno.readTextFileSync(`${dir}/out/r.txt`), "a\n", "the processor did not run");
    Deno.removeSync(`${dir}/in/${name}`);
  }
});
