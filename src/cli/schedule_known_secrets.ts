/**
 * The start-of-run secrets a schedule's params hold, for `weft schedule add`: a param
 * whose value holds a secret the run would know at its start — a value of the workflow's,
 * `defaults`' or a task's `environment`, a variable under `secrets:`, one of weft's own
 * environment named like a secret, a notification credential — is kept aside and shown
 * masked (store/schedule_secrets.ts), as a run masks it in its record. The same set a
 * run and `--dry-run` start with (engine/preview.ts previewSecrets, start_secrets.ts).
 * @module
 */
import type { Workflow } from "../model/workflow.ts";
import type { CliIO } from "./io.ts";

/**
 * The secret strings (each as Secrets masks it: the value or one of its forms) found
 * inside the values of `params` (as given: `-p` over the file trigger's), for
 * Schedule.secretValues; [] when none. `resolved` are the params with the declared
 * defaults (engine/params.ts), as the run gets them. Throws WeftError (exit 2) when the
 * global notification config is malformed, as `weft run` does.
 */
export async function secretsInParams(
  io: CliIO,
  loaded: { workflow: Workflow; file: string },
  params: Record<string, string>,
  resolved: Record<string, string>,
  homeOption: string | undefined,
): Promise<string[]> {
  const values = Object.values(params).filter((value) => value !== "");
  if (values.length === 0) return [];
  const [{ previewSecrets }, { notificationSecrets }] = await Promise.all([
    import("../engine/preview.ts"),
    import("./notify_wiring.ts"),
  ]);
  const secrets = previewSecrets({
    workflow: loaded.workflow,
    file: loaded.file,
    params: resolved,
    env: { ...io.env },
    addSecrets: await notificationSecrets(io, loaded.workflow, { params: resolved, homeOption }),
  });
  return secrets.values().filter((secret) => values.some((value) => value.includes(secret)));
}
