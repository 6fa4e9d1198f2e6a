import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { databasePath } from "../../db/client";

/** Photo limits (docs/operations.md); the image work itself is in photoImage.server.ts (sharp, loaded only where needed). */
export const PHOTO_LIMITS = {
  /** The largest upload, counted as it arrives (server.ts bodyGuard); MAX_PHOTO_SIZE overrides it. */
  uploadBytes: 15 * 1024 * 1024,
  /** Refused before decoding: width × height over this (a 64-megapixel photo passes). */
  inputPixels: 64_000_000,
  /** Longest side of the web size and of the thumbnail. */
  webSide: 1600,
  thumbSide: 400,
  /** Photos waiting for the image worker beyond those being made: more are refused ("busy"). */
  queued: 16,
  /** A photo kept offline in the browser's outbox, at most. */
  offlineBytes: 5 * 1024 * 1024,
  /** A photo carried in export.json (its web size), at most; import refuses larger ones. */
  fileBytes: 4 * 1024 * 1024,
  perSession: 50,
  altText: 300,
} as const;

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
