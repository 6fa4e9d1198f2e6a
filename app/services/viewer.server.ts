import { and, eq } from "drizzle-orm";
import { type Attendee, type Event, attendees, events } from "../../db/schema";
import type { ServiceContext } from "./context.server";
import { ServiceError } from "./errors";
import { type Identity, sameSecret, sameTag } from "./identity.server";

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

export function findEventBySlug(ctx: Pick<ServiceContext, "db">, slug: string): Event | undefined {
  return ctx.db.select().from(events).where(eq(events.slug, slug)).get();
}

export function resolveViewer(ctx: Pick<ServiceContext, "db">, event: Event, identity: Identity, ip: string): Viewer {
  const key = identity.o[event.id];
  const isOrganiser = key !== undefined && sameSecret(key, event.organiserKeyHash);
  const hasAccess = !event.passcodeHash || isOrganiser || sameTag(identity.p[event.id], event.passcodeHash);
  const attendeeId = identity.a[event.id];
  const attendee = attendeeId
    ? (ctx.db
        .select()
        .from(attendees)
        .where(and(eq(attendees.id, attendeeId), eq(attendees.eventId, event.id)))
        .get() ?? null)
    : null;
  return { event, attendee, isOrganiser, hasAccess, ip, organiserKey: isOrganiser ? (key ?? null) : null };
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
