/**
 * What each task of a workflow would run, for `weft run --dry-run`: its command or
 * request with the values known before the run filled in (params, the environment,
 * `workflow.*`) and those known only later shown as placeholders
 * (`<tasks.build.outputs.version>`, `<item>`, `<run.id>`), secrets masked: with the
 * secrets a run of it would know at its start (start_secrets.ts, every task's included),
 * so a dry run never shows what the run would mask. For people: values are inserted as
 * text, not quoted as the shell or the URL encoding would.
 *
 * Lines are built as weft's words around quoted data (model/data_text.ts) and only the
 * data is masked: a file name, a task id or a keyword is never rewritten by a secret
 * that happens to be a common word. A path (a script, a sqlite file, a `cwd`) keeps the
 * file's own text and masks its `${...}` values, as the run names it (tasks/path_field.ts);
 * a command, URL or item list is data whole, masked as the run masks an error message
 * quoting it (README, Secrets) — so a secret written in a command is not shown by a dry run.
 * @module
 */
import {
  type Above,
  compileTemplate,
  ExpressionError,
  ownValue,
  type Scope,
  withNamesAbove,
} from "../expr/mod.ts";
import type { Workflow } from "../model/workflow.ts";
import { Expressions, makeScope, taskEnvBlocks, withRunVariables } from "./expressions.ts";
import { buildNodes, type LeafSpec, type Node } from "./nodes.ts";
import { type DockerConfig, dockerPreview } from "../tasks/docker_argv.ts";
import { parseConnection } from "../model/connection.ts";
import { connectionDialect, renderSql, SQL_DIALECTS } from "../expr/sql.ts";
import { placeholderOf } from "../tasks/database/driver.ts";
import { Secrets } from "./secrets.ts";
import { renderStrings } from "./loop.ts";
import { pushAll } from "../arrays.ts";
import { startSecrets } from "./start_secrets.ts";
import { defaultRegistry } from "../tasks/mod.ts";
import { embeddedMessage, ownText, quoteData, resolveQuoted } from "../model/data_text.ts";
import { SHOWN_VALUE_MAX, shownValue } from "../expr/shown_value.ts";
import { runRefusal, valuesKnown } from "./preview_check.ts";
import { renderItemsText } from "./loop_items.ts";
import { errorText } from "./context.ts";
import { dirnameOf } from "../path.ts";
import { shArgv } from "../model/sh_quote.ts";
import type { TaskRecord } from "./events.ts";
import { keptFromEarlierRun } from "./resume.ts";
import { recordFinished } from "./task_record.ts";

/** What {@link previewTasks} needs: the run's input as `weft run` would give it. */
export interface PreviewInput {
  workflow: Workflow;
  /** Absolute path of the workflow file (for `workflow.file`). */
  file: string;
  /** Resolved params (declared defaults merged in, see params.ts). */
  params: Record<string, string>;
  /** The process environment and `--env`, as the run would see them. */
  env: Record<string, string>;
  /**
   * Adds the secrets the caller's part of the run knows at its start (the notification
   * channels', cli/notify_wiring.ts), given the workflow environment the run would give it.
   */
  addSecrets?: (workflowEnv: Record<string, string>, secrets: Secrets) => void;
  /**
   * `--dry-run --resume`: the task records of the run resumed (cli/run_history.ts
   * loadResume `previous`). The tasks the resume keeps read as the resumed run reads them
   * (engine/resume.ts keptFromEarlierRun: their recorded outputs, stored masked, status,
   * exit code), not as placeholders.
   */
  kept?: TaskRecord[];
  /**
   * Called once every task's secrets are in, with the masking the previews got: for the
   * plan's other text shown beside them (its conditions), which must be masked alike.
   */
  onMask?: (mask: (text: string) => string) => void;
  /**
   * Called for each task the run would refuse before starting it (preview_check.ts), with
   * its line (`refused: REASON`, the run's reason, masked); such a task shows that line
   * instead of what it would run. A conditional's branch refused shows the line too, but
   * is not reported here: the run refuses it only if it takes that branch.
   */
  onRefused?: (id: string, line: string) => void;
}

/**
 * Roots shown as placeholders: values that exist only once the run is going (`tasks`,
 * `item`, `index`), and those known only once it starts (what started it and when).
 */
