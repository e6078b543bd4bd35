/**
 * Paths built from templates (expr/path.ts): a value is one name inside the path — no
 * `/`, never a `.`/`..` name, in a glob no pattern characters — unless it starts the
 * path or is written `${raw(...)}`.
 */
import assert from "node:assert/strict";
import { compileTemplate } from "../src/expr/template.ts";
import { ExpressionError } from "../src/expr/errors.ts";

const render = (text: string, vars: Record<string, string>, glob = true) =>
  compileTemplate(text).renderPath((_root, path) => vars[path[0]], glob);

Deno.test("renderPath: a value is a name; the base and raw(...) as written", () => {
  assert.equal(render("data/${params.day}.json", { day: "2026-11-01" }), "data/2026-11-01.json");
  assert.equal(render("${params.dir}/*.json", { dir: "../in/[x]" }), "../in/[x]/*.json");
  assert.equal(render("data/${raw(params.day)}.json", { day: "*" }), "data/*.json");
  assert.equal(render("data/${params.a}${params.b}", { a: "..x", b: "y.." }), "data/..xy..");
  // Not a glob: pattern characters are ordinary in a file name.
  assert.equal(render("out/${params.n}.csv", { n: "a*b[1]" }, false), "out/a*b[1].csv");
});

Deno.test("renderPath: a value adding folders, a `..` name or a pattern is refused at its ${", () => {
  const refused = (text: string, vars: Record<string, string>, pattern: RegExp, glob = true) => {
    assert.throws(() => render(text, vars, glob), (e: unknown) => {
      assert.ok(e instanceof ExpressionError);
      assert.match(e.message, pattern);
      assert.equal(e.offset, text.indexOf("${params"));
      return true;
    });
  };
  refused("data/${params.day}.json", { day: "*" }, /"\*" .*read as a pattern/);
  refused("data/${params.day}.json", { day: "{a,b}" }, /read as a pattern/);
  refused("data/{x,${params.day}}/f", { day: "y,.." }, /read as a pattern/);
  refused("data/${params.day}", { day: "../private/keys" }, /"\/".*add folders/);
  refused("data/${params.day}", { day: "..\\x" }, /add folders/, false);
  refused("data/${params.day}/f", { day: ".." }, /name "\.\." .*leave its folder/, false);
  refused("data/.${params.day}/f", { day: "." }, /name "\.\."/, false);
  refused("data/${params.day}", { day: "a\0b" }, /NUL/, false);
  // An empty name is `.`: `srv/` and `srv//x` name srv itself (tester13 F3).
  refused("srv/${params.t}", { t: "" }, /an empty name in the path/, false);
  refused("srv/${params.t}/*", { t: "" }, /an empty name in the path/);
  refused("srv/${params.a}${params.b}/x", { a: "", b: "" }, /an empty name/, false);
});

Deno.test("renderPath: an empty value inside a longer name, raw(...) or the base is as written", () => {
  assert.equal(render("out/x-${params.t}.csv", { t: "" }, false), "out/x-.csv");
  assert.equal(render("srv/${raw(params.t)}", { t: "" }, false), "srv/");
  assert.equal(render("${params.t}data/x", { t: "" }, false), "data/x");
});

Deno.test("renderPath: the base's last name follows the rule of any name (verifier N3)", () => {
  // `${t}/tmp` with t = "" would name /tmp, with t = ".." the folder above.
  for (
    const [t, what] of [["", /start of the path.*root folder/], ["..", /"\.\."/], [".", /"\."/]]
  ) {
    for (const glob of [false, true]) {
      assert.throws(() => render("${params.t}/tmp", { t: t as string }, glob), what as RegExp);
    }
  }
  assert.throws(() => render("${params.t}/x", { t: "a/.." }, false), /"\.\."/);
  assert.throws(() => render("${params.t}${params.u}/x", { t: "", u: "" }), /empty name/);
  // It may still name any folder, end in `/`, or give the whole path as written.
  assert.equal(render("${params.t}/tmp", { t: "../in" }, false), "../in/tmp");
  assert.equal(render("${params.t}/tmp", { t: "/srv/" }, false), "/srv//tmp");
  assert.equal(render("${params.t}/tmp", { t: "/" }, false), "//tmp");
  assert.equal(render("${params.t}", { t: ".." }, false), "..");
  assert.equal(render("${params.t}", { t: "" }, false), "");
  assert.equal(render("${raw(params.t)}/tmp", { t: "" }, false), "/tmp");
});

Deno.test("renderPath: only the value whose ${ opens the template is the base", () => {
  // `${a}${b}` with a empty: b is still inside the path (tester8 F7).
  assert.throws(() => render("${params.a}${params.b}", { a: "", b: "private/*" }), /add folders/);
  assert.throws(() => render("${params.a}${params.b}", { a: "", b: "*" }), /read as a pattern/);
  assert.equal(render("${params.a}${params.b}", { a: "../x/", b: "y" }), "../x/y");
});

Deno.test("renderPath: a value making a name over NAME_MAX or the path over PATH_MAX is refused at its ${", () => {
  const tooLong = (text: string, vars: Record<string, string>, pattern: RegExp, glob = false) => {
    assert.throws(() => render(text, vars, glob), (e: unknown) => {
      assert.ok(e instanceof ExpressionError);
      assert.match(e.message, pattern);
      assert.equal(e.offset, text.indexOf("${"));
      assert.match(e.hint ?? "", /shorten the value/);
      return true;
    });
  };
  const d = (n: number) => "d".repeat(n);
  // 250 + ".json" is 255 bytes: allowed; one more is not, wherever the value stands.
  assert.equal(render("out/${params.p}.json", { p: d(250) }, false), `out/${d(250)}.json`);
  const name =
    /a value makes a name in the path 256 bytes long; Linux allows 255 bytes .*\(NAME_MAX\)/;
  tooLong("out/${params.p}.json", { p: d(251) }, name);
  tooLong("${params.p}.py", { p: d(253) }, name); // the base
  tooLong("out/${raw(params.p)}.json", { p: d(251) }, name); // raw(...)
  tooLong("${params.p}/x", { p: `a/${d(256)}` }, name); // a later name of a base value
  // UTF-8 bytes count: 128 "é" are 256 bytes.
  tooLong("${params.p}", { p: "é".repeat(128) }, name);
  assert.equal(render("${params.p}", { p: "é".repeat(127) }, false), "é".repeat(127));
  // A long name no value is part of is the workflow's own text: not this check's.
  assert.equal(render(`${d(300)}/\${params.p}`, { p: "x" }, false), `${d(300)}/x`);
  // In a glob a `*` may match nothing; a name with a class is not measured.
  tooLong("in/${params.p}*.json", { p: d(251) }, name, true);
  assert.equal(render("in/${params.p}[0-9]*.json", { p: d(251) }), `in/${d(251)}[0-9]*.json`);
  // The whole path: 4095 bytes at most.
  const deep = Array.from({ length: 17 }, () => d(240)).join("/");
  tooLong(
    "${params.p}",
    { p: deep },
    /the path 4096 bytes long; Linux allows 4095 bytes .*\(PATH_MAX\)/,
  );
  assert.equal(render("${params.p}", { p: deep.slice(1) }, false), deep.slice(1));
});
