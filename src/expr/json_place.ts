/**
 * Where a JSON text built from a template stands at each `${...}`, read from the literal
 * text around the values alone (json_text.ts): outside a string or inside one, and,
 * outside one, whether an object's key goes there. A key is a string in double quotes
 * (RFC 8259 §4), so a value placed outside quotes where a key goes, which can be at most
 * one number, `true`, `false` or `null`, can make no JSON whatever it is.
 * @module
 */

/** Outside a string, inside one, or inside one right after an unpaired backslash. */
export type State = "out" | "in" | "escape";

/** A value (a string, a scalar, a closed object or array) came last, outside strings. */
const VALUE = "v";

/**
 * Reads a JSON text in pieces: {@link read} each literal, {@link value} each value put
 * between them. A value written raw(...) outside a string may be any fragment (members,
 * elements, brackets), so after one where an object's key goes is no longer judged.
 * @example
 * const place = new JsonPlace();
 * place.read('[{"a": 1, ');
 * place.keyPlace // true
 */
export class JsonPlace {
  state: State = "out";
  /** The objects (`{`) and arrays (`[`) open, innermost last. */
  #open: string[] = [];
  /** The last character outside strings that is not blank, or {@link VALUE}. */
  #last = "";
  /** A raw(...) value stood outside a string: the structure is its value's too. */
  #blind = false;
  /** The string open (or last closed) began where an object's key goes. */
  #keyString = false;

  /** Whether this is inside a string that is an object's key (`{"a${...}": 1}`). */
  get inKey(): boolean {
    return this.state !== "out" && this.#keyString;
  }

  /** Whether an object's key goes here: outside a string, after `{` or an object's `,`. */
  get keyPlace(): boolean {
    return this.state === "out" && !this.#blind && this.#open.at(-1) === "{" &&
      (this.#last === "{" || this.#last === ",");
  }

  /** Reads `literal`, the text after the previous value (or the start). */
  read(literal: string): void {
    // A value right after a `\` stood for the escaped character: the string goes on.
    if (this.state === "escape") this.state = "in";
    for (let i = 0; i < literal.length; i++) {
      const c = literal[i];
      if (this.state !== "out") {
        if (c === "\\") {
          if (i === literal.length - 1) {
            this.state = "escape";
            return;
          }
          i++;
        } else if (c === '"') {
          this.state = "out";
          this.#last = VALUE;
        }
      } else if (c === '"') {
        this.#keyString = this.keyPlace;
        this.state = "in";
      } else if (c === "{" || c === "[") {
        this.#open.push(c);
        this.#last = c;
      } else if (c === "}" || c === "]") {
        this.#open.pop();
        this.#last = VALUE;
      } else if (c === "," || c === ":") this.#last = c;
      else if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") this.#last = VALUE;
    }
  }

  /** A value was put here (`raw`: written raw(...), inserted as written). */
  value(raw: boolean): void {
    if (this.state !== "out") return;
    this.#last = VALUE;
    if (raw) this.#blind = true;
  }
}