const LATER = new Set(["tasks", "item", "index", "run", "schedule", "trigger"]);

/**
 * The secrets a run of `input` would know at its start, every task's included
 * (start_secrets.ts) with the caller's (`addSecrets`), as `--dry-run` masks with them:
 * also for `weft schedule add`, which keeps a param holding one out of weft.kv, as a
 * run masks it in its record.
 */
export function previewSecrets(input: PreviewInput): Secrets {
  return prepare(input).secrets;
}

/** What both {@link previewTasks} and {@link previewSecrets} start from. */
function prepare(input: PreviewInput) {
  const { workflow, file, params, env } = input;
  const nodes = buildNodes(workflow, file, () => true);
  const { order, byId } = nodes;
  // Kept as the resumed run keeps them (scheduler.ts keepResumed): finished before it starts.
  for (const { node, outcome } of keptFromEarlierRun(order, input.kept ?? [])) {
    recordFinished(node, outcome, new Date().toISOString());
  }
  const exprs = new Expressions();
  const source = {
    workflow,
    file,
    // Read only by startSecrets (the scopes here show `run.*` as placeholders).
    runId: "<run.id>",
    startedAt: "<run.started_at>",
    params,
    nodes: byId,
  };
  const secrets = new Secrets({ declared: workflow.secrets ?? [] });
  // Known only once the run is going, but for a task the resume keeps: its recorded values.
  const later = (root: string, path: readonly string[]) =>
    LATER.has(root) && !(root === "tasks" && byId.get(path[0])?.finished === true);
  // A long value as a plan shows it, whatever field reads it (expr/shown_value.ts); a
  // secret's as *** (its length is no one's business either). Kept per name (`params.p`
  // → its value and how it shows; undefined: long in UTF-16 units only, shown whole).
  const long = new Map<string, { value: string; shown: string | undefined }>();
  const placeholders = new Set<string>();
  const shownLong = (value: string, name: string): string | undefined => {
    const known = long.get(name);
    if (known?.value === value) return known.shown;
    // One count of its characters (shownValue gives the value back when within the bound).
    const standIn = shownValue(value, `\${${name}}`);
    const shown = standIn === value ? undefined : secrets.mask(value) === value ? standIn : "***";
    long.set(name, { value, shown });
    if (shown !== undefined) placeholders.add(shown);
    return shown;
  };
  // `asRun`: an unset variable is undefined, as the run reads it, not shown as unset.
  // `cut`: a value longer than SHOWN_VALUE_MAX is shown by its length (shownLong).
  const scopeFor = (
    lookup: (name: string) => string | undefined,
    asRun = false,
    cut = false,
  ): Scope => {
    // weft's per-task variables (WEFT_TASK_ID, …) are known when the task starts.
    const scope = makeScope(
      source,
      withRunVariables(source, lookup, undefined, (name) => `<env.${name}>`),
    );
    return (root, path) => {
      if (later(root, path)) return `<${[root, ...path].join(".")}>`;
      const value = scope(root, path);
      if (cut && typeof value === "string" && value.length > SHOWN_VALUE_MAX) {
        const shown = shownLong(value, [root, ...path].join("."));
        if (shown !== undefined) return shown;
      }
      // An unset variable renders empty at run time too; say so rather than vanish.
      return root === "env" && value === undefined && !asRun
        ? `<env.${path.join(".")} unset>`
        : value;
    };
  };
  const workflowEnv = {
    ...env,
    ...safe(() => exprs.renderEnv(workflow.environment, scopeFor((n) => ownValue(env, n))), {}),
  };
  // The run's own set at its start: every task's secrets, before any line is masked.
  startSecrets({
    options: { workflow, secrets },
    workflowEnv,
    nodes,
    exprs,
    source,
    registry: defaultRegistry,
  });
  input.addSecrets?.(workflowEnv, secrets);

  // Whether `value` is a long value's stand-in (shownLong): a URL shows it as text.
  const standsIn = (value: unknown) => typeof value === "string" && placeholders.has(value);
  return { order, exprs, secrets, scopeFor, workflowEnv, later, standsIn, dir: dirnameOf(file) };
}

