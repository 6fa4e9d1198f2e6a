/**
 * npm run backup [-- <destination>]
 *
 * A consistent copy of the database while the server keeps running, with
 * SQLite's online backup API (better-sqlite3's `.backup()`; no `sqlite3`
 * command-line tool needed). The copy is checked with `pragma
 * integrity_check`, and the generated cookie-signing secret (when the server
 * uses one) is copied beside it. See docs/operations.md, "Backups".
 *
 * The destination defaults to `<data folder>/backups/unconf-<UTC time>.sqlite`;
 * it must not exist yet. Session photos (`<data folder>/photos/`) are copied
 * to `<destination>.photos/` after the database, so every photo the copy
 * names has its files (a photo added meanwhile may be copied too, unnamed).
 * Exit status 0 on success, 1 on any failure (message on stderr).
 */
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import { readEnv } from "../app/env.server";
import { databasePath } from "../db/client";

export interface BackupResult {
  database: string;
  secret: string | null;
  bytes: number;
  /** The copied photos folder and how many files it holds, or null when there were none. */
  photos: { folder: string; files: number } | null;
}

function stamp(date = new Date()): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

/** Copies the database at `source` to `destination` online, checks the copy, and copies session-secret beside it. */
export async function backup(source: string, destination?: string): Promise<BackupResult> {
  if (source === ":memory:") throw new Error("DATABASE_URL is :memory:, so there is nothing on disk to back up.");
  const from = resolve(source);
  if (!existsSync(from)) throw new Error(`There is no database at ${from}. Check DATABASE_URL.`);
  const to = resolve(destination ?? join(dirname(from), "backups", `unconf-${stamp()}.sqlite`));
  if (existsSync(to)) throw new Error(`${to} already exists: choose another destination.`);
  mkdirSync(dirname(to), { recursive: true });

  // A second connection beside the server's: the backup API copies page by page and restarts
  // the copy when the server writes meanwhile, so the result is one consistent moment.
  const db = new Database(from, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    await db.backup(to);
  } finally {
    db.close();
  }

  const copy = new Database(to, { fileMustExist: true });
  try {
    // One self-contained file: no -wal or -shm beside it (the server turns WAL on again when it opens it).
    copy.pragma("journal_mode = DELETE");
    const check = copy.pragma("integrity_check", { simple: true });
    if (check !== "ok") throw new Error(`The copy at ${to} failed its integrity check: ${String(check)}`);
  } finally {
    copy.close();
  }

  const secretFile = join(dirname(from), "session-secret");
  let secret: string | null = null;
  if (existsSync(secretFile)) {
    secret = join(dirname(to), `${basename(to)}.session-secret`);
    copyFileSync(secretFile, secret);
    chmodSync(secret, 0o600);
  }
  const photosFrom = join(dirname(from), "photos");
  let photos: BackupResult["photos"] = null;
  if (existsSync(photosFrom)) {
    const folder = `${to}.photos`;
    // Photo files never change once written (each is renamed into place whole), so a plain copy is consistent.
    cpSync(photosFrom, folder, { recursive: true, filter: (source) => !source.endsWith(".part") });
    const files = readdirSync(folder, { recursive: true }).filter((name) => String(name).endsWith(".jpg")).length;
    photos = { folder, files };
  }
  return { database: to, secret, bytes: statSync(to).size, photos };
}

async function main() {
  const env = readEnv();
  const destination = process.argv[2];
  const result = await backup(databasePath(env.DATABASE_URL), destination);
  console.log(`Backed up the database to ${result.database} (${result.bytes} bytes; integrity check ok).`);
  if (result.photos) console.log(`Copied ${result.photos.files} photo files to ${result.photos.folder}.`);
  if (result.secret) console.log(`Copied the cookie-signing secret to ${result.secret} (keep it private).`);
  else if (!env.SESSION_SECRET) console.log("No session-secret file was found beside the database.");
}

if (process.argv[1]?.endsWith("backup.ts")) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
