/**
 * The TaskContext one attempt gets: its environment, working directory, output
 * publisher and interpolation. A class, not an object literal with getters: a getter
 * in a literal gives every object a hidden class of its own, which at 100,000 tasks
 * fills the old generation with garbage.
 * @module
 */
import {
  type Above,
  ownValue,
  type Place,
  type Scope,
  type Value,
  withNamesAbove,
} from "../expr/mod.ts";
import type { EngineEvent, OutputStream } from "./events.ts";
import type {
  ChildRunRequest,
  ChildRunResult,
  ProcessSpawner,
  TaskContext,
} from "../tasks/types.ts";
import { callerStopOf, type RunContext } from "./context.ts";
import { makeScope } from "./expressions.ts";
import type { LeafSpec, Node } from "./nodes.ts";
import { ByteOutputEvent } from "./output_event.ts";
import { CutStdout, LineTail } from "./tail.ts";
import { readsStdout } from "./stdout_readers.ts";
import { TrackedSpawner } from "./tracked_spawner.ts";
import { byteLength, MAX_ARG_STRLEN } from "../tasks/exec_limits.ts";
import { withPwd } from "../tasks/program_lookup.ts";
import { ownText, resolveQuoted } from "../model/data_text.ts";
import { maskedAlready } from "./mask_events.ts";
import { resolvedPathField } from "../tasks/path_field.ts";

const decoder = new TextDecoder();

/** What an attempt is about. */
export interface AttemptSubject {
  node: Node;
  spec: LeafSpec;
  /** Loop iterations: output lines are published as attempt 1 of the loop. */
  quiet: boolean;
  item?: { value: Value; index: number };
}

/**
 * The context of one attempt. The task's own `environment` and `cwd` are interpolated
 * in the constructor (their errors are configuration errors, thrown from here); the
 * merged environment and the scope are built only when first asked for, so a runner
 * that starts no process does not copy the whole environment.
 */
export class AttemptContext implements TaskContext {
  readonly runId: string;
  readonly taskId: string;
  readonly cwd: string;
  readonly killGraceMs: number;
  readonly spawner: ProcessSpawner;
  #run: RunContext;
  #subject: AttemptSubject;
  #own: Record<string, string> | undefined;
  #weft: Record<string, string> | undefined;
  #scope: Scope | undefined;
  #env: Record<string, string> | undefined;
  #tail: LineTail | null = null;
  /** Whether `${tasks.ID.stdout}` may read this task's stdout (else none is kept). */
  #keepsStdout: boolean;
  /** Per stream, the end of a long line's last piece held back by masking (see #masked). */
  #carry: Partial<Record<OutputStream, string>> | null = null;
  #open = true;

