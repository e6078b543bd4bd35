/**
 * One epoll(7) loop, on ONE Deno blocking-pool thread, for every pipe and child that
 * spawn_ffi.ts watches. Deno's pool is small (about 30 threads here) and shared with
 * its file-system ops: a blocking read or waitpid per child would starve it with a
 * few dozen long-running children (measured: a new child's output and even
 * Deno.readTextFile then wait until one of them ends).
 *
 * - a pipe read end is registered for EPOLLIN while its stream wants data
 *   (backpressure: a full stream is unregistered until it is read from; the pipe
 *   readers are _fd_pipes.ts);
 * - a child is watched through a pidfd (Linux >= 5.3), readable once it has exited;
 *   it is then reaped with waitpid(WNOHANG);
 * - fds are added and removed with epoll_ctl from the event loop while epoll_wait runs
 *   on the pool thread (the kernel allows it): a new child needs no wake-up. Each
 *   registration carries a token of its own, so an event already collected for an fd
 *   closed since (its number maybe reused) is recognised and dropped.
 * - a self-pipe wakes the wait only when nothing is left to watch, so the loop can end:
 *   it runs only while something is watched, and never keeps Deno alive alone.
 * - the wait runs on the event loop's own thread instead (a synchronous epoll_wait) once
 *   the loop has run the promise jobs and I/O callbacks already due (one setImmediate
 *   turn; timers that fell due wait, see {@link nextTurn}), for at most
 *   {@link NEAR_WAIT_MS} since the last child started: the hop to the pool thread and
 *   back cost ~60 µs of latency and ~50 µs of CPU per wait, 10% of a `true` task's
 *   whole cycle. Past that, children that run longer are waited for on the pool thread.
 *   While a child is being started off the event loop (see {@link FdReactor.offLoop}),
 *   the loop waits for that start to end instead, then takes what is ready without
 *   waiting (for at most the same time: a start that takes longer is not waited for).
 * @module
 */

import {
  DATA_OFFSET,
  EPOLL_CTL_ADD,
  EPOLL_CTL_DEL,
  EPOLLIN,
  EVENT_BYTES,
  libc,
  MAX_EVENTS,
  O_CLOEXEC,
  O_NONBLOCK,
  type Sys,
  WNOHANG,
} from "./_epoll.ts";
import { pipeStream, pumpPipe, type Watch, type WatchHost } from "./_fd_pipes.ts";
import { OffLoopCalls } from "./_off_loop.ts";

const CHUNK = 65536;
const WAKE_TOKEN = 0;
const WAKE_BYTE = new Uint8Array(1);
/**
 * How long the event loop's thread may wait in epoll_wait itself since the last child
 * started, in ms (see the module doc). Timers, signals and other I/O wait meanwhile: this
 * bounds their delay, and a child's start is the only thing that renews it.
 */
const NEAR_WAIT_MS = 2;

/** The epoll loop; {@link fdReactor} gives the single instance. */
export class FdReactor {
  readonly #sys: Sys;
  readonly #epoll: number;
  /** token → watch, for the registrations alive now. */
  readonly #watches = new Map<number, Watch>();
  readonly #wake: [number, number];
  readonly #chunk = new Uint8Array(CHUNK);
  /** Filled by epoll_wait on the pool thread: off the JS heap, one wait at a time. */
  readonly #events = new DataView(new ArrayBuffer(EVENT_BYTES * MAX_EVENTS));
  readonly #ctl = new DataView(new ArrayBuffer(16));
  #nextToken = WAKE_TOKEN + 1;
  #armed = 0;
  #running = false;
  /** An epoll_wait is in flight. */
  #waiting = false;
  /** A wake byte was written since the wait in flight started. */
  #woken = false;
  /** What is left of {@link NEAR_WAIT_MS}: renewed by every child started. */
  #nearLeft = 0;
  /** Events handled since the loop last yielded settled promises others wait on. */
  #settled = false;
  /** Calls in flight off the event loop whose results the loop must not wait past. */
  readonly #offLoop = new OffLoopCalls();
  /** What the pipe readers (_fd_pipes.ts) use of this reactor. */
  readonly #host: WatchHost = {
    newWatch: (fd, ready) => this.#newWatch(fd, ready),
    arm: (watch) => this.#arm(watch),
    disarm: (watch) => this.#disarm(watch),
    forget: (watch) => this.#forget(watch),
    read: (fd) => Number(this.#sys.read(fd, this.#chunk, BigInt(CHUNK))),
    chunk: this.#chunk,
    settled: () => {
      this.#settled = true;
    },
    close: (fd) => this.#sys.close(fd),
  };

