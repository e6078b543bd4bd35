/**
 * engine/outputs.ts: `$WEFT_OUTPUT` content that is not the GITHUB_OUTPUT format is an
 * error naming the line (as GitHub Actions fails the step), never taken as it was.
 */
import assert from "node:assert/strict";
import { OutputFormatError, outputsOrError, parseOutputs } from "../src/engine/outputs.ts";
import { resolveQuoted } from "../src/model/data_text.ts";

/** The plain reason parseOutputs throws for `text`, and the line it names. */
function failure(text: string): { line: number; reason: string } {
  try {
    parseOutputs(text);
  } catch (error) {
    assert.ok(error instanceof OutputFormatError);
    return { line: error.line, reason: resolveQuoted(error.reason) };
  }
  assert.fail(`parsed: ${JSON.stringify(text)}`);
}

Deno.test("parseOutputs: an unclosed heredoc names its line and delimiter", () => {
  assert.deepEqual(failure("a=1\nnotes<<EOF\nline1\nline2\noops no equals\n"), {
    line: 2,
    reason: '$WEFT_OUTPUT line 2: "notes<<EOF" is never closed: no line "EOF" follows; ' +
      "end the value with the delimiter alone on a line",
  });
});

Deno.test("parseOutputs: a line that is neither form, an empty key, a key with a blank, no delimiter", () => {
  assert.deepEqual(failure("a=1\n\noops no equals\n"), {
    line: 3,
    reason: '$WEFT_OUTPUT line 3: "oops no equals" is neither KEY=VALUE nor KEY<<DELIMITER',
  });
  assert.equal(failure("=1").reason, '$WEFT_OUTPUT line 1: "=1" has no key; write KEY=VALUE');
  assert.equal(failure("<<EOF\nx\nEOF\n").line, 1);
  assert.equal(
    failure("ok=1\nbad key=2\n").reason,
    '$WEFT_OUTPUT line 2: the key "bad key" holds a blank; ' +
      "a key is one word, read as ${tasks.ID.outputs.KEY}",
  );
  assert.match(failure("k<<\n").reason, /line 1: "k<<" has no delimiter after "<<"/);
  assert.match(failure("x".repeat(200)).reason, /"x{80}…" is neither/);
});

Deno.test("outputsOrError returns the error instead of throwing, and the values otherwise", () => {
  assert.deepEqual(outputsOrError("a=1\n"), { a: "1" });
  assert.ok(outputsOrError("nothing") instanceof OutputFormatError);
});
