/**
 * The workflow model: schema, types, durations and user-facing errors.
 * @module
 */
export * from "./errors.ts";
export * from "./duration.ts";
export * from "./task.ts";
export * from "./workflow.ts";
