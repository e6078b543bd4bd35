/**
 * `weft create` and `weft generate` through the real CLI: every template in both
 * formats is written, validates, and has the expected dry-run plan; the seed's two
 * command lines work as written; `--list`; refusing to overwrite; unknown templates.
 * The etl, backup and health-check templates also run for real (sh, tar, find, deno,
 * and a loopback HTTP server).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";

/** The tasks (waves) and callbacks each template's dry-run plan lists. */
const EXPECTED: Record<string, { waves: string[][]; callbacks: string[] }> = {
  "web-app": {
    waves: [["install"], ["build"], ["test"], ["deploy"]],
    callbacks: ["rollback", "notify-success", "notify-failure"],
  },
  "ci-cd": { waves: [["checks"], ["image"], ["deploy"]], callbacks: [] },
  "backup": { waves: [["archive"], ["verify"], ["prune"]], callbacks: [] },
  "etl": { waves: [["extract"], ["transform"], ["load"]], callbacks: [] },
  "health-check": { waves: [["check"], ["report"]], callbacks: ["report-down"] },
};

interface Plan {
  workflow: string;
  waves: { id: string; type: string }[][];
  callbacks: { id: string }[];
}

for (const [template, expected] of Object.entries(EXPECTED)) {
  Deno.test(`weft create: ${template} as .yml and as .json validates and dry-runs`, async () => {
    const dir = testTempDir("create-");
    const files = ["yml", "json"].map((ext) => `${template}.${ext}`);
    for (const file of files) {
      const made = await weft(["create", "--name", `my-${template}`, "-t", template, "-o", file], {
        cwd: dir,
      });
      assert.equal(made.code, 0, made.stderr);
      assert.equal(made.stdout, "");
      assert.match(made.stderr, new RegExp(`wrote ${file} \\(${template} template`));
      const text = Deno.readTextFileSync(join(dir, file));
      if (file.endsWith(".yml")) {
        assert.match(text, /^# /);
        continue;
      }
      // Every multi-line command of the template stops at its first failing line (set -e;
      // EXPECTED names every template, as the --list test checks).
      for (const task of JSON.parse(text).tasks as { id: string; command?: string }[]) {
        if (task.command?.trim().includes("\n")) {
          assert.match(task.command, /^set -e\n/, `${template}: ${task.id}`);
        }
      }
    }

    // Both files in one validate: each is reported, and the summary counts them.
    const checked = await weft(["validate", ...files], { cwd: dir });
    assert.equal(checked.code, 0, checked.stderr);
    for (const file of files) {
      assert.match(checked.stdout + checked.stderr, new RegExp(`^${file}: ok$`, "m"));
    }
    assert.match(checked.stderr, /2 files, 0 invalid, 0 problems/);

    for (const file of files) {
      const dry = await weft(["run", "--dry-run", "--json", file], { cwd: dir });
      assert.equal(dry.code, 0, dry.stderr);
      const plan = JSON.parse(dry.stdout) as Plan;
      assert.equal(plan.workflow, `my-${template}`, file);
      assert.deepEqual(plan.waves.map((wave) => wave.map((t) => t.id)), expected.waves, file);
      assert.deepEqual(plan.callbacks.map((c) => c.id), expected.callbacks, file);
    }
  });
}

Deno.test("weft create: the plain dry-run of the etl template shows the data_processor", async () => {
  const dir = testTempDir("create-");
  assert.equal((await weft(["create", "-t", "etl", "-o", "etl.yml"], { cwd: dir })).code, 0);
  const dry = await weft(["run", "--dry-run", "etl.yml"], { cwd: dir, env: { NO_COLOR: "1" } });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stderr, /plan for etl: 3 tasks in 3 waves/);
  assert.match(dry.stderr, /transform\s+data_processor\s+Merge the records/);
});

Deno.test("weft create: the seed's command lines work as written", async () => {
  const dir = testTempDir("seed-");
  const created = await weft(["create", "--name", "deployment", "--template", "web-app"], {
    cwd: dir,
  });
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /^name: deployment$/m);
  assert.deepEqual([...Deno.readDirSync(dir)], [], "no --output: stdout only");

  const generated = await weft(["generate", "--type", "ci-cd", "--output", "ci-workflow.json"], {
    cwd: dir,
  });
  assert.equal(generated.code, 0, generated.stderr);
  const wf = JSON.parse(Deno.readTextFileSync(join(dir, "ci-workflow.json")));
  assert.equal(wf.name, "ci-cd");
  assert.equal((await weft(["validate", "ci-workflow.json"], { cwd: dir })).code, 0);
});

