/**
 * The floor for {@link ./dag_vs_make.ts}: the same graph of tasks run by the smallest Deno
 * program that can run it — `Deno.Command` per task (stdin /dev/null, stdout and stderr
 * piped and read to their end, as weft captures them), at most J at once, a task started
 * once all it depends on have succeeded. No history, no events, no process groups, no
 * templates: what is left of weft's time above this line is weft's own work.
 *
 *   deno run -A scripts/bench/_deno_floor.ts WORKFLOW.json JOBS
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

const [file, jobsText] = Deno.args;
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
  const command = new Deno.Command(byId.get(id)!.command, {
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const { success } = await command.output();
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

pump();
await done;
Deno.exit(failed ? 1 : 0);
