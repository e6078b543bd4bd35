/**
 * Reusable zod field types shared by the workflow schema and the task-type configs.
 * @module
 */
import { z } from "zod";
import { type BareUnit, parseDuration } from "./duration.ts";

const DURATION_HINT = 'use a number or a string with a unit: "500ms", "30s", "5m", "1h"';

/**
 * A duration field that parses to milliseconds. A bare number means `bare` units
 * (seconds for timeouts, milliseconds for retry delays); see duration.ts.
 */
export function duration(bare: BareUnit) {
  return z.union([z.number(), z.string()])
    .transform((value, ctx) => {
      const ms = parseDuration(value, bare);
      if (ms === undefined) {
        ctx.addIssue({
          code: "custom",
          message: `invalid duration ${JSON.stringify(value)}: ${DURATION_HINT}`,
        });
        return z.NEVER;
      }
      return ms;
    })
    .meta({
      description: `Duration: a string with a unit (500ms, 30s, 5m, 1h) or a bare number of ${
        bare === "s" ? "seconds" : "milliseconds"
      }`,
    });
}

/** An environment map; numbers and booleans are turned into strings. */
export const envMap = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "environment variable names are letters, digits and _"),
  z.union([z.string(), z.number(), z.boolean()]).transform(String),
);

/** A task id: letters, digits, `_` and `-`, starting with a letter or `_`. */
export const taskId = z.string().regex(
  /^[A-Za-z_][A-Za-z0-9_-]*$/,
  "task ids use letters, digits, '_' and '-', and start with a letter or '_'",
);

/** One string or a list of them, always read as a list. */
export function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);
}
