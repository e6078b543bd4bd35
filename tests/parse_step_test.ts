/**
 * src/parse/step_checks.ts (with http_checks.ts) and the static field rules of
 * src/model/fields.ts: what a runner would refuse for reasons written in the file is a
 * validation error, at its place.
 */
import assert from "node:assert/strict";
import { hints, lines, problems } from "./_problems.ts";
import { urlTrouble } from "../src/parse/http_checks.ts";
import { compileTemplate } from "../src/expr/mod.ts";

Deno.test("a substitution into a quoted heredoc is found by validate, in every shell step", () => {
  const text = lines(
    "name: x",
    "params: {who: world}",
    "tasks:",
    "  - id: a",
    "    command: |",
    "      cat <<'EOT'",
    "      greeting=${params.who}",
    "      EOT",
    "  - id: l",
    "    type: loop",
    "    items: [1]",
    '    task: {command: "cat <<\\"E\\"\\n${item}\\nE\\n"}',
    "  - id: d",
    "    command: cat <<${params.who}",
    "  - id: fine",
    "    command: |",
    "      cat <<EOT",
    "      greeting=${params.who}",
    "      EOT",
  );
  const found = problems(text);
  assert.equal(found.length, 3, found.join("\n"));
  assert.equal(
    found[0],
    '7:16: command in task "a": cannot substitute a value into a quoted heredoc',
  );
  assert.match(
    found[1],
    /^12:\d+: task\.command in task "l": cannot substitute a value into a quoted heredoc/,
  );
  assert.match(found[2], /^14:\d+: command in task "d": a heredoc delimiter cannot contain/);
  assert.match(hints(text)[0]!, /<<EOF instead of <<'EOF'/);
});

Deno.test("the same command renders at run time exactly when validate accepts it", () => {
  // validate = run: checkShell (used by validate) and renderShell (used by run) agree.
  for (
    const command of ["cat <<'E'\n${x}\nE\n", "cat <<E\n${x}\nE\n", "echo '${x}'", "cat <<${x}\n"]
  ) {
    const template = compileTemplate(command);
    const refused = template.checkShell() !== undefined;
    let failed = false;
    try {
      template.renderShell(() => "v");
    } catch {
      failed = true;
    }
    assert.equal(refused, failed, command);
  }
});

Deno.test("http: a URL that cannot parse, or is not http(s), is a validation error", () => {
  const text = lines(
    "name: x",
    "params: {host: h, port: '1', url: 'http://h'}",
    "tasks:",
    "  - id: a",
    "    type: http",
    "    url: http://exa mple.com/${params.host}",
    "  - id: b",
    "    type: http",
    "    url: ftp://${params.host}/x",
    "  - id: c",
    "    type: http",
    "    url: localhost:8080/x",
  );
  assert.deepEqual(problems(text), [
    '6:10: url in task "a": invalid URL "http://exa mple.com/${params.host}"',
    '9:10: url in task "b": unsupported URL scheme ftp: in "ftp://${params.host}/x"',
    '12:10: url in task "c": unsupported URL scheme localhost: in "localhost:8080/x"',
  ]);
});

Deno.test("urlTrouble: substitutions stand for values of the right kind; an unknown scheme is left alone", () => {
  for (
    const ok of [
      "https://${params.host}/x",
      "https://api.${params.domain}/v1?q=${params.q}#${params.f}",
      "http://localhost:${params.port}/",
      "https://${params.host}:${params.port}${params.path}",
      "http://${params.user}:${params.password}@host/",
      "http://[${params.ipv6}]:8080/",
      "http://[::${params.suffix}]/",
      "${params.url}",
      "${params.base}/path with space",
      "http${params.s}://host/",
    ]
  ) {
    assert.equal(urlTrouble(ok), undefined, ok);
  }
  assert.ok(urlTrouble("http://exa mple.com/"));
  assert.ok(urlTrouble("http://host:notaport/${params.x}"));
  assert.ok(urlTrouble("http//localhost/"));
  assert.ok(urlTrouble("mailto:${params.who}"));
});

