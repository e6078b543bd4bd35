/**
 * The spawner a task attempt gets: the run's spawner, plus a `process_started` event
 * when a process starts and `process_exited` when it and its group are gone. The run
 * store records the groups in between, so that if weft dies (kill -9) the command that
 * finds the crashed run can end them (store/recovery.ts).
 * @module
 */
import type { ProcessSpawner, SpawnedProcess, SpawnOptions } from "../tasks/types.ts";
import type { RunContext } from "./context.ts";

/** A spawner that reports the processes of one attempt of one task. */
export class TrackedSpawner implements ProcessSpawner {
  constructor(
    private readonly run: RunContext,
    private readonly taskId: string,
    private readonly attempt: number,
  ) {}

  /** Starts the process through the run's spawner; throws (or rejects with) what it does. */
  spawn(options: SpawnOptions): SpawnedProcess | Promise<SpawnedProcess> {
    const child = this.run.spawner.spawn(options);
    // The FFI spawner resolves once the child has exec'd (see tasks/spawn_ffi.ts).
    return child instanceof Promise ? child.then((c) => this.#track(c)) : this.#track(child);
  }

  #track(child: SpawnedProcess): SpawnedProcess {
    const { run, taskId, attempt } = this;
    const pid = child.pid;
    const base = { runId: run.runId, taskId, attempt, pid };
    run.publish({ type: "process_started", ...base, at: run.nowIso() });
    const exited = () => {
      run.publish({ type: "process_exited", ...base, at: run.nowIso() });
    };
    child.status.then(exited, exited);
    return child;
  }
}
