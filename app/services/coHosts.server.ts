import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type Pitch, attendees, coHosts, pitches } from "../../db/schema";
import { displayName } from "../domain/attribution";
import { type CoHostLink, hostsOf } from "../domain/hosts";
import { coHostSchema, respondCoHostSchema } from "../schemas/people";
import type { Tx } from "./audit.server";
import type { ServiceContext } from "./context.server";
import { ServiceError } from "./errors";
import { nextVersion, publishChange } from "./facts.server";
import { validate } from "./validate";
import { type Viewer, requireAttendee } from "./viewer.server";

/**
 * Co-hosts: the pitcher invites people who joined; each invitee accepts or
 * declines on their own phone (`/e/:slug/me`). Only an accepted co-host is a
 * host: shown on the pitch, counted for clashes, allowed to edit the pitch.
 */

type Db = ServiceContext["db"] | Tx;

/** At most this many co-hosts (invited or accepted) per pitch. */
export const MAX_CO_HOSTS = 5;

const NOT_HERE = "That person has not joined this event, so they cannot co-host it. Pick someone from the suggestions.";

function findPitch(db: Db, eventId: string, pitchId: string): Pitch {
  const pitch = db
    .select()
    .from(pitches)
    .where(and(eq(pitches.id, pitchId), eq(pitches.eventId, eventId)))
    .get();
  if (!pitch) throw new ServiceError("not_found", "That pitch is not part of this event.");
  return pitch;
}

/** The co-host links of one pitch (every status). */
function linksOf(db: Db, pitchId: string): CoHostLink[] {
  return db
    .select({ pitchId: coHosts.pitchId, attendeeId: coHosts.attendeeId, status: coHosts.status })
    .from(coHosts)
    .where(eq(coHosts.pitchId, pitchId))
    .all();
}

/** The pitcher and accepted co-hosts of a pitch (attendee ids). */
export function hostIdsOf(db: Db, pitch: Pick<Pitch, "id" | "attendeeId">): string[] {
  return hostsOf(pitch, linksOf(db, pitch.id));
}

/**
 * The pitch a host may edit: open, and this attendee its pitcher or an
 * accepted co-host. The one authorisation rule for editing a pitch.
 */
export function editablePitch(db: Db, viewer: Viewer, pitchId: string): Pitch {
  const attendee = requireAttendee(viewer);
  const pitch = findPitch(db, viewer.event.id, pitchId);
  if (!hostIdsOf(db, pitch).includes(attendee.id)) {
    throw new ServiceError(
      "forbidden",
      "Only the person who pitched this session can change it (or a co-host who accepted).",
    );
  }
  if (pitch.status !== "open") {
    throw new ServiceError("conflict", "This pitch was withdrawn, hidden or merged and can no longer be edited.");
  }
  return pitch;
}

/** Invitations waiting for this attendee's answer. */
export function invitationCount(db: Db, eventId: string, attendeeId: string): number {
  return (
    db
      .select({ n: sql<number>`count(*)` })
      .from(coHosts)
      .innerJoin(pitches, eq(pitches.id, coHosts.pitchId))
      .where(
        and(
          eq(coHosts.eventId, eventId),
          eq(coHosts.attendeeId, attendeeId),
          eq(coHosts.status, "invited"),
          eq(pitches.status, "open"),
        ),
      )
      .get()?.n ?? 0
  );
}

/** Accepted co-hosts' names per pitch (as people joined; blank names are left out), for the pitch facts. */
export function coHostNames(db: Db, eventId: string, pitchIds?: readonly string[]): Map<string, string[]> {
  const rows = db
    .select({ pitchId: coHosts.pitchId, name: attendees.name, nameInWriteups: attendees.nameInWriteups })
    .from(coHosts)
    .innerJoin(attendees, eq(attendees.id, coHosts.attendeeId))
    .where(
      and(
        eq(coHosts.eventId, eventId),
        eq(coHosts.status, "accepted"),
        pitchIds ? inArray(coHosts.pitchId, [...pitchIds]) : undefined,
      ),
    )
    .orderBy(asc(coHosts.respondedAt), asc(coHosts.attendeeId))
    .all();
  const names = new Map<string, string[]>();
  for (const row of rows) {
    const name = displayName(row);
    if (!name) continue;
    const list = names.get(row.pitchId);
    if (list) list.push(name);
    else names.set(row.pitchId, [name]);
  }
  return names;
}

