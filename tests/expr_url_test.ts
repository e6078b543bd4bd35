/** URL rendering of templates (src/expr/url.ts): each value encoded for its URL part. */
import assert from "node:assert/strict";
import { compileTemplate, ExpressionError, type Scope } from "../src/expr/mod.ts";
import { percentEncode } from "../src/expr/url.ts";
import { resolveQuoted } from "../src/model/data_text.ts";

const scopeOf = (vars: Record<string, string>): Scope => (root, path) =>
  root === "p" && path.length === 1 ? vars[path[0]] : undefined;

const url = (template: string, vars: Record<string, string>) =>
  compileTemplate(template).renderUrl(scopeOf(vars));

function refused(template: string, vars: Record<string, string>, pattern: RegExp): ExpressionError {
  let caught: unknown;
  try {
    url(template, vars);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ExpressionError, `expected a refusal for ${template}`);
  // The value is quoted marked (cut once masked: model/data_text.ts quoteCut).
  assert.match(resolveQuoted(caught.message), pattern);
  return caught;
}

Deno.test("url: a path value stays one segment; ? # / % \\ are encoded", () => {
  assert.equal(
    url("http://h/api/users/${p.u}?fields=name", { u: "../admin/delete?confirm=yes#" }),
    "http://h/api/users/..%2Fadmin%2Fdelete%3Fconfirm%3Dyes%23?fields=name",
  );
  assert.equal(url("http://h/a/${p.u}/b", { u: "x\\y%20 z" }), "http://h/a/x%5Cy%2520%20z/b");
  assert.equal(url("http://h/${p.u}", { u: "naïve;v=1" }), "http://h/na%C3%AFve%3Bv%3D1");
  const parsed = new URL(url("http://h/users/${p.u}", { u: "a/b" }));
  assert.equal(parsed.pathname, "/users/a%2Fb");
});

Deno.test("url: a value that would be a . or .. segment is refused at its ${", () => {
  const error = refused("http://h/api/${p.u}/x", { u: ".." }, /path segment "\.\."/);
  assert.equal(error.offset, "http://h/api/".length);
  refused("http://h/api/${p.u}", { u: "." }, /path segment/);
  refused("http://h/api/${p.a}${p.b}", { a: ".", b: "." }, /path segment/);
  // Part of a segment is fine.
  assert.equal(url("http://h/v${p.u}/x", { u: "." }), "http://h/v./x");
  assert.equal(url("http://h/${p.u}/x", { u: "..." }), "http://h/.../x");
});

Deno.test("url: a value that would leave a path segment empty is refused like `.`", () => {
  const error = refused("http://h/api/${p.u}/sessions", { u: "" }, /an empty path segment/);
  assert.equal(error.offset, "http://h/api/".length);
  refused("http://h/api/users/${p.u}", { u: "" }, /an empty path segment/);
  refused("http://h/api/${p.a}${p.b}/x", { a: "", b: "" }, /an empty path segment/);
  // A longer segment, the query, raw(...) may take an empty value.
  assert.equal(url("http://h/u-${p.u}/x?q=${p.u}", { u: "" }), "http://h/u-/x?q=");
  assert.equal(url("http://h/api/${raw(p.u)}", { u: "" }), "http://h/api/");
});

Deno.test("url: query keys and values, and the fragment, cannot add parameters", () => {
  assert.equal(
    url("http://h/s?q=${p.q}&page=1", { q: "a&admin=1" }),
    "http://h/s?q=a%26admin%3D1&page=1",
  );
  assert.equal(url("http://h/s?${p.k}=1", { k: "x=1&y" }), "http://h/s?x%3D1%26y=1");
  assert.equal(url("http://h/s?q=${p.q}", { q: "1+1 #x" }), "http://h/s?q=1%2B1%20%23x");
  assert.equal(url("http://h/s#${p.f}", { f: "a#b?c" }), "http://h/s#a%23b%3Fc");
  const parsed = new URL(url("http://h/s?q=${p.q}&page=1", { q: "a&admin=1" }));
  assert.deepEqual([...parsed.searchParams], [["q", "a&admin=1"], ["page", "1"]]);
});

Deno.test("url: user info is encoded; host, port and scheme values are checked", () => {
  assert.equal(
    url("http://${p.user}:${p.pw}@h/x", { user: "a@b", pw: "p:w/d?#" }),
    "http://a%40b:p%3Aw%2Fd%3F%23@h/x",
  );
  assert.equal(
    url("http://${p.host}:${p.port}/x", { host: "api.example", port: "8080" }),
    "http://api.example:8080/x",
  );
  assert.equal(url("http://[${p.ip}]:80/", { ip: "::1" }), "http://[::1]:80/");
  assert.equal(url("http${p.s}://h/", { s: "s" }), "https://h/");
  refused("http://${p.host}/x", { host: "evil.example/steal?" }, /as the host/);
  refused("http://${p.host}/x", { host: "evil.example@good" }, /as the host/);
  refused("http://h:${p.port}/x", { port: "80/admin" }, /as the port/);
  refused("http://h:${p.port}/x", { port: "80@evil" }, /as the port/);
  refused("http${p.s}://h/", { s: "://evil/#" }, /part of the scheme/);
  refused("http://[${p.ip}]/", { ip: "::1]/x" }, /IPv6/);
});

