import { feedbackSettingSchema } from "../schemas/photo";
import { eq, like, or } from "drizzle-orm";
import { type Event, events, timeSlots } from "../../db/schema";
import { daysBetween, shiftDays } from "../domain/timeSlots";
import { slugify, uniqueSlug } from "../domain/slug";
import {
  type CreateEventInput,
  announcementSchema,
  createEventSchema,
  enterPasscodeSchema,
  eventDetailsSchema,
  passcodeSettingSchema,
  votingSettingsSchema,
} from "../schemas/event";
import { type Tx, audit } from "./audit.server";
import { nextVersion, publishChange } from "./facts.server";
import type { ServiceContext } from "./context.server";
import { ServiceError } from "./errors";
import { hashSecret, sameSecret, tagOf } from "./identity.server";
import { newId, newSecretKey } from "./ids.server";
import { validate } from "./validate";
import { type Viewer, findEventBySlug, requireOrganiser } from "./viewer.server";

/** The slug for a new event's name: derived from it, with -2, -3, ... when taken. Call inside the writing transaction. */
export function freeSlug(tx: Tx, name: string): string {
  const base = slugify(name);
  const taken = new Set(
    tx
      .select({ slug: events.slug })
      .from(events)
      .where(or(eq(events.slug, base), like(events.slug, `${base}-%`)))
      .all()
      .map((row) => row.slug),
  );
  return uniqueSlug(base, taken);
}

/** Creates an event; the organiser key is returned once and only its hash is kept. */
export async function createEvent(
  ctx: ServiceContext,
  input: unknown,
  who: { ip: string },
): Promise<{ event: Event; organiserKey: string }> {
  await ctx.limiter.consume({ ip: who.ip });
  const data: CreateEventInput = validate(createEventSchema, input);
  await ctx.limiter.consumeNewEvent(who.ip);
  const organiserKey = newSecretKey();
  const event = ctx.db.transaction((tx) => {
    const created = tx
      .insert(events)
      .values({
        id: newId(),
        slug: freeSlug(tx, data.name),
        name: data.name,
        date: data.date,
        timeZone: data.timeZone,
        organiserKeyHash: hashSecret(organiserKey),
        passcodeHash: data.passcode ? hashSecret(data.passcode) : null,
      })
      .returning()
      .get();
    audit(tx, { eventId: created.id, action: "event.create", detail: { name: data.name } });
    return created;
  });
  return { event, organiserKey };
}

/** Checks an organiser link's key; the caller then remembers it in the cookie. */
export function claimOrganiser(ctx: Pick<ServiceContext, "db">, slug: string, key: string): Event {
  const event = findEventBySlug(ctx, slug);
  if (!event) throw new ServiceError("not_found", "There is no event at this address.");
  if (!key || key.length > 200 || !sameSecret(key, event.organiserKeyHash)) {
    throw new ServiceError(
      "forbidden",
      "That organiser link is not valid for this event. Ask whoever created the event for the current link.",
    );
  }
  return event;
}

/**
 * Checks a passcode typed by a visitor and returns the tag the caller keeps in
 * the cookie. Wrong guesses are limited per IP, so guessing is slow; right
 * ones are not counted, so a venue's typos do not lock everyone out.
 */
export async function enterPasscode(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<string> {
  const { passcode } = validate(enterPasscodeSchema, input);
  const hash = viewer.event.passcodeHash;
  if (!hash || !(await ctx.limiter.guess(viewer.ip, () => sameSecret(passcode, hash)))) {
    throw new ServiceError("forbidden", "That passcode is not right. Ask an organiser for it.", {
      passcode: ["That passcode is not right. Ask an organiser for it."],
    });
  }
  return tagOf(hash);
}

function updateEvent(
  ctx: ServiceContext,
  viewer: Viewer,
  changes: Partial<Event>,
  action: string,
  detail: Record<string, unknown>,
): Event {
  const updated = ctx.db.transaction((tx) => {
    tx.update(events).set(changes).where(eq(events.id, viewer.event.id)).run();
    audit(tx, { eventId: viewer.event.id, action, detail });
    nextVersion(tx, viewer.event.id);
    return tx.select().from(events).where(eq(events.id, viewer.event.id)).get() as Event;
  });
  // Joined sockets read settings from the cache; a new passcode drops those that used the old one.
  ctx.events.put(updated);
  publishChange(ctx, viewer.event.id, updated.version, { settings: true });
  return updated;
}

export async function updateVotingSettings(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<Event> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const data = validate(votingSettingsSchema, input);
  return updateEvent(ctx, viewer, data, "event.voting-settings", data);
}

export async function setVotingOpen(ctx: ServiceContext, viewer: Viewer, open: boolean): Promise<Event> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  return updateEvent(ctx, viewer, { votingOpen: open }, open ? "voting.open" : "voting.close", {});
}