/** Accepted co-hosts of a pitch as export attribution reads them (their own write-up choice). */
export function coHostPeople(db: Db, pitchId: string): Array<{ name: string; nameInWriteups: boolean }> {
  return db
    .select({ name: attendees.name, nameInWriteups: attendees.nameInWriteups })
    .from(coHosts)
    .innerJoin(attendees, eq(attendees.id, coHosts.attendeeId))
    .where(and(eq(coHosts.pitchId, pitchId), eq(coHosts.status, "accepted")))
    .orderBy(asc(coHosts.respondedAt), asc(coHosts.attendeeId))
    .all();
}

/** Pitches this attendee co-hosts (accepted, open): they may edit them. */
export function coHostedPitchIds(db: Db, eventId: string, attendeeId: string): string[] {
  return db
    .select({ id: coHosts.pitchId })
    .from(coHosts)
    .innerJoin(pitches, eq(pitches.id, coHosts.pitchId))
    .where(
      and(
        eq(coHosts.eventId, eventId),
        eq(coHosts.attendeeId, attendeeId),
        eq(coHosts.status, "accepted"),
        eq(pitches.status, "open"),
      ),
    )
    .all()
    .map((r) => r.id);
}

/** The co-host list on the pitch's edit page: every invitation with its answer. Hosts only. */
export function coHostList(ctx: Pick<ServiceContext, "db">, viewer: Viewer, pitchId: string) {
  const pitch = editablePitch(ctx.db, viewer, pitchId);
  return {
    isPitcher: pitch.attendeeId === viewer.attendee?.id,
    coHosts: ctx.db
      .select({ attendeeId: coHosts.attendeeId, name: attendees.name, status: coHosts.status })
      .from(coHosts)
      .innerJoin(attendees, eq(attendees.id, coHosts.attendeeId))
      .where(eq(coHosts.pitchId, pitch.id))
      .orderBy(asc(coHosts.createdAt))
      .all()
      .map((r) => ({ ...r, name: r.name.trim() || "Someone without a name" })),
  };
}

function requirePitcher(db: Db, viewer: Viewer, pitchId: string): Pitch {
  const me = requireAttendee(viewer);
  const pitch = findPitch(db, viewer.event.id, pitchId);
  if (pitch.attendeeId !== me.id)
    throw new ServiceError("forbidden", "Only the person who pitched this session can choose its co-hosts.");
  if (pitch.status !== "open") throw new ServiceError("conflict", "This pitch is no longer open.");
  return pitch;
}

/** The pitcher invites someone who joined; nothing is public until they accept. */
export async function inviteCoHost(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<string> {
  const me = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: me.id });
  const { pitchId, attendeeId } = validate(coHostSchema, input);
  const eventId = viewer.event.id;
  const name = ctx.db.transaction(
    (tx) => {
      requirePitcher(tx, viewer, pitchId);
      // Another event's attendee and a made-up id are refused alike: no hint of which ids exist elsewhere.
      const person = tx
        .select()
        .from(attendees)
        .where(and(eq(attendees.id, attendeeId), eq(attendees.eventId, eventId)))
        .get();
      if (!person) throw new ServiceError("invalid", NOT_HERE, { attendeeId: [NOT_HERE] });
      if (person.id === me.id) throw new ServiceError("invalid", "You pitched this session: you host it already.");
      const existing = tx
        .select()
        .from(coHosts)
        .where(and(eq(coHosts.pitchId, pitchId), eq(coHosts.attendeeId, person.id)))
        .get();
      const label = displayName(person) ?? "They";
      if (existing?.status === "accepted")
        throw new ServiceError("conflict", `${label} already co-hosts this session.`);
      if (existing?.status === "invited") throw new ServiceError("conflict", `${label} is invited already.`);
      const active = linksOf(tx, pitchId).filter((l) => l.status !== "declined").length;
      if (active >= MAX_CO_HOSTS)
        throw new ServiceError("conflict", `A session can have at most ${MAX_CO_HOSTS} co-hosts.`);
      if (existing) {
        tx.update(coHosts)
          .set({ status: "invited", respondedAt: null })
          .where(and(eq(coHosts.pitchId, pitchId), eq(coHosts.attendeeId, person.id)))
          .run();
      } else {
        tx.insert(coHosts).values({ pitchId, eventId, attendeeId: person.id }).run();
      }
      return label;
    },
    { behavior: "immediate" },
  );
  ctx.publish.coHostInvitations(attendeeId, invitationCount(ctx.db, eventId, attendeeId));
  return `${name} is invited: they accept or decline on their own phone, under “Co-host invitations”.`;
}

