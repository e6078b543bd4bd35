/**
 * Through the real CLI: what a task leaves running outside its process group (`setsid`,
 * marked with its attempt) does not outlive the task, whether the task ends normally or
 * times out; what weft did not start (inherited from a wrapper that `exec`s weft) and
 * what carries no mark (`env -i`) is never ended (src/tasks/_escapes.ts).
 */
import assert from "node:assert/strict";
import { weft, weftArgs, weftEnv } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/escapes/", import.meta.url).pathname;

/** Whether `pid` is a live process (a zombie is not); its stat is read from /proc. */
function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !["Z", "X"].includes(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0]);
  } catch {
    return false;
  }
}

/** The pids the run wrote in `out`, by file name. */
function pidsIn(out: string): Map<string, number> {
  const pids = new Map<string, number>();
  for (const entry of Deno.readDirSync(out)) {
    const text = Deno.readTextFileSync(`${out}/${entry.name}`).trim();
    if (text) pids.set(entry.name, Number(text));
  }
  return pids;
}

function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* ended, as expected */ }
  }
}

Deno.test("weft run: setsid'd background processes end with their task", async () => {
  const out = testTempDir("out-");
  const result = await weft(["run", `${FIXTURES}normal.yml`, "-q", "-p", `out=${out}`]);
  const pids = pidsIn(out);
  try {
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual([...pids.keys()].sort(), ["bare.pid", "marked.pid"]);
    assert.ok(!alive(pids.get("marked.pid")!), "the process the task left ended with it");
    // Started with `env -i`, it carries no mark of the task: weft cannot tell it from a
    // process it did not start, and leaves it (README).
    assert.ok(alive(pids.get("bare.pid")!), "an unmarked process is never ended");
  } finally {
    killAll(pids.values());
  }
});

Deno.test("weft run: a setsid'd background process ends when its task times out", async () => {
  const out = testTempDir("out-");
  const result = await weft(["run", `${FIXTURES}timeout.yml`, "-q", "-p", `out=${out}`]);
  const pids = pidsIn(out);
  try {
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /timed out/);
    const left = pids.get("left.pid");
    assert.ok(left !== undefined, "its background process left the group and wrote its pid");
    assert.ok(!alive(left), `the process it left (${left}) ended`);
  } finally {
    killAll(pids.values());
  }
});

Deno.test("weft run: a process weft inherited (a wrapper started it, then exec'd weft) is left running", async () => {
  const out = testTempDir("out-");
  // The wrapper's background sleep becomes weft's child when the wrapper execs weft.
  const script = `setsid sh -c 'echo $$ > "$0"; exec sleep 300' "${out}/inherited.pid" ` +
    `</dev/null >/dev/null 2>&1 & ` +
    `until [ -s "${out}/inherited.pid" ]; do sleep 0.01; done; exec "$@"`;
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      script,
      "sh",
      Deno.execPath(),
      ...weftArgs(["run", `${FIXTURES}normal.yml`, "-q", "-p", `out=${out}`]),
    ],
    env: weftEnv(),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const result = await child.output();
  const pids = pidsIn(out);
  try {
    assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
    assert.ok(!alive(pids.get("marked.pid")!), "what the task left ended");
    assert.ok(alive(pids.get("inherited.pid")!), "what weft did not start is never ended");
  } finally {
    killAll(pids.values());
  }
});
