/**
 * The Slack channel: a POST of a Block Kit message to an incoming webhook
 * (https://api.slack.com/messaging/webhooks; blocks: https://api.slack.com/reference/block-kit/blocks).
 * Slack answers 200 "ok", or 4xx with a word saying why (`invalid_blocks`, `no_service`).
 * @module
 */
import type { SlackChannel } from "./channels.ts";
import { postJson } from "./http_post.ts";
import { type RunMessage, slackPayload } from "./message.ts";

/**
 * Sends `message` to the channel's webhook; throws Error saying why it was refused.
 * `signal` abandons the request.
 */
export async function sendSlack(
  channel: SlackChannel,
  message: RunMessage,
  signal?: AbortSignal,
): Promise<void> {
  await postJson(channel.webhookUrl, slackPayload(message, channel), {}, signal);
}
