/**
 * A database task's connection with several hosts and `target_session_attrs`, walked as
 * libpq walks them (src/tasks/database/pg_hosts.ts; PostgreSQL 15 docs §34.1.1.3 and
 * §34.1.2), through the real CLI against a real PostgreSQL 15 primary and its streaming
 * standby (pg_basebackup -R), a closed port and a loopback listener that accepts but never
 * speaks (a hanging server).
 */
import assert from "node:assert/strict";
import type { RunReport } from "../src/engine/events.ts";
import { reportTask, weft } from "./_run_cli.ts";
import { freePort, PG_PASSWORD, startPostgres, startStandby } from "./_postgres.ts";
import { testTempDir } from "./_tmp.ts";

const FIXTURES = new URL("./fixtures/database_hosts/", import.meta.url).pathname;

/** The `standby` column of a task's first row: which server the task connected to. */
function standbyOf(report: RunReport, id: string): unknown {
  const task = reportTask(report, id);
  assert.equal(task.status, "success", `${id}: ${task.error}`);
  return (JSON.parse(task.outputs?.rows ?? "[]") as { standby: unknown }[])[0]?.standby;
}

/** `text` as a regular expression matching it literally. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A TCP listener on 127.0.0.1 that accepts connections and never writes or closes them. */
function hangingServer(): { port: number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) held.push(conn);
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close() {
      listener.close();
      for (const conn of held) conn.close();
    },
  };
}

Deno.test("database hosts: each target_session_attrs value picks the server libpq picks", async () => {
  const primary = await startPostgres();
  try {
    const standby = await startStandby(primary);
    try {
      const run = await weft(["run", `${FIXTURES}attrs.yml`, "--json"], {
        env: {
          WEFT_HOME: testTempDir("home-"),
          PG_PASSWORD,
          PRIMARY: String(primary.port),
          STANDBY: String(standby.port),
          CLOSED: String(freePort()),
        },
      });
      assert.equal(run.code, 1, run.stderr);
      const report = JSON.parse(run.stdout) as RunReport;
      // prefer-standby with no standby up: the second pass takes the primary (F5).
      assert.equal(standbyOf(report, "prefer_standby_primary_only"), false);
      assert.equal(standbyOf(report, "prefer_standby_both"), true);
      assert.equal(standbyOf(report, "standby_both"), true);
      assert.match(
        reportTask(report, "standby_primary_only").error ?? "",
        /: 127\.0\.0\.1:\d+: server is not in hot standby mode \(target_session_attrs=standby\)/,
      );
      assert.equal(standbyOf(report, "primary_after_standby"), false);
      assert.equal(standbyOf(report, "read_write_after_standby"), false);
      assert.equal(standbyOf(report, "read_only_after_primary"), true);
      assert.equal(standbyOf(report, "any_first"), true);
      // read-write / read-only look at default_transaction_read_only too; primary does not.
      assert.equal(standbyOf(report, "read_only_by_default"), false);
      assert.match(
        reportTask(report, "read_write_by_default").error ?? "",
        /session is read-only \(target_session_attrs=read-write\)/,
      );
      assert.equal(standbyOf(report, "primary_by_default"), false);
    } finally {
      await standby.stop();
    }
  } finally {
    await primary.stop();
  }
});

