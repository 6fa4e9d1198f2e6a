import { and, asc, count, eq, inArray } from "drizzle-orm";
import { going, pitches, placements } from "../../db/schema";
import { capRefusal, marksToDrop, statusForNewMark, toPromote } from "../domain/going";
import type { GoingCount, GoingMark } from "../realtime/facts";
import { goingCapSchema, goingSchema } from "../schemas/people";
import { type Tx, audit } from "./audit.server";
import type { ServiceContext } from "./context.server";
import { ServiceError } from "./errors";
import { nextVersion, publishChange } from "./facts.server";
import { validate } from "./validate";
import { type Viewer, requireAttendee, requireOrganiser } from "./viewer.server";

/**
 * "I'm going": once a session is placed, attendees mark it (one session per
 * slot); organisers may cap it, and then later marks wait in line and move up
 * by themselves when a place frees. Counts go out coalesced (like vote
 * tallies), and a person who moved up hears it on their own sockets.
 */

type Db = ServiceContext["db"] | Tx;

/** Counts of every session anyone marked. */
export function goingCountRows(db: Db, eventId: string): Map<string, GoingCount> {
  const counts = new Map<string, GoingCount>();
  for (const row of db
    .select({ pitchId: going.pitchId, status: going.status, n: count() })
    .from(going)
    .where(eq(going.eventId, eventId))
    .groupBy(going.pitchId, going.status)
    .all()) {
    const entry = counts.get(row.pitchId) ?? { going: 0, waiting: 0 };
    entry[row.status] = row.n;
    counts.set(row.pitchId, entry);
  }
  return counts;
}

function countOf(db: Db, pitchId: string): GoingCount {
  const entry = { going: 0, waiting: 0 };
  for (const row of db
    .select({ status: going.status, n: count() })
    .from(going)
    .where(eq(going.pitchId, pitchId))
    .groupBy(going.status)
    .all())
    entry[row.status] = row.n;
  return entry;
}

/** This attendee's marks, oldest first. */
export function myGoingMarks(db: Db, eventId: string, attendeeId: string): GoingMark[] {
  return db
    .select({ pitchId: going.pitchId, status: going.status })
    .from(going)
    .where(and(eq(going.eventId, eventId), eq(going.attendeeId, attendeeId)))
    .orderBy(asc(going.createdAt))
    .all();
}

/** Moves the oldest waiting up to the cap; returns who moved. */
function promote(tx: Tx, pitchId: string, cap: number | null): string[] {
  const waiting = tx
    .select({ attendeeId: going.attendeeId })
    .from(going)
    .where(and(eq(going.pitchId, pitchId), eq(going.status, "waiting")))
    .orderBy(asc(going.createdAt), asc(going.attendeeId))
    .all()
    .map((r) => r.attendeeId);
  if (waiting.length === 0) return [];
  const moving = toPromote(waiting, countOf(tx, pitchId).going, cap);
  if (moving.length) {
    tx.update(going)
      .set({ status: "going" })
      .where(and(eq(going.pitchId, pitchId), inArray(going.attendeeId, moving)))
      .run();
  }
  return moving;
}

/** After a committed change: new counts (coalesced), conflicts checked again, and each moved person told. */
function announce(ctx: ServiceContext, eventId: string, changed: Iterable<string>, promoted: Iterable<string>) {
  for (const pitchId of new Set(changed)) {
    const counts = countOf(ctx.db, pitchId);
    ctx.facts.setGoingCount(eventId, pitchId, counts);
    ctx.publish.goingCount(eventId, pitchId, counts);
  }
  ctx.facts.checkConflictsSoon(ctx, eventId);
  for (const attendeeId of new Set(promoted))
    ctx.publish.myGoing(attendeeId, eventId, myGoingMarks(ctx.db, eventId, attendeeId));
}

export interface GoingResult {
  pitchId: string;
  /** This attendee's place now: going, waiting, or none. */
  status: "going" | "waiting" | null;
  mine: GoingMark[];
  counts: GoingCount;
}

/**
 * Marks (going: true) or unmarks a session. The wanted state, so a retry is
 * harmless. Marking a session drops this attendee's other mark in the same
 * slot; leaving a capped session moves the first person waiting up.
 */
