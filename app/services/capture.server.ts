import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db as Connection } from "../../db/client";
import {
  type CapturedItem,
  type Pitch,
  attendees,
  capturedItems,
  pitches,
  placements,
  rooms,
  timeSlots,
} from "../../db/schema";
import { displayName, speakerName } from "../domain/attribution";
import { renderItemHtml, storedHtml } from "../domain/markdown.server";
import type { ItemView } from "../realtime/contract";
import { photoStampOf, stampOf } from "../realtime/stamp";
import {
  addItemSchema,
  chathamSchema,
  editItemSchema,
  itemIdSchema,
  lockSchema,
  mentionConsentSchema,
} from "../schemas/capture";
import { idSchema } from "../schemas/event";
import { type Tx, audit } from "./audit.server";
import { feedbackForPage } from "./feedback.server";
import { photoView, sessionPhotos } from "./photos.server";
import type { ServiceContext } from "./context.server";
import { ServiceError } from "./errors";
import { prepared } from "./prepared.server";
import { validate } from "./validate";
import { type Viewer, requireAccess, requireAttendee, requireOrganiser } from "./viewer.server";

/** Live capture: one write path per command, used by the session page's form and by sockets. */

type Db = Tx | ServiceContext["db"];

/** An item as pages and pushes show it: the HTML stored when it was written, never rendered per view. */
export function itemView(item: CapturedItem, session: { chathamHouse: boolean }): ItemView {
  return {
    id: item.id,
    kind: item.kind,
    textHtml: storedHtml(item.text, item.html.text),
    blockerHtml: storedHtml(item.blocker, item.html.blocker),
    impactHtml: storedHtml(item.impact, item.html.impact),
    helpedHtml: storedHtml(item.helped, item.html.helped),
    speaker: speakerName(item, session),
    createdAt: item.createdAt,
    changedAt: item.updatedAt ?? item.createdAt,
    edited: item.updatedAt !== null,
  };
}

export function findSession(db: Db, viewer: Viewer, pitchId: string): Pitch {
  return shownSession(
    db
      .select()
      .from(pitches)
      .where(and(eq(pitches.id, pitchId), eq(pitches.eventId, viewer.event.id)))
      .get(),
  );
}

function shownSession(pitch: Pitch | undefined): Pitch {
  if (!pitch || pitch.status === "hidden" || pitch.status === "withdrawn") {
    throw new ServiceError("not_found", "There is no such session in this event.");
  }
  return pitch;
}

const P = sql.placeholder;
type ItemInsert = typeof capturedItems.$inferInsert;

/** addItem's statements, prepared once per connection (live capture is a hot path; why: prepared.server.ts). */
const addItemStatements = (db: Connection) => ({
  session: db
    .select()
    .from(pitches)
    .where(and(eq(pitches.id, P("pitchId")), eq(pitches.eventId, P("eventId"))))
    .prepare(),
  item: db
    .select()
    .from(capturedItems)
    .where(eq(capturedItems.id, P("id")))
    .prepare(),
  /** One insert per set of columns: the set comes from the code that builds the row, so a column added there is never left out. */
  inserts: new Map<string, ReturnType<typeof prepareInsert>>(),
});

function prepareInsert(db: Connection, columns: readonly string[]) {
  const values = Object.fromEntries(columns.map((column) => [column, P(column)]));
  return db
    .insert(capturedItems)
    .values(values as unknown as ItemInsert)
    .returning()
    .prepare();
}

function insertItem(db: Connection, row: ItemInsert): CapturedItem {
  const { inserts } = prepared(db, addItemStatements);
  // A column left undefined takes its default, as drizzle's builder does.
  const columns = Object.keys(row)
    .filter((column) => row[column as keyof ItemInsert] !== undefined)
    .sort();
  const key = columns.join();
  let insert = inserts.get(key);
  if (!insert) {
    insert = prepareInsert(db, columns);
    inserts.set(key, insert);
  }
  return insert.get(row) as CapturedItem;
}

function canSetChatham(viewer: Viewer, pitch: Pitch): boolean {
  return viewer.isOrganiser || (viewer.attendee !== null && pitch.attendeeId === viewer.attendee.id);
}