Deno.test("url: a value that starts the URL is its base, inserted as written", () => {
  assert.equal(
    url("${p.base}/users/${p.id}?q=${p.q}", {
      base: "https://api.example:8443/v1",
      id: "a/b",
      q: "&",
    }),
    "https://api.example:8443/v1/users/a%2Fb?q=%26",
  );
  // The base's own text decides where later values land.
  assert.equal(
    url("${p.base}&q=${p.q}", { base: "http://h/s?x=1", q: "a&b" }),
    "http://h/s?x=1&q=a%26b",
  );
  assert.equal(url("${p.whole}", { whole: "http://h/x?y=1#z" }), "http://h/x?y=1#z");
});

Deno.test("url: ${raw(...)} inserts as written; the text it adds is URL syntax", () => {
  assert.equal(
    url("http://h/api/${raw(p.path)}", { path: "v2/users?x=1" }),
    "http://h/api/v2/users?x=1",
  );
  assert.equal(
    url("http://h/${raw(p.path)}/${p.id}", { path: "a?b=", id: "c&d" }),
    "http://h/a?b=/c%26d",
  );
  assert.equal(
    url("http://h/s?q=${raw(p.q)}", { q: "already%20encoded" }),
    "http://h/s?q=already%20encoded",
  );
  // raw() outside URLs is just the value.
  assert.equal(compileTemplate("x=${raw(p.v)}").render(scopeOf({ v: "a/b" })), "x=a/b");
});

Deno.test("url: raw() is the only function; misuse is a positioned syntax error", () => {
  assert.throws(() => compileTemplate("http://h/${enc(p.x)}"), (e: unknown) => {
    assert.ok(e instanceof ExpressionError);
    assert.match(e.message, /unknown function 'enc'/);
    assert.equal(e.offset, "http://h/${".length);
    return true;
  });
  assert.throws(() => compileTemplate("http://h/${raw()}"), /raw\(\) takes one value/);
  assert.throws(() => compileTemplate("http://h/${raw(p.x}"), ExpressionError);
  // `raw` alone is still an ordinary (unknown) reference, not a call.
  assert.deepEqual(compileTemplate("${raw.x}").references.map((r) => r.root), ["raw"]);
  assert.deepEqual(compileTemplate("${raw(p.x)}").references.map((r) => r.root), ["p"]);
});

Deno.test("url: percentEncode keeps unreserved characters only, UTF-8 bytes otherwise", () => {
  assert.equal(percentEncode("AZaz09-._~"), "AZaz09-._~");
  assert.equal(percentEncode(" !*'()/"), "%20%21%2A%27%28%29%2F");
  assert.equal(percentEncode("é€\n"), "%C3%A9%E2%82%AC%0A");
});

Deno.test("url: a user name that would decode to hold ':' is refused (RFC 7617); a password may", () => {
  // A value's ':' lands in the user name as %3A: Basic auth would send `admin:guess:`.
  const e = refused(
    "http://${p.user}@127.0.0.1:18931/h",
    { user: "admin:guess" },
    /user name "admin:guess" contains ':'/,
  );
  assert.equal(e.offset, 7);
  assert.match(e.hint ?? "", /RFC 7617/);
  // Two values in the user name, the second with the ':': the error is at the second.
  assert.equal(refused("http://${p.a}${p.b}@h/", { a: "x", b: "y:z" }, /"xy:z"/).offset, 13);
  // Written out, or brought by raw(...), %3A is the same user name.
  refused("http://a%3Ab:pw@h/", {}, /user name "a:b" contains ':'/);
  refused("http://${raw(p.u)}@h/", { u: "a%3ab" }, /user name "a:b"/);
  refused("${p.base}/x", { base: "http://a%3Ab@h" }, /user name "a:b"/);
  // The first literal ':' ends the user name: a value after it is the password.
  assert.equal(url("http://u:${p.pw}@h/", { pw: "p:w" }), "http://u:p%3Aw@h/");
  assert.equal(url("http://${p.u}:${p.pw}@h/", { u: "me", pw: "a:b" }), "http://me:a%3Ab@h/");
  // Without an `@` nothing is user info: a %3A in the path or query is data.
  assert.equal(url("http://h/${p.x}?q=${p.x}", { x: "a:b" }), "http://h/a%3Ab?q=a%3Ab");
  assert.equal(url("http://h/a%3Ab@c", {}), "http://h/a%3Ab@c");
});
