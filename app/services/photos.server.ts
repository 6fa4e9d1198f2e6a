import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { and, asc, count, eq } from "drizzle-orm";
import { type Photo, type Pitch, photos, pitches } from "../../db/schema";
import type { PhotoView } from "../realtime/contract";
import { addPhotoSchema, photoFileSchema, photoIdSchema } from "../schemas/photo";
import { audit } from "./audit.server";
import { findSession } from "./capture.server";
import type { ServiceContext } from "./context.server";
import { ServiceError } from "./errors";
import { PHOTO_LIMITS, photoPaths, photosFolder } from "./photoFiles.server";
import { validate } from "./validate";
import { type Viewer, requireAccess, requireAttendee } from "./viewer.server";

/**
 * Session photos: one write path per command (add, remove), the files beside
 * the database (photoImage.server.ts), and pushes to the session's viewers
 * after the row is committed.
 */

export function photosDirOf(ctx: Pick<ServiceContext, "photosDir">): string {
  return ctx.photosDir ?? photosFolder(":memory:");
}

export function photoView(photo: Photo): PhotoView {
  return {
    id: photo.id,
    alt: photo.alt,
    width: photo.width,
    height: photo.height,
    thumbWidth: photo.thumbWidth,
    thumbHeight: photo.thumbHeight,
    createdAt: photo.createdAt,
  };
}

/** A session's photos, oldest first. */
export function sessionPhotos(db: Pick<ServiceContext["db"], "select">, pitchId: string): Photo[] {
  return db
    .select()
    .from(photos)
    .where(eq(photos.pitchId, pitchId))
    .orderBy(asc(photos.createdAt), asc(photos.id))
    .all();
}

function requirePhotoWritable(pitch: Pitch) {
  if (pitch.notesLocked) {
    throw new ServiceError("forbidden", "This session is locked: no new photos. Ask an organiser to unlock it.");
  }
  if (pitch.status !== "open") {
    throw new ServiceError("conflict", "This session was merged into another one: add photos there.");
  }
}

/** The upload's bytes, whatever the form library made of the file field. */
async function bytesOf(file: unknown): Promise<Uint8Array> {
  if (file instanceof Uint8Array) return file;
  if (file && typeof file === "object" && "arrayBuffer" in file && typeof file.arrayBuffer === "function") {
    const data = new Uint8Array(await (file as Blob).arrayBuffer());
    if (data.byteLength > 0) return data;
  }
  const message = "Choose a photo first (take one, or pick a file).";
  throw new ServiceError("invalid", message, { photo: [message] });
}

/**
 * Stores one photo of a session: checked, turned upright, stripped of every
 * metadata field, kept as a web size and a thumbnail. The id comes from the
 * uploader's client, so a retried upload returns the stored photo.
 */