/** The pitcher takes a co-host off (invited or accepted). */
export async function removeCoHost(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<void> {
  const me = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: me.id });
  const { pitchId, attendeeId } = validate(coHostSchema, input);
  const eventId = viewer.event.id;
  const version = ctx.db.transaction((tx) => {
    requirePitcher(tx, viewer, pitchId);
    const removed = tx
      .delete(coHosts)
      .where(and(eq(coHosts.pitchId, pitchId), eq(coHosts.attendeeId, attendeeId), eq(coHosts.eventId, eventId)))
      .returning()
      .get();
    if (!removed) throw new ServiceError("not_found", "That person is not a co-host of this session.");
    return removed.status === "accepted" ? nextVersion(tx, eventId) : null;
  });
  if (version !== null) publishChange(ctx, eventId, version, { pitchIds: [pitchId], grid: true });
  ctx.publish.coHostInvitations(attendeeId, invitationCount(ctx.db, eventId, attendeeId));
}

/** The invitee's own answer: accept (a host from now on, shown everywhere) or decline (also to step down). */
export async function respondCoHost(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<string> {
  const me = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: me.id });
  const { pitchId, choice } = validate(respondCoHostSchema, input);
  const eventId = viewer.event.id;
  const status = choice === "accept" ? "accepted" : "declined";
  const { version, title } = ctx.db.transaction(
    (tx) => {
      const link = tx
        .select({ status: coHosts.status, title: pitches.title, pitchStatus: pitches.status })
        .from(coHosts)
        .innerJoin(pitches, eq(pitches.id, coHosts.pitchId))
        .where(and(eq(coHosts.pitchId, pitchId), eq(coHosts.attendeeId, me.id), eq(coHosts.eventId, eventId)))
        .get();
      if (!link) throw new ServiceError("not_found", "You have no co-host invitation for that session.");
      if (link.pitchStatus !== "open") throw new ServiceError("conflict", "That session is no longer open.");
      if (link.status === status) return { version: null, title: link.title };
      tx.update(coHosts)
        .set({ status, respondedAt: new Date().toISOString() })
        .where(and(eq(coHosts.pitchId, pitchId), eq(coHosts.attendeeId, me.id)))
        .run();
      // Public only once accepted: an answer that changes who hosts is a new version of the facts.
      const changesHosts = link.status === "accepted" || status === "accepted";
      return { version: changesHosts ? nextVersion(tx, eventId) : null, title: link.title };
    },
    { behavior: "immediate" },
  );
  if (version !== null) publishChange(ctx, eventId, version, { pitchIds: [pitchId], grid: true });
  ctx.publish.coHostInvitations(me.id, invitationCount(ctx.db, eventId, me.id));
  return status === "accepted" ? `You co-host “${title}”.` : `You do not co-host “${title}”.`;
}

/** Invitations and co-hostings of this attendee, for `/e/:slug/me`. */
export function myCoHostInvitations(ctx: Pick<ServiceContext, "db">, viewer: Viewer) {
  const me = requireAttendee(viewer);
  return ctx.db
    .select({
      pitchId: pitches.id,
      title: pitches.title,
      status: coHosts.status,
      pitcher: { name: attendees.name, nameInWriteups: attendees.nameInWriteups },
    })
    .from(coHosts)
    .innerJoin(pitches, eq(pitches.id, coHosts.pitchId))
    .leftJoin(attendees, eq(attendees.id, pitches.attendeeId))
    .where(and(eq(coHosts.eventId, viewer.event.id), eq(coHosts.attendeeId, me.id), eq(pitches.status, "open")))
    .orderBy(asc(coHosts.createdAt))
    .all()
    .map((r) => ({ pitchId: r.pitchId, title: r.title, status: r.status, pitcherName: displayName(r.pitcher) }));
}