Deno.test("weft create --list: names and descriptions, also as JSON", async () => {
  const plain = await weft(["create", "--list"]);
  assert.equal(plain.code, 0, plain.stderr);
  const json = await weft(["create", "--list", "--json"]);
  assert.equal(json.code, 0, json.stderr);
  const rows = JSON.parse(json.stdout) as { name: string; description: string }[];
  assert.deepEqual(rows.map((r) => r.name), Object.keys(EXPECTED));
  for (const row of rows) {
    assert.ok(row.description.length > 0);
    assert.match(plain.stdout, new RegExp(`^${row.name}\\s+\\S`, "m"));
  }
  assert.equal(plain.stdout.trim().split("\n").length, rows.length);
});

Deno.test("weft create: an existing --output is kept unless --force", async () => {
  const dir = testTempDir("force-");
  const path = join(dir, "w.yml");
  Deno.writeTextFileSync(path, "mine\n");
  Deno.chmodSync(path, 0o640);
  const refused = await weft(["create", "-t", "backup", "-o", "w.yml"], { cwd: dir });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /w\.yml already exists; nothing was written/);
  assert.match(refused.stderr, /--force/);
  assert.equal(Deno.readTextFileSync(path), "mine\n");

  const forced = await weft(["create", "-t", "backup", "-o", "w.yml", "--force"], { cwd: dir });
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(Deno.readTextFileSync(path), /^name: backup$/m);
  // The file was the user's: its text is replaced, its mode is left as it was.
  assert.equal(Deno.statSync(path).mode! & 0o777, 0o640);
});

Deno.test("weft create: a new --output file is private (0600)", async () => {
  const dir = testTempDir("mode-");
  const made = await weft(["create", "-t", "backup", "-o", "new.yml"], { cwd: dir });
  assert.equal(made.code, 0, made.stderr);
  assert.match(Deno.readTextFileSync(join(dir, "new.yml")), /^name: backup$/m);
  assert.equal(Deno.statSync(join(dir, "new.yml")).mode! & 0o777, 0o600);
});

Deno.test("weft create: unknown template, bad format, missing folder: exit 2", async () => {
  const dir = testTempDir("bad-");
  const unknown = await weft(["create", "-t", "webapp", "-n", "x"], { cwd: dir });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown template "webapp"/);
  assert.match(unknown.stderr, /did you mean "web-app"\?/);
  assert.match(unknown.stderr, /web-app, ci-cd, backup, etl, health-check/);
  const gen = await weft(["generate", "--type", "cicd"], { cwd: dir });
  assert.equal(gen.code, 2);
  assert.match(gen.stderr, /did you mean "ci-cd"\?/);

  const clash = await weft(["create", "-t", "etl", "--format", "json", "-o", "x.yml"], {
    cwd: dir,
  });
  assert.equal(clash.code, 2);
  assert.match(clash.stderr, /--format json does not match x\.yml/);
  const missing = await weft(["create", "-t", "etl", "-o", "no/such/x.yml"], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /its folder does not exist/);
  const none = await weft(["create", "-n", "x"], { cwd: dir });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--template is required/);
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  for (const r of [unknown, gen, clash, missing, none]) assert.doesNotMatch(r.stderr, /at .*\.ts:/);
});

Deno.test("weft create: the etl and backup templates run as written", async () => {
  const dir = testTempDir("run-");
  Deno.mkdirSync(join(dir, "data"));
  Deno.writeTextFileSync(join(dir, "data/a.json"), '[{"n": 1}, {"n": 2}]');
  Deno.writeTextFileSync(join(dir, "data/b.json"), '{"n": 3}');
  assert.equal(
    (await weft(["create", "-n", "orders", "-t", "etl", "-o", "etl.yml"], { cwd: dir }))
      .code,
    0,
  );
  const etl = await weft(["run", "etl.yml"], { cwd: dir });
  assert.equal(etl.code, 0, etl.stderr);
  const merged = JSON.parse(Deno.readTextFileSync(join(dir, "warehouse/orders.json")));
  assert.deepEqual(merged, [
    { n: 1, source: "a.json" },
    { n: 2, source: "a.json" },
    { n: 3, source: "b.json" },
  ]);

  assert.equal(
    (await weft(["create", "-n", "nightly", "-t", "backup", "-o", "b.json"], {
      cwd: dir,
    })).code,
    0,
  );
  const backup = await weft(["run", "b.json"], { cwd: dir });
  assert.equal(backup.code, 0, backup.stderr);
  const archives = [...Deno.readDirSync(join(dir, "backups"))].map((e) => e.name);
  assert.equal(archives.length, 1);
  assert.match(archives[0], /^nightly-\d{8}T\d{6}Z\.tar\.gz$/);
});

