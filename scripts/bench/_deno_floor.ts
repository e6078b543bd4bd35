/**
 * The floor for {@link ./dag_vs_make.ts}: the same graph of tasks run by the smallest Deno
 * program that can run it — `Deno.Command` per task (stdin /dev/null, stdout and stderr
 * piped and read to their end, as weft captures them), at most J at once, a task started
 * once all it depends on have succeeded. No history, no events, no process groups, no
 * templates: what is left of weft's time above this line is weft's own work.
 *
 *   deno run -A scripts/bench/_deno_floor.ts WORKFLOW.json JOBS [deno|ffi]
 *     [--work-before US] [--work-after US]
 *
 * With `ffi`, each task is started by weft's own spawner (src/tasks/spawn_ffi.ts:
 * posix_spawn through FFI, its own process group, output read by the epoll reactor)
 * instead of `Deno.Command`: the same floor for weft's way of starting processes.
 *
 * `--work-before US` / `--work-after US` (ffi only) spin the event loop's thread for US
 * microseconds per task just before its start / just after it (while the child runs):
 * what CPU work costs the chain where weft's own work would sit. On the 2-vCPU machine of
 * issue 8, 300 µs after the start cost about as much as 300 µs before it.
 *
 * WORKFLOW.json is the bench's own file: `{tasks: [{id, command, depends_on?}]}` where each
 * command is one program name without arguments. Exits 1 if any task fails.
 * @module
 */

interface BenchTask {
  id: string;
  command: string;
  depends_on?: string[];
}

/** `--name US` taken out of `args` (0 when absent). */
function takeMicros(args: string[], name: string): number {
  const at = args.indexOf(name);
  if (at < 0) return 0;
  const value = Number(args[at + 1]);
  if (!(value >= 0)) throw new Error(`${name} wants a number of microseconds`);
  args.splice(at, 2);
  return value;
}

const args = [...Deno.args];
const workBefore = takeMicros(args, "--work-before");
const workAfter = takeMicros(args, "--work-after");
const [file, jobsText, spawnerName = "deno"] = args;
const jobs = Number(jobsText);
const { tasks } = JSON.parse(await Deno.readTextFile(file)) as { tasks: BenchTask[] };

/** Number of unfinished dependencies per task, and who waits for each task. */
const waitingOn = new Map<string, number>();
const dependents = new Map<string, string[]>();
const byId = new Map(tasks.map((t) => [t.id, t]));
for (const task of tasks) {
  waitingOn.set(task.id, task.depends_on?.length ?? 0);
  for (const dep of task.depends_on ?? []) {
    dependents.set(dep, [...dependents.get(dep) ?? [], task.id]);
  }
}
const ready = tasks.filter((t) => !t.depends_on?.length).map((t) => t.id);
let running = 0;
let failed = false;
const { promise: done, resolve } = Promise.withResolvers<void>();
let left = tasks.length;

async function runOne(id: string): Promise<void> {
  const success = spawnerName === "ffi"
    ? await runWithFfi(byId.get(id)!.command)
    : (await new Deno.Command(byId.get(id)!.command, {
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output()).success;
  running--;
  left--;
  if (!success) failed = true;
  else {
    for (const next of dependents.get(id) ?? []) {
      const count = waitingOn.get(next)! - 1;
      waitingOn.set(next, count);
      if (count === 0) ready.push(next);
    }
  }
  pump();
}

function pump(): void {
  while (running < jobs && ready.length > 0) {
    running++;
    runOne(ready.shift()!);
  }
  if (running === 0 && (left === 0 || ready.length === 0)) resolve();
}

/** Runs `program` through weft's FfiSpawner, its output read to the end; true on exit 0. */
async function runWithFfi(program: string): Promise<boolean> {
  const { FfiSpawner } = await import("../../src/tasks/spawn_ffi.ts");
  ffi ??= new FfiSpawner();
  spin(workBefore);
  const child = await ffi.spawn({ cmd: program, args: [], cwd: Deno.cwd(), env: baseEnv });
  spin(workAfter);
  const drain = (stream: "stdout" | "stderr") => child.readOutput!(stream, () => undefined);
  await Promise.all([drain("stdout"), drain("stderr")]);
  return (await child.status).code === 0;
}

/** Keeps this thread busy for `micros` µs (see --work-before). */
function spin(micros: number): void {
  if (micros <= 0) return;
  const end = performance.now() + micros / 1000;
  while (performance.now() < end) { /* busy, on purpose */ }
}

let ffi: import("../../src/tasks/spawn_ffi.ts").FfiSpawner | undefined;
const baseEnv = Deno.env.toObject();

pump();
await done;
Deno.exit(failed ? 1 : 0);
