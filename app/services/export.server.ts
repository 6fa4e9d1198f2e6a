import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { and, asc, eq, sql } from "drizzle-orm";
import {
  type Event,
  attendees,
  capturedItems,
  coHosts,
  events,
  feedback,
  photos,
  pitches,
  placements,
  rooms,
  timeSlots,
  votes,
} from "../../db/schema";
import { exportName, speakerBasis, speakerName } from "../domain/attribution";
import { NO_ITEM_HTML, renderMarkdown } from "../domain/markdown.server";
import type { EventExport, ExportFeedback, ExportItem, ExportPhoto, ExportSession } from "../domain/export/model";
import { sortSessions } from "../domain/export/model";
import { coverage } from "../domain/spans";

import type { EventFile } from "../schemas/eventFile";
import { audit } from "./audit.server";
import { type CalendarEntry, buildCalendar } from "./calendar.server";
import type { ServiceContext } from "./context.server";
import { ServiceError } from "./errors";
import { freeSlug } from "./events.server";
import { photoPaths } from "./photoFiles.server";
import type { MadePhoto } from "./photoImage.server";
import { photosDirOf } from "./photos.server";

import { hashSecret } from "./identity.server";
import { newId, newSecretKey } from "./ids.server";
import { checkImport } from "./importCheck";
import { type Viewer, requireAccess, requireOrganiser } from "./viewer.server";

/**
 * Exports and import. `buildExportModel` reads the event in one read
 * transaction and applies the attribution rule (speakerName, exportName from
 * app/domain/attribution.ts) while building the plain object every renderer
 * in app/domain/export/ reads; nothing else decides whether a name appears.
 */

