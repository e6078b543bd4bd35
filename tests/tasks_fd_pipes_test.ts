/**
 * The pipe readers of the fd reactor (src/tasks/_fd_pipes.ts) and the epoll event mask:
 * a hang-up alone (EPOLLHUP without EPOLLIN: no byte left, no writer left) is the pipe's
 * end with no read() to find it out; a hang-up with bytes left (EPOLLIN | EPOLLHUP) is
 * read to its last byte first. The host stands for the reactor: its reads come from a
 * script of chunks, and the test delivers the events epoll would.
 */
import assert from "node:assert/strict";
import { pipeStream, pumpPipe, type Watch, type WatchHost } from "../src/tasks/_fd_pipes.ts";
import { EPOLLHUP, EPOLLIN } from "../src/tasks/_epoll.ts";

/** A host whose reads give `chunks` in turn, then 0 (EOF); counts reads and closes. */
function scriptedHost(chunks: string[]) {
  const chunk = new Uint8Array(64);
  const watches: Watch[] = [];
  const state = { reads: 0, forgotten: 0 };
  const host: WatchHost = {
    newWatch: (fd, ready) => {
      const watch = { fd, token: watches.length + 1, armed: false, ready };
      watches.push(watch);
      return watch;
    },
    arm: (watch) => void (watch.armed = true),
    disarm: (watch) => void (watch.armed = false),
    forget: (watch) => {
      watch.armed = false;
      state.forgotten++;
    },
    read: () => {
      state.reads++;
      const next = chunks.shift();
      if (next === undefined) return 0;
      return new TextEncoder().encodeInto(next, chunk).written;
    },
    chunk,
    settled: () => {},
    close: () => {},
  };
  /** Delivers `events` to the (one) watch, as the reactor's loop does. */
  const deliver = (events: number) => watches[0].ready(events);
  return { host, state, deliver };
}

Deno.test("fd pipes: a hang-up alone ends a pumped pipe with no read", async () => {
  const { host, state, deliver } = scriptedHost([]);
  const got: string[] = [];
  const done = pumpPipe(host, 5, (bytes) => void got.push(new TextDecoder().decode(bytes)));
  deliver(EPOLLHUP);
  await done;
  assert.equal(state.reads, 0, "no read() for a pipe epoll says is empty and hung up");
  assert.equal(state.forgotten, 1, "and its fd is let go");
  assert.deepEqual(got, []);
});

Deno.test("fd pipes: a hang-up with bytes left is read to the last byte first", async () => {
  const { host, state, deliver } = scriptedHost(["one ", "two"]);
  const got: string[] = [];
  const done = pumpPipe(host, 5, (bytes) => void got.push(new TextDecoder().decode(bytes)));
  deliver(EPOLLIN | EPOLLHUP);
  deliver(EPOLLIN | EPOLLHUP);
  deliver(EPOLLHUP); // drained: the end
  await done;
  assert.deepEqual(got, ["one ", "two"]);
  assert.equal(state.reads, 2);
});

Deno.test("fd pipes: a stream ends on a hang-up alone, after what was read", async () => {
  const { host, state, deliver } = scriptedHost(["line\n"]);
  const stream = pipeStream(host, 5);
  deliver(EPOLLIN);
  deliver(EPOLLHUP);
  const text = await new Response(stream).text();
  assert.equal(text, "line\n");
  assert.equal(state.reads, 1, "the end itself took no read()");
});

Deno.test("fd pipes: readable data is read even when epoll also says hang-up", async () => {
  // EPOLLIN alone and EPOLLIN | EPOLLHUP both mean "read now"; only the read's 0 ends it.
  const { host, state, deliver } = scriptedHost(["x"]);
  const got: string[] = [];
  const done = pumpPipe(host, 5, (bytes) => void got.push(new TextDecoder().decode(bytes)));
  deliver(EPOLLIN);
  deliver(EPOLLIN | EPOLLHUP); // read() gives 0: the end
  await done;
  assert.deepEqual(got, ["x"]);
  assert.equal(state.reads, 2);
});
