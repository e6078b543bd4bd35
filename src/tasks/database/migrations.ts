/**
 * Versioned SQL migrations, as Flyway and golang-migrate run them: files named
 * `NNN_name.sql` applied in number order, each in its own transaction together with
 * the row that records it (name, SHA-256 checksum, time) in `weft_migrations`, so a
 * migration is applied entirely and recorded, or not at all. An applied file whose
 * checksum changed stops the run naming the file (Flyway's "validate"). With
 * rollback, the migrations this run applied are undone in reverse order by their
 * `NNN_name.down.sql` files (golang-migrate's naming).
 * @module
 */
import { join } from "node:path";
import { embeddedMessage, quoteData } from "../../model/data_text.ts";
import { FileTooLargeError, readTextBounded } from "../../bounded_file.ts";
import { NotRegularFileError } from "../../regular_file.ts";
import type { DbSession } from "./driver.ts";
import { placingErrors, SqlPlacedError } from "./sql_place.ts";

/** The table recording applied migrations. */
export const MIGRATIONS_TABLE = "weft_migrations";

/** One migration file and its optional undo file. */
export interface Migration {
  /** The file name, e.g. `001_create_users.sql` (what the table records). */
  name: string;
  path: string;
  /** The file as the user names it (the folder as written, then the name): in errors. */
  shown: string;
  sql: string;
  checksum: string;
  /** The `NNN_name.down.sql` next to it, if any. */
  down: { name: string; shown: string; sql: string } | null;
}

/** A problem with the migration files themselves (a name, a duplicate number, a read). */
export class MigrationError extends Error {}

const FILE = /^(\d+)_(.+)\.sql$/;

/**
 * The migrations in `dir`, in number order (then by name). Files not ending in `.sql`
 * (any case) and hidden files are ignored; symbolic links count as what they point to.
 * An entry named `.sql` that is no file (a folder, a link to one or to nothing, a FIFO,
 * a device, a socket) is an error naming it, before any migration is applied.
 * A `.sql` file not named NNN_name.sql (`.SQL` included), or two files with one number,
 * are errors: such a file would be silently skipped or applied in an unclear order.
 * `shownDir` is the folder as the user wrote it (errors name a file by it).
 * @throws MigrationError naming the folder or file.
 */
export async function loadMigrations(dir: string, shownDir = dir): Promise<Migration[]> {
  let names: string[];
  try {
    names = [];
    for await (const entry of Deno.readDir(dir)) {
      // Hidden files (`.#001_x.sql`, `._001_x.sql`) are an editor's or a copy's, not migrations.
      if (entry.name.startsWith(".") || !/\.sql$/i.test(entry.name)) continue;
      // Every entry named like SQL is a migration or an error, never passed over (F10):
      // dropped, the migrations after it would apply with it missing. A folder (or a link
      // to one) and a link to nothing are refused here, naming them; a FIFO, a device or a
      // socket is refused by its read (regular_file.ts). A link counts as what it points to.
      const shown = join(shownDir, entry.name);
      if (entry.isDirectory) throw notAFile(shown, "a folder");
      if (entry.isSymlink) {
        const target = linkTarget(join(dir, entry.name));
        if (target === "folder") throw notAFile(shown, "a symbolic link to a folder");
        if (target === "nothing") throw notAFile(shown, "a symbolic link to nothing");
      }
      names.push(entry.name);
    }
  } catch (e) {
    if (e instanceof MigrationError) throw e;
    throw new MigrationError(
      `cannot read the migrations folder ${quoteData(dir)}: ${quoteData((e as Error).message)}`,
    );
  }
  const downs = new Map<string, string>();
  const ups: { name: string; number: bigint }[] = [];
  for (const name of names) {
    const match = FILE.exec(name);
    if (!match) {
      throw new MigrationError(
        `migration file ${quoteData(name)} is not named NNN_name.sql ` +
          "(digits, an underscore, a name, then .sql in lower case): rename it",
      );
    }
    if (name.endsWith(".down.sql")) downs.set(name.slice(0, -".down.sql".length) + ".sql", name);
    else ups.push({ name, number: BigInt(match[1]) });
  }
  ups.sort((a, b) => a.number < b.number ? -1 : a.number > b.number ? 1 : a.name < b.name ? -1 : 1);
  for (let i = 1; i < ups.length; i++) {
    if (ups[i].number === ups[i - 1].number) {
      throw new MigrationError(
        `migrations ${quoteData(ups[i - 1].name)} and ${quoteData(ups[i].name)} share number ` +
          `${ups[i].number}: give each migration its own number`,
      );
    }
  }
  const migrations: Migration[] = [];
  for (const { name } of ups) {
    const path = join(dir, name);
    const shown = join(shownDir, name);
    const sql = await readSql(path, shown);
    const downName = downs.get(name);
    const downShown = downName ? join(shownDir, downName) : "";
    const down = downName
      ? { name: downName, shown: downShown, sql: await readSql(join(dir, downName), downShown) }
      : null;
    migrations.push({ name, path, shown, sql, checksum: await sha256(sql), down });
  }
  return migrations;
}

/** What the symbolic link at `path` leads to: a folder, nothing (dangling), or else. */
function linkTarget(path: string): "folder" | "nothing" | "other" {
  try {
    return Deno.statSync(path).isDirectory ? "folder" : "other";
  } catch (e) {
    // A loop or a denied folder on its way: left to the read, which says why.
    return e instanceof Deno.errors.NotFound ? "nothing" : "other";
  }
}

/** The refusal of migration `shown` (as the user names it), which is `kind`, not a file. */
function notAFile(shown: string, kind: string): MigrationError {
  return new MigrationError(
    `migration ${quoteData(shown)} is ${kind}, not a file; no migration was applied: ` +
      "make it a plain SQL file, or move it out of the migrations folder",
  );
}