Deno.test("database hosts: fails once every host answered, waits only on one that does not", async () => {
  const primary = await startPostgres();
  const hang = hangingServer();
  const hang2 = hangingServer();
  try {
    const closed = freePort();
    const closed2 = freePort();
    const run = await weft(["run", `${FIXTURES}fail_fast.yml`, "--json"], {
      env: {
        WEFT_HOME: testTempDir("home-"),
        PG_PASSWORD,
        PRIMARY: String(primary.port),
        CLOSED: String(closed),
        CLOSED2: String(closed2),
        HANG: String(hang.port),
        HANG2: String(hang2.port),
        SOCKET: primary.socketDir,
      },
    });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as RunReport;
    // Waiting out connect_timeout=30 per host would pass the task's 20 s timeout: these
    // fail with each host's answer instead (F6).
    assert.equal(
      reportTask(report, "refused_twice").error,
      `cannot connect to postgres://weft@127.0.0.1:${closed},127.0.0.1:${closed2}/postgres` +
        `?connect_timeout=30: each of the 2 hosts was tried: 127.0.0.1:${closed}: connection ` +
        `refused; 127.0.0.1:${closed2}: connection refused (check the host, port, user and ` +
        "password, and that the server is running)",
    );
    assert.match(
      reportTask(report, "none_matching").error ?? "",
      new RegExp(
        `each of the 2 hosts was tried: 127\\.0\\.0\\.1:${primary.port}: server is not in hot ` +
          `standby mode \\(target_session_attrs=standby\\); localhost:${primary.port}: server ` +
          "is not in hot standby mode",
      ),
    );
    // A host that does not answer takes its connect_timeout, then the next is tried.
    assert.equal(standbyOf(report, "hanging_then_primary"), false);
    assert.match(
      reportTask(report, "all_hanging").error ?? "",
      new RegExp(
        `each of the 2 hosts was tried: 127\\.0\\.0\\.1:${hang.port}: no answer within 2\\.0s; ` +
          `127\\.0\\.0\\.1:${hang2.port}: no answer within 2\\.0s`,
      ),
    );
    // libpq reads connect_timeout=1 as 2.
    assert.match(
      reportTask(report, "one_second_is_two").error ?? "",
      new RegExp(`: 127\\.0\\.0\\.1:${hang.port}: no answer within 2\\.0s`),
    );
    // No connect_timeout: the task's own timeout bounds a host that never answers.
    assert.equal(reportTask(report, "no_limit_hanging").error, "its own timeout of 2.0s");
    // A server that refuses the password ends the walk: the hanging host is not tried.
    const wrong = reportTask(report, "wrong_password_stops").error ?? "";
    assert.match(
      wrong,
      new RegExp(
        `: 127\\.0\\.0\\.1:${primary.port}: password authentication failed for user "weft" ` +
          "\\(a server's own error ends the walk, as in libpq: 1 more host was not tried\\)",
      ),
    );
    assert.doesNotMatch(wrong, /no answer|hosts was tried/);
    // The host that gave the server's error, after what the hosts before it answered (F7).
    assert.match(
      reportTask(report, "not_standby_then_wrong_password").error ?? "",
      new RegExp(
        `: ${literal(primary.socketDir)}:${primary.port}: server is not in hot ` +
          `standby mode \\(target_session_attrs=standby\\); 127\\.0\\.0\\.1:${primary.port}: ` +
          `password authentication failed for user "weft" \\(a server's own error ends the ` +
          "walk, as in libpq: 1 more host was not tried\\)",
      ),
    );
    // prefer-standby's two passes: two hosts, each tried twice (F6).
    assert.match(
      reportTask(report, "prefer_standby_refused").error ?? "",
      new RegExp(
        `: each of the 2 hosts was tried twice \\(for a standby, then for any server\\): ` +
          `127\\.0\\.0\\.1:${closed}: connection refused; 127\\.0\\.0\\.1:${closed2}: ` +
          `connection refused; 127\\.0\\.0\\.1:${closed}: connection refused; ` +
          `127\\.0\\.0\\.1:${closed2}: connection refused \\(check`,
      ),
    );
    // A connect_timeout past one setTimeout (2^31-1 ms) waits, as libpq does (F5): the
    // server answers, and a hanging host is ended by the task's timeout, not at once.
    assert.equal(standbyOf(report, "huge_timeout"), false);
    assert.equal(reportTask(report, "huge_timeout_hanging").error, "its own timeout of 2.0s");
    assert.doesNotMatch(run.stderr, /TimeoutOverflowWarning/);
    assert.ok(!(run.stdout + run.stderr).includes(PG_PASSWORD), "password printed");
  } finally {
    hang.close();
    hang2.close();
    await primary.stop();
  }
});

Deno.test("database hosts: an IPv6 address is one host, never re-split on its colons", async () => {
  const server = await startPostgres("127.0.0.1,::1");
  const hang = hangingServer(); // on 127.0.0.1 only
  try {
    const home = testTempDir("home-");
    const run = await weft(["run", `${FIXTURES}ipv6.yml`, "--json"], {
      env: {
        WEFT_HOME: home,
        PG_PASSWORD,
        PRIMARY: String(server.port),
        HANG: String(hang.port),
        CLOSED: String(freePort()),
      },
    });
    // The process ends normally with every task's result (an unreachable IPv6 address
    // made the driver throw a RangeError outside every promise, ending it: F1).
    assert.equal(run.code, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /Uncaught|RangeError/);
    const report = JSON.parse(run.stdout) as RunReport;
    const rowOf = (id: string) => {
      const task = reportTask(report, id);
      assert.equal(task.status, "success", `${id}: ${task.error}`);
      return JSON.parse(task.outputs?.rows ?? "[]")[0];
    };
    assert.deepEqual(rowOf("v6_loopback"), { server: "::1" });
    assert.deepEqual(rowOf("v4_mapped"), { server: "127.0.0.1" });
    // Refused on ::1, where nothing listens; before, it went to 127.0.0.1's listener.
    assert.match(
      reportTask(report, "v6_not_v4").error ?? "",
      new RegExp(`: \\[::1\\]:${hang.port}: connection refused \\(check`),
    );
    // The unreachable address is that host's answer; the next host is tried.
    assert.deepEqual(rowOf("v6_unreachable"), { server: "::1" });
    const alone = reportTask(report, "v6_unreachable_alone");
    assert.equal(alone.status, "failed");
    assert.match(
      alone.error ?? "",
      new RegExp(
        `^cannot connect to postgres://weft@\\[2001:db8::77\\]:${server.port}/postgres` +
          `\\?connect_timeout=2: \\[2001:db8::77\\]:${server.port}: (no route to host|` +
          "network is unreachable|no answer within 2\\.0s) \\(check",
      ),
    );
    // libpq reads a host key word's `:` as part of the name, not as a port.
    assert.match(
      reportTask(report, "colon_in_host_word").error ?? "",
      new RegExp(`: \\[localhost:${server.port}\\]:\\d+: host name not found \\(check`),
    );
    // The run was recorded as ended, not left running.
    const status = await weft(["status", "--json"], { env: { WEFT_HOME: home } });
    assert.equal(status.code, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout) as RunReport).status, "failed");
  } finally {
    hang.close();
    await server.stop();
  }
});
