/**
 * The generic webhook channel: a POST of JSON with the channel's headers. For a run
 * that is the run report — exactly what `weft run --json` prints; an alert adds an
 * `alert` object (`name`, `message`); a task's own notification sends
 * `{runId, workflow, task}` with the task's record (see notify/mod.ts).
 * @module
 */
import type { WebhookChannel } from "./channels.ts";
import { postJson } from "./http_post.ts";

/**
 * Sends `body` to the channel's URL; throws Error for an answer other than 2xx. `signal`
 * abandons the request.
 */
export async function sendWebhook(
  channel: WebhookChannel,
  body: unknown,
  signal?: AbortSignal,
): Promise<void> {
  await postJson(channel.url, body, channel.headers, signal);
}
