/**
 * `health-check`: an http check of a service every five minutes (schedule trigger),
 * retried before it counts as down, a report of the answer, a failure callback, and
 * an alert rule for when the service is down.
 * @module
 */
import { scheduleConfig, type Template } from "./template.ts";

/** The `health-check` template. */
export const healthCheck: Template = {
  id: "health-check",
  summary: "check an HTTP endpoint every 5 minutes; report, and alert when it is down",
  build(name) {
    return {
      workflow: {
        name,
        version: "1.0.0",
        description: "Check that a service answers on its health endpoint",
        trigger: {
          type: "manual|schedule",
          config: scheduleConfig(name, { schedule: "*/5 * * * *" }),
        },
        params: {
          url: {
            default: "http://127.0.0.1:8080/health",
            description: "the health endpoint to check",
          },
        },
        retention: { keep_days: 7 },
        tasks: [
          {
            id: "check",
            name: "GET the health endpoint",
            type: "http",
            url: "${params.url}",
            headers: { Accept: "application/json" },
            expect_status: [200, 204],
            timeout: "10s",
            retry: { attempts: 3, delay: "2s" },
            on_failure: ["report-down"],
          },
          {
            id: "report",
            name: "Report the answer",
            depends_on: ["check"],
            command: 'echo "${params.url} answered ${tasks.check.outputs.status}"',
          },
          {
            id: "report-down",
            name: "Report the service down",
            command: 'echo "${params.url} is down: ${tasks.check.status}" >&2',
          },
        ],
        alerts: [
          {
            name: "service-down",
            condition: "execution.status == 'failed'",
            channels: ["slack"],
            template: "${workflow.name}: the health check of its service failed",
          },
        ],
        notifications: {
          channels: ["slack"],
          on_failure: true,
          slack: { webhook_url: "${env.SLACK_WEBHOOK_URL}", channel: "#ops" },
        },
      },
      notes: [
        {
          path: [],
          text: "Checks that a service answers on its health endpoint every five minutes\n" +
            "(under `weft daemon`); a failed check calls report-down. The alert rule below\n" +
            "posts to Slack ($SLACK_WEBHOOK_URL) after a failed run (README: Notifications).",
        },
        { path: ["params"], text: "Set with -p url=https://example.com/health." },
        { path: ["retention"], text: "Keep a week of run history: this runs 288 times a day." },
        {
          path: ["tasks", 0],
          text: "Any status but 200 or 204 fails the check (like curl --fail); three tries\n" +
            "first, so one dropped request is not an outage.",
        },
        {
          path: ["tasks", 2],
          text: "A callback: runs only when the check fails after its last try.",
        },
        {
          path: ["alerts"],
          text: "Alert rules: a condition over the run (execution) and its metrics, and where\n" +
            "to send the message.",
        },
        {
          path: ["notifications"],
          text: "Where alerts and run outcomes go; set SLACK_WEBHOOK_URL in the environment.",
        },
      ],
    };
  },
};
