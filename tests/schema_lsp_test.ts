/**
 * The editor schema in Red Hat's yaml-language-server (the engine of VS Code's YAML
 * extension), driven over LSP stdio as an editor drives it: one server for every
 * document. Examples are clean; the docker, script/code and database rules are flagged;
 * a stray key on a shell task is blamed on its own line; completing a new task (trigger)
 * offers exactly one entry per type, labelled by its title; hovering a key shows its
 * description.
 */
import assert from "node:assert/strict";
import { type Diagnostic, LspClient } from "./_lsp.ts";
import { TASK_TITLES } from "../scripts/_schema_editor.ts";
import { testTempDir } from "./_tmp.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const SCHEMA_URI = new URL("../schemas/workflow.schema.json", import.meta.url).href;
const DIR = testTempDir("lsp-");

/** The `yaml` settings VS Code would send: our schema for every .yml document. */
const SETTINGS = {
  schemas: { [SCHEMA_URI]: "*.yml" },
  validate: true,
  hover: true,
  completion: true,
  customTags: [],
  schemaStore: { enable: false },
};

async function exampleWorkflows(dir: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...await exampleWorkflows(path));
    else if (/\.ya?ml$/.test(entry.name) && /^tasks:/m.test(await Deno.readTextFile(path))) {
      files.push(path);
    }
  }
  return files.sort();
}

const DOCS: Record<string, string> = {
  "docker-no-keys.yml":
    "name: x\ntasks:\n  - id: a\n    type: docker\n    config:\n      network: host\n",
  "script-and-code.yml":
    "name: x\ntasks:\n  - id: a\n    type: javascript\n    script: a.js\n    code: console.log(1)\n",
  "database-no-query.yml":
    "name: x\ntasks:\n  - id: a\n    type: database\n    config:\n      connection: sqlite:a.db\n",
  "stray-key.yml": "name: x\ntasks:\n  - id: a\n    command: echo a\n    wait_for: all\n",
  "bad-duration.yml": "name: x\ntasks:\n  - id: a\n    command: echo a\n    timeout: 5 minutes\n",
  "bad-id-cron.yml":
    "name: x\ntrigger:\n  type: schedule\n  config:\n    schedule: 0 2 * *\ntasks:\n  - id: 1st\n    command: echo a\n",
  "trigger.yml": "name: x\ntriggers:\n  - \ntasks:\n  - id: a\n    command: echo a\n",
  "complete.yml": "name: x\ntasks:\n  - id: a\n    command: echo a\n  - \n",
  "conditional.yml":
    "name: x\ntasks:\n  - id: c\n    type: conditional\n    condition: \"'a' == 'a'\"\n    \n",
  "missing.yml": "name: x\ntasks:\n  - id: a\n    type: http\n  - command: echo b\n",
  "loop.yml": "name: x\ntasks:\n  - id: l\n    type: loop\n    items: [a]\n    task:\n      \n",
  "hover.yml":
    "name: x\ntasks:\n  - id: a\n    command: echo a\n  - id: b\n    depends_on: [a]\n    command: echo b\n",
};

/** LSP `CompletionItemKind.Property`: a key name (the rest are snippets and skeletons). */
const PROPERTY = 10;

interface CompletionItem {
  label: string;
  kind?: number;
  insertText?: string;
}
interface CompletionList {
  items: CompletionItem[];
}

function lines(diagnostics: Diagnostic[]): number[] {
  return diagnostics.map((d) => d.range.start.line);
}

function hoverText(result: unknown): string {
  const contents = (result as { contents?: unknown } | null)?.contents;
  if (typeof contents === "string") return contents;
  if (Array.isArray(contents)) {
    return contents.map((c) => (typeof c === "string" ? c : c.value)).join("\n");
  }
  return (contents as { value?: string } | undefined)?.value ?? "";
}

