/**
 * One poll(2) loop, on ONE Deno blocking-pool thread, for every pipe and child that
 * spawn_ffi.ts watches. Deno's pool is small (about 30 threads here) and shared with
 * its file-system ops: a blocking read or waitpid per child would starve it with a
 * few dozen long-running children (measured: a new child's output and even
 * Deno.readTextFile then wait until one of them ends).
 *
 * - a pipe read end is watched for POLLIN while its stream wants data (backpressure:
 *   a full stream stops being watched until it is read from);
 * - a child is watched through a pidfd (Linux >= 5.3), readable once it has exited;
 *   it is then reaped with waitpid(WNOHANG);
 * - a self-pipe wakes the loop when the watched set changes.
 * The loop runs only while something is watched, so it never keeps Deno alive alone.
 * @module
 */

const POLLIN = 0x1;
const WNOHANG = 1;
const CHUNK = 65536;
const WAKE_BYTE = new Uint8Array(1);

const SYMBOLS = {
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  read: { parameters: ["i32", "buffer", "u64"], result: "i64" },
  write: { parameters: ["i32", "buffer", "u64"], result: "i64" },
  close: { parameters: ["i32"], result: "i32" },
  pipe2: { parameters: ["buffer", "i32"], result: "i32" },
  pidfd_open: { parameters: ["i32", "u32"], result: "i32" },
  waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

type Sys = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

interface Watch {
  fd: number;
  /** Called on the loop when fd is ready; returns false to stop watching (fd closed by it). */
  ready(): boolean;
  /** Whether to include fd in the next poll (a stream with no demand is left out). */
  wanted(): boolean;
}

/** The poll loop; {@link fdReactor} gives the single instance. */
export class FdReactor {
  readonly #sys: Sys;
  readonly #watches = new Map<number, Watch>();
  readonly #wake: [number, number];
  readonly #chunk = new Uint8Array(CHUNK);
  #running = false;
  /** A poll is in flight (on the blocking-pool thread). */
  #polling = false;
  /** A wake byte was written since the poll in flight started. */
  #woken = false;
  /** The fds the poll in flight watches. */
  #polled = new Set<number>();
  /** Fds to close once the poll in flight has returned (closing them earlier races it). */
  #closeLater: number[] = [];

  constructor(sys: Sys) {
    this.#sys = sys;
    const fds = new Int32Array(2);
    if (sys.pipe2(fds, 0o2000000 | 0o4000) !== 0) throw new Error("pipe2 failed"); // CLOEXEC|NONBLOCK
    this.#wake = [fds[0], fds[1]];
  }

  /**
   * A stream of what arrives on `fd` (a pipe read end the reactor now owns and closes).
   * Each chunk is a copy; the stream ends at EOF; cancelling it closes the fd.
   */
  readable(fd: number): ReadableStream<Uint8Array> {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    let done = false;
    const finish = () => {
      done = true;
      this.#watches.delete(fd);
      this.#release(fd);
    };
    const watch: Watch = {
      fd,
      wanted: () => !done && (controller.desiredSize ?? 0) > 0,
      ready: () => {
        const buffer = this.#chunk; // reads are synchronous: one buffer serves all
        const n = Number(this.#sys.read(fd, buffer, BigInt(CHUNK)));
        if (n > 0) {
          controller.enqueue(buffer.slice(0, n));
          return true;
        }
        if (n < 0) return true; // EINTR/EAGAIN: poll again
        finish();
        controller.close();
        return false;
      },
    };
    return new ReadableStream<Uint8Array>({
      start: (c) => {
        controller = c;
        this.#watches.set(fd, watch);
      },
      pull: () => this.#kick(fd), // demand again: include fd in the next poll
      cancel: () => {
        if (!done) finish();
        this.#kick();
      },
    }, { highWaterMark: 4 });
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
    return new Promise((resolve) => {
      this.#watches.set(pidfd, {
        fd: pidfd,
        wanted: () => true,
        ready: () => {
          if (!reap()) return true; // spurious: still running
          this.#watches.delete(pidfd);
          this.#release(pidfd);
          resolve(status[0]);
          return false;
        },
      });
      this.#kick();
    });
  }

  /**
   * Starts the loop, or wakes the poll in flight so it sees the new watched set. `fd`:
   * the change is only that fd wants reading again, which needs no wake-up if the poll
   * in flight watches it already.
   */
  #kick(fd?: number): void {
    if (this.#running) {
      // Only a poll in flight needs waking, once: the loop rebuilds its whole set after
      // each poll, so a change made meanwhile is seen without a wake-up.
      if (this.#polling && !this.#woken && (fd === undefined || !this.#polled.has(fd))) {
        this.#woken = true;
        this.#sys.write(this.#wake[1], WAKE_BYTE, 1n);
      }
      return;
    }
    if (this.#watches.size === 0) return;
    this.#running = true;
    this.#loop(); // clears #running itself, in the same turn as it decides to stop
  }

  #release(fd: number): void {
    if (!this.#polling) {
      // No poll in flight can be watching fd (the next one is built from #watches).
      this.#sys.close(fd);
      return;
    }
    // The poll in flight may be watching fd: close it once that poll returns, and wake
    // it now so the descriptor does not linger until some other event.
    this.#closeLater.push(fd);
    this.#kick();
  }

  async #loop(): Promise<void> {
    const drain = new Uint8Array(256);
    for (;;) {
      // Nothing wanted (no children, every stream full or gone): stop, so an unread
      // stream never keeps Deno alive; a read (pull) or a new child starts the loop again.
      const watched = [...this.#watches.values()].filter((w) => w.wanted());
      if (watched.length === 0) break;
      const pollfds = new Int32Array((watched.length + 1) * 2);
      pollfds[0] = this.#wake[0];
      pollfds[1] = POLLIN;
      watched.forEach((w, i) => {
        pollfds[(i + 1) * 2] = w.fd;
        pollfds[(i + 1) * 2 + 1] = POLLIN; // short events = POLLIN, revents = 0
      });
      this.#polled = new Set(watched.map((w) => w.fd));
      this.#polling = true;
      const n = await this.#sys.poll(pollfds, BigInt(watched.length + 1), -1);
      this.#polling = false;
      this.#woken = false;
      for (const fd of this.#closeLater) this.#sys.close(fd);
      this.#closeLater = [];
      if (n <= 0) continue; // EINTR
      if (pollfds[1] >>> 16) {
        while (this.#sys.read(this.#wake[0], drain, 256n) > 0) {
          /* drain */
        }
      }
      watched.forEach((w, i) => {
        const revents = pollfds[(i + 1) * 2 + 1] >>> 16;
        // POLLHUP/POLLERR also mean "read now": read() then sees EOF.
        if (revents !== 0 && this.#watches.get(w.fd) === w) w.ready();
      });
    }
    this.#running = false;
    for (const fd of this.#closeLater) this.#sys.close(fd);
    this.#closeLater = [];
  }
}

let reactor: FdReactor | null | undefined;

/** The process-wide reactor, or null when the symbols are missing (glibc < 2.36). */
export function fdReactor(): FdReactor | null {
  if (reactor !== undefined) return reactor;
  try {
    reactor = new FdReactor(Deno.dlopen("libc.so.6", SYMBOLS).symbols);
  } catch {
    reactor = null;
  }
  return reactor;
}