  constructor({ sys, epollCreate1 }: ReturnType<typeof libc>) {
    this.#sys = sys;
    this.#epoll = epollCreate1(O_CLOEXEC);
    if (this.#epoll < 0) throw new Error("epoll_create1 failed");
    const fds = new Int32Array(2);
    if (sys.pipe2(fds, O_CLOEXEC | O_NONBLOCK) !== 0) throw new Error("pipe2 failed");
    this.#wake = [fds[0], fds[1]];
    if (this.#control(EPOLL_CTL_ADD, this.#wake[0], WAKE_TOKEN) !== 0) {
      throw new Error("epoll_ctl failed");
    }
  }

  /** Nothing is watched: no child of ours is running or has output still to read. */
  get idle(): boolean {
    return this.#armed === 0;
  }

  /**
   * A stream of what arrives on `fd` (a pipe read end the reactor now owns and closes);
   * see _fd_pipes.ts pipeStream.
   */
  readable(fd: number): ReadableStream<Uint8Array> {
    return pipeStream(this.#host, fd);
  }

  /**
   * Reads `fd` (a pipe read end the reactor now owns and closes) to its end, calling
   * `onChunk` with a view of the reactor's one read buffer, valid during the call only;
   * see _fd_pipes.ts pumpPipe (backpressure, abort, errors).
   */
  pump(
    fd: number,
    onChunk: (chunk: Uint8Array) => Promise<unknown> | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    return pumpPipe(this.#host, fd, onChunk, signal);
  }

  /**
   * `work` (a call running off the event loop, such as a spawn whose child is then
   * watched), counted while in flight: the loop does not wait on the event loop's thread
   * meanwhile, where the result could not be taken in until the wait ended.
   */
  offLoop<T>(work: Promise<T>): Promise<T> {
    return this.#offLoop.track(work);
  }

  /** Resolves with the raw wait status once `pid` (our child) has exited and is reaped. */
  exit(pid: number): Promise<number | null> {
    const pidfd = this.#sys.pidfd_open(pid, 0);
    const status = new Int32Array(1);
    const reap = () => this.#sys.waitpid(pid, status, WNOHANG) === pid;
    if (pidfd < 0) {
      // Already reaped elsewhere (ESRCH after a zombie is waited for), or no pidfd support.
      return Promise.resolve(reap() ? status[0] : null);
    }
    this.#nearLeft = NEAR_WAIT_MS;
    this.#settled = true; // the spawn's own bookkeeping comes first
    return new Promise((resolve) => {
      const watch = this.#newWatch(pidfd, () => {
        if (!reap()) return; // spurious: still running
        this.#forget(watch);
        this.#settled = true;
        resolve(status[0]);
      });
      this.#arm(watch);
    });
  }

  #newWatch(fd: number, ready: (events: number) => void): Watch {
    const token = this.#nextToken;
    this.#nextToken = this.#nextToken >= 0x7fff_ffff ? WAKE_TOKEN + 1 : this.#nextToken + 1;
    return { fd, token, armed: false, ready };
  }

