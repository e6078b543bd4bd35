/**
 * What a notification says, built once per run and then shaped for each channel: a
 * Slack Block Kit payload, a plain-text and an HTML mail body, and the subject. The
 * report's text is already masked (the engine masks what it tells subscribers, and
 * log files are written masked).
 * @module
 */
import type { RunReport, TaskRecord } from "../engine/events.ts";
import { formatDuration } from "../model/duration.ts";
import { terminalSafe } from "../safe_text.ts";

/** How many log lines of each failed task a message carries. */
export const TAIL_LINES = 10;

/** One task that did not succeed, with the end of its log. */
export interface FailedTask {
  id: string;
  name: string;
  status: string;
  /** "exit 1", "timeout", or the error. */
  detail: string;
  /** The last lines of its last attempt's log, oldest first. */
  tail: string[];
}

/** The facts every channel's message is made of. */
export interface RunMessage {
  workflow: string;
  runId: string;
  status: string;
  durationMs: number;
  failed: FailedTask[];
  /** The command that shows the run: `weft status <id>`. */
  statusCommand: string;
  /** Set for an alert: its name and rendered template. */
  alert?: { name: string; text: string };
  /** Set for a task's own notification: its id (`status`, `durationMs` are the task's). */
  task?: string;
}

/** The tasks of a report worth naming in a message: failed, timed out, cancelled, interrupted. */
export function failedTasks(report: RunReport): TaskRecord[] {
  return report.tasks.filter((t) =>
    t.status === "failed" || t.status === "timed_out" || t.status === "interrupted" ||
    (t.status === "cancelled" && t.startedAt !== null)
  );
}

/** Why a task did not succeed, in a few words. */
export function taskDetail(task: TaskRecord): string {
  if (task.error) return task.error;
  if (task.reason === "timeout" || task.reason === "workflow_timeout") return "timed out";
  if (task.exitCode !== null) return `exit ${task.exitCode}`;
  return task.reason ?? task.status;
}

/**
 * Task output (a tail line) or a reason that may quote it, as every channel shows it:
 * control characters escaped as the terminal's failure tail shows them (`\e[2J`, `\a`;
 * safe_text.ts, without colour), since a plain-text mail is read in a terminal and a
 * chat client has no use for them. Line breaks of a reason are kept. The one function
 * the Slack, mail text and mail HTML bodies pass task output through (a webhook gets
 * JSON, whose escapes are safe already).
 */
export function shownOutput(text: string): string {
  return text.split("\n").map((line) => terminalSafe(line, false)).join("\n");
}

/** A failed task's reason and tail as the channels show them ({@link shownOutput}). */
function shownTask(task: FailedTask): { title: string; tail: string[] } {
  return {
    title: `${task.id} ${task.status}: ${shownOutput(task.detail)}`,
    tail: task.tail.map(shownOutput),
  };
}

/** `[weft] deploy failed`; `[weft] deploy alert workflow-failure`; `[weft] deploy build failed` (a task's). */
export function subjectOf(message: RunMessage): string {
  if (message.alert) return `[weft] ${message.workflow} alert ${message.alert.name}`;
  if (message.task) return `[weft] ${message.workflow} ${message.task} ${message.status}`;
  return `[weft] ${message.workflow} ${message.status}`;
}

/** One line for people: the alert's text, `deploy failed in 4.2s`, or `deploy: task build failed in 2s`. */
export function headline(message: RunMessage): string {
  if (message.alert) return shownOutput(message.alert.text); // may quote a task's reason
  const what = message.task ? `${message.workflow}: task ${message.task}` : message.workflow;
  return `${what} ${message.status} in ${formatDuration(message.durationMs)}`;
}

