/**
 * `weft validate`'s header value check on literal text (src/parse/http_checks.ts), the
 * same character rule the run applies (model/http_header.ts): C1 controls are refused as
 * DEL is, Latin-1 letters are not.
 */
import assert from "node:assert/strict";
import { headerValueProblem } from "../src/parse/http_checks.ts";

Deno.test("headerValueProblem: a C1 control (U+0080–U+009F) is refused at its offset, as DEL is", () => {
  for (
    const [value, offset, hex] of [["a\x85b", 1, "0085"], ["ab \x9b", 3, "009B"], [
      "\x7f",
      0,
      "007F",
    ]] as const
  ) {
    const problem = headerValueProblem(value, true);
    assert.equal(problem?.offset, offset, value);
    assert.equal(problem?.message, `a header value cannot contain a control character (U+${hex})`);
  }
  assert.equal(headerValueProblem("caf\xe9 \xa0\xff ${params.x}", true), undefined);
});
