/**
 * A minimal Language Server Protocol client over stdio (JSON-RPC 2.0 with Content-Length
 * framing, LSP 3.17 "Base Protocol"), enough to drive yaml-language-server as an editor
 * does: requests with responses, notifications, the server's own requests answered by a
 * handler, and `textDocument/publishDiagnostics` collected per document.
 */

/** One diagnostic as the server publishes it (LSP `Diagnostic`). */
export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  message: string;
  severity?: number;
}

type Message = {
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { message: string };
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A running language server process and the client side of its connection. */
export class LspClient {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #nextId = 1;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #diagnostics = new Map<string, Diagnostic[][]>();
  #waiters: (() => void)[] = [];
  #done: Promise<void>;
  /** Answers the server's requests (`workspace/configuration`, ...); default null. */
  onRequest: (method: string, params: unknown) => unknown = () => null;

  constructor(command: string, args: string[], cwd: string) {
    this.#child = new Deno.Command(command, {
      args,
      cwd,
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    this.#writer = this.#child.stdin.getWriter();
    this.#done = this.#read();
  }

  /** Sends a request and resolves to its result; rejects with the server's error. */
  request(method: string, params: unknown): Promise<unknown> {
    const id = this.#nextId++;
    const answer = new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#send({ jsonrpc: "2.0", id, method, params });
    return answer;
  }

  /** Sends a notification. */
  notify(method: string, params: unknown): void {
    this.#send({ jsonrpc: "2.0", method, params });
  }

  /** Resolves to the first diagnostics published for `uri` after `after` publications. */
  async diagnostics(uri: string, after = 0): Promise<Diagnostic[]> {
    while ((this.#diagnostics.get(uri)?.length ?? 0) <= after) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    return this.#diagnostics.get(uri)![after];
  }

  /** How many diagnostics publications `uri` has had. */
  published(uri: string): number {
    return this.#diagnostics.get(uri)?.length ?? 0;
  }

  /** Asks the server to shut down and exit, then waits for the process to end. */
  async close(): Promise<void> {
    await this.request("shutdown", null);
    this.notify("exit", null);
    await this.#writer.close().catch(() => {});
    await this.#child.status;
    await this.#done;
  }

  #send(message: unknown): void {
    const body = encoder.encode(JSON.stringify(message));
    const header = encoder.encode(`Content-Length: ${body.length}\r\n\r\n`);
    const frame = new Uint8Array(header.length + body.length);
    frame.set(header);
    frame.set(body, header.length);
    // Writes are queued by the writer in order; errors surface as a closed pipe later.
    this.#writer.write(frame).catch(() => {});
  }

  async #read(): Promise<void> {
    let buffer = new Uint8Array(0);
    for await (const chunk of this.#child.stdout) {
      const joined = new Uint8Array(buffer.length + chunk.length);
      joined.set(buffer);
      joined.set(chunk, buffer.length);
      buffer = joined;
      while (true) {
        const end = findHeaderEnd(buffer);
        if (end < 0) break;
        const header = decoder.decode(buffer.subarray(0, end));
        const length = Number(/Content-Length:\s*(\d+)/i.exec(header)?.[1]);
        if (buffer.length < end + 4 + length) break;
        const body = decoder.decode(buffer.subarray(end + 4, end + 4 + length));
        buffer = buffer.slice(end + 4 + length);
        this.#dispatch(JSON.parse(body));
      }
    }
  }

  #dispatch(message: Message): void {
    if (message.method && message.id !== undefined) {
      let result: unknown = null;
      try {
        result = this.onRequest(message.method, message.params);
      } finally {
        this.#send({ jsonrpc: "2.0", id: message.id, result });
      }
      return;
    }
    if (message.method === "textDocument/publishDiagnostics") {
      const { uri, diagnostics } = message.params as { uri: string; diagnostics: Diagnostic[] };
      const list = this.#diagnostics.get(uri) ?? [];
      list.push(diagnostics);
      this.#diagnostics.set(uri, list);
      const waiters = this.#waiters.splice(0);
      for (const wake of waiters) wake();
      return;
    }
    if (message.id !== undefined && typeof message.id === "number") {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error) pending?.reject(new Error(message.error.message));
      else pending?.resolve(message.result);
    }
  }
}

function findHeaderEnd(buffer: Uint8Array): number {
  for (let i = 0; i + 3 < buffer.length; i++) {
    if (buffer[i] === 13 && buffer[i + 1] === 10 && buffer[i + 2] === 13 && buffer[i + 3] === 10) {
      return i;
    }
  }
  return -1;
}
