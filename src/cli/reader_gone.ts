/**
 * Whether nobody reads a file descriptor weft writes to any more, asked without writing
 * to it: poll(2) with a zero timeout reports POLLERR on the write end of a pipe or FIFO
 * whose readers are all gone (Linux fs/pipe.c pipe_poll), and POLLHUP on a socket whose
 * peer shut down or a terminal hung up. A regular file, /dev/null or a live reader
 * reports neither. `weft logs --follow` asks while nothing new is written (a write would
 * fail with EPIPE, cli/io.ts): `tail -f | grep -m1 x` ends at its next write, weft's
 * follow ends within one poll even when the run prints nothing.
 * @module
 */
import { declareLibc } from "../libc.ts";

/** Bound on first use (only `--follow` loads this module). */
const bound = declareLibc({
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
});
const POLLERR = 0x008;
const POLLHUP = 0x010;
/** struct pollfd: int fd; short events; short revents (poll(2)). */
const pollfd = new Uint8Array(8);
const view = new DataView(pollfd.buffer);

/**
 * True when `fd`'s reader is known to be gone (see the module comment); false when it
 * is there, or when that cannot be asked (not Linux, no FFI): the next failed write
 * tells then.
 */
export function readerGone(fd: number): boolean {
  const libc = bound();
  if (!libc) return false;
  view.setInt32(0, fd, true);
  view.setInt16(4, 0, true); // POLLERR and POLLHUP are reported whatever is asked
  view.setInt16(6, 0, true);
  if (libc.poll(pollfd, 1n, 0) !== 1) return false;
  return (view.getInt16(6, true) & (POLLERR | POLLHUP)) !== 0;
}
