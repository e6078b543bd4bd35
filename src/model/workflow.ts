/**
 * The workflow file: `workflowSchema` is the one source of truth; TypeScript types and
 * `schemas/workflow.schema.json` are derived from it. Its parts are in workflow_parts.ts,
 * task.ts and triggers.ts; importing this module builds all of them (~700 zod schemas).
 * @module
 */
import type * as z from "zod";
import { taskId } from "./fields.ts";
import { taskSchema } from "./task.ts";
import * as triggers from "./triggers.ts";
import * as parts from "./workflow_parts.ts";

/** A declared parameter: a default value, or a full declaration. */
export const paramSchema = parts.paramSchema();
/** `notifications`: where and when to report run outcomes. */
export const notificationsSchema = parts.notificationsSchema();
/** One alert rule: a condition over the run and its metrics, and where to send it. */
export const alertSchema = parts.alertSchema();
/** Defaults applied to every task that does not set the field itself. */
export const taskDefaultsSchema = parts.taskDefaultsSchema();
/** How long history is kept for this workflow. */
export const retentionSchema = parts.retentionSchema();
/** One trigger (triggers.ts). */
export const triggerSchema = triggers.triggerSchema();

/** The whole workflow file. */
export const workflowSchema = parts.workflowObject({
  task: taskSchema(),
  trigger: triggerSchema,
  param: paramSchema,
  defaults: taskDefaultsSchema,
  retention: retentionSchema,
  notifications: notificationsSchema,
  alert: alertSchema,
});

/** A parsed workflow (durations in milliseconds). */
export type Workflow = z.output<typeof workflowSchema>;
/** A workflow as written (the JSON Schema's shape). */
export type WorkflowInput = z.input<typeof workflowSchema>;
/** A declared parameter. */
export type ParamSpec = z.output<typeof paramSchema>;

/** Re-exported so callers need one import for ids. */
export { taskId };
/** A cron string checked with croner (triggers.ts). */
export const cronSchema = triggers.cronSchema();
/** An IANA time zone name (triggers.ts). */
export const timezoneSchema = triggers.timezoneSchema();
/** Re-exported: the triggers are part of the workflow file (triggers.ts). */
export { type Trigger, TRIGGER_TYPES, type TriggerType } from "./triggers.ts";