/** `fn()`, or `fallback` when it throws (a value that cannot be rendered before the run). */
function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/**
 * Task id → the lines saying what it would run: `$ command` (a multi-line command
 * continues on indented lines), `GET url`, or for composites their branches, items and
 * steps. Tasks whose text cannot be worked out before the run (a value read from a task
 * that has not run) show placeholders; a value that cannot be rendered at all shows its
 * source text. Every line is masked with the secrets known before the run (all tasks'),
 * and the placeholder of a secret variable known only later.
 */
export function previewTasks(input: PreviewInput): Record<string, string[]> {
  const { order, exprs, secrets, scopeFor, workflowEnv, later, standsIn, dir } = prepare(input);
  // A URL with a placeholder (a later value, a long one) is shown as text, not encoded.
  const url = (text: string, scope: Scope, render: (text: string) => string) =>
    renderUrl(
      text,
      scope,
      render,
      (root, path) => later(root, path) || standsIn(scope(root, [...path])),
    );
  // The scope over the workflow's environment and `blocks` (the run's conditionScope);
  // `asRun` reads an unset variable as the run does.
  const envScopes = (blocks: readonly Record<string, string>[] | undefined) => {
    const own = blocks
      ? safe(
        () => exprs.renderEnvBlocks(blocks, scopeFor, (n) => ownValue(workflowEnv, n)),
        {} as Record<string, string>,
      )
      : {};
    secrets.addEnv(own);
    const lookup = (n: string) => ownValue(own, n) ?? ownValue(workflowEnv, n);
    return {
      shown: scopeFor(lookup, false, true),
      whole: scopeFor(lookup),
      asRun: scopeFor(lookup, true),
      env: { ...workflowEnv, ...own },
    };
  };
  // Top-level task id → why the run would refuse it (or one of its steps) before starting.
  const refused: Record<string, string> = {};
  let shownId = "";
  // `branch`: one of a conditional's, run only if its condition says so.
  const leafLines = (spec: LeafSpec, id: string, branch = false): string[] => {
    const scopes = envScopes(spec.envBlocks);
    const scope = scopes.shown;
    // Checked as the run checks it before starting it: refused, it shows no plan.
    const refusal = runRefusal(spec, id, {
      exprs,
      scope: scopes.asRun,
      later,
      dir,
      env: scopes.env,
      builtText: (marked) => secrets.addBuilt(marked),
    });
    if (refusal !== undefined) {
      const line = ownText(`refused: ${id === shownId ? "" : `${id}: `}`) +
        embeddedMessage(refusal);
      if (!branch) refused[shownId] ??= line;
      return [line];
    }
    // `above`: a docker `config.env` value's block, read in order (expr/env_block.ts).
    const renderIn = (within: Scope) => (text: string, above?: Above) =>
      safe(() => exprs.render(text, withNamesAbove(within, above)), text);
    const render = renderIn(scope);
    // A shell command as the run has the shell read it (its comments as written).
    const shell = (command: string) => safe(() => exprs.renderShellShown(command, scope), command);
    // A path field: weft's own text but for its values, as the run tells the engine
    // (tasks/path_field.ts), so a secret that is a folder's name leaves it whole.
    const pathIn = (within: Scope) => (text: string) => {
      const marked = safe(
        () => ownText("") + exprs.renderPlaced(text, within, (value) => quoteData(value)),
        quoteData(text),
      );
      secrets.addBuilt(marked);
      return resolveQuoted(marked);
    };
    const path = pathIn(scope);
    // Fields weft parses before the run (docker's volumes and ports, a connection) read
    // long values whole, as the run does: a long value's stand-in would parse otherwise.
    const whole = renderIn(scopes.whole);
    const config = spec.config as Record<string, unknown>;
    const work = (): string[] => {
      switch (spec.type) {
        case "shell": {
          const [first, ...rest] = shell(String(config.command)).replace(/\n+$/, "").split("\n");
          return [`$ ${quoteData(first)}`, ...rest.map((line) => `  ${quoteData(line)}`)];
        }
        case "http": {
          const method = String(config.method ?? (config.data === undefined ? "GET" : "POST"))
            .toUpperCase();
          return [`${method} ${quoteData(url(String(config.url), scope, render))}`];
        }
        case "workflow": {
          // The file is written without `${...}` (validate checks it): weft's own, a path.
          const params = Object.entries(config.params ?? {})
            .map(([k, v]) => ` ${k}=${quoteData(typeof v === "string" ? render(v) : String(v))}`);
          return [ownText(`runs ${String(config.file)}`) + params.join("")];
        }
        case "docker": {
          const name = "weft-<run>-<task>-<attempt>";
          try {
            return dockerPreview(config.config as DockerConfig, whole, name).map(quoteData);
          } catch (error) {
            // Not refused (a value known only later): say why no argv shows.
            return [
              ownText("docker: cannot be worked out before the run: ") +
              embeddedMessage(errorText(error)),
            ];
          }
        }
        case "javascript":
        case "python":
          return [scriptPreview(spec.type, config, { render, shell, path })];
        case "data_processor": {
          const processor = config.processor as Record<string, unknown>;
          const input = path(String((config.input as { path: string }).path));
          const output = path(String((config.output as { path: string }).path));
          return [
            `${quoteData(input)} → ${
              scriptPreview(String(processor.type), processor, { render, shell, path })
            } → ${quoteData(output)}`,
          ];
        }
        case "database": {
          const db = config.config as {
            connection: string;
            migrations_path?: string;
            rollback_on_failure?: boolean;
            file?: string;
            query?: string;
          };
          // The display form never holds the password; a connection that does not parse
          // yet (a later value) is shown as written, masked. A postgres URL is built as
          // the run builds it (tasks/path_field.ts connectionField).
          // A sqlite file is a path after the prefix, as the run builds it: its own parts kept.
          const sqlite = /^sqlite3?:(\/\/)?/i.exec(db.connection)?.[0];
          const target = safe(
            () =>
              parseConnection(
                sqlite !== undefined
                  ? sqlite + pathIn(scopes.whole)(db.connection.slice(sqlite.length))
                  : url(db.connection, scopes.whole, whole),
                ".",
              ).display,
            db.connection,
          );
          const lines = [`database ${quoteData(target)}`];
          if (db.migrations_path) {
            const undo = db.rollback_on_failure ? " (rolled back on failure)" : "";
            lines.push(`  migrate ${quoteData(path(db.migrations_path))}${undo}`);
          }
          if (db.file) lines.push(`  run ${quoteData(path(db.file))}`);
          if (db.query) pushAll(lines, queryLines(db.query, whole(db.connection), render));
          return lines;
        }
        default: {
          // Types this version cannot run never reach a plan (checkRunnable refuses them).
          return [ownText(spec.type)];
        }
      }
    };
    // The folder it runs in, when it is not the workflow's (an unset variable shows so).
    return spec.cwd === undefined ? work() : [`in ${quoteData(path(spec.cwd))}`, ...work()];
  };

  const nodeLines = (node: Node): string[] => {
    if (node.leaf) return leafLines(node.leaf, node.id);
    const composite = node.composite;
    if (!composite) return [];
    const indent = (lines: string[]) => lines.map((line) => `  ${line}`);
    switch (composite.kind) {
      case "conditional":
        return [
          `if ${quoteData(composite.condition)}:`,
          ...indent(leafLines(composite.then, node.id, true)),
          ...(composite.else
            ? [ownText("else:"), ...indent(leafLines(composite.else, node.id, true))]
            : []),
        ];
      case "loop": {
        // The loop's own environment, as its steps see it (defaults.environment included).
        const scopes = envScopes(taskEnvBlocks(input.workflow, node));
        const scope = scopes.shown;
        if (typeof composite.items === "string") {
          // Refused as the run refuses it (loop_items.ts), when the value refused is known.
          const refusal = itemsRefusal(composite.items, scopes.asRun);
          if (refusal !== undefined) {
            const line = ownText("refused: loop items: ") + embeddedMessage(refusal);
            refused[shownId] ??= line;
            return [line];
          }
        }
        const items = typeof composite.items === "string"
          ? itemsShown(composite.items, scope)
          : JSON.stringify(
            renderStrings(composite.items, (text) => safe(() => exprs.render(text, scope), text)),
          );
        return [
          `for each item of ${quoteData(items)}${composite.parallel ? " (in parallel)" : ""}:`,
          ...indent(leafLines(composite.step, node.id)),
        ];
      }
      case "parallel":
        return node.children.flatMap((child) => [
          ownText(`${child.id}:`),
          ...indent(nodeLines(child)),
        ]);
    }
  };

  // A loop's items text as the run builds it (each value inside its item: loop_items.ts);
  // with a value known only later outside a JSON string, as plain text with its placeholder.
  const itemsShown = (text: string, scope: Scope) =>
    safe(
      () => renderItemsText(exprs, text, scope).text,
      safe(() => exprs.render(text, scope), text),
    );
  // Why the run would fail a loop over the items text `text` before its first iteration:
  // a value its form refuses, when every value that `${...}` reads is known now.
  const itemsRefusal = (text: string, scope: Scope): string | undefined => {
    try {
      renderItemsText(exprs, text, scope);
      return undefined;
    } catch (error) {
      if (!(error instanceof ExpressionError) || !valuesKnown(text, error.offset, later)) {
        return undefined;
      }
      return errorText(error);
    }
  };

  const lines: Record<string, string[]> = {};
  for (const node of order) {
    if (node.parent) continue; // shown inside its parallel task
    shownId = node.id;
    lines[node.id] = nodeLines(node);
  }
  // Masked once every task's secrets are in: a later task's secret is masked in an
  // earlier task's line too, as in the run.
  const previews: Record<string, string[]> = {};
  for (const id in lines) {
    previews[id] = lines[id].map((line) => secrets.maskMessage(line));
  }
  input.onMask?.((text) => secrets.maskMessage(text));
  for (const id in refused) input.onRefused?.(id, secrets.maskMessage(refused[id]));
  return previews;
}

