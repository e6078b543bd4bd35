/**
 * Form bodies built from templates (expr/form_text.ts): a value is percent-encoded as a
 * URL query value, so it stays inside its field; the whole text and raw(...) as written.
 */
import assert from "node:assert/strict";
import { compileTemplate } from "../src/expr/template.ts";

const render = (text: string, vars: Record<string, string>) =>
  compileTemplate(text).renderForm((_root, path) => vars[path[0]]);

Deno.test("renderForm: a value stays inside its field", () => {
  assert.equal(
    render("name=${params.n}&role=user", { n: "x&role=admin" }),
    "name=x%26role%3Dadmin&role=user",
  );
  assert.equal(render("a=${params.n}", { n: "1+1 = 2%" }), "a=1%2B1%20%3D%202%25");
  assert.equal(render("${params.k}=1", { k: "a=b" }), "a%3Db=1");
  assert.equal(render("é=${params.n}", { n: "ü~._-" }), "é=%C3%BC~._-");
  // Decoded by a form parser, the value comes back whole.
  const body = render("q=${params.n}&x=1", { n: "a b&c=d+e" });
  assert.deepEqual([...new URLSearchParams(body)], [["q", "a b&c=d+e"], ["x", "1"]]);
});

Deno.test("renderForm: the whole text and raw(...) as written", () => {
  assert.equal(render("${params.body}", { body: "a=1&b=2" }), "a=1&b=2");
  assert.equal(render("a=1&${raw(params.more)}", { more: "b=2&c=3" }), "a=1&b=2&c=3");
  assert.equal(render("a=1", {}), "a=1");
});