/** Everything the session page shows. */
export function sessionPage(ctx: Pick<ServiceContext, "db">, viewer: Viewer, pitchIdInput: unknown) {
  requireAccess(viewer);
  const pitchId = validate(idSchema, pitchIdInput);
  const pitch = findSession(ctx.db, viewer, pitchId);
  const pitcher = pitch.attendeeId
    ? ctx.db.select().from(attendees).where(eq(attendees.id, pitch.attendeeId)).get()
    : undefined;
  const where = ctx.db
    .select({
      room: rooms.name,
      localStart: timeSlots.localStart,
      localEnd: timeSlots.localEnd,
      kind: timeSlots.kind,
      label: timeSlots.label,
    })
    .from(placements)
    .innerJoin(rooms, eq(rooms.id, placements.roomId))
    .innerJoin(timeSlots, eq(timeSlots.id, placements.slotId))
    .where(eq(placements.pitchId, pitch.id))
    .get();
  const rows = ctx.db
    .select()
    .from(capturedItems)
    .where(and(eq(capturedItems.pitchId, pitch.id), eq(capturedItems.hidden, false)))
    .orderBy(asc(capturedItems.createdAt), asc(capturedItems.id))
    .all();
  const me = viewer.attendee?.id;
  return {
    session: {
      id: pitch.id,
      title: pitch.title,
      descriptionHtml: storedHtml(pitch.description, pitch.descriptionHtml),
      pitcherName: displayName(pitcher),
      mergedIntoId: pitch.status === "merged" ? pitch.mergedIntoId : null,
      chathamHouse: pitch.chathamHouse,
      notesLocked: pitch.notesLocked,
      where: where ?? null,
    },
    items: rows.map((row) => ({
      ...itemView(row, pitch),
      mine: me !== undefined && row.authorId === me,
      // What the author typed, so they can edit it; never sent to anyone else.
      own:
        me !== undefined && row.authorId === me
          ? {
              text: row.text,
              blocker: row.blocker ?? "",
              impact: row.impact ?? "",
              helped: row.helped ?? "",
              saidBy: row.saidBy ?? "",
              saidByConsent: row.saidByConsent,
              mentionId: row.mentionId ?? "",
            }
          : null,
    })),
    photos: sessionPhotos(ctx.db, pitch.id).map((photo) => ({
      ...photoView(photo),
      mine: me !== undefined && photo.uploaderId === me,
    })),
    feedback: feedbackForPage(ctx, viewer, pitch),
    canModerate: viewer.isOrganiser,
    canSetChatham: canSetChatham(viewer, pitch),
    canCapture: viewer.attendee !== null && !pitch.notesLocked && pitch.status === "open",
  };
}

/**
 * The columns a note-taker sets, the same on add and edit: story fields only
 * for a blocker story, and their HTML rendered here, once, for every later view and export.
 */
function itemColumns(data: {
  kind: CapturedItem["kind"];
  text: string;
  blocker: string;
  impact: string;
  helped: string;
  saidBy: string;
  saidByConsent: boolean;
  mentionId: string | null;
}) {
  const story = data.kind === "blocker";
  const markdown = {
    text: data.text,
    blocker: story ? data.blocker : null,
    impact: story ? data.impact : null,
    helped: story ? data.helped : null,
  };
  return {
    kind: data.kind,
    ...markdown,
    html: renderItemHtml(markdown),
    saidBy: data.saidBy || null,
    saidByConsent: data.saidByConsent,
    mentionId: data.saidBy ? data.mentionId : null,
  };
}

/** A mention must name someone who joined this event (not another event's attendee, not a forged id). */
function checkMention(tx: Db, eventId: string, mentionId: string | null): string | null {
  if (!mentionId) return null;
  const person = tx
    .select({ id: attendees.id, name: attendees.name })
    .from(attendees)
    .where(and(eq(attendees.id, mentionId), eq(attendees.eventId, eventId)))
    .get();
  if (!person) {
    throw new ServiceError(
      "invalid",
      "That person is not part of this event. Pick a name from the suggestions, or type a name without picking.",
      { saidBy: ["That person is not part of this event."] },
    );
  }
  return person.name.trim() || null;
}

/** How many items name this person: the "Your mentions (N)" link. */
export function mentionCount(ctx: Pick<ServiceContext, "db">, eventId: string, attendeeId: string): number {
  return (
    ctx.db
      .select({ n: sql<number>`count(*)` })
      .from(capturedItems)
      .where(
        and(
          eq(capturedItems.eventId, eventId),
          eq(capturedItems.mentionId, attendeeId),
          eq(capturedItems.hidden, false),
        ),
      )
      .get()?.n ?? 0
  );
}

