/**
 * The `docker` CLI arguments of a docker task: `docker build`, `docker push` and
 * `docker run`, each value one argv element (no shell ever reads them). Pure functions,
 * so the exact argv is testable without a docker engine.
 *
 * `${...}` in every string field is resolved with the `interpolate` function given
 * (the task context's). A string `command` is split into words as docker compose splits
 * one (POSIX shell quoting, no shell: `'…'`, `"…"`, `\`; no expansion, no globbing);
 * each `${...}` stays inside the word it is written in, and words are split before
 * values are put in, so a value never becomes more than one argument. An argument a value
 * makes too long for exec is refused naming its field (`config.command[2]`), not its
 * position in docker's argv (exec_limits.ts argumentValue).
 * @module
 */
import { CommandWordsError, splitWords } from "../expr/command_words.ts";
import { type Above, compileTemplate, renderBlock } from "../expr/mod.ts";
import { ownText, quoteData } from "../model/data_text.ts";
import type { TaskOf } from "../model/task.ts";
import { argumentValue } from "./exec_limits.ts";
import { fnv1a } from "../short_hash.ts";
import { shArgv } from "../model/sh_quote.ts";
import type { TaskContext } from "./types.ts";
import { pathField } from "./path_field.ts";
import {
  type FieldRule,
  fieldsOf,
  type FieldSyntax,
  fieldTrouble,
  filledText,
  IMAGE,
  NETWORK,
  PORT,
  VOLUME,
} from "../model/docker_fields.ts";

/** The `config` of a docker task (see src/model/task.ts for the rules between keys). */
export type DockerConfig = TaskOf<"docker">["config"];

/** Resolves `${...}` in one text; throws for a bad expression. */
export type Interpolate = (text: string, above?: Above) => string;

/**
 * A docker argv that cannot be built; its message is weft's own words plus quoted data,
 * marked (model/data_text.ts): resolveQuoted gives the plain text.
 */
export class DockerConfigError extends Error {}

/** True when the config builds an image (`dockerfile` or `context` given). */
export function buildsImage(config: DockerConfig): boolean {
  return config.dockerfile !== undefined || config.context !== undefined;
}

/**
 * `build [-f DOCKERFILE] [-t TAG]… [--build-arg K=V]… CONTEXT`. `context` defaults to
 * `.`; both paths are as the docker CLI reads them, relative to the task's working
 * directory (the workflow file's folder unless the task sets `cwd`). `path` interpolates
 * these two host paths (tasks/path_field.ts: a value is one name), given the field's name;
 * by default as `interpolate` (a preview).
 */
export function buildArgv(
  config: DockerConfig,
  interpolate: Interpolate,
  path: (field: string, text: string) => string = (_, text) => interpolate(text),
): string[] {
  const argv = ["build"];
  if (config.dockerfile !== undefined) {
    // `-f -` would read the Dockerfile from stdin: keep a name starting with `-` a path.
    argv.push("-f", dashPath(path("config.dockerfile", config.dockerfile)));
  }
  for (const tag of resolvedTags(config, interpolate)) argv.push("-t", tag);
  // Read in order, as a task's `environment` is: a value may use the names set above it.
  for (const [name, value] of Object.entries(renderBlock(config.build_args, interpolate))) {
    argv.push("--build-arg", buildArg(`config.build_args.${name}`, `${name}=${value}`));
  }
  const context = path("config.context", config.context ?? ".");
  if (context === "") throw new DockerConfigError(ownText("`context` is empty"));
  // `-` would mean "read the context from stdin", `-x` an option: keep it a path.
  argv.push(dashPath(context));
  return argv;
}

/** `path`, or `./path` when it starts with `-` (stdin, or an option, to docker). */
function dashPath(path: string): string {
  return path.startsWith("-") ? `./${path}` : path;
}

/**
 * The tags with `${...}` resolved, each an image reference whose values stay in their
 * fields ({@link fieldedArg}); an empty tag, one too long for exec, or one starting with
 * `-` (which `docker push TAG` would read as an option: `--all-tags`; no image reference
 * starts with one) is an error.
 */