Deno.test("weft create: a template task whose command fails part way fails (set -e)", async () => {
  const dir = testTempDir("fail-");
  // No ./data folder: the backup's tar fails; the etl's load finds no file to copy.
  assert.equal((await weft(["create", "-t", "backup", "-o", "b.yml"], { cwd: dir })).code, 0);
  const backup = await weft(["run", "b.yml", "--json"], { cwd: dir });
  assert.equal(backup.code, 1, backup.stderr);
  const tasks = JSON.parse(backup.stdout).tasks as { id: string; status: string }[];
  const status = (id: string) => tasks.find((t) => t.id === id)?.status;
  assert.equal(status("archive"), "failed");
  assert.equal(status("verify"), "skipped");
  assert.equal(status("prune"), "skipped");
  // That every multi-line command of every template begins with set -e is checked with
  // each template's JSON, in the tests above.
});

Deno.test("weft create: the health-check template checks a real endpoint, and its alert posts", async () => {
  const dir = testTempDir("health-");
  assert.equal((await weft(["create", "-t", "health-check", "-o", "h.yml"], { cwd: dir })).code, 0);
  // Its notes say what the alert does now, not that it will work "in a later version".
  const text = Deno.readTextFileSync(`${dir}/h.yml`);
  assert.match(text, /The alert rule below\n# posts to Slack/);
  assert.doesNotMatch(text, /later version/);
  const posted: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/slack") posted.push(await req.text());
      return path === "/health" || path === "/slack"
        ? new Response("{}")
        : new Response("", { status: 503 });
    },
  );
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    const env = { SLACK_WEBHOOK_URL: `${base}/slack` };
    const up = await weft(["run", "h.yml", "-p", `url=${base}/health`, "--json"], { cwd: dir });
    assert.equal(up.code, 0, up.stderr);
    const down = await weft(["run", "h.yml", "-p", `url=${base}/down`, "--json"], {
      cwd: dir,
      env,
    });
    assert.equal(down.code, 1, down.stderr);
    assert.ok(
      posted.some((body) => body.includes("the health check of its service failed")),
      posted.join("\n"),
    );
    const report = JSON.parse(down.stdout) as { tasks: { id: string; status: string }[] };
    const status = Object.fromEntries(report.tasks.map((t) => [t.id, t.status]));
    assert.equal(status.check, "failed");
    assert.equal(status["report-down"], "success");
  } finally {
    await server.shutdown();
  }
});

Deno.test("weft create/generate/schema: -o - is stdout, and the advice names the file written", async () => {
  const dir = testTempDir("create-dash-");
  for (const args of [["create", "-t", "etl"], ["generate", "--type", "etl"], ["schema"]]) {
    const dash = await weft([...args, "-o", "-"], { cwd: dir });
    assert.equal(dash.code, 0, dash.stderr);
    const plain = await weft(args, { cwd: dir });
    assert.equal(dash.stdout, plain.stdout, "-o - prints what no -o prints");
    assert.doesNotMatch(dash.stderr, /wrote|next:/);
  }
  assert.deepEqual([...Deno.readDirSync(dir)], [], "no file named - was made");
  // A name that starts with `-` is written, and the advice reads that file, not stdin.
  const odd = await weft(["create", "-t", "etl", "-o", "-x.yml"], { cwd: dir });
  assert.equal(odd.code, 0, odd.stderr);
  assert.match(odd.stderr, /next: weft validate \.\/-x\.yml && weft run --dry-run \.\/-x\.yml/);
  assert.match(Deno.readTextFileSync(join(dir, "-x.yml")), /# {3}weft validate \.\/-x\.yml\n/);
  const checked = await weft(["validate", "./-x.yml"], { cwd: dir });
  assert.equal(checked.code, 0, checked.stderr);
});

Deno.test("weft create: a schedule template with a name no schedule can take still validates", async () => {
  const dir = testTempDir("create-odd-");
  // A line break: the schedule trigger cannot be named after the workflow, so it gets its own.
  const files = ["backup", "health-check"].map((template) => join(dir, `${template}.yml`));
  for (const file of files) {
    const template = file.slice(file.lastIndexOf("/") + 1, -".yml".length);
    const made = await weft(["create", "-t", template, "--name", "x\ny", "-o", file]);
    assert.equal(made.code, 0, made.stderr);
    assert.match(Deno.readTextFileSync(file), /^ {4}name: x-y$/m);
  }
  // Both in one validate, which fails if either is invalid.
  const checked = await weft(["validate", ...files]);
  assert.equal(checked.code, 0, checked.stdout + checked.stderr);
  assert.match(checked.stderr, /2 files, 0 invalid/);
});