/**
 * A database task's `query` as the run sends it: the statement its driver gets, each
 * `${...}` a placeholder (expr/sql.ts renderSql, as tasks/database/runner.ts binds it),
 * then the values bound to them, one a line (`  bound ?1 = eu`; a later value as its
 * placeholder). Values are never pasted into the SQL, here as in the run. A query that
 * cannot be bound before the run (a value known only later) is shown as written.
 */
function queryLines(
  query: string,
  connection: string,
  render: (text: string) => string,
): string[] {
  // The database the connection (rendered) names; else either, as the run checks it
  // (preflight.ts).
  const dialect = connectionDialect(connection);
  const placeholder = placeholderOf(dialect ?? "postgres");
  const bound = safe<{ sql: string; params: string[] }>(
    () => renderSql(query, render, placeholder, dialect ? [dialect] : SQL_DIALECTS),
    { sql: query, params: [] },
  );
  const lines = bound.sql.trim().split("\n").map((l) => `  ${quoteData(l)}`);
  bound.params.forEach((value, k) => {
    // A long value, bound at each of its uses, shows as its length (expr/shown_value.ts).
    const [first, ...rest] = shownValue(value, `value of ${placeholder(k + 1)}`).split("\n");
    lines.push(
      `  ${ownText(`bound ${placeholder(k + 1)} = `)}${quoteData(first)}`,
      ...rest.map((line) => `    ${quoteData(line)}`),
    );
  });
  return lines;
}