export function resolvedTags(config: DockerConfig, interpolate: Interpolate): string[] {
  return (config.tags ?? []).map((tag, i) => {
    const field = `config.tags[${i}]`;
    const resolved = buildArg(field, fieldedArg(tag, field, IMAGE, interpolate));
    if (resolved.trim() === "") {
      throw new DockerConfigError(
        `a tag is empty once resolved (written ${quoteData(JSON.stringify(tag))})`,
      );
    }
    if (resolved.startsWith("-")) {
      throw new DockerConfigError(
        `${field}: the tag ${quoteData(JSON.stringify(resolved))} starts with "-" once ` +
          `resolved (written ${quoteData(JSON.stringify(tag))}), which docker would read as ` +
          "an option: an image reference starts with a letter or digit",
      );
    }
    // `myapp:${env.BUILD_NUMBER}` with BUILD_NUMBER unset: say so rather than docker's
    // "invalid reference format".
    if (/[:/]$/.test(resolved)) {
      throw new DockerConfigError(
        `tag ${quoteData(JSON.stringify(tag))} ends in ${JSON.stringify(resolved.at(-1))} ` +
          "once resolved: is a variable it uses unset?",
      );
    }
    return resolved;
  });
}

/**
 * `push TAG`, one argv per tag, as {@link resolvedTags} gives them: a tag starting with `-`
 * (an option to `docker push`) is refused here too.
 */
export function pushArgvs(tags: string[]): string[][] {
  return tags.map((tag) => {
    if (tag.startsWith("-")) {
      throw new DockerConfigError(
        `the tag ${quoteData(JSON.stringify(tag))} starts with "-", which docker push would ` +
          "read as an option",
      );
    }
    return ["push", tag];
  });
}

/**
 * `run --name NAME [--rm] [--pull P] [-e K=V]… [-v V]… [-p P]… [-w DIR] [--network N]
 * IMAGE [COMMAND…]`. `--rm` unless `remove: false`. `image` is resolved in its fields
 * (model/docker_fields.ts IMAGE: a value in the tag cannot add a digest, one in the
 * repository cannot change the registry). `path` interpolates the host path of
 * each `volumes` entry ({@link volumeArg}), by default as `interpolate` (a preview).
 */
export function runArgv(
  config: DockerConfig,
  name: string,
  interpolate: Interpolate,
  path: (field: string, text: string) => string = (_, text) => interpolate(text),
): string[] {
  const image = runArg(
    "config.image",
    fieldedArg(config.image ?? "", "config.image", IMAGE, interpolate),
  );
  if (image.trim() === "") throw new DockerConfigError(ownText("`image` is empty once resolved"));
  // docker would read `-x` as an option and the command after it as the image.
  if (image.startsWith("-")) {
    throw new DockerConfigError(
      `config.image: the image ${quoteData(JSON.stringify(image))} starts with "-" once ` +
        `resolved (written ${quoteData(JSON.stringify(config.image ?? ""))}), which docker ` +
        "run would read as an option: an image reference starts with a letter or digit",
    );
  }
  const argv = ["run", "--name", name];
  if (config.remove !== false) argv.push("--rm");
  if (config.pull !== undefined) argv.push("--pull", config.pull);
  for (const [key, value] of Object.entries(renderBlock(config.env, interpolate))) {
    argv.push("-e", runArg(`config.env.${key}`, `${key}=${value}`));
  }
  (config.volumes ?? []).forEach((volume, i) => {
    const field = `config.volumes[${i}]`;
    argv.push("-v", runArg(field, volumeArg(volume, field, interpolate, path)));
  });
  (config.ports ?? []).forEach((port, i) => {
    const field = `config.ports[${i}]`;
    argv.push("-p", runArg(field, fieldedArg(port, field, PORT, interpolate)));
  });
  if (config.workdir !== undefined) {
    argv.push("-w", runArg("config.workdir", interpolate(config.workdir)));
  }
  if (config.network !== undefined) {
    const network = fieldedArg(config.network, "config.network", NETWORK, interpolate);
    argv.push("--network", runArg("config.network", network));
  }
  argv.push(image);
  const command = config.command;
  // A string command's words are counted from 1, as a shell's are; a list's items by index.
  const field = (i: number) =>
    typeof command === "string" ? `config.command (word ${i + 1})` : `config.command[${i}]`;
  const words = typeof command === "string" ? commandWords(command) : command ?? [];
  words.forEach((word, i) => argv.push(runArg(field(i), interpolate(word))));
  return argv;
}

