/**
 * One try of one notification on one channel, whatever its kind: the dispatch that keeps
 * mod.ts free of the channels' modules (nodemailer is loaded only for email).
 * @module
 */
import type { Channel } from "./channels.ts";
import type { RunMessage } from "./message.ts";

/**
 * Sends `message` (to webhooks: `body`, JSON) on `channel`; throws Error saying why not.
 * `signal` abandons an HTTP request (email: the caller stops waiting for it).
 */
export async function sendTo(
  channel: Channel,
  message: RunMessage,
  body: unknown,
  env: Record<string, string>,
  signal?: AbortSignal,
): Promise<void> {
  switch (channel.kind) {
    case "slack": {
      const { sendSlack } = await import("./slack.ts");
      return await sendSlack(channel, message, signal);
    }
    case "email": {
      const { sendEmail } = await import("./email.ts");
      return await sendEmail(channel, message, env);
    }
    case "webhook": {
      const { sendWebhook } = await import("./webhook.ts");
      return await sendWebhook(channel, body, signal);
    }
  }
}
