/**
 * Environment-like blocks (a task's `environment`, a docker task's `config.env` and
 * `config.build_args`) are read in order, as a `.env` file is: a value may use the names
 * set above it in the same block (`IMAGE: ${env.REGISTRY}/app`). One rule for every such
 * block, run and preview alike; `weft validate` refuses a name set further down
 * (parse/order_checks.ts envOrderProblems).
 * @module
 */
import type { Scope } from "./value.ts";

/** Names a block set above the value being interpolated, read first by `${env.NAME}`. */
export type Above = Readonly<Record<string, string>>;

/**
 * `scope` with `${env.NAME}` of a name in `above` read from there; any other name —
 * the value's own included (`PATH: ${env.PATH}:/opt/bin`) — from `scope`, the layer
 * below. Own properties only: `${env.constructor}` is not Object's.
 */
export function withNamesAbove(scope: Scope, above: Above | undefined): Scope {
  if (above === undefined) return scope; // not read from a block: the scope as it is
  return (root, path) =>
    root === "env" && path.length === 1 && Object.hasOwn(above, path[0])
      ? above[path[0]]
      : scope(root, path);
}

/**
 * Interpolates `block` in order: `render(value, above, name)` with the names set above it
 * (a fresh null-prototype record, filled as it goes). Returns the values by name.
 */
export function renderBlock(
  block: Readonly<Record<string, string>> | undefined,
  render: (text: string, above: Above, name: string) => string,
): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(block ?? {})) out[name] = render(value, out, name);
  return { ...out };
}
