/**
 * A `${...}` value that reaches a process (a shell command's variable, an `environment`
 * value, an argument) cannot hold a NUL character: execve(2) takes C strings, which end
 * at the first NUL, so the value would arrive cut, or the process not start. Such a
 * value is refused, one way in every field, naming the field and the `${...}` it came
 * from; never cut or dropped silently (bash itself warns "ignored null byte in input").
 * A NUL written in the field itself is refused by `weft validate` (model/fields.ts).
 * @module
 */
import { ownText, quoteData } from "../model/data_text.ts";
import { ExpressionError } from "./errors.ts";

/** A `${...}` whose value holds a NUL character, where a process would receive it. */
export class NulValueError extends ExpressionError {
  constructor(message: string, offset: number) {
    super(message, offset, "remove the NUL (\\0) where the value is made");
    this.name = "NulValueError";
  }
}

/**
 * `value`, the value of the substitution `written` (its `${...}` text, at `offset` in
 * the field's text), checked for a process: throws a {@link NulValueError} naming
 * `field` (when given: `environment.V`) and `written` when it holds a NUL character.
 * @example processValue("a\0b", "${tasks.a.outputs.k}", 0, "environment.V") // throws "environment.V: the value of ${tasks.a.outputs.k} holds a NUL character, …"
 */
export function processValue(
  value: string,
  written: string,
  offset: number,
  field?: string,
): string {
  if (!value.includes("\0")) return value;
  throw new NulValueError(
    ownText(field ? `${field}: the value of ` : "the value of ") + quoteData(written) +
      ownText(" holds a NUL character, which no process can receive"),
    offset,
  );
}

/** `error` with `field` in front of its message when it is a {@link NulValueError}; else as it is. */
export function inField(field: string, error: unknown): unknown {
  return error instanceof NulValueError
    ? new NulValueError(ownText(`${field}: `) + error.message, error.offset)
    : error;
}
