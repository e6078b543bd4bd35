/**
 * src/expr/program_words.ts: a field that names one program — `shell`, and a python
 * task's `interpreter` — is refused by `weft validate` when written with arguments
 * (`/usr/bin/env python3`, `python3 -u`), at its place, naming the program to write;
 * and the run's reason says what to change when the interpreter does not start.
 */
import assert from "node:assert/strict";
import { programWordsTrouble } from "../src/expr/program_words.ts";
import { weft } from "./_run_cli.ts";
import type { RunReport } from "../src/engine/mod.ts";

const DIR = new URL("./fixtures/program_words/", import.meta.url).pathname;

Deno.test("program words: the program to write instead, for shell and interpreter alike", () => {
  assert.equal(programWordsTrouble("interpreter", " python3 "), null);
  assert.equal(programWordsTrouble("interpreter", "python3 -u")?.offset, 7);
  assert.match(
    programWordsTrouble("interpreter", "/usr/bin/env python3")!.hint,
    /^`interpreter` is one program.*write `interpreter: python3`$/,
  );
  assert.match(programWordsTrouble("shell", "/usr/bin/env bash")!.hint, /write `shell: bash`$/);
});

Deno.test("cli validate: an interpreter with arguments is refused at its place", async () => {
  const out = await weft(["validate", `${DIR}interpreter.yml`]);
  assert.equal(out.code, 2, out.stdout + out.stderr);
  const lines = out.stderr.split("\n").filter((l) => l.startsWith(`${DIR}interpreter.yml:`));
  assert.deepEqual(lines.map((l) => l.slice(DIR.length).split(": ").slice(0, 2).join(": ")), [
    'interpreter.yml:6:30: interpreter in task "env"',
    'interpreter.yml:10:25: interpreter in task "unbuffered"',
    'interpreter.yml:15:52: processor.interpreter in task "dp"',
    'interpreter.yml:20:51: task.interpreter in task "each"',
  ]);
  assert.match(out.stderr, /interpreter "python3 -u" has arguments, and weft runs `interpreter`/);
  assert.match(out.stderr, /write `interpreter: python3`; weft runs Python unbuffered already/);
});

Deno.test("cli run: the reason says what to change when the interpreter does not start", async () => {
  const out = await weft(["run", "--json", `${DIR}runtime.yml`]);
  assert.equal(out.code, 1, out.stderr);
  const report = JSON.parse(out.stdout) as RunReport;
  const error = (id: string) => report.tasks.find((t) => t.id === id)?.error;
  assert.equal(
    error("words"),
    'python interpreter "python3 -u" not found: `interpreter` is one program, a name or a ' +
      "path, without arguments",
  );
  assert.equal(
    error("missing"),
    'python interpreter "python-does-not-exist" not found on PATH; fix `interpreter:` or install it',
  );
});
