import { accessSync, constants, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), "migrations");

/** Accepts a plain path or a `file:` URL, as `DATABASE_URL` may be either. */
export function databasePath(url: string): string {
  if (url === ":memory:") return url;
  if (url.startsWith("file:")) {
    const rest = url.slice("file:".length);
    return rest.startsWith("//") ? fileURLToPath(url) : rest;
  }
  return url;
}

/** A start-up problem with the database, said so that the person running the server can fix it. */
export class DatabaseStartError extends Error {
  override name = "DatabaseStartError";
}

function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * The data folder must exist (it is created when missing) and be writable:
 * SQLite keeps its WAL and shared-memory files beside the database, and the
 * generated session secret lives there too.
 */
export function ensureDataFolder(path: string): string {
  const folder = dirname(resolve(path));
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new DatabaseStartError(
      `Unconf cannot start: the data folder ${folder} cannot be created (${reason(error)}). Create it, or set DATABASE_URL to a file in a folder the server may write to.`,
    );
  }
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch (error) {
    throw new DatabaseStartError(
      `Unconf cannot start: the data folder ${folder} is not writable (${reason(error)}). Give the user running the server write access to it, or set DATABASE_URL to a file in a folder it may write to.`,
    );
  }
  return folder;
}

/**
 * Opens the one writing connection, sets the pragmas the app relies on and
 * applies pending migrations before anything else touches the database. A
 * folder it cannot write to, or a file that is not a healthy SQLite database,
 * stops the start with a DatabaseStartError that says what to do.
 */
export function openDatabase(url: string): Db {
  const path = databasePath(url);
  if (path !== ":memory:") ensureDataFolder(path);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path);
  } catch (error) {
    throw new DatabaseStartError(`Unconf cannot start: the database ${path} cannot be opened (${reason(error)}).`);
  }
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma("synchronous = NORMAL");
    // Reads the schema: a file that is not SQLite, or whose first pages are damaged, fails here.
    sqlite.prepare("select count(*) from sqlite_master").get();
  } catch (error) {
    sqlite.close();
    const code = (error as { code?: string }).code ?? "";
    const damaged = /SQLITE_(NOTADB|CORRUPT)/.test(code);
    throw new DatabaseStartError(
      damaged
        ? `Unconf cannot start: ${path} is not a SQLite database or is damaged (${reason(error)}). Restore it from a backup (see docs/operations.md, "Restore"), or move it away to start with an empty database.`
        : `Unconf cannot start: the database ${path} cannot be used (${reason(error)}).`,
    );
  }
  const db = drizzle(sqlite, { schema }) as Db;
  try {
    migrate(db, { migrationsFolder });
  } catch (error) {
    sqlite.close();
    throw new DatabaseStartError(
      `Unconf cannot start: the database ${path} could not be brought up to date (${reason(error)}). Restore it from a backup (see docs/operations.md), or report this with the message above.`,
    );
  }
  return db;
}

export function closeDatabase(db: Db): void {
  if (db.$client.open) db.$client.close();
}