  constructor(
    run: RunContext,
    subject: AttemptSubject,
    readonly attempt: number,
    readonly outputFile: string,
    readonly signal: AbortSignal,
  ) {
    this.#run = run;
    this.#subject = subject;
    this.runId = run.runId;
    this.taskId = subject.node.id;
    this.#keepsStdout = readsStdout(run.workflow, this.taskId);
    this.killGraceMs = run.killGraceMs;
    // Reports each process it starts, so the store can end it if weft dies.
    this.spawner = new TrackedSpawner(run, this.taskId, subject.quiet ? 1 : attempt);
    const base = run.workflowEnv;
    if (subject.spec.envBlocks) {
      // `${env.WEFT_RUN_ID}` reads what the task sees: weft's own variables are over
      // every block (see env), so they are over the blocks' names here too.
      this.#own = run.exprs.renderEnvBlocks(
        subject.spec.envBlocks,
        (env) => makeScope(run, (name) => this.#weftVariable(name) ?? env(name), subject.item),
        (name) => ownValue(base, name),
      );
      // Before the task can print anything: its own secrets are masked from its first line.
      run.secrets.addEnv(this.#own);
    }
    // A folder path: a value in it is one name, as in a script's path (tasks/path_field.ts).
    this.cwd = subject.spec.cwd ? resolvedPathField(this, "cwd", subject.spec.cwd).path : run.dir;
  }

  /** Merged environment: process < workflow < task, plus the WEFT_* variables. */
  get env(): Record<string, string> {
    return this.#env ??= { ...this.#run.workflowEnv, ...this.#own, ...this.#weftVars() };
  }

  /** The expression scope: `env` is this attempt's merged environment. */
  get scope(): Scope {
    return this.#scope ??= makeScope(this.#run, (name) => this.#lookup(name), this.#subject.item);
  }

  /** The workflow file's folder (scripts and data paths are relative to it). */
  get workflowDir(): string {
    return this.#run.dir;
  }

  /** The run's parameters. */
  get params(): Readonly<Record<string, string>> {
    return this.#run.params;
  }

  /**
   * The stdout published so far, whole; or, when it was more than the tail keeps, a
   * {@link CutStdout} that `${tasks.ID.stdout}` refuses to read.
   */
  get stdout(): string | CutStdout {
    const tail = this.#tail;
    if (!tail) return "";
    return tail.cut ? CutStdout.printed(this.taskId, tail.bytes) : tail.text();
  }

  /** After this, emitted lines are dropped (a runner that outlives its attempt). */
  close(): void {
    this.#open = false;
  }

  emit = (
    stream: OutputStream,
    line: string | Uint8Array,
    continues = false,
    continuation = false,
    early = false,
    unended = false,
  ): void | Promise<unknown> => {
    if (!this.#open) return;
    if (stream === "stdout" && this.#keepsStdout) {
      (this.#tail ??= new LineTail()).push(line, continuation);
    }
    const run = this.#run;
    const attempt = this.#subject.quiet ? 1 : this.attempt;
    const at = run.nowIso();
    let event: EngineEvent & { type: "output" };
    if (typeof line !== "string" && run.secrets.empty) {
      // The common case: bytes go to the log as they are, decoded only if shown.
      event = new ByteOutputEvent(this.runId, this.taskId, attempt, stream, line, at);
    } else {
      const text = typeof line === "string" ? line : decoder.decode(line);
      event = {
        type: "output",
        runId: this.runId,
        taskId: this.taskId,
        attempt,
        stream,
        line: this.#masked(stream, text, continues, continuation),
        at,
      };
    }
    if (continues) event.continues = true;
    if (continuation) event.continuation = true;
    if (early) event.early = true;
    if (unended) event.unended = true;
    return this.#publish(event);
  };

  /**
   * Publishes a line (or piece) of weft's own words and quoted data (model/data_text.ts):
   * only the data is masked, so an id or file name weft writes around it stays whole
   * (`[dump-postgres] …` when the secret is `postgres`). The data is masked piece by
   * piece, without {@link emit}'s carry: it is text a run has masked already (a child
   * run's lines, masked with the secrets it shares with this run).
   */
  /** `text` masked as an output line of this task is (TaskContext.shown). */
  shown(text: string): string {
    return this.#run.secrets.mask(text);
  }

  emitMarked(
    stream: OutputStream,
    line: string,
    continues = false,
    continuation = false,
    early = false,
    unended = false,
  ): void | Promise<unknown> {
    if (!this.#open) return;
    if (stream === "stdout" && this.#keepsStdout) {
      (this.#tail ??= new LineTail()).push(resolveQuoted(line), continuation);
    }
    const secrets = this.#run.secrets;
    const event: EngineEvent & { type: "output" } = maskedAlready({
      type: "output",
      runId: this.runId,
      taskId: this.taskId,
      attempt: this.#subject.quiet ? 1 : this.attempt,
      stream,
      line: secrets.maskMessage(line),
      at: this.#run.nowIso(),
    });
    if (continues) event.continues = true;
    if (continuation) event.continuation = true;
    if (early) event.early = true;
    if (unended) event.unended = true;
    return this.#publish(event);
  }

  #publish(event: EngineEvent): void | Promise<unknown> {
    const pending = this.#run.publish(event);
    // A listener that is behind (the log writer) holds the runner back: backpressure.
    if (pending.length > 0) return pending.length === 1 ? pending[0] : Promise.all(pending);
  }

  /**
   * A line or piece with the run's secrets masked. Pieces of one long line are masked
   * as one text: the end of a piece that could begin a secret is held back and put in
   * front of the next piece, so a secret cut by a piece boundary is still found.
   */
  #masked(stream: OutputStream, text: string, continues: boolean, continuation: boolean): string {
    const secrets = this.#run.secrets;
    if (secrets.empty && this.#carry === null) return text;
    const carry = this.#carry?.[stream];
    if (continuation && carry) text = carry + text;
    const { masked, rest } = secrets.maskPiece(text, !continues);
    (this.#carry ??= {})[stream] = rest;
    return masked;
  }

  interpolate = (text: string, above?: Above): string =>
    this.#run.exprs.render(text, withNamesAbove(this.scope, above));

  /** A URL built for the task; a secret in its host is masked as the URL spells it (Secrets.noteUrl). */
  interpolateUrl = (url: string): string => {
    const built = this.#run.exprs.renderUrl(url, this.scope);
    this.#run.secrets.noteUrl(built);
    return built;
  };

  /** A method, not a field: no per-attempt closure for the many tasks that never call it. */
  interpolatePath(path: string, glob: boolean): string {
    return this.#run.exprs.renderPath(path, this.scope, glob);
  }

  interpolateJson(text: string): string {
    return this.#run.exprs.renderJson(text, this.scope);
  }

  interpolateForm(text: string): string {
    return this.#run.exprs.renderForm(text, this.scope);
  }

  interpolatePlaced(text: string, place: Place): string {
    return this.#run.exprs.renderPlaced(text, this.scope, place);
  }

  /** A method, not a field: no per-attempt closure for the many tasks that never call it. */
  builtText(marked: string): void {
    this.#run.secrets.addBuilt(marked);
  }

  interpolateShell = (command: string): { command: string; env: Record<string, string> } =>
    this.#run.exprs.renderShell(command, this.scope);

  /** A method, not a field: no per-attempt closure for the many tasks that never call it. */
  runChild(request: ChildRunRequest): Promise<ChildRunResult> {
    const { node, spec } = this.#subject;
    return this.#run.startChild(
      this.taskId,
      request,
      this.signal,
      (stop) => callerStopOf(this.#run, node, spec.timeout ?? null, stop),
    );
  }

  #lookup(name: string): string | undefined {
    const weft = this.#weftVars();
    if (Object.hasOwn(weft, name)) return weft[name];
    const own = this.#own;
    const value = own && Object.hasOwn(own, name)
      ? own[name]
      : ownValue(this.#run.workflowEnv, name);
    // `${env.PWD}` is the PWD the task's process gets: its own folder (program_lookup.ts);
    // in `cwd:` itself, read before that folder is known, weft's own.
    if (name !== "PWD" || this.cwd === undefined) return value;
    return withPwd(value === undefined ? {} : { PWD: value }, this.cwd).PWD;
  }

  /** One of weft's own variables (none is built for a name not beginning `WEFT_`). */
  #weftVariable(name: string): string | undefined {
    if (!name.startsWith("WEFT_")) return undefined;
    const weft = this.#weftVars();
    return Object.hasOwn(weft, name) ? weft[name] : undefined;
  }

  #weftVars(): Record<string, string> {
    if (this.#weft) return this.#weft;
    const weft: Record<string, string> = {
      WEFT_RUN_ID: this.runId,
      WEFT_TASK_ID: this.taskId,
      WEFT_ATTEMPT: String(this.attempt),
      WEFT_OUTPUT: this.outputFile,
      WEFT_WORKFLOW: this.#run.workflow.name,
    };
    const item = this.#subject.item;
    if (item) {
      const value = typeof item.value === "string" ? item.value : JSON.stringify(item.value);
      // Weft exports the item on its own initiative: one too large for exec (MAX_ARG_STRLEN)
      // is left out rather than failing an iteration that uses it as `${item}` only.
      const bytes = value.length * 3 + 10 < MAX_ARG_STRLEN ? 0 : byteLength(value);
      if (value.includes("\0")) {
        // Nor one holding a NUL, which no environment variable can carry.
        this.emitMarked(
          "stderr",
          ownText(
            "weft: WEFT_ITEM is not set: the item holds a NUL character, which no " +
              "environment variable can carry",
          ),
        );
      } else if (bytes + 10 <= MAX_ARG_STRLEN) weft.WEFT_ITEM = value;
      else {
        this.emitMarked(
          "stderr",
          ownText(
            `weft: WEFT_ITEM is not set: the item is ${bytes} bytes, over the ${MAX_ARG_STRLEN} ` +
              "bytes Linux allows one environment variable (MAX_ARG_STRLEN); use ${item} instead",
          ),
        );
      }
      weft.WEFT_ITEM_INDEX = String(item.index);
    }
    return this.#weft = weft;
  }
}
