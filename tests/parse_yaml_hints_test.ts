/**
 * src/parse/yaml_hints.ts (and the hints beside it in schema_issues.ts, graph_checks.ts,
 * reference_trouble.ts) through `weft validate`: a value whose first character YAML reads
 * as its own syntax (a quote, `!`, `*`, `&`, `|`, `%`, `@`, a backtick, ` #`; an unused anchor on
 * code, as `command: &>/dev/null echo`, which YAML would drop), a list written
 * as one text, and a bare word compared in a condition are each placed at file:line:col
 * with a hint that says what to write.
 */
import assert from "node:assert/strict";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

/** A workflow whose task `a` has `field` (two-space indented under the task). */
function flow(field: string, extra = ""): string {
  return `name: t\nparams: {env: prod, p: a}\ntasks:\n  - id: b\n    command: "true"\n` +
    `  - id: a\n    ${field}\n${extra}`;
}

/** [file body, expected `line:col: message` part, expected hint part]. */
const CASES: [string, string, string, string][] = [
  [
    "quoted-start",
    flow(`condition: '\${params.env}' == 'prod'\n    command: "true"`),
    "7:32: invalid YAML: a value that starts with ' ends at its closing quote, and more text follows it: `== 'prod'`",
    `hint: quote the whole value: condition: "'\${params.env}' == 'prod'"`,
  ],
  [
    "double-quoted-start",
    flow(`command: "echo" hi # greet`),
    '7:21: invalid YAML: a value that starts with " ends at its closing quote, and more text follows it: `hi`',
    `hint: quote the whole value: command: '"echo" hi'`,
  ],
  [
    "tag-no-blank",
    flow(`condition: !\${params.p}\n    command: "true"`),
    "7:16: invalid YAML: `!` at the start of a value starts a YAML tag",
    'hint: quote the whole value to keep the !: condition: "!${params.p}"',
  ],
  [
    "tag-paren",
    flow(`condition: !(\${params.p} == "a")\n    command: "true"`),
    "7:16: invalid YAML: `!` at the start of a value starts a YAML tag",
    `hint: quote the whole value to keep the !: condition: '!(\${params.p} == "a")'`,
  ],
  [
    "alias-glob",
    flow(`command: "true"`, "trigger:\n  type: file_change\n  config:\n    files: *.js\n"),
    "11:12: invalid YAML: `*.js` is an alias, and no anchor `&.js` comes before it",
    'for text, quote the whole value: files: "*.js"',
  ],
  [
    "alias-cron",
    flow(`command: "true"`, "trigger:\n  type: schedule\n  config:\n    schedule: */5 * * * *\n"),
    "11:15: invalid YAML: an unquoted `*` at the start of a value begins an alias",
    'hint: quote the whole value: schedule: "*/5 * * * *"',
  ],
  [
    "alias-stars",
    flow(`command: * * * * *`),
    "7:14: invalid YAML: an unquoted `*` at the start of a value begins an alias",
    'hint: quote the whole value: command: "* * * * *"',
  ],
  [
    "anchor-empty",
    flow(`command: & echo hi`),
    "7:14: invalid YAML: an unquoted `&` at the start of a value begins an anchor",
    'hint: quote the whole value: command: "& echo hi"',
  ],
  [
    "list-then-anchor",
    flow(`command: [ -f /etc/hostname ] && echo yes`),
    "7:35: invalid YAML: a value that starts with [ ends at its closing ], and more text follows it: `&& echo yes`",
    'hint: quote the whole value: command: "[ -f /etc/hostname ] && echo yes"',
  ],
  [
    "anchor-on-code",
    flow(`command: &>/dev/null echo hi`),
    "7:14: `&>/dev/null` at the start of `command` is a YAML anchor, not part of the code: YAML drops it and reads `echo hi`",
    'hint: quote the whole value to keep it: command: "&>/dev/null echo hi"',
  ],
  [
    "reserved-at",
    flow(`command: @echo hi`),
    "7:14: invalid YAML: a value cannot start with an unquoted @, which is reserved in YAML",
    'hint: quote the whole value: command: "@echo hi"',
  ],
  [
    "backtick",
    flow("command: `date` > now.txt"),
    "7:14: invalid YAML: a value cannot start with an unquoted `, which is reserved in YAML",
    'hint: quote the whole value: command: "`date` > now.txt"',
  ],
  [
    "percent",
    flow("command: '%s'", "  - id: c\n    command: %d done\n"),
    "9:14: invalid YAML: a value cannot start with an unquoted %, which starts a YAML directive",
    'hint: quote the whole value: command: "%d done"',
  ],
  [
    "block-on-line",
    flow("command: | echo hi"),
    "7:16: invalid YAML: `|` at the start of a value begins a block of text",
    'hint: quote the whole value to write it on this line: command: "| echo hi"',
  ],
  [
    "comment-value",
    flow(
      `command: "true"`,
      "notifications:\n  slack:\n    webhook_url: http://127.0.0.1:18080/x\n    channel: #deployments\n",
    ),
    "11:14: notifications.slack.channel: expected a string, got nothing (null)",
    'hint: ` #` starts a comment in YAML, so nothing is left for the value: quote it (channel: "#deployments")',
  ],
  [
    "depends-comma",
    flow(`depends_on: b, c\n    command: "true"`, '  - id: c\n    command: "true"\n'),
    '7:17: depends_on in task "a": "b, c" names 2 tasks in one text',
    "hint: write a list: depends_on: [b, c]",
  ],
  [
    "callback-blank",
    flow(`on_failure: b c\n    command: "true"`, '  - id: c\n    command: "true"\n'),
    '7:17: on_failure in task "a": "b c" names 2 tasks in one text',
    "hint: write a list: on_failure: [b, c]",
  ],
  [
    "bare-word",
    flow(`condition: \${params.env} == staging-eu\n    command: "true"`),
    '7:33: condition in task "a": unknown name "staging-eu" in staging-eu',
    "hint: a bare word is a name; to compare with the text staging-eu, quote it: 'staging-eu'",
  ],
  [
    "alert-bare-word",
    flow(
      `command: "true"`,
      "alerts:\n  - name: x\n    condition: failed != execution.status\n    channels: [slack]\n",
    ),
    '10:16: alerts[0].condition: unknown name "failed"',
    "hint: a bare word is a name; to compare with the text failed, quote it: 'failed'",
  ],
];

