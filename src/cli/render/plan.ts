/**
 * `weft run --dry-run` for people: the waves of tasks that can run together, what each
 * task would run, the conditions still to be evaluated, and the callbacks with who
 * calls them.
 * @module
 */
import type { Plan } from "../../engine/mod.ts";
import type { Paint } from "./format.ts";
import { oneLine, terminalSafe } from "../../safe_text.ts";
import { maxOf } from "../../arrays.ts";

/**
 * The plan as text, ending in a newline. `previews` (task id → lines, from
 * engine/preview.ts) are printed under each task, indented past its id; their text
 * comes from the workflow and the environment, so controls are shown escaped.
 */
export function formatPlan(
  plan: Plan,
  workflow: string,
  p: Paint,
  previews: Record<string, string[]> = {},
  resumed?: { from: string; kept: ReadonlySet<string> },
): string {
  const taskCount = plan.waves.reduce((n, wave) => n + wave.length, 0);
  const ids = [
    ...plan.waves.flat().map((t) => t.id),
    ...plan.callbacks.map((c) => c.id),
  ];
  const idWidth = maxOf(ids.map((id) => id.length));
  const types = plan.waves.flat().map((t) => t.type);
  const typeWidth = maxOf(types.map((t) => t.length));
  const preview = (id: string) =>
    (previews[id] ?? []).map((line) => `  ${" ".repeat(idWidth)}    ${terminalSafe(line, false)}\n`)
      .join("");
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  // Names and conditions are free text: a line break in one must not split a plan line.
  const safe = oneLine;

  let text = `plan for ${p.bold(safe(workflow))}: ${plural(taskCount, "task")} in ${
    plural(plan.waves.length, "wave")
  }, ${plural(plan.callbacks.length, "callback")} ${p.dim("(dry run: nothing runs)")}\n`;
  if (resumed) {
    text += `resuming run ${resumed.from}: ${
      plural(resumed.kept.size, "task")
    } kept (succeeded then), the rest runs again\n`;
  }
  const kept = (id: string) => resumed?.kept.has(id) ? [p.green("kept")] : [];
  plan.waves.forEach((wave, index) => {
    text += `${p.bold(`wave ${index + 1}`)}${
      wave.length > 1 ? p.dim(` (${wave.length} in parallel)`) : ""
    }\n`;
    for (const task of wave) {
      const notes: string[] = kept(task.id);
      if (task.name && task.name !== task.id) notes.push(safe(task.name));
      if (task.condition) notes.push(`${p.yellow("if")} ${safe(task.condition)}`);
      if (task.alone) notes.push(p.yellow("runs alone"));
      const type = notes.length ? task.type.padEnd(typeWidth) : task.type;
      text += `  ${task.id.padEnd(idWidth)}  ${p.dim(type)}` +
        `${notes.length ? `  ${notes.join(p.dim(" · "))}` : ""}\n`;
      text += preview(task.id);
    }
  });
  if (plan.callbacks.length > 0) {
    text += `${p.bold("callbacks")}\n`;
    for (const callback of plan.callbacks) {
      const callers = callback.calledBy.map((c) => `${c.task} on ${c.on}`).join(", ");
      const notes: string[] = kept(callback.id);
      // Once called, it still waits for these callbacks of its list (and is skipped if one fails).
      if (callback.after) notes.push(`after ${callback.after.join(", ")}`);
      if (callback.condition) notes.push(`${p.yellow("if")} ${safe(callback.condition)}`);
      text += `  ${callback.id.padEnd(idWidth)}  ${p.dim("←")} ${callers}${
        notes.length ? `  ${notes.join(p.dim(" · "))}` : ""
      }\n`;
      text += preview(callback.id);
    }
  }
  return text;
}
