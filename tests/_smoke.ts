/**
 * The CLI smoke suite that tests/bundle_test.ts runs against a built weft (the bundle,
 * or the compiled binary) in an empty folder: every step through the real executable.
 * Examples are found in examples/ at test time, so new ones are covered without
 * editing this file; the few that need something from outside are listed in
 * {@link NEEDS}, and the ones that cannot run here are skipped with the reason printed.
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";

/** Runs the built weft with `args` in the smoke folder (or `cwd`). */
export type Cli = (
  args: string[],
  options?: { env?: Record<string, string>; cwd?: string; pathFirst?: string },
) => Promise<{ code: number; stdout: string; stderr: string }>;

/**
 * Runs `cmd` with only `env` (clearEnv) in `cwd`, output captured and decoded: how the
 * smoke suites start the program they check, and how tests run weft in an environment
 * that must not inherit the test runner's (deno_task_test.ts, validated_cache_cli_test.ts).
 */
export async function execClean(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await new Deno.Command(cmd, {
    args,
    cwd,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: result.code, stdout: decode(result.stdout), stderr: decode(result.stderr) };
}

const EXAMPLES = new URL("../examples/", import.meta.url).pathname;

/** What an example needs to run here, by its path under examples/. */
interface Need {
  params?: (server: string) => string[];
  env?: (dir: string) => Record<string, string>;
  docker?: boolean;
  skip?: string;
}

const NEEDS: Record<string, Need> = {
  "http-check.yml": { params: (server) => [`url=${server}/health`] },
  "subworkflow/build.yml": { params: () => ["component=smoke"] },
  "database/db-migration.json": { env: (dir) => ({ DATABASE_URL: `sqlite:${dir}/smoke.db` }) },
  "docker/docker-build.json": { docker: true, env: () => ({ BUILD_NUMBER: "42" }) },
  "deploy/deployment-workflow.json": {
    skip: "its steps are npm scripts and `node steps.mjs`: the smoke PATH has no node by design",
  },
};

/**
 * A PATH like the current one with none of `names` on it: a folder holding one of them
 * is replaced by a folder (under `shadowRoot`) of symlinks to everything else in it.
 */
export async function pathWithout(names: string[], shadowRoot: string): Promise<string> {
  const dirs: string[] = [];
  for (const [i, dir] of (Deno.env.get("PATH") ?? "/usr/bin:/bin").split(":").entries()) {
    if (!dir) continue;
    const has = names.some((n) => {
      try {
        Deno.statSync(join(dir, n));
        return true;
      } catch {
        return false;
      }
    });
    if (!has) {
      dirs.push(dir);
      continue;
    }
    const shadow = join(shadowRoot, String(i));
    await Deno.mkdir(shadow, { recursive: true });
    for await (const entry of Deno.readDir(dir)) {
      if (!names.includes(entry.name)) {
        await Deno.symlink(join(dir, entry.name), join(shadow, entry.name));
      }
    }
    dirs.push(shadow);
  }
  return dirs.join(":");
}

/** Workflow files under examples/: YAML files, and JSON files with a `tasks` list. */
async function exampleWorkflows(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const full = join(d, e.name);
      if (e.isDirectory) await walk(full);
      else if (/\.ya?ml$/.test(e.name)) found.push(full);
      else if (e.name.endsWith(".json")) {
        const data = JSON.parse(await Deno.readTextFile(full));
        if (Array.isArray(data?.tasks)) found.push(full);
      }
    }
  };
  await walk(dir);
  return found.map((f) => relative(dir, f)).sort();
}

/**
 * Runs the smoke suite as steps of `t`; `dockerBin` is the stand-in docker, if needed.
 * `form`: a build stamps its commit into `--version`; main.ts run from source says so.
 */