function announceMentions(ctx: ServiceContext, eventId: string, ...attendeeIds: Array<string | null | undefined>) {
  for (const id of new Set(attendeeIds)) if (id) ctx.publish.mentions(id, mentionCount(ctx, eventId, id));
}

/** Every item that names this person, with the choice they made for each. */
export function myMentions(ctx: Pick<ServiceContext, "db">, viewer: Viewer) {
  const me = requireAttendee(viewer);
  const author = alias(attendees, "author");
  return ctx.db
    .select({ item: capturedItems, session: pitches, author })
    .from(capturedItems)
    .innerJoin(pitches, eq(pitches.id, capturedItems.pitchId))
    .leftJoin(author, eq(author.id, capturedItems.authorId))
    .where(
      and(
        eq(capturedItems.eventId, viewer.event.id),
        eq(capturedItems.mentionId, me.id),
        eq(capturedItems.hidden, false),
      ),
    )
    .orderBy(asc(capturedItems.createdAt), asc(capturedItems.id))
    .all()
    .map(({ item, session, author }) => ({
      ...itemView(item, session),
      sessionId: session.id,
      sessionTitle: session.title,
      chathamHouse: session.chathamHouse,
      notedBy: displayName(author),
      saidBy: item.saidBy ?? "",
      choice: item.mentionConsent,
    }));
}

/**
 * Only the person named decides: "named" shows their name (unless the session
 * is under the Chatham House rule) on every page, push and later export.
 */
export async function setMentionConsent(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<ItemView> {
  const me = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: me.id });
  const { id, choice } = validate(mentionConsentSchema, input);
  const { row, pitch } = ctx.db.transaction((tx) => {
    const row = tx
      .select()
      .from(capturedItems)
      .where(and(eq(capturedItems.id, id), eq(capturedItems.eventId, viewer.event.id)))
      .get();
    if (!row || row.hidden) throw new ServiceError("not_found", "That note is not here any more.");
    if (row.mentionId !== me.id)
      throw new ServiceError("forbidden", "Only the person named in a note can decide this.");
    // Whatever became of the session (hidden, merged), the person named can still change their mind.
    const pitch = tx.select().from(pitches).where(eq(pitches.id, row.pitchId)).get() as Pitch;
    const updated = tx
      .update(capturedItems)
      .set({ mentionConsent: choice })
      .where(eq(capturedItems.id, id))
      .returning()
      .get();
    return { row: updated, pitch };
  });
  const item = itemView(row, pitch);
  ctx.publish.itemUpserted(pitch.id, item);
  return item;
}

function requireWritable(pitch: Pitch) {
  if (pitch.notesLocked)
    throw new ServiceError("forbidden", "The notes of this session are locked. Ask an organiser to unlock them.");
  if (pitch.status !== "open")
    throw new ServiceError("conflict", "This session was merged into another one: add notes there.");
}

/**
 * Stores a captured item once: the id comes from the note-taker's client, so
 * a retry after a lost acknowledgement returns the stored item unchanged.
 */
export async function addItem(
  ctx: ServiceContext,
  viewer: Viewer,
  input: unknown,
): Promise<{ item: ItemView; duplicate: boolean }> {
  const attendee = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: attendee.id });
  const data = validate(addItemSchema, input);
  const q = prepared(ctx.db, addItemStatements);
  // The prepared statements run on the connection, so inside this transaction.
  const outcome = ctx.db.transaction(
    (tx) => {
      const pitch = shownSession(q.session.get({ pitchId: data.pitchId, eventId: viewer.event.id }));
      const existing = q.item.get({ id: data.id });
      if (existing) {
        // A retry may name a session that was merged since: the item moved with it.
        const sameSession =
          existing.pitchId === pitch.id || (pitch.status === "merged" && pitch.mergedIntoId === existing.pitchId);
        if (existing.authorId !== attendee.id || !sameSession) {
          throw new ServiceError("conflict", "That item id is already taken. Reload the page and add it again.");
        }
        return { row: existing, pitch, duplicate: true };
      }
      requireWritable(pitch);
      // A linked note shows the name the person joined with, not a suggestion's label.
      // Checked as stored: no "Said by", no link (a bare mention id must not name anyone).
      const columns = itemColumns(data);
      const mentioned = checkMention(tx, viewer.event.id, columns.mentionId);
      const row = insertItem(ctx.db, {
        id: data.id,
        eventId: viewer.event.id,
        pitchId: pitch.id,
        authorId: attendee.id,
        ...columns,
        ...(mentioned ? { saidBy: mentioned } : {}),
      });
      return { row, pitch, duplicate: false };
    },
    { behavior: "immediate" },
  );
  const item = itemView(outcome.row, outcome.pitch);
  if (!outcome.duplicate) {
    ctx.publish.itemUpserted(outcome.pitch.id, item);
    announceMentions(ctx, viewer.event.id, outcome.row.mentionId);
  }
  return { item, duplicate: outcome.duplicate };
}