/** The plain-text mail body (and the Slack fallback text). */
export function plainText(message: RunMessage): string {
  const lines = [
    headline(message),
    "",
    `workflow  ${message.workflow}`,
    `status    ${message.status}`,
    `duration  ${formatDuration(message.durationMs)}`,
    `run       ${message.runId}`,
  ];
  for (const { title, tail } of message.failed.map(shownTask)) {
    lines.push("", title);
    for (const line of tail) lines.push(`  | ${line}`);
  }
  lines.push("", `details: ${message.statusCommand}`);
  return lines.join("\n") + "\n";
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** The HTML mail body: the same facts, every value escaped. */
export function htmlBody(message: RunMessage): string {
  const row = (k: string, v: string) =>
    `<tr><th align="left">${k}</th><td>${escapeHtml(v)}</td></tr>`;
  const parts = [
    `<p><strong>${escapeHtml(headline(message))}</strong></p>`,
    "<table>",
    row("Workflow", message.workflow),
    row("Status", message.status),
    row("Duration", formatDuration(message.durationMs)),
    row("Run", message.runId),
    "</table>",
  ];
  for (const { title, tail } of message.failed.map(shownTask)) {
    parts.push(`<h3>${escapeHtml(title)}</h3>`);
    if (tail.length) parts.push(`<pre>${escapeHtml(tail.join("\n"))}</pre>`);
  }
  parts.push(`<p>Details: <code>${escapeHtml(message.statusCommand)}</code></p>`);
  return `<!doctype html><html><body>${parts.join("\n")}</body></html>\n`;
}

/** Slack's mrkdwn needs only `&`, `<` and `>` escaped (https://api.slack.com/reference/surfaces/formatting#escaping). */
function mrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Cuts text to Slack's limit for a block's text, marking the cut. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + "…";
}

/**
 * The Slack incoming-webhook payload: `text` (the notification's fallback) plus Block
 * Kit blocks — a `header` (plain text, at most 150 characters), `section`s with
 * mrkdwn `fields` and text (at most 3000 characters each) and a `context` with the
 * `weft status` command. See https://api.slack.com/messaging/webhooks and
 * https://api.slack.com/reference/block-kit/blocks. `channel`, `username` and
 * `icon_emoji` are passed as the seed's integration does (legacy webhooks honour them).
 */
export function slackPayload(
  message: RunMessage,
  extra: { channel?: string; username?: string; iconEmoji?: string } = {},
): Record<string, unknown> {
  const icon = message.status === "success" ? ":white_check_mark:" : ":x:";
  const blocks: Record<string, unknown>[] = [
    {
      type: "header",
      text: { type: "plain_text", text: cut(`${icon} ${headline(message)}`, 150), emoji: true },
    },
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: `*Workflow*\n${mrkdwn(cut(message.workflow, 1900))}` },
        { type: "mrkdwn", text: `*Status*\n${message.status}` },
        { type: "mrkdwn", text: `*Duration*\n${formatDuration(message.durationMs)}` },
        { type: "mrkdwn", text: `*Run*\n\`${message.runId}\`` },
      ],
    },
  ];
  // Slack allows 50 blocks a message: the failed tasks beyond 45 are left to `weft status`.
  for (const task of message.failed.slice(0, 45)) {
    const shown = shownTask(task);
    const title = `*${mrkdwn(task.id)}* ${task.status}: ${mrkdwn(shownOutput(task.detail))}`;
    const tail = shown.tail.length ? `\n\`\`\`${mrkdwn(shown.tail.join("\n"))}\`\`\`` : "";
    blocks.push({ type: "section", text: { type: "mrkdwn", text: cut(title + tail, 3000) } });
  }
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: `Details: \`${mrkdwn(message.statusCommand)}\`` }],
  });
  return {
    // The fallback text is mrkdwn too (it is what notifications show): escaped like the
    // blocks, so a task's output such as `<!channel>` cannot ping anyone.
    text: mrkdwn(cut(plainText(message), 3000)),
    blocks,
    ...(extra.channel ? { channel: extra.channel } : {}),
    username: extra.username ?? "Weft",
    icon_emoji: extra.iconEmoji ?? ":gear:",
  };
}
