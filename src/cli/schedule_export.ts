/**
 * `weft schedule export --crontab | --systemd DIR`: the stored schedules for a host
 * without `weft daemon` (the texts are built by schedule/export.ts).
 * @module
 */
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ExitCode, WeftError } from "../model/errors.ts";
import { crontabText, secretVariables, systemdUnits, unitName } from "../schedule/export.ts";
import { unreadableSecrets } from "../schedule/secret_params.ts";
import { UsageError } from "./argv.ts";
import { homeFor } from "./home.ts";
import { type CliIO, err, outData } from "./io.ts";
import type { ExportFlags } from "./schedule.ts";
import { withSchedules } from "./schedule_manage.ts";
import { writeFault, writePrivateFiles } from "./write_private.ts";

/**
 * The words that start this weft: the compiled binary itself, or `deno run -A main.ts`
 * when running from source. `--weft PATH` overrides.
 */
export function weftArgv(io: CliIO, override?: string): string[] {
  if (override !== undefined) return [resolve(io.cwd, override)];
  const exec = Deno.execPath();
  const main = Deno.mainModule;
  if (/^deno(\.exe)?$/.test(basename(exec)) && main.startsWith("file:")) {
    return [exec, "run", "-A", fileURLToPath(main)];
  }
  return [exec];
}

/** Prints crontab lines, or writes systemd units into a folder. */
export async function exportSchedules(io: CliIO, flags: ExportFlags): Promise<number> {
  if (Boolean(flags.crontab) === (flags.systemd !== undefined)) {
    throw new UsageError("give one of --crontab or --systemd DIR", "weft schedule export");
  }
  const home = homeFor(io, flags.home);
  const schedules = await withSchedules(io, flags.home, (s) => s.list(), { readOnly: true });
  const weft = weftArgv(io, flags.weft);
  if (schedules.length === 0) {
    await err(io, `no schedules in ${home} (add one: weft schedule add)\n`);
  }
  // Their values read back as ***: still exported (no value goes into a line or unit),
  // but no environment file is written with *** in it.
  const unreadable = new Set<string>();
  for (const s of schedules) {
    const e = unreadableSecrets(s);
    if (!e) continue;
    unreadable.add(s.name);
    const what = flags.crontab ? "" : `; its ${unitName(s)}.env is not written`;
    await err(io, `warning: ${e.problems[0].message}${what} (hint: ${e.problems[0].hint})\n`);
  }
  if (flags.crontab) {
    // One schedule cron cannot take (a seconds field, `L`…) does not keep the others out.
    const refused: WeftError[] = [];
    await outData(io, crontabText(schedules, weft, home, (e) => refused.push(e)));
    for (const e of refused) {
      await err(io, `${e.problems[0].message} (hint: ${e.problems[0].hint})\n`);
    }
    // Secret params are not written into the lines (they would be printed and kept in
    // the crontab in clear): each line reads its value from cron's environment.
    for (const s of schedules) {
      for (const { param, variable } of secretVariables(s)) {
        await err(
          io,
          `schedule ${s.name}: secret param ${param} is read from $${variable} when the ` +
            `job runs: set ${variable} in cron's environment (its value is not exported)\n`,
        );
      }
    }
    return refused.length ? ExitCode.Failed : ExitCode.Ok;
  }
  const dir = resolve(io.cwd, flags.systemd!);
  // Check every schedule before writing anything: all or nothing.
  const units = schedules.filter((s) => !s.paused).map((s) => {
    const name = unitName(s);
    // A secret param's value goes into a private (0600) EnvironmentFile= of the unit,
    // never into the unit text (systemctl cat/show prints that).
    const written = systemdUnits(s, weft, home, join(dir, `${name}.env`));
    if (unreadable.has(s.name)) delete written.environment;
    return { name, ...written };
  });
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    // All files or none: a full disk midway leaves no unit cut off or missing its timer.
    // An env file holds secret values: always 0600, whatever mode an older one had.
    await writePrivateFiles(
      units.flatMap((u) => [
        { path: join(dir, `${u.name}.service`), text: u.service },
        { path: join(dir, `${u.name}.timer`), text: u.timer },
        ...(u.environment === undefined
          ? []
          : [{ path: join(dir, `${u.name}.env`), text: u.environment, mode: 0o600 }]),
      ]),
      true,
    );
  } catch (e) {
    const fault = writeFault(e, `systemd units to ${dir}`, "--systemd");
    if (fault) throw fault;
    const isFile = await Deno.stat(dir).then((i) => !i.isDirectory, () => false);
    const why = isFile ? "it is a file, not a folder" : (e as Error).message;
    throw new WeftError(`cannot write systemd units to ${dir}: ${why}`, {
      hint: "give a folder you can write, e.g. ~/.config/systemd/user",
    });
  }
  for (const s of schedules.filter((s) => s.paused)) {
    await err(io, `skipped paused schedule ${s.name}\n`);
  }
  await err(
    io,
    `wrote ${units.length} timer${units.length === 1 ? "" : "s"} to ${dir}\n` +
      `  next: systemctl --user daemon-reload && systemctl --user enable --now ` +
      `${units.map((u) => `${u.name}.timer`).join(" ") || "<name>.timer"}\n`,
  );
  return ExitCode.Ok;
}