/** How a preview renders a field: as text, as a shell command, as a path. */
interface FieldRenderers {
  render: (text: string) => string;
  shell: (command: string) => string;
  path: (text: string) => string;
}

/** One line for a script step: `javascript scripts/x.js ARGS…`, or a shell command's first line. */
function scriptPreview(
  type: string,
  config: Record<string, unknown>,
  { render, shell, path }: FieldRenderers,
): string {
  if (type === "shell") return `$ ${quoteData(shell(String(config.command)).split("\n")[0])}`;
  const args = ((config.args ?? []) as string[]).map(render);
  // The script's path is weft's own text but for its values (path); the args, data,
  // quoted for sh as every argv shown is, so one argument reads as one.
  const what = typeof config.script === "string" ? path(config.script) : "<inline code>";
  return `${ownText(type)} ${quoteData(args.length ? `${what} ${shArgv(args)}` : what)}`;
}

/**
 * A URL as the run would request it when every value is known (percent-encoded where
 * it lands, see expr/url.ts); with placeholders, as plain text (encoding them would
 * make them unreadable).
 */
function renderUrl(
  url: string,
  scope: Scope,
  render: (text: string) => string,
  placeholder: (root: string, path: readonly string[]) => boolean,
): string {
  try {
    const template = compileTemplate(url);
    const placeholders = template.references.some((r) => placeholder(r.root, r.path));
    return placeholders ? render(url) : template.renderUrl(scope);
  } catch {
    return render(url);
  }
}
