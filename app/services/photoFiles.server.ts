import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { databasePath } from "../../db/client";

/**
 * Where photos live: `photos/` in the data folder beside the database (what
 * `npm run backup` copies with it); a temporary folder for an in-memory database.
 */
export function photosFolder(databaseUrl: string): string {
  const path = databasePath(databaseUrl);
  if (path === ":memory:") return join(tmpdir(), `unconf-photos-${process.pid}`);
  return join(dirname(resolve(path)), "photos");
}

/** A photo's files: web size and thumbnail. Ids are checked (URL-safe) before they reach here. */
export function photoPaths(folder: string, eventId: string, photoId: string) {
  const dir = join(folder, eventId);
  return { dir, web: join(dir, `${photoId}.jpg`), thumb: join(dir, `${photoId}.thumb.jpg`) };
}
