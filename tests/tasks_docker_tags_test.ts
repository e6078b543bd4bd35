/**
 * A docker task's `tags` can never become an option of `docker build -t TAG` or
 * `docker push TAG` (`--all-tags` there pushes every tag of the repository): a tag that
 * starts with `-` is refused — by `weft validate` at its place when the text decides it,
 * when the task runs (naming the field, before any docker command) when a value does.
 * A `dockerfile` starting with `-` stays a path (`-f -` reads stdin), as `context` does.
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import {
  buildArgv,
  type DockerConfig,
  DockerConfigError,
  dockerPreview,
  pushArgvs,
  resolvedTags,
} from "../src/tasks/docker_argv.ts";
import { resolveQuoted } from "../src/model/data_text.ts";
import { hints, lines, problems } from "./_problems.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { testTempDir } from "./_tmp.ts";
import { dockerCalls, STANDIN_BIN } from "./_docker_standin.ts";

const vars: Record<string, string> = { "params.tag": "--all-tags", "params.v": "1" };
const interpolate = (text: string) =>
  text.replace(/\$\{\s*([a-z.A-Z_]+)\s*\}/g, (_, name: string) => vars[name] ?? "");
const config = (c: Partial<DockerConfig>) => c as DockerConfig;

/** The plain message of what `fn` throws, which must be a DockerConfigError. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DockerConfigError, String(error));
    return resolveQuoted(error.message);
  }
  assert.fail("not refused");
}

Deno.test("docker argv: a tag starting with - is refused, naming its field", () => {
  for (const tag of ["${params.tag}", "-x:${params.v}", "--output=type=local"]) {
    const tags = ["myapp:1", tag];
    const message = refusal(() => resolvedTags(config({ context: ".", tags }), interpolate));
    assert.match(message, /^config\.tags\[1\]: the tag "-[^"]*" starts with "-" once resolved/);
    assert.match(message, /which docker would read as an option/);
    assert.throws(() => buildArgv(config({ context: ".", tags }), interpolate), DockerConfigError);
    assert.throws(
      () => dockerPreview(config({ context: ".", tags, push: true }), interpolate, "n"),
      DockerConfigError,
    );
  }
  assert.match(
    refusal(() => pushArgvs(["myapp:1", "--all-tags"])),
    /^the tag "--all-tags" starts with "-", which docker push would read as an option$/,
  );
  // A value giving the repository a leading `-` was refused already, as no name component.
  assert.match(
    refusal(() => resolvedTags(config({ tags: ["-x${params.v}"] }), interpolate)),
    /^config\.tags\[0\]: the path component "-x1" is not a name component/,
  );
  // A tag that only holds a `-` later is an ordinary reference.
  assert.deepEqual(resolvedTags(config({ tags: ["my-app:v-${params.v}"] }), interpolate), [
    "my-app:v-1",
  ]);
});

Deno.test("docker argv: a dockerfile starting with - stays a path, not stdin", () => {
  assert.deepEqual(buildArgv(config({ dockerfile: "-", context: "." }), interpolate), [
    "build",
    "-f",
    "./-",
    ".",
  ]);
  assert.deepEqual(buildArgv(config({ dockerfile: "-x.Dockerfile" }), interpolate), [
    "build",
    "-f",
    "./-x.Dockerfile",
    ".",
  ]);
});

Deno.test("weft validate: a tag written to start with - is found at its place", () => {
  const text = lines(
    "name: x",
    "params: {v: '1'}",
    "tasks:",
    '  - {id: d, type: docker, config: {context: ., tags: ["--all-tags", "-x:${params.v}", "-${params.v}", "ok-${params.v}"]}}',
  );
  assert.deepEqual(problems(text), [
    '4:56: config.tags[0] in task "d": a tag starts with `-`, which docker would read as an option',
    // The first field written alone, beside a `${...}`, is the field rule's to report.
    '4:70: config.tags[1] in task "d": the path component "-x" is not a name component ' +
    '(lowercase letters and digits, with ".", "_", "__" or "-" between them)',
    '4:88: config.tags[2] in task "d": a tag starts with `-`, which docker would read as an option',
  ]);
  assert.match(hints(text)[0] ?? "", /starts with a letter or digit/);
});

Deno.test("docker via CLI: a tag whose value starts with - fails the task before any docker command", async () => {
  const dir = testTempDir("docker-tag-");
  const file = `${dir}/workflow.yml`;
  await Deno.writeTextFile(
    file,
    lines(
      "name: docker-tag-option",
      "params:",
      "  tag: --all-tags",
      "tasks:",
      "  - id: b",
      "    type: docker",
      "    config:",
      "      context: .",
      "      tags: [myapp:1, '${params.tag}']",
      "      push: true",
    ),
  );
  const log = `${dir}/calls`;
  const PATH = Deno.env.get("PATH") ?? "/usr/bin:/bin";
  const env = { DOCKER_STANDIN_LOG: log, PATH: `${STANDIN_BIN}:${PATH}` };
  const { code, stdout, stderr } = await weft(["run", file, "--json"], { env });
  assert.equal(code, 1, stdout + stderr);
  const report = JSON.parse(stdout) as RunReport;
  assert.match(
    reportTask(report, "b").error ?? "",
    /^config\.tags\[1\]: the tag "--all-tags" starts with "-" once resolved/,
  );
  assert.deepEqual(await dockerCalls(log), []);
});
