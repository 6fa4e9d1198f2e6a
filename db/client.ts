import { mkdirSync } from "node:fs";
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

/**
 * Opens the one writing connection, sets the pragmas the app relies on and
 * applies pending migrations before anything else touches the database.
 */
export function openDatabase(url: string): Db {
  const path = databasePath(url);
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder });
  return db;
}

export function closeDatabase(db: Db): void {
  if (db.$client.open) db.$client.close();
}
