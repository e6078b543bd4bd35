/**
 * The generic webhook channel: a POST of the run report as JSON — exactly what
 * `weft run --json` prints — with the channel's headers. An alert adds an `alert`
 * object (`name`, `message`) next to the report's fields.
 * @module
 */
import type { RunReport } from "../engine/events.ts";
import type { WebhookChannel } from "./config.ts";
import { postJson } from "./http_post.ts";
import type { RunMessage } from "./message.ts";

/** Sends the report to the channel's URL; throws Error for an answer other than 2xx. */
export async function sendWebhook(
  channel: WebhookChannel,
  message: RunMessage,
  report: RunReport,
): Promise<void> {
  const body = message.alert
    ? { ...report, alert: { name: message.alert.name, message: message.alert.text } }
    : report;
  await postJson(channel.url, body, channel.headers);
}