/** `value` as one argument of `docker build`; too long for exec: refused naming `field`. */
function buildArg(field: string, value: string): string {
  return argumentValue(field, value, "docker build");
}

/** `value` as one argument of `docker run`; too long for exec: refused naming `field`. */
function runArg(field: string, value: string): string {
  return argumentValue(field, value, "docker run");
}

/**
 * One `volumes` entry, `HOST:CONTAINER[:OPTIONS]`, resolved in its fields
 * ({@link fieldedArg}): the host path (the text before its first `:` written outside
 * `${...}`, or a volume's name) by `path` (tasks/path_field.ts: a value is one name, so
 * `..` or `/` cannot leave the folder; a value starting it, or `raw(...)`, as written);
 * the container path and the options by `interpolate`, each apart. A value in any of them
 * may not add a `:`, which docker would read as the start of another field
 * (`/srv/${params.sub}` with `x:Z` would add the option `Z`). An entry without such a `:`
 * (a container path) is one path, where a value may not bring a `:` either.
 */
function volumeArg(
  volume: string,
  field: string,
  interpolate: Interpolate,
  path: (field: string, text: string) => string,
): string {
  return fieldedArg(
    volume,
    field,
    VOLUME,
    interpolate,
    (k, part) => k === 0 ? path(field, part) : interpolate(part),
  );
}

/**
 * `text`, an argument docker reads in fields (model/docker_fields.ts: a volume, a port
 * mapping, a network, an image reference), resolved field by field as written: the fields are where `text`
 * has its separators outside `${...}`, each is resolved on its own by `render` (given its
 * index), and one holding a `${...}` must resolve to what that field can hold — never a
 * separator, which would start another field (`${params.hp}:80` with `hp=0.0.0.0:9000`
 * would set the host IP). `${...}` alone giving the whole argument is taken as written.
 */
function fieldedArg(
  text: string,
  field: string,
  syntax: FieldSyntax,
  interpolate: Interpolate,
  render: (k: number, part: string) => string = (_, part) => interpolate(part),
): string {
  let spans: readonly { start: number; end: number }[] = [];
  try {
    spans = compileTemplate(text).spans;
  } catch {
    // A template that does not compile fails when it is interpolated, with its message.
  }
  const whole = spans.length === 1 &&
    text.slice(0, spans[0].start).trim() === "" && text.slice(spans[0].end).trim() === "";
  if (whole) return render(0, text);
  let out = "";
  for (const [k, { start, end, rule }] of fieldsOf(filledText(text, spans), syntax).entries()) {
    const resolved = render(k, text.slice(start, end));
    const inside = spans.filter((s) => start <= s.start && s.end <= end);
    const trouble = inside.length > 0
      ? fieldTrouble(syntax, rule, resolved, " once resolved")
      : undefined;
    if (trouble !== undefined) {
      const values = valuesIn(text, inside, interpolate);
      throw fieldRefused(field, rule, resolved, trouble, values, syntax);
    }
    out += (k === 0 ? "" : text[start - 1]) + resolved;
  }
  return out;
}

/**
 * The `${...}` of `spans` (in `text`) that bring text a field cannot hold: those whose own
 * value is not plain digits, letters, `.`, `-` or `_`, or all of them when none is.
 */