function ownItem(tx: Db, viewer: Viewer, id: string): { row: CapturedItem; pitch: Pitch } {
  const attendee = requireAttendee(viewer);
  const row = tx
    .select()
    .from(capturedItems)
    .where(and(eq(capturedItems.id, id), eq(capturedItems.eventId, viewer.event.id)))
    .get();
  if (!row || row.hidden) throw new ServiceError("not_found", "That item is not here any more.");
  if (row.authorId !== attendee.id)
    throw new ServiceError("forbidden", "Only the person who wrote an item can change it.");
  const pitch = findSession(tx, viewer, row.pitchId);
  requireWritable(pitch);
  return { row, pitch };
}

export async function editItem(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<ItemView> {
  const attendee = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: attendee.id });
  const data = validate(editItemSchema, input);
  const { row, pitch, before } = ctx.db.transaction((tx) => {
    const { row: before, pitch } = ownItem(tx, viewer, data.id);
    const columns = itemColumns(data);
    const mentioned = checkMention(tx, viewer.event.id, columns.mentionId);
    const updated = tx
      .update(capturedItems)
      .set({
        ...columns,
        ...(mentioned ? { saidBy: mentioned } : {}),
        // Someone newly named has not chosen yet; the same person keeps their choice.
        mentionConsent: columns.mentionId === before.mentionId ? before.mentionConsent : "asked",
        updatedAt: new Date().toISOString(),
      })
      .where(eq(capturedItems.id, data.id))
      .returning()
      .get();
    return { row: updated, pitch, before };
  });
  const item = itemView(row, pitch);
  ctx.publish.itemUpserted(pitch.id, item);
  if (before.mentionId !== row.mentionId) announceMentions(ctx, viewer.event.id, before.mentionId, row.mentionId);
  return item;
}

export async function deleteItem(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<void> {
  const attendee = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: attendee.id });
  const { id } = validate(itemIdSchema, input);
  const row = ctx.db.transaction((tx) => {
    const { row } = ownItem(tx, viewer, id);
    tx.delete(capturedItems).where(eq(capturedItems.id, id)).run();
    return row;
  });
  ctx.publish.itemRemoved(row.pitchId, id);
  announceMentions(ctx, viewer.event.id, row.mentionId);
}

/** Organisers moderate any item: it disappears for everyone and from exports; the audit keeps a trace. */
export async function hideItem(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<void> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const { id } = validate(itemIdSchema, input);
  const eventId = viewer.event.id;
  const hidden = ctx.db.transaction((tx) => {
    const row = tx
      .select()
      .from(capturedItems)
      .where(and(eq(capturedItems.id, id), eq(capturedItems.eventId, eventId)))
      .get();
    if (!row || row.hidden) throw new ServiceError("not_found", "That item is not here any more.");
    tx.update(capturedItems).set({ hidden: true }).where(eq(capturedItems.id, id)).run();
    audit(tx, { eventId, action: "item.hide", targetId: id, detail: { kind: row.kind } });
    return row;
  });
  ctx.publish.itemRemoved(hidden.pitchId, id);
  announceMentions(ctx, eventId, hidden.mentionId);
}

/** Organisers and the session's pitcher mark it Chatham House: no name is shown or exported. */
export async function setChathamHouse(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<void> {
  requireAccess(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: viewer.attendee?.id });
  const { pitchId, on } = validate(chathamSchema, input);
  ctx.db.transaction((tx) => {
    const pitch = findSession(tx, viewer, pitchId);
    if (!canSetChatham(viewer, pitch)) {
      throw new ServiceError("forbidden", "Only organisers and the person who pitched this session can change this.");
    }
    tx.update(pitches).set({ chathamHouse: on }).where(eq(pitches.id, pitch.id)).run();
    audit(tx, {
      eventId: viewer.event.id,
      actor: viewer.isOrganiser ? "organiser" : "attendee",
      action: on ? "chatham.on" : "chatham.off",
      targetId: pitch.id,
    });
  });
  publishSessionState(ctx, pitchId, true);
}