Deno.test("yaml-language-server with the schema: diagnostics, completion, hover", async () => {
  const server = new LspClient(
    Deno.execPath(),
    ["run", "-A", "--quiet", "npm:yaml-language-server", "--stdio"],
    ROOT,
  );
  let configured!: () => void;
  const configAnswered = new Promise<void>((resolve) => configured = resolve);
  server.onRequest = (method, params) => {
    if (method !== "workspace/configuration") return null;
    const items = (params as { items: { section?: string }[] }).items;
    queueMicrotask(configured);
    return items.map((item) =>
      item.section === "yaml" ? SETTINGS : item.section === "editor" ? { tabSize: 2 } : null
    );
  };
  try {
    await server.request("initialize", {
      processId: null,
      rootUri: null,
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
        textDocument: {
          completion: {
            completionItem: { snippetSupport: true, documentationFormat: ["markdown"] },
          },
          hover: { contentFormat: ["markdown", "plaintext"] },
          publishDiagnostics: {},
        },
      },
    });
    server.notify("initialized", {});
    server.notify("workspace/didChangeConfiguration", { settings: { yaml: SETTINGS } });
    await configAnswered;

    // Examples open at their own path: their `$schema` is relative to it.
    const documents = new Map<string, string>();
    const uri = (name: string) => `file://${DIR}/${name}`;
    for (const [name, text] of Object.entries(DOCS)) documents.set(uri(name), text);
    const examples = await exampleWorkflows(`${ROOT}examples`);
    for (const file of examples) documents.set(`file://${file}`, await Deno.readTextFile(file));
    for (const [docUri, text] of documents) {
      server.notify("textDocument/didOpen", {
        textDocument: { uri: docUri, languageId: "yaml", version: 1, text },
      });
    }
    const diagnostics: Record<string, Diagnostic[]> = {};
    for (const docUri of documents.keys()) {
      diagnostics[docUri.slice(docUri.lastIndexOf("/") + 1)] = await server.diagnostics(docUri);
    }

    // Every example is clean.
    assert.ok(examples.length >= 5, `only ${examples.length} examples`);
    for (const file of examples) {
      const found = await server.diagnostics(`file://${file}`);
      assert.deepEqual(found.map((d) => `${d.range.start.line + 1}: ${d.message}`), [], file);
    }
    // The three config rules are flagged.
    for (const name of ["docker-no-keys.yml", "script-and-code.yml", "database-no-query.yml"]) {
      assert.ok(diagnostics[name].length > 0, `${name} not flagged`);
    }
    // The stray key: on its own line (4), never on `command` (3).
    assert.ok(
      lines(diagnostics["stray-key.yml"]).includes(4),
      JSON.stringify(diagnostics["stray-key.yml"]),
    );
    assert.ok(
      !lines(diagnostics["stray-key.yml"]).includes(3),
      JSON.stringify(diagnostics["stray-key.yml"]),
    );
    // Required keys of the variant are still required (the schema keeps them apart from its
    // properties only so that the server offers no entry of its own for the variant).
    assert.deepEqual(
      diagnostics["missing.yml"].map((d) => `${d.range.start.line}: ${d.message}`),
      ['2: Missing property "url".', '4: Missing property "id".'],
    );
    // A bad duration reads as words, not as the regex.
    const duration = diagnostics["bad-duration.yml"].map((d) => d.message).join("\n");
    assert.match(duration, /a duration/);
    assert.ok(!duration.includes("\\d"), duration);

    const idCron = diagnostics["bad-id-cron.yml"];
    assert.match(idCron.find((d) => d.range.start.line === 6)?.message ?? "", /task ids use/);
    assert.match(idCron.find((d) => d.range.start.line === 4)?.message ?? "", /cron expression: 5/);

    // Completion of a new task: one entry per task type, labelled by what it inserts.
    const completion = await server.request("textDocument/completion", {
      textDocument: { uri: uri("complete.yml") },
      position: { line: 4, character: 4 },
    }) as CompletionList | CompletionItem[];
    const items = Array.isArray(completion) ? completion : completion.items;
    const labels = items.map((i) => i.label);
    // Besides key names (kind Property), only the snippets: each title once, inserting a
    // skeleton with example values, and no second entry for the variant (kind Class).
    const entries = items.filter((i) => i.kind !== PROPERTY);
    assert.deepEqual(entries.map((i) => i.label).sort(), Object.values(TASK_TITLES).sort());
    const http = items.find((i) => i.label === TASK_TITLES.http);
    assert.match(http?.insertText ?? "", /type: http\n\s+url: \$\{2:https:/, JSON.stringify(http));
    assert.ok(!labels.some((l) => l.startsWith("object")), labels.join(", "));

    // A nested task (a loop's `task`): one entry per type a nested task may have.
    const step = await server.request("textDocument/completion", {
      textDocument: { uri: uri("loop.yml") },
      position: { line: 6, character: 6 },
    }) as CompletionList;
    const stepLabels = step.items.filter((i) => i.kind !== PROPERTY).map((i) => i.label);
    assert.ok(stepLabels.includes(TASK_TITLES.shell), stepLabels.join(", "));
    assert.ok(stepLabels.every((l) => Object.values(TASK_TITLES).includes(l)), stepLabels.join());
    assert.equal(new Set(stepLabels).size, stepLabels.length, stepLabels.join(", "));

    // A new trigger: one snippet per trigger type.
    const triggers = await server.request("textDocument/completion", {
      textDocument: { uri: uri("trigger.yml") },
      position: { line: 2, character: 4 },
    }) as CompletionList;
    assert.deepEqual(
      triggers.items.filter((i) => i.kind !== PROPERTY).map((i) => i.label),
      ["Manual trigger", "Schedule trigger", "Webhook trigger", "File change trigger"],
    );

    // `then` completes as an object key (a colon and a new indented line).
    const nested = await server.request("textDocument/completion", {
      textDocument: { uri: uri("conditional.yml") },
      position: { line: 5, character: 4 },
    }) as { items: { label: string; insertText?: string }[] };
    const then = nested.items.find((i) => i.label === "then");
    assert.match(then?.insertText ?? "", /^then:\n/, JSON.stringify(then));

    // Hover shows each key's description.
    const hover = async (line: number, character: number) =>
      hoverText(
        await server.request("textDocument/hover", {
          textDocument: { uri: uri("hover.yml") },
          position: { line, character },
        }),
      );
    assert.match(await hover(3, 6), /shell command/);
    assert.match(await hover(3, 6), /Shell task/);
    assert.match(await hover(2, 5), /task id/i);
    assert.match(await hover(5, 7), /must succeed before/);
  } finally {
    await server.close();
  }
});