/** A stable UUID (version 5 layout, SHA-1) for a row id, so re-exports keep the same guid. */
export function stableUuid(kind: string, id: string): string {
  const hex = createHash("sha1").update(`unconf:${kind}:${id}`).digest("hex").slice(0, 32).split("");
  hex[12] = "5";
  hex[16] = ((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

export interface ExportOptions {
  /** Organisers only: anonymous ballots for the whole-event file. */
  withBallots?: boolean;
  /** Only this session (its number and guid as in the whole event's model): a one-session export reads one session's notes. */
  sessionId?: string;
  now?: Date;
}

/** The export model for a viewer: anyone who may see the event; ballots need an organiser. */
export function buildExportModel(
  ctx: Pick<ServiceContext, "db">,
  viewer: Viewer,
  origin: string,
  options: ExportOptions = {},
): EventExport {
  requireAccess(viewer);
  if (options.withBallots) requireOrganiser(viewer);
  return readExportModel(ctx.db, viewer.event, origin, options);
}

/**
 * Reads the export model of an event whose viewer was already authorised
 * (buildExportModel, or the route before handing the job to a worker thread,
 * which reads through its own read-only connection).
 */
export function readExportModel(
  db: Pick<ServiceContext["db"], "transaction">,
  event: Event,
  origin: string,
  options: ExportOptions = {},
): EventExport {
  const eventUrl = `${origin}/e/${event.slug}`;
  const only = options.sessionId;

  return db.transaction((tx) => {
    const roomRows = tx
      .select()
      .from(rooms)
      .where(eq(rooms.eventId, event.id))
      .orderBy(asc(rooms.position), asc(rooms.createdAt))
      .all();
    const slotRows = tx
      .select()
      .from(timeSlots)
      .where(eq(timeSlots.eventId, event.id))
      .orderBy(asc(timeSlots.localStart))
      .all();
    // Every pitch, hidden ones too, numbers the sessions: a number never changes when another pitch is hidden.
    const numbers = new Map(
      tx
        .select({ id: pitches.id })
        .from(pitches)
        .where(eq(pitches.eventId, event.id))
        .orderBy(asc(pitches.createdAt), sql`${pitches}.rowid`)
        .all()
        .map((p, i) => [p.id, i + 1]),
    );
    const open = tx
      .select({ pitch: pitches, pitcher: attendees })
      .from(pitches)
      .leftJoin(attendees, eq(attendees.id, pitches.attendeeId))
      .where(and(eq(pitches.eventId, event.id), eq(pitches.status, "open"), only ? eq(pitches.id, only) : undefined))
      .orderBy(asc(pitches.createdAt), sql`${pitches}.rowid`)
      .all();
    const placementRows = tx.select().from(placements).where(eq(placements.eventId, event.id)).all();
    const itemRows = tx
      .select({ item: capturedItems, author: attendees })
      .from(capturedItems)
      .leftJoin(attendees, eq(attendees.id, capturedItems.authorId))
      .where(
        and(
          eq(capturedItems.eventId, event.id),
          eq(capturedItems.hidden, false),
          only ? eq(capturedItems.pitchId, only) : undefined,
        ),
      )
      .orderBy(asc(capturedItems.createdAt), sql`${capturedItems}.rowid`)
      .all();

    // Accepted co-hosts only: an invitation names no one. Each is named by their own write-up choice.
    const coHostsByPitch = new Map<string, Array<{ name: string; nameInWriteups: boolean }>>();
    for (const row of tx
      .select({ pitchId: coHosts.pitchId, name: attendees.name, nameInWriteups: attendees.nameInWriteups })
      .from(coHosts)
      .innerJoin(attendees, eq(attendees.id, coHosts.attendeeId))
      .where(and(eq(coHosts.eventId, event.id), eq(coHosts.status, "accepted")))
      .orderBy(asc(coHosts.respondedAt), asc(coHosts.attendeeId))
      .all()) {
      const list = coHostsByPitch.get(row.pitchId);
      if (list) list.push(row);
      else coHostsByPitch.set(row.pitchId, [row]);
    }
    const photoRows = tx
      .select()
      .from(photos)
      .where(and(eq(photos.eventId, event.id), only ? eq(photos.pitchId, only) : undefined))
      .orderBy(asc(photos.createdAt), asc(photos.id))
      .all();
    const photosByPitch = new Map<string, ExportPhoto[]>();
    for (const row of photoRows) {
      const list = photosByPitch.get(row.pitchId) ?? [];
      list.push({
        id: row.id,
        alt: row.alt,
        width: row.width,
        height: row.height,
        createdAt: row.createdAt,
        url: `${eventUrl}/photos/${row.id}.jpg`,
        fileName: `photo-${list.length + 1}.jpg`,
      });
      photosByPitch.set(row.pitchId, list);
    }
    // Feedback is for the host and organisers: only the organiser's whole-event file carries it, anonymous.
    const feedbackByPitch = new Map<string, ExportFeedback>();
    if (options.withBallots) {
      for (const row of tx
        .select({ pitchId: feedback.pitchId, rating: feedback.rating, comment: feedback.comment })
        .from(feedback)
        .where(eq(feedback.eventId, event.id))
        .orderBy(asc(feedback.createdAt), asc(feedback.rating))
        .all()) {
        const entry = feedbackByPitch.get(row.pitchId) ?? { ratings: [], comments: [] };
        entry.ratings.push(row.rating);
        if (row.comment.trim()) entry.comments.push(row.comment);
        feedbackByPitch.set(row.pitchId, entry);
      }
    }

    const roomById = new Map(roomRows.map((r) => [r.id, r]));
    const slotById = new Map(slotRows.map((s) => [s.id, s]));
    const placementByPitch = new Map(placementRows.map((p) => [p.pitchId, p]));
    const itemsByPitch = new Map<string, typeof itemRows>();
    for (const row of itemRows) {
      const list = itemsByPitch.get(row.item.pitchId);
      if (list) list.push(row);
      else itemsByPitch.set(row.item.pitchId, [row]);
    }

    const sessions = open.map(({ pitch, pitcher }): ExportSession => {
      const items: ExportItem[] = [];
      const authors: string[] = [];
      const pitcherName = exportName(pitcher, pitch);
      if (pitcherName) authors.push(pitcherName);
      const coHostNames: string[] = [];
      for (const person of coHostsByPitch.get(pitch.id) ?? []) {
        const name = exportName(person, pitch);
        if (name && !coHostNames.includes(name) && name !== pitcherName) coHostNames.push(name);
        if (name && !authors.includes(name)) authors.push(name);
      }
      for (const { item, author } of itemsByPitch.get(pitch.id) ?? []) {
        const authorName = exportName(author, pitch);
        if (authorName && !authors.includes(authorName)) authors.push(authorName);
        items.push({
          kind: item.kind,
          text: item.text,
          blocker: item.blocker,
          impact: item.impact,
          helped: item.helped,
          html: item.html,
          saidBy: speakerName(item, pitch),
          saidByBasis: speakerBasis(item, pitch),
          author: authorName,
          createdAt: item.createdAt,
        });
      }
      const placed = placementByPitch.get(pitch.id);
      const room = placed ? roomById.get(placed.roomId) : undefined;
      const slot = placed ? slotById.get(placed.slotId) : undefined;
      // A long session ends with the last slot it covers (as far as its slots still fit).
      const lastId = slot ? coverage(slotRows, slot.id, pitch.span).slotIds.at(-1) : undefined;
      const last = (lastId && slotById.get(lastId)) || slot;
      return {
        id: pitch.id,
        number: numbers.get(pitch.id) ?? 0,
        guid: stableUuid("pitch", pitch.id),
        url: `${eventUrl}/s/${pitch.id}`,
        title: pitch.title,
        description: pitch.description,
        descriptionHtml: pitch.descriptionHtml,
        tags: Array.isArray(pitch.tags) ? pitch.tags.filter((t): t is string => typeof t === "string") : [],
        chathamHouse: pitch.chathamHouse,
        notesLocked: pitch.notesLocked,
        // Its own link, else its room's (a plenary is in every room: its own only).
        remoteUrl: pitch.remoteUrl ?? (slot && slot.kind !== "plenary" ? (room?.remoteUrl ?? null) : null),
        ownRemoteUrl: pitch.remoteUrl ?? null,
        span: pitch.span,
        needs: Array.isArray(pitch.needs) ? pitch.needs : [],
        pitcher: pitcherName,
        coHosts: coHostNames,
        authors,
        createdAt: pitch.createdAt,
        placement:
          placed && room && slot
            ? {
                room: room.name,
                roomGuid: stableUuid("room", room.id),
                localStart: slot.localStart,
                localEnd: (last ?? slot).localEnd,
                slots: pitch.span,
                slotKind: slot.kind,
                slotLabel: slot.label,
                pinned: placed.pinned,
              }
            : null,
        items,
        photos: photosByPitch.get(pitch.id) ?? [],
        ...(feedbackByPitch.has(pitch.id) ? { feedback: feedbackByPitch.get(pitch.id) } : {}),
      };
    });

    let ballots: string[][] | undefined;
    if (options.withBallots) {
      const openIds = new Set(sessions.map((s) => s.id));
      const byVoter = new Map<string, string[]>();
      for (const v of tx
        .select({ pitchId: votes.pitchId, attendeeId: votes.attendeeId })
        .from(votes)
        .where(eq(votes.eventId, event.id))
        .all()) {
        if (!openIds.has(v.pitchId)) continue;
        const ballot = byVoter.get(v.attendeeId);
        if (ballot) ballot.push(v.pitchId);
        else byVoter.set(v.attendeeId, [v.pitchId]);
      }
      // Only the sets of votes leave this function, never who cast them.
      ballots = [...byVoter.values()];
    }

    const roomOrder = new Map(roomRows.map((r, i) => [r.name, i]));
    return {
      event: {
        slug: event.slug,
        name: event.name,
        date: event.date,
        timeZone: event.timeZone,
        url: eventUrl,
        private: event.passcodeHash !== null,
        pitchingOpen: event.pitchingOpen,
        votingOpen: event.votingOpen,
        votesPerAttendee: event.votesPerAttendee,
        blindVoting: event.blindVoting,
        shufflePitches: event.shufflePitches,
      },
      origin,
      generatedAt: (options.now ?? new Date()).toISOString(),
      rooms: roomRows.map((r) => ({
        name: r.name,
        capacity: r.capacity,
        guid: stableUuid("room", r.id),
        features: Array.isArray(r.features) ? r.features : [],
        remoteUrl: r.remoteUrl,
      })),
      slots: slotRows.map((s) => ({ localStart: s.localStart, localEnd: s.localEnd, kind: s.kind, label: s.label })),
      sessions: sortSessions(sessions, roomOrder),
      ...(ballots ? { ballots } : {}),
    };
  });
}

/** The scheduled sessions as calendar entries: one UID per session, the same as in "My sessions". */
export function scheduleEntries(model: EventExport): CalendarEntry[] {
  const host = new URL(model.origin).host;
  return model.sessions.flatMap((session): CalendarEntry[] => {
    const p = session.placement;
    if (!p) return [];
    return [
      {
        uid: `${session.id}@${host}`,
        localStart: p.localStart,
        localEnd: p.localEnd,
        summary: session.title,
        location: p.slotKind === "plenary" ? "All rooms" : p.room,
        description: session.description || undefined,
        url: session.url,
        conference: session.remoteUrl ?? undefined,
      },
    ];
  });
}

export function scheduleCalendar(model: EventExport): string {
  return buildCalendar(model.event, model.event.name, scheduleEntries(model));
}

type Tx = Parameters<Parameters<ServiceContext["db"]["transaction"]>[0]>[0];

/** Markdown sources per render job while importing (a few seconds of work on a busy machine). */
const RENDER_BATCH = 2000;

/** How long one import transaction may hold the event loop before it gives way (ms). */
const IMPORT_SLICE_MS = 20;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Runs writes in order, as many per transaction as fit in IMPORT_SLICE_MS,
 * with a turn of the event loop between transactions: the server keeps
 * answering other requests while a large import is written.
 */
async function writeInSlices(db: ServiceContext["db"], steps: Array<(tx: Tx) => void>): Promise<void> {
  let next = 0;
  while (next < steps.length) {
    await yieldToEventLoop();
    const until = performance.now() + IMPORT_SLICE_MS;
    db.transaction((tx) => {
      do (steps[next++] as (tx: Tx) => void)(tx);
      while (next < steps.length && performance.now() < until);
    });
  }
}

/**
 * Creates a new event from a whole-event file; the caller becomes its organiser.
 *
 * A file is bounded (importLimits in app/schemas/limits.ts) and its checking
 * (importCheck.ts) and Markdown run in the worker thread, so what is left
 * here is the writing, done in short transactions (writeInSlices). Nobody
 * knows the new event's address until this returns; if a write fails, the
 * event is deleted again (its rows go with it) and the error stands.
 */
export async function importEvent(
  ctx: ServiceContext,
  input: { file?: unknown; source?: string; passcode?: string },
  who: { ip: string },
): Promise<{ event: Event; organiserKey: string; file: EventFile }> {
  await ctx.limiter.consume({ ip: who.ip });
  const source = input.source ?? JSON.stringify(input.file ?? null);
  const job = { kind: "import", source } as const;
  const { file } = ctx.heavy ? await ctx.heavy.run(job) : checkImport(source);
  const passcode = input.passcode?.trim() || undefined;
  if (file.event.private && !passcode) {
    const message = "This event was private: give it a passcode, so it stays private here.";
    throw new ServiceError("invalid", message, { passcode: [message] });
  }
  const organiserKey = newSecretKey();
  // Every description and note rendered once, now, as the app stores them: in the worker, a bounded
  // batch per job, so no job nears the pool's time limit and other exports get a turn between them.
  const sources = file.sessions.flatMap((session) => [
    session.description,
    ...session.notes.flatMap((note) => [note.text, note.blocker ?? "", note.impact ?? "", note.helped ?? ""]),
  ]);
  const rendered: string[] = [];
  for (let from = 0; from < sources.length; from += RENDER_BATCH) {
    const batch = sources.slice(from, from + RENDER_BATCH);
    rendered.push(...(ctx.heavy ? await ctx.heavy.run({ kind: "render", sources: batch }) : batch.map(renderMarkdown)));
  }
  let at = 0;
  const take = () => rendered[at++] ?? "";
  const storedHtml = file.sessions.map((session) => ({
    description: take(),
    notes: session.notes.map(() => ({ text: take(), blocker: take(), impact: take(), helped: take() })),
  }));

  const eventId = newId();
  // Photos are read and re-encoded like uploads (nothing in the file is trusted), one at a time.
  // Loaded here, not at the top: the export worker threads import this module and never need sharp.
  const { makePhoto, photoQueue } = await import("./photoImage.server");
  const madePhotos: Array<Array<{ id: string; alt: string; createdAt: string; made: MadePhoto }>> = [];
  for (const [i, session] of file.sessions.entries()) {
    const made: (typeof madePhotos)[number] = [];
    for (const [j, photo] of (session.photos ?? []).entries()) {
      try {
        made.push({
          id: newId(),
          alt: photo.alt,
          createdAt: photo.createdAt,
          made: await photoQueue(() => makePhoto(Buffer.from(photo.jpeg, "base64"))),
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new ServiceError("invalid", message, { [`sessions.${i}.photos.${j}`]: [message] });
      }
    }
    madePhotos.push(made);
  }
  const photoDir = photoPaths(photosDirOf(ctx), eventId, "x").dir;
  if (madePhotos.some((list) => list.length)) {
    mkdirSync(photoDir, { recursive: true });
    for (const list of madePhotos) {
      for (const photo of list) {
        const paths = photoPaths(photosDirOf(ctx), eventId, photo.id);
        writeFileSync(paths.web, photo.made.web.data);
        writeFileSync(paths.thumb, photo.made.thumb.data);
      }
    }
  }
  let event: Event | undefined;
  const steps: Array<(tx: Tx) => void> = [];
  steps.push((tx) => {
    event = tx
      .insert(events)
      .values({
        id: eventId,
        slug: freeSlug(tx, file.event.name),
        name: file.event.name,
        date: file.event.date,
        timeZone: file.event.timeZone,
        organiserKeyHash: hashSecret(organiserKey),
        passcodeHash: passcode ? hashSecret(passcode) : null,
        pitchingOpen: file.event.pitchingOpen,
        votingOpen: file.event.votingOpen,
        votesPerAttendee: file.event.votesPerAttendee,
        blindVoting: file.event.blindVoting,
        shufflePitches: file.event.shufflePitches,
      })
      .returning()
      .get();
  });
  const roomIds = new Map<string, string>();
  file.rooms.forEach((room, position) => {
    const id = newId();
    roomIds.set(room.name, id);
    steps.push((tx) => {
      tx.insert(rooms)
        .values({
          id,
          eventId,
          name: room.name,
          capacity: room.capacity,
          position,
          features: room.features ?? [],
          remoteUrl: room.remoteUrl ?? null,
        })
        .run();
    });
  });
  const slotIds = new Map<string, string>();
  for (const slot of file.timeSlots) {
    const id = newId();
    slotIds.set(slot.start, id);
    steps.push((tx) => {
      tx.insert(timeSlots)
        .values({ id, eventId, localStart: slot.start, localEnd: slot.end, kind: slot.kind, label: slot.label })
        .run();
    });
  }
  // Named people (pitchers and note-takers who chose to be named) become attendees who keep that choice.
  const people = new Map<string, string>();
  const person = (tx: Tx, name: string | null): string | null => {
    if (!name) return null;
    const known = people.get(name);
    if (known) return known;
    const id = newId();
    tx.insert(attendees).values({ id, eventId, name, nameInWriteups: true }).run();
    people.set(name, id);
    return id;
  };
  const pitchIds = file.sessions.map(() => newId());
  file.sessions.forEach((session, i) => {
    const id = pitchIds[i] as string;
    const html = storedHtml[i];
    steps.push((tx) => {
      tx.insert(pitches)
        .values({
          id,
          eventId,
          attendeeId: person(tx, session.pitcher),
          title: session.title,
          description: session.description,
          descriptionHtml: html?.description ?? "",
          tags: session.tags,
          span: session.slots ?? 1,
          needs: session.needs ?? [],
          remoteUrl: session.remoteUrl ?? null,
          status: "open",
          chathamHouse: session.chathamHouse,
          notesLocked: session.notesLocked,
          createdAt: session.createdAt,
        })
        .run();
      const placement = session.placement;
      const roomId = placement && roomIds.get(placement.room);
      const slotId = placement && slotIds.get(placement.start);
      if (placement && roomId && slotId) {
        tx.insert(placements).values({ pitchId: id, eventId, roomId, slotId, pinned: placement.pinned }).run();
      }
      for (const photo of madePhotos[i] ?? []) {
        tx.insert(photos)
          .values({
            id: photo.id,
            eventId,
            pitchId: id,
            uploaderId: null,
            alt: photo.alt,
            width: photo.made.web.width,
            height: photo.made.web.height,
            bytes: photo.made.web.data.byteLength,
            thumbWidth: photo.made.thumb.width,
            thumbHeight: photo.made.thumb.height,
            createdAt: photo.createdAt,
          })
          .run();
      }
    });
    session.notes.forEach((note, j) => {
      steps.push((tx) => {
        tx.insert(capturedItems)
          .values({
            id: newId(),
            eventId,
            pitchId: id,
            authorId: person(tx, note.author),
            kind: note.kind,
            text: note.text,
            blocker: note.blocker,
            impact: note.impact,
            helped: note.helped,
            html: html?.notes[j] ?? NO_ITEM_HTML,
            saidBy: note.saidBy,
            saidByConsent: note.saidBy !== null,
            createdAt: note.createdAt,
          })
          .run();
      });
    });
  });
  // Each ballot becomes one anonymous attendee with those votes.
  for (const ballot of file.ballots) {
    if (ballot.length === 0) continue;
    steps.push((tx) => {
      const voter = newId();
      tx.insert(attendees).values({ id: voter, eventId, name: "", nameInWriteups: false }).run();
      const cast = ballot.flatMap((index) => {
        const pitchId = pitchIds[index];
        return pitchId ? [{ eventId, pitchId, attendeeId: voter }] : [];
      });
      if (cast.length > 0) tx.insert(votes).values(cast).run();
    });
  }
  steps.push((tx) => {
    audit(tx, {
      eventId,
      action: "event.import",
      detail: { name: file.event.name, sessions: file.sessions.length, rooms: file.rooms.length },
    });
  });
  try {
    await writeInSlices(ctx.db, steps);
  } catch (error) {
    if (event) ctx.db.delete(events).where(eq(events.id, eventId)).run();
    rmSync(photoDir, { recursive: true, force: true });
    throw error;
  }
  if (!event) throw new Error("The imported event was not written.");
  return { event, organiserKey, file };
}
