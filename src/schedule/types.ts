/**
 * The schedule records (defined in model/schedule.ts, where store/ can use them too).
 * @module
 */
export * from "../model/schedule.ts";