export async function setPitchingOpen(ctx: ServiceContext, viewer: Viewer, open: boolean): Promise<Event> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  return updateEvent(ctx, viewer, { pitchingOpen: open }, open ? "pitching.open" : "pitching.close", {});
}

/** Switches session feedback on or off for the whole event ("Give feedback" on session pages from their start). */
export async function setFeedbackOn(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<Event> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const { on } = validate(feedbackSettingSchema, input);
  return updateEvent(ctx, viewer, { feedbackOn: on }, on ? "feedback.on" : "feedback.off", {});
}

/** Sets or clears the passcode; a new passcode sends everyone who used the old one back to the passcode form. */
export async function setPasscode(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<Event> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const { passcode } = validate(passcodeSettingSchema, input);
  return updateEvent(
    ctx,
    viewer,
    { passcodeHash: passcode ? hashSecret(passcode) : null },
    passcode ? "passcode.set" : "passcode.clear",
    {},
  );
}

/** Replaces the organiser key: every old organiser link and cookie stops working. */
export function rotateOrganiserKey(
  ctx: Pick<ServiceContext, "db"> & Partial<Pick<ServiceContext, "events">>,
  slug: string,
): { event: Event; organiserKey: string } {
  const event = findEventBySlug(ctx, slug);
  if (!event) throw new ServiceError("not_found", `There is no event with the slug "${slug}".`);
  const organiserKey = newSecretKey();
  const updated = ctx.db.transaction((tx) => {
    const row = tx
      .update(events)
      .set({ organiserKeyHash: hashSecret(organiserKey) })
      .where(eq(events.id, event.id))
      .returning()
      .get();
    audit(tx, { eventId: event.id, action: "organiser-key.rotate" });
    return row;
  });
  // In the server this drops old organisers' sockets at once; from `npm run organiser-link` (another
  // process, no cache) the server's cache sees the commit through SQLite's data_version instead.
  ctx.events?.put(updated);
  return { event: updated, organiserKey };
}

/** Tells everyone something now ("Room B moved upstairs"): every open page shows it at once. */
export async function announce(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<Event> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const { text } = validate(announcementSchema, input);
  return updateEvent(
    ctx,
    viewer,
    { announcement: text, announcementAt: new Date().toISOString() },
    "announcement.set",
    { text },
  );
}

export async function clearAnnouncement(ctx: ServiceContext, viewer: Viewer): Promise<Event> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  return updateEvent(ctx, viewer, { announcement: null, announcementAt: null }, "announcement.clear", {});
}

/**
 * Renames the event, or moves it to another date or time zone. Its slots keep
 * their wall-clock times and move with the date, so nothing placed is lost.
 */
export async function editEventDetails(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<Event> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const data = validate(eventDetailsSchema, input);
  const eventId = viewer.event.id;
  const { updated, days } = ctx.db.transaction((tx) => {
    const current = tx.select().from(events).where(eq(events.id, eventId)).get() as Event;
    const days = daysBetween(current.date, data.date);
    if (days !== 0) {
      for (const slot of tx.select().from(timeSlots).where(eq(timeSlots.eventId, eventId)).all()) {
        tx.update(timeSlots)
          .set({ localStart: shiftDays(slot.localStart, days), localEnd: shiftDays(slot.localEnd, days) })
          .where(eq(timeSlots.id, slot.id))
          .run();
      }
    }
    tx.update(events).set(data).where(eq(events.id, eventId)).run();
    audit(tx, { eventId, action: "event.edit", detail: { ...data, movedDays: days } });
    nextVersion(tx, eventId);
    return { updated: tx.select().from(events).where(eq(events.id, eventId)).get() as Event, days };
  });
  publishChange(ctx, eventId, updated.version, { settings: true, slots: days !== 0 });
  return updated;
}
