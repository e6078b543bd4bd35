/**
 * engine/start_secrets.ts: a webhook trigger's `config.secret` is a secret of every run
 * of the workflow from its start (`trigger` or `triggers`), as a notification's
 * credentials are, so the run and `--dry-run` (engine/preview.ts) mask it.
 */
import assert from "node:assert/strict";
import { parseWorkflowSource } from "../src/parse/mod.ts";
import { previewSecrets, previewTasks } from "../src/engine/preview.ts";
import { triggerSecrets } from "../src/engine/start_secrets.ts";

function workflowOf(yaml: string[]) {
  const parsed = parseWorkflowSource(yaml.join("\n") + "\n", "w.yml");
  assert.deepEqual(parsed.problems, []);
  return parsed.workflow!;
}

Deno.test("triggerSecrets: each trigger's config.secret, from trigger or triggers", () => {
  const one = workflowOf([
    "name: w",
    "trigger: {type: webhook, config: {webhook: /t, secret: TrigSecretXYZ123}}",
    "tasks: [{id: a, command: 'true'}]",
  ]);
  assert.deepEqual(triggerSecrets(one), ["TrigSecretXYZ123"]);
  const several = workflowOf([
    "name: w",
    "triggers:",
    "  - {type: manual}",
    "  - {type: webhook, config: {webhook: /t, secret: FirstSecret123}}",
    "  - {type: webhook, config: {webhook: /u, secret: '  '}}",
    "tasks: [{id: a, command: 'true'}]",
  ]);
  assert.deepEqual(triggerSecrets(several), ["FirstSecret123"]);
  assert.deepEqual(
    triggerSecrets(workflowOf(["name: w", "tasks: [{id: a, command: 'true'}]"])),
    [],
  );
});

Deno.test("a trigger's secret is masked from the run's start, --dry-run's plan included", () => {
  const workflow = workflowOf([
    "name: w",
    "trigger: {type: webhook, config: {webhook: /t, secret: TrigSecretXYZ123}}",
    "tasks:",
    '  - {id: a, command: "echo secret is TrigSecretXYZ123"}',
  ]);
  const input = { workflow, file: "/w/w.yml", params: {}, env: {} };
  assert.equal(previewSecrets(input).mask("TrigSecretXYZ123"), "***");
  assert.deepEqual(previewTasks(input).a, ["$ echo secret is ***"]);
});