export async function addPhoto(
  ctx: ServiceContext,
  viewer: Viewer,
  input: { id?: unknown; pitchId?: unknown; alt?: unknown; photo?: unknown },
): Promise<{ photo: PhotoView; duplicate: boolean }> {
  const attendee = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: attendee.id });
  const data = validate(addPhotoSchema, input);
  const check = (db: Parameters<typeof findSession>[0] = ctx.db) => {
    const pitch = findSession(db, viewer, data.pitchId);
    const existing = db.select().from(photos).where(eq(photos.id, data.id)).get();
    if (existing) {
      if (existing.uploaderId !== attendee.id || existing.pitchId !== pitch.id) {
        throw new ServiceError("conflict", "That photo id is already taken. Reload the page and add it again.");
      }
      return { pitch, existing };
    }
    requirePhotoWritable(pitch);
    const n = db.select({ n: count() }).from(photos).where(eq(photos.pitchId, pitch.id)).get()?.n ?? 0;
    if (n >= PHOTO_LIMITS.perSession) {
      throw new ServiceError("conflict", `A session can have at most ${PHOTO_LIMITS.perSession} photos.`);
    }
    return { pitch, existing: undefined };
  };
  // Checked before the image work (nothing is decoded for a refused upload), and again at the write.
  const first = check();
  if (first.existing) return { photo: photoView(first.existing), duplicate: true };
  const bytes = await bytesOf(input.photo);
  // sharp loads on the first upload: worker threads that import this module for exports never need it.
  const { makePhoto, photoQueue } = await import("./photoImage.server");
  const made = await photoQueue(() => makePhoto(bytes));
  const paths = photoPaths(photosDirOf(ctx), viewer.event.id, data.id);
  mkdirSync(paths.dir, { recursive: true });
  const writeAtomically = (path: string, body: Buffer) => {
    writeFileSync(`${path}.part`, body);
    renameSync(`${path}.part`, path);
  };
  writeAtomically(paths.web, made.web.data);
  writeAtomically(paths.thumb, made.thumb.data);
  let row: Photo;
  try {
    row = ctx.db.transaction(
      (tx) => {
        const { pitch, existing } = check(tx);
        if (existing) return existing;
        return tx
          .insert(photos)
          .values({
            id: data.id,
            eventId: viewer.event.id,
            pitchId: pitch.id,
            uploaderId: attendee.id,
            alt: data.alt,
            width: made.web.width,
            height: made.web.height,
            bytes: made.web.data.byteLength,
            thumbWidth: made.thumb.width,
            thumbHeight: made.thumb.height,
          })
          .returning()
          .get();
      },
      { behavior: "immediate" },
    );
  } catch (error) {
    removeFiles(paths);
    throw error;
  }
  const photo = photoView(row);
  ctx.publish.photoAdded(row.pitchId, photo);
  return { photo, duplicate: false };
}

function removeFiles(paths: { web: string; thumb: string }) {
  rmSync(paths.web, { force: true });
  rmSync(paths.thumb, { force: true });
}

/** The uploader or an organiser removes a photo: gone for everyone, from the page and every later export. */
export async function removePhoto(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<void> {
  requireAccess(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: viewer.attendee?.id });
  const { id } = validate(photoIdSchema, input);
  const eventId = viewer.event.id;
  const row = ctx.db.transaction((tx) => {
    const row = tx
      .select()
      .from(photos)
      .where(and(eq(photos.id, id), eq(photos.eventId, eventId)))
      .get();
    if (!row) throw new ServiceError("not_found", "That photo is not here any more.");
    const own = viewer.attendee !== null && row.uploaderId === viewer.attendee.id;
    if (!own && !viewer.isOrganiser) {
      throw new ServiceError("forbidden", "Only the person who added a photo, or an organiser, can remove it.");
    }
    tx.delete(photos).where(eq(photos.id, id)).run();
    audit(tx, { eventId, actor: own ? "attendee" : "organiser", action: "photo.remove", targetId: id });
    return row;
  });
  removeFiles(photoPaths(photosDirOf(ctx), eventId, id));
  ctx.publish.photoRemoved(row.pitchId, id);
}

/** One photo file for a viewer who may see the event (private events need their passcode). */
export function photoFile(
  ctx: Pick<ServiceContext, "db" | "photosDir">,
  viewer: Viewer,
  fileName: unknown,
): { body: Buffer; etag: string } {
  requireAccess(viewer);
  const parsed = photoFileSchema.safeParse(fileName);
  if (!parsed.success) throw new ServiceError("not_found", "There is no such photo.");
  const { id, thumb } = parsed.data;
  const row = ctx.db
    .select({ id: photos.id, status: pitches.status })
    .from(photos)
    .innerJoin(pitches, eq(pitches.id, photos.pitchId))
    .where(and(eq(photos.id, id), eq(photos.eventId, viewer.event.id)))
    .get();
  if (!row || row.status === "hidden" || row.status === "withdrawn") {
    throw new ServiceError("not_found", "There is no such photo.");
  }
  const paths = photoPaths(photosDirOf(ctx), viewer.event.id, id);
  try {
    return { body: readFileSync(thumb ? paths.thumb : paths.web), etag: `"${id}${thumb ? "-t" : ""}"` };
  } catch {
    throw new ServiceError("not_found", "That photo's file is missing.");
  }
}