export async function smokeSuite(
  t: Deno.TestContext,
  weft: Cli,
  dir: string,
  dockerBin: string | undefined,
  form: "build" | "source" = "build",
): Promise<void> {
  await Deno.mkdir(join(dir, "examples"));
  await copyTree(EXAMPLES, join(dir, "examples"));
  const ok = (r: { code: number; stderr: string }, what: string) =>
    assert.equal(r.code, 0, `${what}: ${r.stderr}`);

  await t.step("--version names the version and the commit (or source)", async () => {
    const r = await weft(["--version"]);
    ok(r, "--version");
    const stamp = form === "build" ? "commit [0-9a-f]{7,40}(-dirty)?" : "from source";
    assert.match(r.stdout, new RegExp(`^\\d+\\.\\d+\\.\\d+ \\(${stamp}\\)\\n$`));
  });

  await t.step("self-check says weft can work here", async () => {
    const r = await weft(["self-check", "--json"]);
    ok(r, "self-check");
    const report = JSON.parse(r.stdout);
    assert.equal(report.ok, true);
    assert.equal(report.store.writable, true);
    assert.equal(report.tools.sh !== null, true);
  });

  const workflows = await exampleWorkflows(join(dir, "examples"));
  assert.ok(workflows.length >= 5, `examples found: ${workflows.join(", ")}`);
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => Response.json({ healthy: true }),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  await t.step("validate every example (one weft validate for all of them)", async () => {
    const r = await weft(["validate", ...workflows.map((f) => join(dir, "examples", f))]);
    ok(r, `validate ${workflows.join(" ")}`);
    assert.match(r.stderr, new RegExp(`\\b${workflows.length} files?, 0 invalid\\b`));
  });
  const runIds: string[] = [];
  for (const file of workflows) {
    const need = NEEDS[file] ?? {};
    await t.step(`run examples/${file}`, async () => {
      const path = join(dir, "examples", file);
      if (need.skip) {
        console.log(`  skipped running examples/${file}: ${need.skip}`);
        return;
      }
      const params = (need.params?.(base) ?? []).flatMap((p) => ["-p", p]);
      const r = await weft(["run", path, "--json", ...params], {
        cwd: dirname(path),
        env: {
          ...need.env?.(dir),
          ...(need.docker && dockerBin ? { DOCKER_STANDIN_LOG: join(dir, "docker.log") } : {}),
        },
        pathFirst: need.docker ? dockerBin : undefined,
      });
      ok(r, `run ${file}`);
      const report = JSON.parse(r.stdout);
      assert.equal(report.status, "success", file);
      runIds.push(report.id);
    });
  }

  await t.step("history, status and logs show the runs", async () => {
    const h = await weft(["history", "--json", "--limit", "100"]);
    ok(h, "history");
    const listed = JSON.parse(h.stdout).map((r: { id: string }) => r.id);
    for (const id of runIds) assert.ok(listed.includes(id), `history lists ${id}`);
    const last = runIds.at(-1)!;
    const s = await weft(["status", last, "--json"]);
    ok(s, "status");
    assert.equal(JSON.parse(s.stdout).id, last);
    ok(await weft(["logs", last]), "logs");
  });

  await t.step("generate writes every template as a valid workflow", async () => {
    const list = await weft(["create", "--list", "--json"]);
    ok(list, "create --list");
    const templates = JSON.parse(list.stdout).map((x: { name: string }) => x.name);
    assert.ok(templates.length > 0);
    const written: string[] = [];
    for (const name of templates) {
      const out = join(dir, `generated-${name}.yml`);
      ok(await weft(["generate", "--type", name, "--output", out]), `generate ${name}`);
      written.push(out);
    }
    const r = await weft(["validate", ...written]);
    ok(r, `validate generated ${templates.join(" ")}`);
    assert.match(r.stderr, new RegExp(`\\b${written.length} files?, 0 invalid\\b`));
  });

  await t.step("schedule list and schedule export --crontab", async () => {
    const help = await weft(["--help"]);
    assert.match(help.stdout, /^\s+schedule\b/m, "--help lists schedule");
    ok(await weft(["schedule", "list"]), "schedule list");
    ok(await weft(["schedule", "export", "--crontab"]), "schedule export --crontab");
  });

  await t.step("schema prints the embedded editor schema", async () => {
    const r = await weft(["schema"]);
    ok(r, "schema");
    const committed = new URL("../schemas/workflow.schema.json", import.meta.url);
    assert.equal(r.stdout, await Deno.readTextFile(committed));
  });

  await t.step("completions bash is a valid bash script", async () => {
    const r = await weft(["completions", "bash"]);
    ok(r, "completions bash");
    const check = await new Deno.Command("bash", { args: ["-n"], stdin: "piped" }).spawn();
    const w = check.stdin.getWriter();
    await w.write(new TextEncoder().encode(r.stdout));
    await w.close();
    assert.equal((await check.status).code, 0);
  });
}

async function copyTree(from: string, to: string): Promise<void> {
  for await (const e of Deno.readDir(from)) {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (e.isDirectory) {
      await Deno.mkdir(dst);
      await copyTree(src, dst);
    } else if (e.isFile) await Deno.copyFile(src, dst);
  }
}
