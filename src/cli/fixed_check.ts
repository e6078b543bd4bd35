/**
 * The run's own checks of the values a workflow file fixes (engine/fixed_refusals.ts),
 * as every verb that loads a workflow hands them to parse (parse/mod.ts LoadOptions):
 * so `weft validate`, `weft run`, `--dry-run`, the daemon and `weft schedule` refuse the
 * same files. The engine is loaded only for a file that has a `${...}`.
 * @module
 */
import type { FixedRefusalCheck } from "../model/fixed_refusal.ts";

/** engine/fixed_refusals.ts fixedRefusals, loaded when first needed. */
export const fixedRefusalCheck: FixedRefusalCheck = async (workflow, file) =>
  (await import("../engine/fixed_refusals.ts")).fixedRefusals(workflow, file);
