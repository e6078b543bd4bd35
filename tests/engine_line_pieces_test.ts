/**
 * A line a task prints in pieces around lines of the other stream (`printf A1; echo e1
 * >&2; echo D4`) reads whole, at the place it began, everywhere weft shows a task's last
 * lines (engine/line_pieces.ts): `weft run`'s failure tail, `weft status`, the Slack
 * message of the run and of the task, and the mail — with or without a secret known —
 * and every notification shows task output with its control characters escaped as the
 * terminal does (notify/message.ts shownOutput). Real SMTP and HTTP servers on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { startHookServer, startSmtp } from "./fixtures/notify/servers.ts";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

// deno-lint-ignore no-explicit-any
type Any = any;

const opts = { sanitizeResources: false, sanitizeOps: false };

/** The task: a stdout line in three pieces, cut twice by stderr lines, then a line of controls. */
const COMMAND = String.raw`printf 'A1'; sleep 0.3; echo e1 >&2; sleep 0.3; printf 'B2'; sleep 0.3
      echo e2 >&2; sleep 0.3; echo 'D4 done'
      printf 'before\033[2J\033[Hafter \033]0;PWNED\007 bell\007\n'; exit 1`;

/** What every tail shows, oldest first (stream, text as the terminal shows it). */
const SHOWN = ["A1B2D4 done", "e1", "e2", String.raw`before\e[2J\e[Hafter \e]0;PWNED\a bell\a`];

function flow(hook: string, smtpPort: number, secret: boolean): string {
  return `name: pieces
${secret ? 'environment: { API_TOKEN: "s3cr3t-value-0123456789abcdefghijkl" }\n' : ""}notifications:
  channels: [slack, email]
  on_failure: true
  slack: { webhook_url: "${hook}/run" }
  email:
    smtp: { host: 127.0.0.1, port: ${smtpPort}, secure: false }
    from: weft@example.test
    to: [ops@example.test]
tasks:
  - id: a
    notifications: { channels: [slack], on_failure: true }
    command: |
      ${COMMAND}
`;
}

for (const secret of [false, true]) {
  Deno.test(
    `a line in pieces reads whole in every tail, controls escaped in every message (${
      secret ? "a secret known" : "no secret"
    })`,
    opts,
    async () => {
      const hook = startHookServer();
      const smtp = await startSmtp();
      const dir = testTempDir("pieces-");
      try {
        await Deno.writeTextFile(`${dir}/flow.yml`, flow(hook.url, smtp.port, secret));
        const env = { WEFT_HOME: `${dir}/home` };
        const run = await weft(["run", `${dir}/flow.yml`, "--no-color"], { env });
        assert.equal(run.code, 1, run.stderr);
        const block = (text: string) =>
          text.slice(text.lastIndexOf("✖ a failed")).split("\n").slice(1, 5).map((l) =>
            l.replace(/^ +(stdout|stderr) │ ?/, "$1 ")
          );
        const expected = [
          `stdout ${SHOWN[0]}`,
          `stderr ${SHOWN[1]}`,
          `stderr ${SHOWN[2]}`,
          `stdout ${SHOWN[3]}`,
        ];
        assert.deepEqual(block(run.stdout + run.stderr), expected, "weft run's failure tail");
        const status = await weft(["status"], { env });
        assert.deepEqual(block(status.stdout), expected, "weft status");
        const logs = await weft(["logs", "a"], { env });
        assert.match(logs.stdout, /^A1B2D4 done$/m);

        // Slack: the run's message (read back from the log) and the task's own (from events).
        assert.equal(hook.requests.length, 2, JSON.stringify(hook.requests.map((r) => r.path)));
        for (const request of hook.requests) {
          const section = (request.body as Any).blocks[2].text.text as string;
          const code = section.slice(section.indexOf("```") + 3, section.lastIndexOf("```"));
          assert.deepEqual(code.split("\n"), SHOWN, `slack ${request.path}`);
          assert.ok(!JSON.stringify(request.body).includes("\\u001b"), "no ESC anywhere");
        }
        // The mail, text and HTML.
        assert.equal(smtp.mails.length, 1);
        const { text, html } = smtp.mails[0];
        assert.deepEqual(
          text.split("\n").filter((l) => l.startsWith("  | ")).map((l) => l.slice(4)),
          SHOWN,
        );
        // deno-lint-ignore no-control-regex
        assert.ok(!/[\x00-\x08\x0b-\x1f]/.test(text + html), "no control character in the mail");
        assert.match(html, /<pre>A1B2D4 done\ne1\ne2\nbefore\\e\[2J/);
      } finally {
        await smtp.close();
        await hook.close();
        await Deno.remove(dir, { recursive: true });
      }
    },
  );
}