/** After a session's rule or lock changed: its viewers get the new state (and the items, when names change). */
function publishSessionState(ctx: ServiceContext, pitchId: string, withItems: boolean): void {
  const pitch = ctx.db.select().from(pitches).where(eq(pitches.id, pitchId)).get();
  if (!pitch) return;
  const items = withItems
    ? ctx.db
        .select()
        .from(capturedItems)
        .where(and(eq(capturedItems.pitchId, pitchId), eq(capturedItems.hidden, false)))
        .orderBy(asc(capturedItems.createdAt), asc(capturedItems.id))
        .all()
        .map((row) => itemView(row, pitch))
    : undefined;
  ctx.publish.sessionState({ pitchId, chathamHouse: pitch.chathamHouse, notesLocked: pitch.notesLocked, items });
}

export async function setNotesLocked(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<void> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const { pitchId, locked } = validate(lockSchema, input);
  ctx.db.transaction((tx) => {
    const pitch = findSession(tx, viewer, pitchId);
    tx.update(pitches).set({ notesLocked: locked }).where(eq(pitches.id, pitch.id)).run();
    audit(tx, { eventId: viewer.event.id, action: locked ? "notes.lock" : "notes.unlock", targetId: pitch.id });
  });
  publishSessionState(ctx, pitchId, false);
}

/**
 * Every tip and blocker story of the event, grouped by session: the day's
 * "what blocks us and what helped". The stories page reads it in a worker
 * thread, after checking that the viewer may see the event.
 */
export function readEventStories(db: Pick<ServiceContext["db"], "select">, eventId: string) {
  const sessions = db
    .select()
    .from(pitches)
    .where(and(eq(pitches.eventId, eventId), eq(pitches.status, "open")))
    .orderBy(asc(pitches.title))
    .all();
  const items = db
    .select()
    .from(capturedItems)
    .where(
      and(
        eq(capturedItems.eventId, eventId),
        eq(capturedItems.hidden, false),
        inArray(capturedItems.kind, ["tip", "blocker"]),
      ),
    )
    .orderBy(asc(capturedItems.createdAt))
    .all();
  // Grouped in one pass: filtering every item per session grew with sessions x items.
  const byPitch = new Map<string, CapturedItem[]>();
  for (const item of items) {
    const list = byPitch.get(item.pitchId);
    if (list) list.push(item);
    else byPitch.set(item.pitchId, [item]);
  }
  return sessions.flatMap((session) => {
    const own = byPitch.get(session.id);
    return own ? [{ id: session.id, title: session.title, items: own.map((i) => itemView(i, session)) }] : [];
  });
}

/** Whether this viewer may watch a session's live channel. */
/** Who may watch a session; answers with the session's rule, lock and items stamp. */
export function checkWatch(
  ctx: Pick<ServiceContext, "db">,
  viewer: Viewer,
  pitchId: string,
): { chathamHouse: boolean; notesLocked: boolean; stamp: string; photoStamp: string } {
  requireAccess(viewer);
  const pitch = findSession(ctx.db, viewer, pitchId);
  return {
    chathamHouse: pitch.chathamHouse,
    notesLocked: pitch.notesLocked,
    stamp: itemsStamp(ctx.db, pitch.id),
    photoStamp: photoStampOf(sessionPhotos(ctx.db, pitch.id).map((photo) => photo.id)),
  };
}

/**
 * Changes whenever a session's shown items do (added, edited, removed), so a
 * page that (re)watches the session can tell whether it missed something.
 */
export function itemsStamp(db: Db, pitchId: string): string {
  const session = db.select({ chathamHouse: pitches.chathamHouse }).from(pitches).where(eq(pitches.id, pitchId)).get();
  const rows = db
    .select()
    .from(capturedItems)
    .where(and(eq(capturedItems.pitchId, pitchId), eq(capturedItems.hidden, false)))
    .all();
  return stampOf(rows.map((row) => itemView(row, { chathamHouse: session?.chathamHouse ?? false })));
}