Deno.test("cli validate: a YAML-ism at a value's start is placed, with what to write instead", async () => {
  const dir = testTempDir("yaml-hints-");
  const files = CASES.map(([name, body]) => {
    const file = `${dir}/${name}.yml`;
    Deno.writeTextFileSync(file, body);
    return file;
  });
  const run = await weft(["validate", ...files]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  for (const [name, , message, hint] of CASES) {
    const block = run.stderr.split(/\n(?=\S)/).filter((b) => b.startsWith(`${dir}/${name}.yml:`));
    assert.equal(block.length, 1, `${name}: one problem\n${run.stderr}`);
    assert.ok(block[0].startsWith(`${dir}/${name}.yml:${message}`), `${name}:\n${block[0]}`);
    assert.ok(block[0].includes(hint), `${name}: hint\n${block[0]}`);
  }
});

Deno.test("cli validate: the quoted spellings the hints give are valid", async () => {
  const dir = testTempDir("yaml-hints-ok-");
  const file = `${dir}/ok.yml`;
  Deno.writeTextFileSync(
    file,
    flow(
      `condition: "'\${params.env}' == 'prod'"\n    depends_on: [b, c]\n    command: '"echo" hi'`,
      '  - id: c\n    command: "@echo hi"\n  - id: d\n    command: "&>/dev/null echo hi"\n' +
        "  - id: e\n    command: &shared echo shared\n  - id: f\n    command: *shared\n" +
        'trigger:\n  type: file_change\n  config:\n    files: "*.js"\n',
    ),
  );
  const run = await weft(["validate", file]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
});
