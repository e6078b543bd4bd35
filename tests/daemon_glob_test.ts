/** The file_change trigger's globs (src/schedule/daemon_glob.ts). */
import assert from "node:assert/strict";
import { compileGlob } from "../src/schedule/daemon_glob.ts";

Deno.test("globs are relative to the workflow's folder; the watched base has no glob characters", () => {
  const g = compileGlob("data/*.csv", "/srv/flows");
  assert.equal(g.pattern, "/srv/flows/data/*.csv");
  assert.equal(g.base, "/srv/flows/data");
  assert.ok(g.matches("/srv/flows/data/a.csv"));
  assert.ok(!g.matches("/srv/flows/data/sub/a.csv"), "* stays within one segment");
  assert.ok(!g.matches("/srv/flows/data/a.csvx"));
});

Deno.test("** crosses folders, {a,b} and [..] and ? work, a plain file is its own glob", () => {
  const deep = compileGlob("src/**/*.{ts,js}", "/w");
  assert.equal(deep.base, "/w/src");
  assert.ok(deep.matches("/w/src/a.ts"));
  assert.ok(deep.matches("/w/src/x/y/b.js"));
  assert.ok(!deep.matches("/w/src/x/y/b.py"));
  const cls = compileGlob("log[0-9]?.txt", "/w");
  assert.ok(cls.matches("/w/log1a.txt"));
  assert.ok(!cls.matches("/w/logxa.txt"));
  const plain = compileGlob("/etc/app.conf", "/w");
  assert.equal(plain.base, "/etc");
  assert.ok(plain.matches("/etc/app.conf"));
  assert.ok(!plain.matches("/etc/app.conf.bak"));
  const dots = compileGlob("../in/*.txt", "/w/flows");
  assert.equal(dots.base, "/w/in");
  assert.ok(dots.matches("/w/in/a.txt"));
});
