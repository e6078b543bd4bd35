/**
 * One try of one notification on one channel, whatever its kind: the dispatch that keeps
 * mod.ts free of the channels' modules (nodemailer is loaded only for email).
 * @module
 */
import type { RunReport } from "../engine/events.ts";
import type { Channel } from "./config.ts";
import type { RunMessage } from "./message.ts";

/** Sends `message` (and for webhooks `report`) on `channel`; throws Error saying why not. */
export async function sendTo(
  channel: Channel,
  message: RunMessage,
  report: RunReport,
  env: Record<string, string>,
): Promise<void> {
  switch (channel.kind) {
    case "slack": {
      const { sendSlack } = await import("./slack.ts");
      return await sendSlack(channel, message);
    }
    case "email": {
      const { sendEmail } = await import("./email.ts");
      return await sendEmail(channel, message, env);
    }
    case "webhook": {
      const { sendWebhook } = await import("./webhook.ts");
      return await sendWebhook(channel, message, report);
    }
  }
}
