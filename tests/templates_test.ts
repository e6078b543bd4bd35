/**
 * The workflow templates (src/templates/): every template, written as YAML and as JSON,
 * passes weft's own parser with zero problems, both forms mean the same workflow, the
 * name fills the workflow's name, and the YAML carries its comments.
 */
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { parseWorkflowSource } from "../src/parse/mod.ts";
import { findTemplate, TEMPLATES } from "../src/templates/mod.ts";
import { renderTemplate } from "../src/templates/render.ts";
import { slug } from "../src/templates/template.ts";

const REQUIRED = ["web-app", "ci-cd", "backup", "etl", "health-check"];

Deno.test("templates: the five the issue asks for exist, with unique ids and a summary", () => {
  const ids = TEMPLATES.map((t) => t.id);
  for (const id of REQUIRED) assert.ok(ids.includes(id), `missing template ${id}`);
  assert.equal(new Set(ids).size, ids.length);
  for (const t of TEMPLATES) {
    assert.ok(t.summary.length > 10 && !t.summary.includes("\n"), t.id);
    assert.equal(findTemplate(t.id), t);
  }
  assert.equal(findTemplate("nope"), undefined);
});

for (const template of TEMPLATES) {
  for (const format of ["yaml", "json"] as const) {
    Deno.test(`templates: ${template.id} as ${format} validates with zero problems`, () => {
      const built = template.build("My Service");
      const text = renderTemplate(built, format, { template: template.id, file: "w.yml" });
      const label = `${template.id}.${format === "yaml" ? "yml" : "json"}`;
      const { workflow, problems } = parseWorkflowSource(text, label, format);
      assert.deepEqual(problems, []);
      assert.equal(workflow?.name, "My Service");
      assert.ok(text.endsWith("\n"));
    });
  }

  Deno.test(`templates: ${template.id} means the same in YAML and JSON`, () => {
    const built = template.build("same");
    const yaml = renderTemplate(built, "yaml", { template: template.id });
    const json = renderTemplate(built, "json", { template: template.id });
    assert.deepEqual(parseYaml(yaml), JSON.parse(json));
    assert.deepEqual(JSON.parse(json), built.workflow);
    // JSON is strict JSON: no comments, and no $schema pointing at a path that may not exist.
    assert.doesNotMatch(json, /^\s*(#|\/\/)/m);
    assert.ok(!yaml.includes("$schema") && !json.includes("$schema"));
  });

  Deno.test(`templates: ${template.id} YAML has its comments and how to run it`, () => {
    const built = template.build("c");
    const yaml = renderTemplate(built, "yaml", { template: template.id, file: "c.yml" });
    assert.match(yaml, new RegExp(`^# .*\\n(# .*\\n|#\\n|\\n)*# From the ${template.id} template`));
    assert.match(yaml, /^# {3}weft run --dry-run c\.yml$/m);
    // Every note made it into the text (a note whose path names nothing throws).
    for (const note of built.notes) {
      const firstLine = note.text.split("\n")[0];
      assert.ok(yaml.includes(`# ${firstLine}`), `${template.id}: note ${note.path.join(".")}`);
    }
    assert.ok(built.notes.length >= 3, `${template.id} explains its parts`);
  });

  Deno.test(`templates: ${template.id} is deterministic and keeps odd names as data`, () => {
    assert.equal(
      renderTemplate(template.build("a"), "yaml", { template: template.id }),
      renderTemplate(template.build("a"), "yaml", { template: template.id }),
    );
    const odd = 'x: "y" # z\n- [1]';
    const text = renderTemplate(template.build(odd), "yaml", { template: template.id });
    const { workflow, problems } = parseWorkflowSource(text, "odd.yml", "yaml");
    assert.deepEqual(problems, []);
    assert.equal(workflow?.name, odd);
    // A schedule trigger cannot be named after it (a line break): it gets a name of its own.
    const trigger = workflow?.trigger as { config?: { name?: string } } | undefined;
    const scheduled = ["backup", "health-check"].includes(template.id);
    assert.equal(trigger?.config?.name, scheduled ? "x-y-z-1" : undefined);
  });
}

Deno.test("templates: web-app rolls back through on_failure", () => {
  const wf = findTemplate("web-app")!.build("w").workflow as {
    tasks: { id: string; on_failure?: string[]; command?: string }[];
  };
  const ids = wf.tasks.map((t) => t.id);
  for (const id of ["build", "test", "deploy", "rollback"]) assert.ok(ids.includes(id), id);
  const deploy = wf.tasks.find((t) => t.id === "deploy")!;
  assert.ok(deploy.on_failure?.includes("rollback"));
});

/** The parts of a built workflow the checks below read. */
interface Shape {
  trigger?: { type: string; config?: { schedule?: string } };
  retention?: { keep_days?: number };
  tasks: { id: string; type?: string }[];
  alerts?: unknown[];
}

function shape(id: string): Shape {
  return findTemplate(id)!.build("x").workflow as unknown as Shape;
}

Deno.test("templates: backup fires nightly and has retention; health-check has an alert", () => {
  const backup = shape("backup");
  assert.equal(backup.trigger?.type, "schedule");
  assert.equal(backup.trigger?.config?.schedule, "0 2 * * *");
  assert.ok((backup.retention?.keep_days ?? 0) > 0);
  assert.ok(backup.tasks.some((t) => t.id === "prune"));
  const health = shape("health-check");
  assert.ok(health.tasks.some((t) => t.type === "http"));
  assert.equal(health.alerts?.length, 1);
  assert.ok(shape("etl").tasks.some((t) => t.type === "data_processor"));
  assert.ok(shape("ci-cd").tasks.some((t) => t.type === "docker"));
});

Deno.test("templates: slug makes image and file names", () => {
  assert.equal(slug("My App!"), "my-app");
  assert.equal(slug("--Deploy__EU 1--"), "deploy-eu-1");
  assert.equal(slug("!!!"), "app");
  assert.equal(slug("x".repeat(100)).length, 63);
});
