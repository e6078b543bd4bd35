/**
 * `weft schedule`: add, list, remove, pause and resume schedules; backfill a past
 * window; export them as crontab lines or systemd timers. Declarations only: the work
 * is in schedule_manage.ts, schedule_backfill.ts and schedule_export.ts.
 * `weft schedule --cron EXPR FILE` (the seed's form) means `weft schedule add`.
 * @module
 */
import { OVERLAP_POLICIES } from "../model/schedule.ts";
import { HOME_OPTION, type OptionDef, typed, type VerbDef } from "./command.ts";

/** The flags of `schedule add` (and of the bare `schedule --cron ... FILE`). */
export interface AddFlags {
  cron?: string;
  tz?: string;
  name?: string;
  catchup?: string;
  overlap?: string;
  param?: string[];
  replace?: boolean;
  home?: string;
}

const ADD_OPTIONS: readonly OptionDef[] = [
  {
    long: "cron",
    value: "expr",
    description: 'when to fire: 5 fields, 6 with seconds first, or @daily etc. (e.g. "0 2 * * *")',
  },
  {
    long: "tz",
    value: "zone",
    description: "IANA time zone of the expression (default: the host's)",
  },
  {
    long: "name",
    value: "name",
    description: "the schedule's name (default: the workflow's name)",
  },
  {
    long: "catchup",
    value: "duration",
    description: "run fires missed while weft was down if at most this late (e.g. 6h; default 0)",
  },
  {
    long: "overlap",
    value: "policy",
    choices: OVERLAP_POLICIES,
    description: "a fire while the last run still runs: skip (default), queue, cancel, allow",
  },
  {
    long: "param",
    short: "p",
    value: "name=value",
    repeatable: true,
    description: "a workflow parameter each run gets (repeatable)",
  },
  { long: "replace", description: "replace a schedule of the same name" },
  HOME_OPTION,
];

const FILE_ARG = {
  name: "file",
  description: "workflow file (.json, .yml, .yaml)",
};

const addVerb: VerbDef = {
  name: "add",
  summary: "add a schedule: run a workflow file at the times of a cron expression",
  arguments: [{ ...FILE_ARG, required: true }],
  options: ADD_OPTIONS,
  examples: `Examples:
  weft schedule add backup.yml --cron "0 2 * * *" --tz Europe/Berlin --catchup 6h
  weft schedule add report.yml --cron "0 9 * * MON-FRI" -p env=prod --name weekday-report
  weft schedule add flow.yml        use the file's own schedule trigger`,
  run: async (args, options, io) => {
    const { addSchedule } = await import("./schedule_manage.ts");
    return addSchedule(io, typed<{ file: string }>(args).file, typed<AddFlags>(options));
  },
};

const listVerb: VerbDef = {
  name: "list",
  summary: "each schedule with its next three fire times and its last fire",
  options: [{ long: "json", description: "print the schedules as JSON on stdout" }, HOME_OPTION],
  examples: `Examples:
  weft schedule list                       name, file, cron and zone, next three fires, last fire
  weft schedule list --json | jq '.[].next'   fire times: ISO 8601 with the zone's offset`,
  run: async (_args, options, io) => {
    const { listSchedules } = await import("./schedule_manage.ts");
    return listSchedules(io, typed<{ json?: boolean; home?: string }>(options));
  },
};

function byName(name: string, summary: string, action: "remove" | "pause" | "resume"): VerbDef {
  return {
    name,
    summary,
    arguments: [{ name: "name", description: "the schedule's name", required: true }],
    options: [HOME_OPTION],
    examples: `Examples:
  weft schedule ${name} nightly-backup       (weft schedule list shows the names)`,
    run: async (args, options, io) => {
      const { changeSchedule } = await import("./schedule_manage.ts");
      const home = typed<{ home?: string }>(options).home;
      return changeSchedule(io, action, typed<{ name: string }>(args).name, home);
    },
  };
}

/** The flags of `schedule backfill`. */
export interface BackfillFlags {
  from: string;
  to: string;
  maxParallel: string;
  dryRun?: boolean;
  home?: string;
}

const backfillVerb: VerbDef = {
  name: "backfill",
  summary: "run each fire of a past window once (skipping fires already run)",
  arguments: [{ name: "name", description: "the schedule's name", required: true }],
  options: [
    { long: "from", value: "time", description: "window start (ISO 8601; inclusive)" },
    {
      long: "to",
      value: "time",
      description: "window end (ISO 8601; inclusive: a date alone is all that day)",
    },
    { long: "max-parallel", value: "n", default: "1", description: "most runs at once" },
    { long: "dry-run", description: "list the fires that would run; run nothing" },
    HOME_OPTION,
  ],
  examples: `Examples:
  weft schedule backfill nightly --from 2026-11-01 --to 2026-11-07
  weft schedule backfill nightly --from 2026-11-01T00:00+01:00 --to 2026-11-02 --dry-run
A time without an offset is read in the schedule's zone; a date alone is its
midnight in --from and the whole day in --to (2026-11-01 to 2026-11-07: 7 nights).
Each run reads its fire time as \${schedule.time}; it is recorded as trigger backfill.`,
  run: async (args, options, io) => {
    const { backfill } = await import("./schedule_backfill.ts");
    return backfill(io, typed<{ name: string }>(args).name, typed<BackfillFlags>(options));
  },
};

/** The flags of `schedule export`. */
export interface ExportFlags {
  crontab?: boolean;
  systemd?: string;
  weft?: string;
  home?: string;
}

const exportVerb: VerbDef = {
  name: "export",
  summary: "print the schedules as crontab lines, or write systemd timers",
  options: [
    { long: "crontab", description: "print crontab lines (CRON_TZ= where a zone is set)" },
    { long: "systemd", value: "dir", description: "write a .service and a .timer per schedule" },
    { long: "weft", value: "path", description: "the weft executable to call (default: this one)" },
    HOME_OPTION,
  ],
  examples: `Examples:
  weft schedule export --crontab | crontab -
  weft schedule export --systemd ~/.config/systemd/user && systemctl --user daemon-reload`,
  run: async (_args, options, io) => {
    const { exportSchedules } = await import("./schedule_export.ts");
    return exportSchedules(io, typed<ExportFlags>(options));
  },
};

/** The `schedule` verb. */
export const scheduleVerb: VerbDef = {
  name: "schedule",
  summary: "schedules: add, list, remove, pause, resume, backfill, export",
  arguments: [{ ...FILE_ARG, description: "with --cron: add a schedule for this file" }],
  options: ADD_OPTIONS,
  subcommands: [
    addVerb,
    listVerb,
    byName("remove", "remove a schedule (and its fire records)", "remove"),
    byName("pause", "stop firing a schedule until resumed", "pause"),
    byName("resume", "fire a paused schedule again", "resume"),
    backfillVerb,
    exportVerb,
  ],
  examples: `Examples:
  weft schedule --cron "0 2 * * *" backup.json      same as weft schedule add
  weft schedule list
  weft schedule pause nightly-backup
Schedules fire while \`weft daemon\` runs; see weft schedule export for cron/systemd.`,
  run: async (args, options, io) => {
    const { bareSchedule } = await import("./schedule_manage.ts");
    return bareSchedule(io, typed<{ file?: string }>(args).file, typed<AddFlags>(options));
  },
};
