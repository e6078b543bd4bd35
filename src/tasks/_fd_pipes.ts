/**
 * Reading a child's pipe through the fd reactor (_fd_reactor.ts): as a ReadableStream,
 * or pumped to a callback with no stream and no copy per read (the fast path of a
 * child's output). Both hold the pipe's registration back while their reader is full
 * (backpressure), and close the fd at its end.
 * @module
 */

import { EPOLLHUP, EPOLLIN } from "./_epoll.ts";

/** One registration of an fd with the reactor; its token is the reactor's. */
export interface Watch {
  fd: number;
  token: number;
  /** Registered with epoll now. */
  armed: boolean;
  /** Called on the loop when fd is ready; `events`: the epoll event mask it reported. */
  ready(events: number): void;
}

/** What the pipe readers use of the reactor. */
export interface WatchHost {
  /** A watch of `fd` (not registered yet) calling `ready` when it can be read. */
  newWatch(fd: number, ready: (events: number) => void): Watch;
  /** Registers `watch` (again); starts the reactor's loop if it is not running. */
  arm(watch: Watch): void;
  /** Unregisters `watch` until it is armed again. */
  disarm(watch: Watch): void;
  /** Stops watching `watch` for good and closes its fd. */
  forget(watch: Watch): void;
  /**
   * One read() of `fd` into {@link WatchHost.chunk}: the bytes read, 0 at EOF, < 0 for
   * EINTR/EAGAIN (wait again).
   */
  read(fd: number): number;
  /** The reactor's one read buffer: reads are synchronous, so one serves all. */
  readonly chunk: Uint8Array;
  /** Tells the reactor's loop that this event settled promises others wait on. */
  settled(): void;
  close(fd: number): void;
}

/**
 * Whether `events` (epoll's mask for a pipe's read end) say it is at its end, with no
 * read() to find that out: a pipe reports EPOLLHUP once no write end is left open and
 * EPOLLIN while bytes remain (pipe(7), fs/pipe.c pipe_poll), so a hang-up alone is an
 * empty pipe nobody can write to any more. A child that printed nothing ends both its
 * pipes this way: two system calls fewer per task.
 */
function drained(events: number): boolean {
  return (events & (EPOLLHUP | EPOLLIN)) === EPOLLHUP;
}

/**
 * A stream of what arrives on `fd` (a pipe read end the reactor now owns and closes).
 * Each chunk is a copy; the stream ends at EOF; cancelling it closes the fd.
 */
export function pipeStream(host: WatchHost, fd: number): ReadableStream<Uint8Array> {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let done = false;
  const finish = () => {
    done = true;
    host.forget(watch);
  };
  const watch = host.newWatch(fd, (events) => {
    const n = drained(events) ? 0 : host.read(fd);
    if (n > 0) {
      host.settled();
      controller.enqueue(host.chunk.slice(0, n));
      // Backpressure: a full stream is not watched until it is read from (pull).
      if ((controller.desiredSize ?? 0) <= 0) host.disarm(watch);
      return;
    }
    if (n < 0) return; // EINTR/EAGAIN: wait again
    finish();
    controller.close();
  });
  return new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
      host.arm(watch);
    },
    pull: () => {
      if (!done) host.arm(watch); // demand again
    },
    cancel: () => {
      if (!done) finish();
    },
  }, { highWaterMark: 4 });
}

/**
 * Reads `fd` (a pipe read end the reactor now owns and closes) to its end, calling
 * `onChunk` with what each read gave: a view of the reactor's one read buffer, valid
 * during the call only (copy what is kept). No stream, no copy per read: the fast path
 * of a child's output (a ReadableStream per pipe cost ~66 ms per 1,000 tasks). A
 * promise returned by `onChunk` stops reading this fd until it settles (backpressure).
 * Resolves at EOF, or once `signal` aborts (the fd is closed then); rejects with what
 * `onChunk` threw or its promise rejected with (the fd is closed too).
 */
export function pumpPipe(
  host: WatchHost,
  fd: number,
  onChunk: (chunk: Uint8Array) => Promise<unknown> | undefined,
  signal?: AbortSignal,
): Promise<void> {
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  let done = false;
  const end = (error?: unknown) => {
    if (done) return;
    done = true;
    signal?.removeEventListener("abort", stop);
    host.forget(watch);
    if (error === undefined) resolve();
    else reject(error);
  };
  const stop = () => end();
  const watch = host.newWatch(fd, (events) => {
    const n = drained(events) ? 0 : host.read(fd);
    if (n === 0) return end();
    if (n < 0) return; // EINTR/EAGAIN: wait again
    host.settled();
    let waiting;
    try {
      waiting = onChunk(host.chunk.subarray(0, n));
    } catch (e) {
      return end(e);
    }
    if (!waiting) return;
    host.disarm(watch);
    waiting.then(() => {
      if (!done) host.arm(watch);
    }, end);
  });
  if (signal?.aborted) {
    done = true;
    host.close(fd);
    resolve();
  } else {
    signal?.addEventListener("abort", stop, { once: true });
    host.arm(watch);
  }
  return promise;
}