  #control(op: number, fd: number, token: number): number {
    this.#ctl.setUint32(0, EPOLLIN, true);
    this.#ctl.setUint32(DATA_OFFSET, token, true);
    this.#ctl.setUint32(DATA_OFFSET + 4, 0, true);
    return this.#sys.epoll_ctl(this.#epoll, op, fd, this.#ctl);
  }

  /** Registers `watch`; starts the loop if it is not running. */
  #arm(watch: Watch): void {
    if (watch.armed) return;
    if (this.#control(EPOLL_CTL_ADD, watch.fd, watch.token) !== 0) return; // fd gone
    watch.armed = true;
    this.#watches.set(watch.token, watch);
    this.#armed++;
    if (!this.#running) {
      this.#running = true;
      this.#loop(); // clears #running itself, in the same turn as it decides to stop
    }
  }

  /** Unregisters `watch`; `closing`: its fd is about to be closed, which unregisters it. */
  #disarm(watch: Watch, closing = false): void {
    if (!watch.armed) return;
    if (!closing) this.#control(EPOLL_CTL_DEL, watch.fd, watch.token);
    watch.armed = false;
    this.#watches.delete(watch.token);
    this.#armed--;
    // Nothing left to watch: wake the wait so that the loop ends.
    if (this.#armed === 0 && this.#waiting && !this.#woken) {
      this.#woken = true;
      this.#sys.write(this.#wake[1], WAKE_BYTE, 1n);
    }
  }

  /**
   * Stops watching `watch` for good and closes its fd. The close alone removes the fd from
   * the epoll set (nothing else holds the pipe end or pidfd, but a sibling's child for a
   * moment before its exec: its events meanwhile carry this token, no longer known).
   */
  #forget(watch: Watch): void {
    this.#disarm(watch, true);
    this.#sys.close(watch.fd);
  }

  async #loop(): Promise<void> {
    const drain = new Uint8Array(256);
    const events = this.#events;
    while (this.#armed > 0) {
      let n = 0;
      if (this.#nearLeft > 0 && this.#offLoop.inFlight > 0) {
        // A child is being started off this thread, and the end of that call wakes the
        // event loop anyway: wait for it there, then take what is ready, rather than hop to
        // the pool for the wait and back (a thread wake-up each way: ~10% of this thread's
        // CPU on a DAG of short tasks, where a start is nearly always in flight).
        const ended = await this.#offLoop.end(Math.ceil(this.#nearLeft));
        if (this.#armed === 0) break;
        if (ended) {
          n = this.#sys.epoll_wait_now(this.#epoll, events, MAX_EVENTS, 0);
          if (n <= 0) continue; // nothing ready yet (or EINTR): choose how to wait again
        }
      } else if (this.#nearLeft > 0) {
        // Let the event loop run what is due first (the bookkeeping after a spawn or an
        // exit), unless the last events only ended pipes: an exit is likely to follow.
        if (this.#settled) await nextTurn();
        this.#settled = false;
        if (this.#armed === 0) break;
        if (this.#offLoop.inFlight > 0) continue;
        const since = performance.now();
        const limit = Math.ceil(this.#nearLeft);
        n = this.#sys.epoll_wait_now(this.#epoll, events, MAX_EVENTS, limit);
        // Nothing within the time left: children that run longer, waited for off this thread.
        this.#nearLeft = n === 0 ? 0 : this.#nearLeft - (performance.now() - since);
        if (n < 0) continue; // EINTR: a signal arrived; wait again
      }
      if (n === 0) {
        this.#waiting = true;
        n = await this.#sys.epoll_wait(this.#epoll, events, MAX_EVENTS, -1);
        this.#waiting = false;
        this.#woken = false;
      }
      for (let i = 0; i < n; i++) {
        const token = events.getUint32(i * EVENT_BYTES + DATA_OFFSET, true);
        if (token === WAKE_TOKEN) {
          while (this.#sys.read(this.#wake[0], drain, 256n) > 0) {
            /* drain */
          }
          continue;
        }
        // EPOLLHUP/EPOLLERR also mean "read now" (the pipe readers take a hang-up with
        // nothing left to read as the end: _fd_pipes.ts). A token no longer registered
        // belongs to an fd disarmed or closed after the wait collected it.
        const watch = this.#watches.get(token);
        if (watch?.armed) watch.ready(events.getUint32(i * EVENT_BYTES, true));
      }
      // n < 0: EINTR, wait again.
    }
    this.#offLoop.stopTimer(); // nothing left to wait for: Deno may exit at once
    this.#running = false;
  }
}

/**
 * Resolves in the event loop's `check` phase (setImmediate; setTimeout would wait at
 * least a millisecond): after the promise jobs and I/O callbacks already due. Timers that
 * fell due meanwhile are NOT run first when it is called from an I/O continuation, as the
 * reactor's loop is: they run at the start of the next turn (measured on Deno 2.9), so
 * their delay is bounded by {@link NEAR_WAIT_MS} instead.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

let reactor: FdReactor | null | undefined;

/** The process-wide reactor, or null when the symbols are missing (glibc < 2.36). */
export function fdReactor(): FdReactor | null {
  if (reactor !== undefined) return reactor;
  try {
    reactor = new FdReactor(libc());
  } catch {
    reactor = null;
  }
  return reactor;
}