export async function setGoing(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<GoingResult> {
  const me = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: me.id });
  const { pitchId, going: wanted } = validate(goingSchema, input);
  const eventId = viewer.event.id;
  const outcome = ctx.db.transaction(
    (tx) => {
      const pitch = tx
        .select({ id: pitches.id, status: pitches.status, cap: pitches.goingCap, title: pitches.title })
        .from(pitches)
        .where(and(eq(pitches.id, pitchId), eq(pitches.eventId, eventId)))
        .get();
      if (!pitch) throw new ServiceError("not_found", "That session is not part of this event.");
      const mine = myGoingMarks(tx, eventId, me.id);
      const current = mine.find((m) => m.pitchId === pitchId);
      const changed: string[] = [];
      const promoted: string[] = [];
      if (wanted && !current) {
        if (pitch.status !== "open") throw new ServiceError("conflict", "That session is no longer open.");
        const cells = tx
          .select({ pitchId: placements.pitchId, slotId: placements.slotId })
          .from(placements)
          .where(eq(placements.eventId, eventId))
          .all();
        const slotOf = new Map(cells.map((c) => [c.pitchId, [c.slotId]]));
        if (!slotOf.has(pitchId))
          throw new ServiceError(
            "conflict",
            `“${pitch.title}” is not scheduled yet: “I'm going” opens once it has a time and a room.`,
          );
        const drop = marksToDrop(mine, pitchId, (id) => slotOf.get(id) ?? []);
        if (drop.length) {
          tx.delete(going)
            .where(and(eq(going.attendeeId, me.id), inArray(going.pitchId, drop)))
            .run();
          for (const id of drop) {
            changed.push(id);
            if (mine.find((m) => m.pitchId === id)?.status === "going") {
              const cap = tx.select({ cap: pitches.goingCap }).from(pitches).where(eq(pitches.id, id)).get()?.cap;
              promoted.push(...promote(tx, id, cap ?? null));
            }
          }
        }
        const status = statusForNewMark(countOf(tx, pitchId).going, pitch.cap);
        tx.insert(going).values({ pitchId, eventId, attendeeId: me.id, status }).run();
        changed.push(pitchId);
      } else if (!wanted && current) {
        tx.delete(going)
          .where(and(eq(going.pitchId, pitchId), eq(going.attendeeId, me.id)))
          .run();
        changed.push(pitchId);
        if (current.status === "going") promoted.push(...promote(tx, pitchId, pitch.cap));
      }
      return { changed, promoted, mine: myGoingMarks(tx, eventId, me.id), counts: countOf(tx, pitchId) };
    },
    { behavior: "immediate" },
  );
  if (outcome.changed.length) {
    announce(ctx, eventId, outcome.changed, outcome.promoted);
    // This person's other tabs and phones follow too.
    ctx.publish.myGoing(me.id, eventId, outcome.mine);
  }
  return {
    pitchId,
    status: outcome.mine.find((m) => m.pitchId === pitchId)?.status ?? null,
    mine: outcome.mine,
    counts: outcome.counts,
  };
}

/**
 * Organisers cap a session's "I'm going" (or lift the cap). A cap under the
 * current going-count is refused; a higher one (or none) moves people up.
 */
export async function setGoingCap(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<string> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const { pitchId, cap } = validate(goingCapSchema, input);
  const eventId = viewer.event.id;
  const result = ctx.db.transaction(
    (tx) => {
      const pitch = tx
        .select()
        .from(pitches)
        .where(and(eq(pitches.id, pitchId), eq(pitches.eventId, eventId)))
        .get();
      if (!pitch) throw new ServiceError("not_found", "That session is not part of this event.");
      if (pitch.status !== "open") throw new ServiceError("conflict", "That session is no longer open.");
      const refusal = capRefusal(cap, countOf(tx, pitchId).going);
      if (refusal) throw new ServiceError("conflict", refusal, { cap: [refusal] });
      if (pitch.goingCap === cap) return null;
      tx.update(pitches).set({ goingCap: cap }).where(eq(pitches.id, pitchId)).run();
      const promoted = promote(tx, pitchId, cap);
      audit(tx, { eventId, action: "going.cap", targetId: pitchId, detail: { cap, promoted: promoted.length } });
      return { promoted, title: pitch.title, version: nextVersion(tx, eventId) };
    },
    { behavior: "immediate" },
  );
  if (!result) return cap === null ? "No cap." : `Capped at ${cap}.`;
  publishChange(ctx, eventId, result.version, { pitchIds: [pitchId] });
  if (result.promoted.length) announce(ctx, eventId, [pitchId], result.promoted);
  return cap === null
    ? `“${result.title}” has no cap now.`
    : `“${result.title}” is capped at ${cap} going${result.promoted.length ? `; ${result.promoted.length} moved up from the waiting list` : ""}.`;
}
