/**
 * `backup`: a nightly archive of a folder (schedule trigger, 02:00), checked after it is
 * written, and a retention step that deletes archives older than `keep_days`; the
 * workflow's own run history is bounded by `retention` too.
 * @module
 */
import { scheduleConfig, slug, type Template } from "./template.ts";

/** The `backup` template. */
export const backup: Template = {
  id: "backup",
  summary: "nightly archive of a folder (schedule 02:00), verified, old archives pruned",
  build(name) {
    const prefix = slug(name);
    return {
      workflow: {
        name,
        version: "1.0.0",
        description: "Nightly backup: archive a folder, verify the archive, prune old ones",
        trigger: {
          type: "schedule",
          config: scheduleConfig(name, { schedule: "0 2 * * *", timezone: "UTC" }),
        },
        params: {
          source: { default: "./data", description: "the folder to back up" },
          destination: { default: "./backups", description: "where the archives go" },
          keep_days: { default: "14", description: "archives older than this many days go" },
        },
        retention: { keep_days: 90, keep_runs: 200 },
        timeout: "2h",
        defaults: { shell: "sh" },
        tasks: [
          {
            id: "archive",
            name: "Archive the source folder",
            // set -e: a tar that fails (no source folder) fails the task, not only `verify`.
            command: [
              "set -e",
              "mkdir -p ${params.destination}",
              `file=${"${params.destination}"}/${prefix}-$(date -u +%Y%m%dT%H%M%SZ).tar.gz`,
              'tar -czf "$file" -C ${params.source} .',
              'echo "archive=$file" >> "$WEFT_OUTPUT"',
              'echo "wrote $file"',
            ].join("\n") + "\n",
          },
          {
            id: "verify",
            name: "Check that the archive reads back",
            depends_on: ["archive"],
            command: 'tar -tzf "${tasks.archive.outputs.archive}" > /dev/null',
          },
          {
            id: "prune",
            name: "Delete archives older than keep_days",
            depends_on: ["verify"],
            command:
              `find ${"${params.destination}"} -maxdepth 1 -type f -name '${prefix}-*.tar.gz' ` +
              "-mtime +${params.keep_days} -print -delete",
          },
        ],
      },
      notes: [
        {
          path: [],
          text: "Nightly backup: archives a folder, checks the archive, and deletes archives\n" +
            "older than keep_days. `weft daemon` fires it at 02:00 UTC (set timezone to yours).",
        },
        {
          path: ["trigger"],
          text: "Cron: minute hour day-of-month month day-of-week; timezone is an IANA name.",
        },
        {
          path: ["retention"],
          text: "How much of this workflow's run history weft keeps (not the archives).",
        },
        {
          path: ["tasks", 0],
          text: "The archive's path goes to later tasks through $WEFT_OUTPUT.",
        },
        { path: ["tasks", 1], text: "A truncated or corrupt archive fails here, before pruning." },
        {
          path: ["tasks", 2],
          text: "Retention of the archives: runs only after a verified backup, so a failing\n" +
            "backup never deletes the last good ones.",
        },
      ],
    };
  },
};
