/**
 * `weft run FILE --dry-run`: the plan and what each task would run, printed on stderr
 * (or with `--json` as JSON on stdout); runs nothing. Loaded only for a dry run.
 * @module
 */
import type { Workflow } from "../model/workflow.ts";
import { ExitCode } from "../model/errors.ts";
import type { LoadedWorkflow } from "../parse/mod.ts";
import { type CliIO, err, outJson } from "./io.ts";
import type { RunFlags } from "./run.ts";

/** What `weft run` has made of its flags before it plans (see runWorkflow). */
export interface DryRunInputs {
  /** The `--param` assignments. */
  given: Record<string, string>;
  /** The `--env` assignments. */
  extraEnv: Record<string, string>;
  color: boolean;
  /** The run's params (`-p` over the defaults); throws WeftError naming the file. */
  resolve: () => Record<string, string>;
}

/**
 * Plans `loaded` as `weft run` would run it and prints the plan; resolves to the exit
 * code (0). Throws WeftError when the workflow could not start, or `--resume` names a
 * run the resume would refuse.
 */
export async function dryRunWorkflow(
  io: CliIO,
  loaded: LoadedWorkflow,
  flags: RunFlags,
  { given, extraEnv, color, resolve }: DryRunInputs,
): Promise<number> {
  // --resume: checked as the run would check it (nothing claimed), with its params, and
  // the tasks it would keep shown as kept, their recorded outputs read by the others.
  const resumed = flags.resume === undefined
    ? undefined
    : await (await import("./run_plan_resume.ts")).planResume(io, loaded, flags, given);
  const params = resumed?.params ?? resolve();
  // Never show a plan for a workflow that could not start.
  const { checkRunnable } = await import("../engine/mod.ts");
  checkRunnable(loaded.workflow, loaded.file);
  const [{ previewTasks }, { notificationSecrets }] = await Promise.all([
    import("../engine/preview.ts"),
    import("./notify_wiring.ts"),
  ]);
  let mask = (text: string) => text;
  const refused: Record<string, string> = {};
  const previews = previewTasks({
    workflow: loaded.workflow,
    file: loaded.file,
    params,
    env: { ...io.env, ...extraEnv },
    kept: resumed?.previous,
    onMask: (masking) => mask = masking,
    onRefused: (id, line) => refused[id] = line,
    // Masked with the channels' secrets too, as the run masks them.
    addSecrets: await notificationSecrets(io, loaded.workflow, {
      params,
      homeOption: flags.home,
    }),
  });
  for (const id of resumed?.kept ?? []) {
    delete previews[id];
    delete refused[id];
  }
  return await dryRun(io, loaded.workflow, previews, refused, {
    json: flags.json,
    color,
    resumed: resumed && { from: resumed.from, kept: new Set(resumed.kept) },
    mask,
  });
}

/**
 * Prints the plan; `previews` (task id → what it would run, see engine/preview.ts) is
 * shown under each task, and is each task's `runs` in the JSON plan. With `resumed`
 * (`--resume`), the tasks it keeps are marked kept (`kept: true` in JSON). `refused`
 * (task id → `refused: REASON`): the tasks the run would refuse before starting them for
 * these values (`refused` in JSON, the reason); any makes the exit code 2, as invalid
 * parameters do (a task with a condition, or a callback, may not run: not in `refused`,
 * its `refused:` line shown all the same).
 */
async function dryRun(
  io: CliIO,
  workflow: Workflow,
  previews: Record<string, string[]>,
  refused: Record<string, string>,
  options: {
    json?: boolean;
    color: boolean;
    resumed?: { from: string; kept: Set<string> };
    /** Masks the plan's conditions as the previews are masked (engine/preview.ts onMask). */
    mask: (text: string) => string;
  },
): Promise<number> {
  const { planRun } = await import("../engine/mod.ts");
  const plan = planRun(workflow);
  // A task with a condition still to be evaluated, or a callback, may never run: it is
  // refused only if it does, so it is shown refused without making the plan invalid.
  for (const task of plan.waves.flat()) if (task.condition !== undefined) delete refused[task.id];
  for (const callback of plan.callbacks) delete refused[callback.id];
  for (const task of [...plan.waves.flat(), ...plan.callbacks]) {
    if (task.condition !== undefined) task.condition = options.mask(task.condition);
  }
  const resumed = options.resumed;
  if (options.json) {
    const runs = (t: { id: string }) => ({
      ...t,
      runs: previews[t.id] ?? [],
      ...Object.hasOwn(refused, t.id) && { refused: refused[t.id].replace(/^refused: /, "") },
      ...resumed && { kept: resumed.kept.has(t.id) },
    });
    const json = {
      workflow: workflow.name,
      ...resumed && { resumedFrom: resumed.from },
      waves: plan.waves.map((wave) => wave.map(runs)),
      callbacks: plan.callbacks.map(runs),
    };
    await outJson(io, json);
  } else {
    const { formatPlan } = await import("./render/plan.ts");
    const { paint } = await import("./render/format.ts");
    await err(io, formatPlan(plan, workflow.name, paint(options.color), previews, resumed));
    const count = Object.keys(refused).length;
    if (count > 0) {
      await err(
        io,
        `${count} task${count === 1 ? "" : "s"} would be refused for these values, as shown ` +
          "(`refused:`); the run would fail them before starting them\n",
      );
    }
  }
  return Object.keys(refused).length > 0 ? ExitCode.Invalid : ExitCode.Ok;
}