/** What a migration run did. */
export interface MigrationReport {
  applied: string[];
  /** Already recorded with the same checksum. */
  skipped: number;
  /** Set when a migration failed: its name and the database's message. */
  failed?: { name: string; message: string };
  /** With rollback: the migrations undone (newest first), and those that could not be. */
  undone: string[];
  notUndone: string[];
}

/**
 * Applies the migrations not yet recorded, holding the database's migration lock.
 * Each is checked and applied inside its own transaction, so a run that waited for
 * another sees what that run applied. A checksum mismatch throws a MigrationError
 * naming the file (nothing after it is applied).
 */
export async function migrate(
  db: DbSession,
  migrations: Migration[],
  rollback: boolean,
  log: (line: string) => void,
  /** How the log shows a line (its secrets masked), to lay a caret out under it. */
  shown: (text: string) => string = (text) => text,
): Promise<MigrationReport> {
  const report: MigrationReport = { applied: [], skipped: 0, undone: [], notUndone: [] };
  await db.withMigrationLock(async () => {
    await ensureTable(db);
    for (const migration of migrations) {
      let applied: boolean;
      try {
        applied = await db.transaction(() => applyOne(db, migration));
      } catch (e) {
        if (e instanceof MigrationError) throw e;
        report.failed = { name: migration.name, message: oneLine((e as Error).message) };
        log(
          `failed ${quoteData(migration.name)}: ${
            embeddedMessage(report.failed.message)
          } (rolled back)`,
        );
        if (e instanceof SqlPlacedError) e.excerptShown(shown).forEach(log);
        break;
      }
      if (applied) {
        report.applied.push(migration.name);
        log(`applied ${quoteData(migration.name)}`);
      } else report.skipped++;
    }
    if (report.failed && rollback) await undo(db, migrations, report, log, shown);
  });
  return report;
}

/**
 * Creates the record table when missing. Looked for first: PostgreSQL answers
 * CREATE TABLE IF NOT EXISTS on an existing table with a notice every run.
 */
async function ensureTable(db: DbSession): Promise<void> {
  try {
    await db.query(`SELECT name FROM ${MIGRATIONS_TABLE} WHERE 1 = 0`);
    return;
  } catch {
    // missing: created below (a real fault shows again there)
  }
  await db.exec(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, ` +
      `checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`,
  );
}

/** Applies one migration unless recorded; true when applied. Runs inside its transaction. */
async function applyOne(db: DbSession, migration: Migration): Promise<boolean> {
  const rows = await db.query(
    `SELECT checksum FROM ${MIGRATIONS_TABLE} WHERE name = ${db.placeholder(1)}`,
    [
      migration.name,
    ],
  );
  if (rows.length > 0) {
    if (rows[0].checksum === migration.checksum) return false;
    throw new MigrationError(
      `migration ${quoteData(migration.path)} was changed after it was applied ` +
        `(checksum ${quoteData(String(rows[0].checksum).slice(0, 12))}… recorded, ` +
        `${quoteData(migration.checksum.slice(0, 12))}… now): ` +
        "restore the file and put the change in a new migration",
    );
  }
  await placingErrors(migration.shown, migration.sql, () => db.exec(migration.sql));
  await db.query(
    `INSERT INTO ${MIGRATIONS_TABLE} (name, checksum, applied_at) VALUES (${
      [1, 2, 3].map((n) => db.placeholder(n)).join(", ")
    })`,
    [migration.name, migration.checksum, new Date().toISOString()],
  );
  return true;
}

/**
 * Undoes this run's migrations, newest first, each down file and the removal of its
 * record in one transaction. It stops at the first that has no down file or whose
 * down file fails: undoing an older migration under a newer one left in place could
 * break what the newer one built on it.
 */
async function undo(
  db: DbSession,
  migrations: Migration[],
  report: MigrationReport,
  log: (line: string) => void,
  shown: (text: string) => string,
): Promise<void> {
  const byName = new Map(migrations.map((m) => [m.name, m]));
  const pending = [...report.applied].reverse();
  while (pending.length > 0) {
    const migration = byName.get(pending[0])!;
    if (!migration.down) break;
    const down = migration.down;
    try {
      await db.transaction(async () => {
        await placingErrors(down.shown, down.sql, () => db.exec(down.sql));
        await db.query(`DELETE FROM ${MIGRATIONS_TABLE} WHERE name = ${db.placeholder(1)}`, [
          migration.name,
        ]);
      });
    } catch (e) {
      log(`undo ${quoteData(down.name)} failed: ${embeddedMessage(oneLine((e as Error).message))}`);
      if (e instanceof SqlPlacedError) e.excerptShown(shown).forEach(log);
      break;
    }
    log(`undone ${quoteData(migration.name)} (${quoteData(down.name)})`);
    report.undone.push(pending.shift()!);
  }
  report.notUndone = pending;
}

/** The text of migration `path` (`shown`: as the user names it, for a refusal). */
async function readSql(path: string, shown: string): Promise<string> {
  try {
    return await readTextBounded(path, {
      what: "the migration",
      hint: "split it into several migrations, or check that it names the right file",
    });
  } catch (e) {
    if (e instanceof FileTooLargeError) throw new MigrationError(e.marked());
    if (e instanceof NotRegularFileError) throw notAFile(shown, e.kind);
    throw new MigrationError(
      `cannot read migration ${quoteData(shown)}: ${quoteData((e as Error).message)}`,
    );
  }
}

/** Lowercase hex SHA-256 of the file's text as UTF-8. */
async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A driver message on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim();
}
