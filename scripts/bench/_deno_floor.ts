/**
 * The floor for {@link ./dag_vs_make.ts}: the same graph of tasks run by the smallest Deno
 * program that can run it — `Deno.Command` per task (stdin /dev/null, stdout and stderr
 * piped and read to their end, as weft captures them), at most J at once, a task started
 * once all it depends on have succeeded. No history, no events, no process groups, no
 * templates: what is left of weft's time above this line is weft's own work.
 *
 *   deno run -A scripts/bench/_deno_floor.ts WORKFLOW.json JOBS [deno|ffi]
 *
 * With `ffi`, each task is started by weft's own spawner (src/tasks/spawn_ffi.ts:
 * posix_spawn through FFI, its own process group, output read by the epoll reactor)
 * instead of `Deno.Command`: the same floor for weft's way of starting processes.
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

const [file, jobsText, spawnerName = "deno"] = Deno.args;
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
  const child = await ffi.spawn({ cmd: program, args: [], cwd: Deno.cwd(), env: baseEnv });
  const drain = (stream: "stdout" | "stderr") => child.readOutput!(stream, () => undefined);
  await Promise.all([drain("stdout"), drain("stderr")]);
  return (await child.status).code === 0;
}

let ffi: import("../../src/tasks/spawn_ffi.ts").FfiSpawner | undefined;
const baseEnv = Deno.env.toObject();

pump();
await done;
Deno.exit(failed ? 1 : 0);
