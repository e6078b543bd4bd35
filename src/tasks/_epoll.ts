/**
 * The libc calls the fd reactor (_fd_reactor.ts) makes, through Deno's FFI: epoll(7),
 * pipes, pidfds and waitpid, with the flag values and the layout of struct epoll_event
 * they need (Linux). Only the declarations live here; when to call what is the
 * reactor's job.
 * @module
 */

import { declareLibc, declareLibcOnce } from "../libc.ts";

export const EPOLLIN = 0x1;
export const EPOLLHUP = 0x10;
export const EPOLL_CTL_ADD = 1;
export const EPOLL_CTL_DEL = 2;
export const O_CLOEXEC = 0o2000000;
export const O_NONBLOCK = 0o4000;
export const WNOHANG = 1;
/** How many events one epoll_wait collects at most. */
export const MAX_EVENTS = 64;
/** struct epoll_event is packed on x86_64 (12 bytes), naturally aligned elsewhere (16). */
export const EVENT_BYTES = Deno.build.arch === "x86_64" ? 12 : 16;
/** Where the event's data (the reactor's token) starts in struct epoll_event. */
export const DATA_OFFSET = Deno.build.arch === "x86_64" ? 4 : 8;

const SYMBOLS = {
  epoll_ctl: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  epoll_wait: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32", nonblocking: true },
  // The same call on the event loop's thread (see FdReactor's #loop).
  epoll_wait_now: {
    name: "epoll_wait",
    parameters: ["i32", "buffer", "i32", "i32"],
    result: "i32",
  },
  read: { parameters: ["i32", "buffer", "u64"], result: "i64" },
  write: { parameters: ["i32", "buffer", "u64"], result: "i64" },
  close: { parameters: ["i32"], result: "i32" },
  pipe2: { parameters: ["buffer", "i32"], result: "i32" },
  pidfd_open: { parameters: ["i32", "u32"], result: "i32" },
  waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The calls of {@link SYMBOLS}, bound to libc. */
export type Sys = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** Bound on first use, with the other sets of libc calls (see libc.ts). */
const bound = declareLibc(SYMBOLS);
/** Made once per process: not worth a trampoline (libc.ts). */
const once = declareLibcOnce({ epoll_create1: { parameters: ["i32"], result: "i32" } });

/**
 * Those calls bound to libc, and epoll_create1; throws when one is missing (glibc <
 * 2.36), no FFI or not Linux.
 */
export function libc(): { sys: Sys; epollCreate1(flags: number): number } {
  const sys = bound();
  const made = once();
  if (!sys || !made) throw new Error("libc's epoll, pidfd and waitpid calls are not available");
  return { sys, epollCreate1: made.epoll_create1 };
}
