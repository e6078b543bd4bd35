/** The file_change trigger's globs (src/schedule/daemon_glob.ts). */
import assert from "node:assert/strict";
import { compileGlob, compileGlobs } from "../src/schedule/daemon_glob.ts";
import { weft } from "./_run_cli.ts";

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

Deno.test("a `!` pattern excludes, the last matching pattern decides; a folder is what is below it", () => {
  const globs = compileGlobs(
    ["src/**", "!src/gen/**", "src/gen/keep.js", "docs/", "README.md"],
    "/w",
  );
  assert.ok(globs.matches("/w/src/a.js"));
  assert.ok(!globs.matches("/w/src/gen/out.js"), "excluded by !src/gen/**");
  assert.ok(!globs.matches("/w/src/gen/deep/out.js"));
  assert.ok(globs.matches("/w/src/gen/keep.js"), "a later pattern includes again");
  assert.ok(globs.matches("/w/docs/a/b.md"), "docs/ is everything below docs");
  assert.ok(!globs.matches("/w/docsx/a.md"));
  assert.ok(globs.matches("/w/README.md"));
  assert.ok(!globs.matches("/w/other.txt"));
  // Only the including patterns are watched; no folder named `!src`.
  assert.deepEqual(globs.bases, ["/w/src", "/w/src/gen", "/w/docs", "/w"]);
  const folder = compileGlob("src", "/w");
  assert.ok(folder.matches("/w/src/a.txt") && folder.matches("/w/src/x/y.txt"));
  assert.ok(!folder.matches("/w/srcx/a.txt"));
  assert.equal(compileGlob("src/", "/w").base, "/w/src");
  assert.ok(!compileGlobs(["!src/**"], "/w").matches("/w/src/a"));
});

Deno.test("validate: config.files of exclusions alone, or an empty pattern, is refused", async () => {
  const fix = new URL("./fixtures/schedule_add/", import.meta.url).pathname;
  const bad = await weft(["validate", `${fix}only_excludes.yml`]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /only_excludes\.yml:\d+:\d+: trigger\.config\.files: every pattern excludes/,
  );
  assert.match(bad.stderr, /"!src\/gen\/\*\*"\]/);
  const good = await weft(["validate", `${fix}excludes.yml`]);
  assert.equal(good.code, 0, good.stderr);
});

Deno.test("a file name holding a line break matches a folder pattern and `**` as any other", () => {
  const odd = "/w/uploads/x\n/etc/cron.d/job.csv";
  assert.ok(compileGlob("uploads", "/w").matches(odd), "a folder: everything below it");
  assert.ok(compileGlob("uploads/", "/w").matches(odd));
  assert.ok(compileGlob("uploads/**", "/w").matches(odd));
  assert.ok(compileGlob("uploads/**/*.csv", "/w").matches(odd));
  assert.ok(!compileGlob("uploads/*.csv", "/w").matches(odd), "* stays within one segment");
});
