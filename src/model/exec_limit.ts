/**
 * Linux's MAX_ARG_STRLEN (execve(2), "Limits on size of arguments and environment"): the
 * longest single argument or `NAME=value` environment string exec takes, its NUL
 * included, in bytes (32 pages). Here, below every layer that checks a value against it:
 * expr (a value a child shell reads), tasks (tasks/exec_limits.ts) and the engine.
 * @module
 */

/** Linux's MAX_ARG_STRLEN: longest single argument or `NAME=value`, its NUL included. */
export const MAX_ARG_STRLEN = 128 * 1024;
