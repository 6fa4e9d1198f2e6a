import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { type Attendee, type Event, attendees, events } from "../../db/schema";
import type { ServiceContext } from "./context.server";
import { ServiceError } from "./errors";
import { type Identity, sameSecret, sameTag } from "./identity.server";
import { prepared } from "./prepared.server";

/** Who is asking, for one event. Every service call starts from one of these. */
export interface Viewer {
  event: Event;
  attendee: Attendee | null;
  isOrganiser: boolean;
  /** False while a passcode-protected event waits for its passcode. */
  hasAccess: boolean;
  ip: string;
  /** The organiser key from the cookie, to show the organiser link again. */
  organiserKey: string | null;
}

const P = sql.placeholder;

/** Who is asking is resolved on every page load and socket join: statements prepared once (prepared.server.ts). */
const viewerStatements = (db: Db) => ({
  eventBySlug: db
    .select()
    .from(events)
    .where(eq(events.slug, P("slug")))
    .prepare(),
  eventById: db
    .select()
    .from(events)
    .where(eq(events.id, P("id")))
    .prepare(),
  attendee: db
    .select()
    .from(attendees)
    .where(and(eq(attendees.id, P("attendeeId")), eq(attendees.eventId, P("eventId"))))
    .prepare(),
});

export function findEventBySlug(ctx: Pick<ServiceContext, "db">, slug: string): Event | undefined {
  return prepared(ctx.db, viewerStatements).eventBySlug.get({ slug });
}

export function findEventById(ctx: Pick<ServiceContext, "db">, id: string): Event | undefined {
  return prepared(ctx.db, viewerStatements).eventById.get({ id });
}

/** The attendee an identity joined `eventId` as, if that row still belongs to the event. */
export function findAttendee(ctx: Pick<ServiceContext, "db">, eventId: string, attendeeId: string): Attendee | null {
  return prepared(ctx.db, viewerStatements).attendee.get({ attendeeId, eventId }) ?? null;
}

/**
 * What an identity may do in an event, from the event row's secrets alone: the
 * one rule for HTTP requests and for sockets, which apply it again whenever
 * the passcode or organiser key changes.
 */
export function accessOf(
  event: Pick<Event, "id" | "organiserKeyHash" | "passcodeHash">,
  identity: Identity,
): { isOrganiser: boolean; hasAccess: boolean; organiserKey: string | null } {
  const key = identity.o[event.id];
  const isOrganiser = key !== undefined && sameSecret(key, event.organiserKeyHash);
  const hasAccess = !event.passcodeHash || isOrganiser || sameTag(identity.p[event.id], event.passcodeHash);
  return { isOrganiser, hasAccess, organiserKey: isOrganiser ? (key ?? null) : null };
}

export function resolveViewer(ctx: Pick<ServiceContext, "db">, event: Event, identity: Identity, ip: string): Viewer {
  const attendeeId = identity.a[event.id];
  const attendee = attendeeId ? findAttendee(ctx, event.id, attendeeId) : null;
  return { event, attendee, ip, ...accessOf(event, identity) };
}

export function viewerForSlug(ctx: Pick<ServiceContext, "db">, slug: string, identity: Identity, ip: string): Viewer {
  const event = findEventBySlug(ctx, slug);
  if (!event) throw new ServiceError("not_found", "There is no event at this address.");
  return resolveViewer(ctx, event, identity, ip);
}

export function requireAccess(viewer: Viewer): void {
  if (!viewer.hasAccess) throw new ServiceError("forbidden", "This event is private: enter its passcode first.");
}

export function requireOrganiser(viewer: Viewer): void {
  if (!viewer.isOrganiser) {
    throw new ServiceError("forbidden", "Only organisers can do this. Open the organiser link to become one.");
  }
}

export function requireAttendee(viewer: Viewer): Attendee {
  requireAccess(viewer);
  if (!viewer.attendee)
    throw new ServiceError("forbidden", "Join the event first: enter your name (or leave it blank).");
  return viewer.attendee;
}
