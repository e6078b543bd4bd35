/**
 * A real PostgreSQL 15 server for the database tests: initdb in a temporary folder,
 * started with pg_ctl on 127.0.0.1 and a free port, password (SCRAM) authentication
 * for TCP, stopped and removed by {@link PgServer.stop}. PostgreSQL refuses to run as
 * root, so under uid 0 every server command runs as the `postgres` user (runuser) and
 * the folder is given to that user. A server that cannot be started throws: the tests
 * that need it fail, they are not skipped (issue 9 §3).
 * @module
 */
import { join } from "node:path";
import { testTempDir } from "./_tmp.ts";

/** Where Debian's postgresql-15 package puts the server binaries. */
export const PG_BIN = "/usr/lib/postgresql/15/bin";
/** The superuser the test server is created with, and its password. */
export const PG_USER = "weft";
export const PG_PASSWORD = "pg-test-s3cret-pw";

/** A running test server. */
export interface PgServer {
  port: number;
  /** The folder of its Unix socket (`.s.PGSQL.PORT`), where local connections are trusted. */
  socketDir: string;
  /** postgres://weft:PASSWORD@127.0.0.1:PORT/DATABASE */
  url(database?: string): string;
  /** Stops the server (immediate shutdown) and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts a server listening on `listen` (PostgreSQL's `listen_addresses`; `127.0.0.1,::1`
 * for IPv6 loopback too). @throws Error with initdb's or pg_ctl's output when it cannot.
 */
export function startPostgres(listen = "127.0.0.1"): Promise<PgServer> {
  return startServer(listen, (run, data, pwfile) =>
    run("initdb", [
      "-D",
      data,
      "-U",
      PG_USER,
      `--pwfile=${pwfile}`,
      "--auth-host=scram-sha-256",
      "--auth-local=trust",
      "--no-sync",
      "-E",
      "UTF8",
    ]));
}

/**
 * Starts a streaming-replication standby of `primary` (pg_basebackup -R over the
 * primary's socket, where replication is trusted): in hot standby, read-only, the
 * primary's users and password. Stop it before the primary.
 * @throws Error with pg_basebackup's or pg_ctl's output when it cannot.
 */
export function startStandby(primary: PgServer): Promise<PgServer> {
  return startServer("127.0.0.1", (run, data) =>
    run("pg_basebackup", [
      "-h",
      primary.socketDir,
      "-p",
      String(primary.port),
      "-U",
      PG_USER,
      "-D",
      data,
      "-R",
      "-X",
      "stream",
      "--no-sync",
    ]));
}

type Run = (bin: string, args: string[]) => Promise<void>;

async function startServer(
  listen: string,
  init: (run: Run, data: string, pwfile: string) => Promise<void>,
): Promise<PgServer> {
  const root = testTempDir("pg-");
  const data = join(root, "data");
  const pwfile = join(root, "pw");
  Deno.writeTextFileSync(pwfile, PG_PASSWORD + "\n");
  const asRoot = Deno.uid() === 0;
  if (asRoot) {
    const { uid, gid } = await postgresUser();
    // The parents of the test folder must be passable for the postgres user.
    for (let dir = root; dir !== "/" && dir !== "/tmp"; dir = join(dir, "..")) {
      Deno.chmodSync(dir, 0o711);
    }
    Deno.chownSync(root, uid, gid);
    Deno.chownSync(pwfile, uid, gid);
  }
  const run = async (bin: string, args: string[]) => {
    const cmd = asRoot ? "runuser" : join(PG_BIN, bin);
    const argv = asRoot ? ["-u", "postgres", "--", join(PG_BIN, bin), ...args] : args;
    const out = await new Deno.Command(cmd, { args: argv, stdin: "null", cwd: root }).output();
    if (!out.success) {
      const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
      throw new Error(`PostgreSQL test server: ${bin} failed (${out.code}): ${text.trim()}`);
    }
  };
  await init(run, data, pwfile);
  const port = freePort();
  await run("pg_ctl", [
    "-D",
    data,
    "-l",
    join(root, "server.log"),
    "-w",
    "-t",
    "60",
    "-o",
    `-c listen_addresses=${listen} -p ${port} -k ${root} -c fsync=off`,
    "start",
  ]);
  let stopped = false;
  return {
    port,
    socketDir: root,
    url: (database = "postgres") =>
      `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${database}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      Deno.removeSync(root, { recursive: true });
    },
  };
}

/**
 * Creates a fresh database on `server` and returns its URL (each test its own, so
 * tests sharing one server do not see each other's tables).
 */
export async function createDatabase(server: PgServer, name: string): Promise<string> {
  const { default: connect } = await import("postgres");
  const sql = connect(server.url(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await sql.end({ timeout: 0 });
  }
  return server.url(name);
}

/** A TCP port free on 127.0.0.1 just now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const out = await new Deno.Command("id", { args: ["postgres"] }).output();
  const text = new TextDecoder().decode(out.stdout);
  const uid = /uid=(\d+)/.exec(text)?.[1];
  const gid = /gid=(\d+)/.exec(text)?.[1];
  if (!out.success || !uid || !gid) {
    throw new Error(
      "PostgreSQL test server: running as root, and there is no `postgres` user to run " +
        "the server as (install postgresql-15, which creates it)",
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}