function valuesIn(
  text: string,
  spans: readonly { start: number; end: number }[],
  interpolate: Interpolate,
): string[] {
  const written = spans.map((s) => text.slice(s.start, s.end));
  if (written.length === 1) return written;
  const odd = written.filter((w) => {
    try {
      return !/^[\w.-]*$/.test(interpolate(w));
    } catch {
      return true;
    }
  });
  return odd.length > 0 ? odd : written;
}

/**
 * The refusal of a field whose value gives it what it cannot hold: `field` the entry,
 * `resolved` the field's text, `trouble` why (model/docker_fields.ts fieldTrouble),
 * `values` the `${...}` that brought it.
 */
function fieldRefused(
  field: string,
  rule: FieldRule,
  resolved: string,
  trouble: string,
  values: string[],
  syntax: FieldSyntax,
): DockerConfigError {
  // A separator's refusal says what the field holds; another's says it already.
  const fix = [...resolved].some((c) => syntax.separators.includes(c))
    ? `give it ${rule.holds}`
    : "change that value";
  return new DockerConfigError(
    `${field}: ${rule.name} ${quoteData(JSON.stringify(resolved))} ${trouble}; ` +
      `it comes from ${values.join(", ")}: ${fix}, or write the whole entry as one ` +
      "${...} to give it whole",
  );
}

/** {@link splitWords}, its refusal as a DockerConfigError (same message). */
function commandWords(command: string): string[] {
  try {
    return splitWords(command);
  } catch (error) {
    if (error instanceof CommandWordsError) throw new DockerConfigError(ownText(error.message));
    throw error;
  }
}

/** Longest task-id part of a container name before it is shortened. */
const MAX_TASK_PART = 64;

/**
 * The container's name, `weft-<run>-<task>-<attempt>`. Docker allows
 * `[a-zA-Z0-9][a-zA-Z0-9_.-]*`: other characters of the task id (a loop iteration's
 * `[…]`, say) become `_`, and a task id that had to change or be shortened gets 8 hex
 * digits of its hash, so two ids never share a name.
 */
export function containerName(runId: string, taskId: string, attempt: number): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9_.-]/g, "_");
  let task = safe(taskId);
  if (task !== taskId || task.length > MAX_TASK_PART) {
    task = `${task.slice(0, MAX_TASK_PART)}-${fnv1a(taskId)}`;
  }
  return `weft-${safe(runId)}-${task}-${attempt}`;
}

/**
 * Every argv a docker task runs, worked out before anything starts (a bad value throws:
 * a DockerConfigError, or an expression's or a path field's error): `build` (null when
 * it builds no image) with its `tags`, and `run` (null without `image`). Host paths of
 * `volumes` and the build context are path fields (path_field.ts); the container is
 * `name`, for `ctx`'s run, task and attempt ({@link containerName}).
 */
export function dockerArgvs(
  config: DockerConfig,
  ctx: TaskContext,
): { build: string[] | null; tags: string[]; name: string; run: string[] | null } {
  const path = (field: string, text: string) => pathField(ctx, field, text);
  const build = buildsImage(config) ? buildArgv(config, ctx.interpolate, path) : null;
  const tags = build ? resolvedTags(config, ctx.interpolate) : [];
  const name = containerName(ctx.runId, ctx.taskId, ctx.attempt);
  const run = config.image !== undefined ? runArgv(config, name, ctx.interpolate, path) : null;
  return { build, tags, name, run };
}

/**
 * The docker commands a task would run, one line each, for `weft run --dry-run`: each
 * word quoted for sh as every argv weft shows is (model/sh_quote.ts).
 */
export function dockerPreview(
  config: DockerConfig,
  interpolate: Interpolate,
  name: string,
): string[] {
  const show = (argv: string[]) => shArgv(["docker", ...argv]);
  const lines: string[] = [];
  if (buildsImage(config)) {
    lines.push(show(buildArgv(config, interpolate)));
    if (config.push) lines.push(...pushArgvs(resolvedTags(config, interpolate)).map(show));
  }
  if (config.image !== undefined) lines.push(show(runArgv(config, name, interpolate)));
  return lines;
}
