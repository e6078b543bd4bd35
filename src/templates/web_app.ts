/**
 * `web-app`: the seed's deployment workflow — install, build, test, deploy — where a
 * failed deploy calls a rollback (an `on_failure` callback) and a failure notice.
 * @module
 */
import type { Template } from "./template.ts";

/** The `web-app` template. */
export const webApp: Template = {
  id: "web-app",
  summary: "install, build, test and deploy a web app; a failed deploy rolls back (on_failure)",
  build(name) {
    return {
      workflow: {
        name,
        version: "1.0.0",
        description: "Build, test and deploy a web application; roll back when the deploy fails",
        trigger: { type: "manual" },
        params: {
          environment: {
            default: "staging",
            description: "where to deploy: staging or production",
          },
        },
        environment: { NODE_ENV: "production", LOG_LEVEL: "info" },
        defaults: { timeout: "10m" },
        tasks: [
          {
            id: "install",
            name: "Install dependencies",
            command: "npm ci",
            retry: { attempts: 3, delay: "5s" },
          },
          {
            id: "build",
            name: "Build the application",
            depends_on: ["install"],
            command: "npm run build",
          },
          {
            id: "test",
            name: "Run the tests",
            depends_on: ["build"],
            condition: "${env.SKIP_TESTS} != 'true'",
            command: "npm run test:ci",
            timeout: "20m",
          },
          {
            id: "deploy",
            name: "Deploy",
            depends_on: ["test"],
            parallel: false,
            command: "npm run deploy -- --env ${params.environment}",
            on_success: ["notify-success"],
            on_failure: ["rollback", "notify-failure"],
          },
          {
            id: "rollback",
            name: "Roll back to the previous release",
            command: "npm run rollback -- --env ${params.environment}",
          },
          {
            id: "notify-success",
            name: "Report the deploy",
            command: 'echo "deployed ${workflow.name} to ${params.environment}"',
          },
          {
            id: "notify-failure",
            name: "Report the failed deploy",
            command:
              'echo "deploy of ${workflow.name} to ${params.environment} failed (exit ${tasks.deploy.exit_code}); rolling back" >&2',
          },
        ],
      },
      notes: [
        {
          path: [],
          text: "Build, test and deploy a web application (an npm project: adapt the commands).\n" +
            "A failed deploy calls `rollback` and `notify-failure` (its on_failure callbacks).",
        },
        { path: ["params"], text: "Set with -p environment=production." },
        { path: ["environment"], text: "Every task sees these variables." },
        { path: ["defaults"], text: "Applies to every task that does not set its own." },
        {
          path: ["tasks", 0],
          text: "A flaky registry download is retried: 3 tries, 5 s apart.",
        },
        {
          path: ["tasks", 2],
          text: "Skipped when SKIP_TESTS=true (--env SKIP_TESTS=true); deploy still runs.",
        },
        {
          path: ["tasks", 3],
          text: "parallel: false: nothing else runs while the deploy does.\n" +
            "Callbacks run only when called: on_success after a deploy that worked,\n" +
            "on_failure after one that failed its last attempt.",
        },
        { path: ["tasks", 4], text: "Callbacks: not part of the dependency graph." },
      ],
    };
  },
};
