/**
 * libpq's checks of `target_session_attrs` (src/tasks/database/pg_hosts.ts; PostgreSQL 15
 * docs §34.1.2) as a table, and how a host is named. The walk over real servers is in
 * tests/cli_database_hosts_test.ts.
 */
import assert from "node:assert/strict";
import { hostName, mismatch } from "../src/tasks/database/pg_hosts.ts";

Deno.test("pg_hosts: each target_session_attrs value accepts what libpq accepts", () => {
  const primary = { readOnly: false, standby: false };
  const readOnlyPrimary = { readOnly: true, standby: false }; // default_transaction_read_only=on
  const standby = { readOnly: true, standby: true };
  const accepts = (wanted: Parameters<typeof mismatch>[0]) =>
    [primary, readOnlyPrimary, standby].map((state) => mismatch(wanted, state) === undefined);
  assert.deepEqual(accepts("read-write"), [true, false, false]);
  assert.deepEqual(accepts("read-only"), [false, true, true]);
  assert.deepEqual(accepts("primary"), [true, true, false]);
  assert.deepEqual(accepts("standby"), [false, false, true]);
  // Its first pass; the second (pg_hosts.ts walkHosts) takes any server.
  assert.deepEqual(accepts("prefer-standby"), [false, false, true]);
  assert.equal(
    mismatch("read-write", standby),
    "session is read-only (target_session_attrs=read-write)",
  );
  assert.equal(
    mismatch("standby", primary),
    "server is not in hot standby mode (target_session_attrs=standby)",
  );
});

Deno.test("pg_hosts: a host is named host:port, IPv6 in brackets, a socket by its folder", () => {
  assert.equal(hostName({ host: "db1", port: 5432 }), "db1:5432");
  assert.equal(hostName({ host: "::1", port: 5433 }), "[::1]:5433");
  assert.equal(hostName({ host: "/var/run/postgresql", port: 5432 }), "/var/run/postgresql:5432");
});