Deno.test("http: header names, header values on several lines, GET with data, unknown methods", () => {
  const text = lines(
    "name: x",
    "tasks:",
    "  - id: a",
    "    type: http",
    "    url: http://localhost/",
    "    method: get",
    "    data: {a: 1}",
    "    headers:",
    "      Bad Name: x",
    '      X-Two: "one\\ntwo"',
    "      X-Block: |",
    "        one line, its final newline trimmed as fetch does",
    "  - id: b",
    "    type: http",
    "    url: http://localhost/",
    "    method: FETCH",
  );
  assert.deepEqual(problems(text), [
    '7:5: data in task "a": a GET request cannot carry `data`',
    '9:7: headers in task "a": invalid header name "Bad Name"',
    '10:18: headers.X-Two in task "a": a header value cannot contain a line break or NUL',
    '16:13: method in task "b": "FETCH" is not an HTTP method weft can send',
  ]);
  assert.equal(hints(text)[3], "use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
  // Any case is read in upper case; POST carries data.
  const fixed = problems(text.replace("FETCH", "patch").replace("get", "post"));
  assert.ok(!fixed.some((p) => p.includes("method") || p.includes("data")), fixed.join("\n"));
});

Deno.test("task ids: at most 128 characters, with the id shortened in the message", () => {
  const long = "a".repeat(129);
  const found = problems(`name: x\ntasks:\n  - id: ${long}\n    command: echo\n`);
  assert.deepEqual(found, [
    `3:9: id in task "${"a".repeat(32)}…": task ids are at most 128 characters, this one has 129`,
  ]);
  assert.deepEqual(
    problems(`name: x\ntasks:\n  - id: ${"a".repeat(128)}\n    command: echo\n`),
    [],
  );
});

Deno.test("loop items written as text that starts with [ must be a JSON array", () => {
  const text = lines(
    "name: x",
    "params: {n: '1'}",
    "tasks:",
    "  - id: a",
    "    type: loop",
    '    items: "[a, b]"',
    "    task: {command: 'echo ${item}'}",
    "  - id: b",
    "    type: loop",
    "    items: '[\"a\", 1]'",
    "    task: {command: 'echo ${item}'}",
    "  - id: c",
    "    type: loop",
    "    items: '[${params.n}]'",
    "    task: {command: 'echo ${item}'}",
  );
  // Only the first is decided by the text alone (the last depends on the value).
  assert.deepEqual(problems(text), [
    '6:14: items in task "a": items starting with [ are read as a JSON array: unexpected character "a"',
  ]);
});

Deno.test("http: a bearer token is a header value; basic auth is encoded, so it may hold any character", () => {
  const text = lines(
    "name: x",
    "tasks:",
    "  - id: a",
    "    type: http",
    "    url: http://127.0.0.1:8080/",
    '    auth: {bearer: " tok\\nen"}',
    "  - id: b",
    "    type: http",
    "    url: http://127.0.0.1:8080/",
    '    auth: {type: bearer, token: "token\\r\\n"}',
    "  - id: c",
    "    type: http",
    "    url: http://127.0.0.1:8080/",
    '    auth: {username: "a\\rb", password: "p\\nq"}',
  );
  // The leading blank of a's token sits inside "Bearer  tok…"; b's final CR LF is trimmed.
  assert.deepEqual(problems(text), [
    '6:25: auth.bearer in task "a": a header value cannot contain a line break or NUL',
  ]);
});

Deno.test("a NUL in a command, a shell or a working directory is refused where it is written", () => {
  const text = lines(
    "name: x",
    'defaults: {shell: "ba\\0sh"}',
    "tasks:",
    "  - id: a",
    '    command: "echo \\0"',
    '    cwd: "/tmp\\0"',
  );
  assert.deepEqual(problems(text), [
    "2:19: defaults.shell: holds a NUL character, which no process can receive",
    '5:14: command in task "a": holds a NUL character, which no process can receive',
    '6:10: cwd in task "a": holds a NUL character, which no process can receive',
  ]);
});

Deno.test("database: a query of several statements is found by validate, at the second", () => {
  const task = (query: string) =>
    lines(
      "name: x",
      "params: {id: '1'}",
      "tasks:",
      `  - {id: q, type: database, config: {connection: "sqlite::memory:", query: ${query}}}`,
    );
  const message =
    'config.query in task "q": `query` holds more than one statement, and a query runs one';
  assert.deepEqual(problems(task('"select 1; select 2"')), [`4:87: ${message}`]);
  // A value is bound, never pasted: its own `;` cannot count; the text around it does.
  assert.deepEqual(problems(task('"select ${params.id}; delete from t"')), [`4:98: ${message}`]);
  assert.match(hints(task('"select 1; select 2"'))[0] ?? "", /`file`/);
  for (
    const one of [
      '"select 1;"',
      `"select ';' -- ; x"`,
      '"select 1; -- done"',
      '"select ${params.id}"',
    ]
  ) {
    assert.deepEqual(problems(task(one)), [], one);
  }
});

Deno.test("docker: an empty or option-like image, an empty context and unfinished tags are found", () => {
  const docker = (config: string) =>
    problems(
      lines(
        "name: x",
        "params: {v: '1'}",
        "tasks:",
        `  - {id: d, type: docker, config: ${config}}`,
      ),
    );
  assert.deepEqual(docker('{image: "-v"}'), [
    '4:44: config.image in task "d": `image` starts with `-`, which docker would read as an option',
  ]);
  assert.deepEqual(docker('{image: ""}'), ['4:43: config.image in task "d": `image` is empty']);
  assert.deepEqual(docker('{context: ""}'), [
    '4:45: config.context in task "d": `context` is empty',
  ]);
  assert.deepEqual(docker('{context: ., tags: ["myapp:", "a/", "${params.v}:", ""]}'), [
    '4:61: config.tags[0] in task "d": a tag ends in ":"',
    '4:67: config.tags[1] in task "d": a tag ends in "/"',
    '4:83: config.tags[2] in task "d": a tag ends in ":"',
    '4:87: config.tags[3] in task "d": a tag is empty',
  ]);
  // What the values decide is left to the run.
  for (
    const ok of [
      '{image: "${params.v}"}',
      '{context: ., tags: ["myapp:${params.v}"]}',
      '{image: "a:${params.v}"}',
    ]
  ) {
    assert.deepEqual(docker(ok), [], ok);
  }
});

Deno.test("a NUL in an argument, script path, docker field or data path is found by validate", () => {
  const nul = "holds a NUL character, which no process can receive";
  const cases: [string, string][] = [
    ['{id: t, type: python, code: "1", args: ["a\\0b"]}', "args[0]"],
    ['{id: t, type: javascript, script: "a\\0.js"}', "script"],
    ['{id: t, type: docker, config: {image: "a", volumes: ["a\\0b"]}}', "config.volumes[0]"],
    ['{id: t, type: docker, config: {image: "a\\0b"}}', "config.image"],
    [
      '{id: t, type: data_processor, input: {type: file, path: "a\\0"}, ' +
      'processor: {command: "true"}, output: {type: file, path: o}}',
      "input.path",
    ],
  ];
  for (const [task, field] of cases) {
    // The schema places it at the string's opening quote.
    const column = "  - ".length + task.indexOf('"a\\0') + 1;
    assert.deepEqual(problems(lines("name: x", "tasks:", `  - ${task}`)), [
      `3:${column}: ${field} in task "t": ${nul}`,
    ], task);
  }
});

Deno.test("javascript: a static import in inline code is found by validate, with what to write", () => {
  const code = (text: string) =>
    lines(
      "name: x",
      "tasks:",
      "  - id: j",
      "    type: javascript",
      "    code: |",
      ...text.split("\n").map((l) => `      ${l}`),
    );
  const found = problems(code('const a = 1;\nimport fs from "node:fs";\nconsole.log(fs)'));
  assert.deepEqual(found, [
    '7:7: code in task "j": inline code cannot use a static `import` statement (it runs as a function body)',
  ]);
  assert.match(hints(code('import "node:fs"'))[0] ?? "", /require\("node:fs"\).*await import/);
  // Dynamic imports, and text that only looks like an import, run fine.
  for (
    const ok of [
      'const fs = await import("node:fs")',
      "const s = `\nimport a from 'b'`",
      "// import a from 'b'",
    ]
  ) {
    assert.deepEqual(problems(code(ok)), [], ok);
  }
});

Deno.test("an empty shell is refused as an empty interpreter is, in a task and in defaults", () => {
  const text = lines(
    "name: x",
    'defaults: {shell: ""}',
    "tasks:",
    '  - {id: a, command: "true", shell: ""}',
    '  - {id: b, type: python, code: "print(1)", interpreter: ""}',
  );
  assert.deepEqual(problems(text), [
    "2:19: defaults.shell: shell is empty",
    '4:37: shell in task "a": shell is empty',
    '5:58: interpreter in task "b": interpreter is empty',
  ]);
});

Deno.test("${HOME}: the hint fits the field — the shell's $HOME only in a shell command", () => {
  const text = lines(
    "name: x",
    "tasks:",
    // `${HOME}` in a shell command is the shell's; `${ HOME }` is weft's.
    '  - {id: s, command: "echo ${HOME} ${ HOME }"}',
    '  - {id: p, type: python, code: "print(1)", args: ["${HOME}"]}',
    '  - {id: e, command: "true", environment: {H: "${HOME}"}}',
    '  - {id: d, type: docker, config: {image: alpine, command: ["ls", "${HOME}"]}}',
  );
  const found = hints(text);
  assert.equal(found.length, 4, problems(text).join("\n"));
  assert.match(found[0] ?? "", /for the shell's variable write \$HOME or \$\{HOME\} \(no blanks\)/);
  for (const hint of found.slice(1)) {
    assert.match(hint ?? "", /not read by a shell .*write \$\{env\.HOME\}/);
    assert.doesNotMatch(hint ?? "", /shell's variable/);
  }
});

Deno.test("database: single statements with ; inside a body, a string or a comment pass validate", () => {
  const task = (connection: string, query: string) =>
    lines(
      "name: x",
      "tasks:",
      `  - {id: q, type: database, config: {connection: "${connection}", query: ${query}}}`,
    );
  const pg = "postgres://app@db/x";
  for (
    const [connection, one] of [
      [pg, `"SELECT E'it\\\\'s; x' AS a"`],
      ["sqlite::memory:", '"CREATE TRIGGER IF NOT EXISTS t AFTER INSERT ON x BEGIN SELECT 1; END"'],
      [pg, '"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql"'],
      [pg, '"SELECT 1 /* nested /* ; */ */"'],
      ["sqlite:${env.DB}", `'SELECT 1 AS "a;b";'`],
      ["${env.URL}", '"SELECT 1 -- ;"'],
    ]
  ) {
    assert.deepEqual(problems(task(connection, one)), [], one);
  }
  assert.equal(problems(task("sqlite:a.db", `"SELECT 'a\\\\'; SELECT 2"`)).length, 1);
});

Deno.test("database: validate reads `query` by the connection's database, or by both", () => {
  const task = (connection: string, query: string) =>
    lines(
      "name: x",
      "tasks:",
      `  - {id: q, type: database, config: {connection: "${connection}", query: ${query}}}`,
    );
  const many = /`query` holds more than one statement/;
  // The tester's bypasses: PostgreSQL rules hid SQLite's second statement, a column
  // named begin opened a block.
  for (
    const query of [
      '"SELECT 1 /* /* */ ; DROP TABLE victim; /* */"',
      '"CREATE TABLE t2(begin); DROP TABLE victim"',
      '"SELECT $a$ ; DROP TABLE victim; SELECT $a$"',
      `"SELECT E'\\\\' FROM (SELECT 1 AS E); DROP TABLE victim; --'"`,
    ]
  ) {
    assert.match(problems(task("sqlite:app.db", query)).join("\n"), many, query);
    const unknown = problems(task("${env.DATABASE_URL}", query)).join("\n");
    assert.match(unknown, many, query);
    assert.match(unknown, /read by SQLite's rules: the connection is not known/, query);
  }
  const pgTwo = '"CREATE TABLE IF NOT EXISTS t9 (begin int); DROP TABLE victim"';
  assert.match(problems(task("postgres://app@db/x", pgTwo)).join("\n"), many);
  // A PostgreSQL-only single statement: one for PostgreSQL, refused when unknown.
  const pgOne = '"SELECT $a$ ; $a$"';
  assert.deepEqual(problems(task("postgresql://app@db/x", pgOne)), []);
  assert.match(
    problems(task("${env.URL}", pgOne)).join("\n"),
    /read by SQLite's rules: the connection is not known before the run/,
  );
});
