/** Which environment values count as secrets, and how they are masked. */
import assert from "node:assert/strict";
import { createMasker, MASK, maskDeep, secretValues } from "../src/engine/secrets.ts";

Deno.test("secretValues: names matching the pattern, any case, plus declared names", () => {
  const env = {
    API_TOKEN: "tok-123",
    db_password: "pw-456",
    MY_PASSWD: "pw-789",
    STRIPE_API_KEY: "sk_live_1",
    SSH_PRIVATE_KEY: "-----BEGIN",
    client_secret: "cs-000",
    DEPLOY_KEY: "declared-1",
    HOME: "/root",
    PATH: "/usr/bin",
  };
  const values = secretValues(env, ["DEPLOY_KEY"]);
  assert.deepEqual(
    new Set(values),
    new Set(["tok-123", "pw-456", "pw-789", "sk_live_1", "-----BEGIN", "cs-000", "declared-1"]),
  );
  assert.equal(secretValues(env).includes("declared-1"), false);
});

Deno.test("secretValues: empty and very short values are not secrets; longest first, no duplicates", () => {
  const values = secretValues({
    A_TOKEN: "",
    B_TOKEN: "ab",
    C_TOKEN: "abc",
    D_TOKEN: "abcdef",
    E_TOKEN: "abc",
  });
  assert.deepEqual(values, ["abcdef", "abc"]);
  assert.deepEqual(secretValues({ X: "value" }, ["MISSING"]), []);
});

Deno.test("createMasker replaces every occurrence, longer secrets first, regex characters literal", () => {
  const mask = createMasker(["abc", "abcdef", "a.b*c", "xy"]);
  assert.equal(mask("abcdef and abc"), `${MASK} and ${MASK}`);
  assert.equal(mask("a.b*c axbbc"), `${MASK} axbbc`);
  assert.equal(mask("xy stays: too short"), "xy stays: too short");
  assert.equal(createMasker([])("nothing to hide"), "nothing to hide");
});

Deno.test("maskDeep masks strings and keys at every depth, leaving other values", () => {
  const mask = createMasker(["hunter2"]);
  const value = {
    line: "pw hunter2",
    n: 4,
    flag: true,
    none: null,
    list: ["hunter2", { deep: "x-hunter2-x" }],
    ["key-hunter2"]: "v",
  };
  assert.deepEqual(maskDeep(value, mask), {
    line: "pw ***",
    n: 4,
    flag: true,
    none: null,
    list: ["***", { deep: "x-***-x" }],
    "key-***": "v",
  });
  assert.equal(value.line, "pw hunter2"); // a copy, not in place
});
