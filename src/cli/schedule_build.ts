/**
 * The schedules `weft schedule add FILE` describes (schedule_manage.ts records them): from
 * the flags, over the file's own schedule triggers (every one, or the one --name names).
 * @module
 */
import { resolve } from "node:path";
import { durationTooLong, parseDuration, TOO_LONG } from "../model/duration.ts";
import { WeftError } from "../model/errors.ts";
import {
  DEFAULT_OVERLAP,
  type OverlapPolicy,
  type Schedule,
  scheduleNameProblem,
} from "../model/schedule.ts";
import { cronNeverFires } from "../model/cron_match.ts";
import type { LoadedWorkflow } from "../parse/mod.ts";
import { checkCron } from "../schedule/cron.ts";
import { secretOnes, secretParamNames } from "../schedule/secret_params.ts";
import { readHostZone } from "../schedule/zone.ts";
import { UsageError } from "./argv.ts";
import { parseAssignments } from "./args.ts";
import type { CliIO } from "./io.ts";
import type { AddFlags } from "./schedule.ts";
import { fixedRefusalCheck } from "./fixed_check.ts";

/**
 * Builds the schedules `add` describes: the workflow file must validate, the cron
 * expression and zone must be valid, declared params must be satisfied. Without
 * --cron, the file's own schedule triggers give the settings (other flags override):
 * every one of them, or with --name the one of that name (--name renames the only one
 * when the file has one; with several and none of that name, an error naming them).
 * Throws WeftError (exit 2) naming what is wrong.
 */
export async function schedulesFromFlags(
  io: CliIO,
  file: string,
  flags: AddFlags,
  now: Date,
): Promise<Schedule[]> {
  const { loadWorkflow } = await import("../parse/problems.ts");
  // The daemon reads the file again at each fire, unattended: a FIFO refused now.
  const loaded = await loadWorkflow(file, {
    cwd: io.cwd,
    stdin: io.stdin,
    refusals: fixedRefusalCheck,
    regularOnly: true,
  });
  if (loaded.file === "-") throw new WeftError("a schedule needs a workflow file, not stdin");
  const { schedulesFromWorkflow } = await import("../schedule/from_trigger.ts");
  // With --cron the flags describe the schedule alone; without, the file's triggers do.
  const triggers = flags.cron === undefined
    ? schedulesFromWorkflow(loaded.file, loaded.workflow, now)
    : [];
  const chosen: (Schedule | undefined)[] = triggers.length === 0
    ? [undefined]
    : flags.name === undefined
    ? triggers
    : triggers.filter((t) => t.name === flags.name);
  if (chosen.length === 0) {
    if (triggers.length > 1) {
      const names = triggers.map((t) => t.name);
      const { didYouMean } = await import("../parse/suggest.ts");
      throw new WeftError(
        `--name ${JSON.stringify(flags.name)}: ${file} has ${triggers.length} schedule ` +
          `triggers and none of them is named so`,
        {
          hint: didYouMean(flags.name!, names) ??
            `name one of them (${names.join(", ")}), leave --name out to add them all, ` +
              "or give --cron for a schedule of your own",
        },
      );
    }
    chosen.push(triggers[0]); // the file's only trigger, under the name --name gives
  }
  const out: Schedule[] = [];
  for (const fromFile of chosen) {
    out.push(await scheduleOf(io, file, loaded, flags, fromFile, now));
  }
  return out;
}

/** One schedule of `add`: the flags over `fromFile` (a trigger of the file, if any). */
async function scheduleOf(
  io: CliIO,
  file: string,
  loaded: LoadedWorkflow,
  flags: AddFlags,
  fromFile: Schedule | undefined,
  now: Date,
): Promise<Schedule> {
  const cron = flags.cron ?? fromFile?.cron;
  if (cron === undefined) {
    throw new UsageError(
      `--cron is required: ${file} has no schedule trigger`,
      "weft schedule add",
    );
  }
  // Without a zone, the one of the clock `add` runs on, stored: what `add` reports is what
  // fires, whatever zone the daemon (a service, cron, another shell) has.
  const tz = flags.tz ?? fromFile?.tz ?? addZone(io.env.TZ);
  try {
    checkCron({ cron, tz });
  } catch (e) {
    if (e instanceof WeftError) {
      const what = e.problems[0];
      const flag = what.message.startsWith("unknown time zone") ? "--tz" : "--cron";
      const given = flag === "--tz" ? flags.tz : flags.cron;
      throw new WeftError(`${given !== undefined ? flag : file}: ${what.message}`, {
        hint: what.hint,
      });
    }
    throw e;
  }
  // The check `weft validate` and the daemon make of a file's schedule (model/cron_match.ts).
  const never = cronNeverFires(cron);
  if (never) throw new WeftError(never.message, { hint: never.hint });
  let catchupMs = fromFile?.catchupMs ?? 0;
  if (flags.catchup !== undefined) {
    const ms = parseDuration(flags.catchup);
    if (ms === undefined) {
      const why = durationTooLong(flags.catchup) ? TOO_LONG : "not a duration";
      throw new WeftError(`--catchup ${JSON.stringify(flags.catchup)}: ${why}`, {
        hint: "e.g. --catchup 6h, 30m, 1h30m (0 turns catch-up off)",
      });
    }
    catchupMs = ms;
  }
  const params = { ...fromFile?.params, ...parseAssignments(flags.param ?? [], "--param") };
  const { resolveParams } = await import("../engine/params.ts");
  const resolved = resolveParams(loaded.workflow, params);
  const { secretsInParams } = await import("./schedule_known_secrets.ts");
  const secretValues = await secretsInParams(io, loaded, params, resolved, flags.home);
  const name = flags.name ?? fromFile?.name ?? loaded.workflow.name;
  // The one rule of schedule names, as `weft validate` applies it to a file's triggers.
  const problem = scheduleNameProblem(name);
  if (problem) {
    throw new WeftError(problem.message, {
      hint: "give a printable name with --name, e.g. --name nightly-backup",
    });
  }
  return {
    name,
    file: resolve(loaded.file),
    cron,
    tz,
    catchupMs,
    overlap: (flags.overlap as OverlapPolicy | undefined) ?? fromFile?.overlap ?? DEFAULT_OVERLAP,
    params,
    ...secretOnes(secretParamNames(params, loaded.workflow.secrets)),
    ...(secretValues.length ? { secretValues } : {}),
    paused: false,
    source: "cli",
    createdAt: now.toISOString(),
    lastFire: null,
  };
}

/**
 * The zone `add` stores for a schedule given none: the clock's (readHostZone). One it
 * cannot name is refused rather than stored as UTC, which would fire hours off the
 * local time `date` shows.
 */
function addZone(tz: string | undefined): string {
  const host = readHostZone(tz);
  if (host.zone !== null) return host.zone;
  throw new WeftError(`no --tz given, and ${host.why}`, {
    hint: "pass the zone: --tz NAME (e.g. --tz Europe/Berlin, --tz UTC)",
  });
}
