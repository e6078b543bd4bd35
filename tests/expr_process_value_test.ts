/** expr/process_value.ts and the spawn's last check (tasks/exec_limits.ts): a NUL in a value for a process. */
import assert from "node:assert/strict";
import { inField, NulValueError, processValue } from "../src/expr/process_value.ts";
import { argumentValue, checkExecLimits, ExecLimitError } from "../src/tasks/exec_limits.ts";
import { compileShellTemplate } from "../src/expr/mod.ts";

const plain = (text: string) => text.replace(/[\uE000-\uE002]/g, "");

Deno.test("processValue: a value without NUL passes; one with a NUL throws naming the field and the ${...}", () => {
  assert.equal(processValue("ab", "${x}", 0), "ab");
  assert.throws(
    () => processValue("a\0b", "${tasks.a.outputs.k}", 4, "environment.V"),
    (e) =>
      e instanceof NulValueError && e.offset === 4 &&
      plain(e.message) ===
        "environment.V: the value of ${tasks.a.outputs.k} holds a NUL character, which no process can receive",
  );
  const wrapped = inField("command", new NulValueError("the value of ${x} holds …", 0));
  assert.ok(wrapped instanceof NulValueError && plain(wrapped.message).startsWith("command: "));
  const other = new Error("x");
  assert.equal(inField("command", other), other);
});

Deno.test("renderShell: a NUL in a value is refused, not dropped", () => {
  const template = compileShellTemplate('printf %s "${params.v}"');
  assert.throws(
    () => template.renderShell((_, path) => path[0] === "v" ? "a\0b" : ""),
    NulValueError,
  );
  assert.equal(template.renderShell(() => "ab").env.WEFT_V_1, "ab");
});

Deno.test("argumentValue and checkExecLimits name the argument or variable holding a NUL", () => {
  assert.throws(
    () => argumentValue("args[1]", "a\0b", "the python script"),
    /args\[1\] holds a NUL/,
  );
  assert.throws(
    () => checkExecLimits(["-c", "x"], { OK: "1", BAD: "a\0b" }),
    (e) => e instanceof ExecLimitError && /environment variable BAD holds a NUL/.test(e.message),
  );
  assert.throws(() => checkExecLimits(["-c", "a\0"], {}), /argument 2 holds a NUL/);
});
