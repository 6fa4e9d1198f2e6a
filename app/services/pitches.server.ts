import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { type Pitch, capturedItems, pitches, placements, votes } from "../../db/schema";
import { renderMarkdown } from "../domain/markdown.server";
import { checkVote, mergedVoters, talliesVisible, votesLeft } from "../domain/voting";
import {
  editPitchSchema,
  hidePitchSchema,
  mergePitchesSchema,
  pitchIdSchema,
  pitchSchema,
  voteSchema,
} from "../schemas/pitch";
import type { Db } from "../../db/client";
import { type Tx, audit } from "./audit.server";
import { editablePitch } from "./coHosts.server";
import type { ServiceContext } from "./context.server";
import { ServiceError } from "./errors";
import { nextVersion, publishChange } from "./facts.server";
import { newId } from "./ids.server";
import { immediateTransaction, prepared } from "./prepared.server";
import { validate } from "./validate";
import { type Viewer, requireAttendee, requireOrganiser } from "./viewer.server";

/** Pitching, voting and moderating pitches: every write goes through one function here. */

const P = sql.placeholder;

/** The vote path's statements, prepared once per connection (why: prepared.server.ts). */
const voteStatements = (db: Db) => ({
  pitch: db
    .select()
    .from(pitches)
    .where(and(eq(pitches.id, P("pitchId")), eq(pitches.eventId, P("eventId"))))
    .prepare(),
  vote: db
    .select({ pitchId: votes.pitchId })
    .from(votes)
    .where(and(eq(votes.pitchId, P("pitchId")), eq(votes.attendeeId, P("attendeeId"))))
    .prepare(),
  used: db
    .select({ n: count() })
    .from(votes)
    .innerJoin(pitches, eq(pitches.id, votes.pitchId))
    .where(and(eq(votes.eventId, P("eventId")), eq(votes.attendeeId, P("attendeeId")), eq(pitches.status, "open")))
    .prepare(),
  tally: db
    .select({ n: count() })
    .from(votes)
    .where(eq(votes.pitchId, P("pitchId")))
    .prepare(),
  insert: db
    .insert(votes)
    .values({ eventId: P("eventId"), pitchId: P("pitchId"), attendeeId: P("attendeeId") })
    .prepare(),
  remove: db
    .delete(votes)
    .where(and(eq(votes.pitchId, P("pitchId")), eq(votes.attendeeId, P("attendeeId"))))
    .prepare(),
});

// The helpers below take the connection: inside a transaction their statements are part of it.

function usedVotes(db: Db, eventId: string, attendeeId: string): number {
  return prepared(db, voteStatements).used.get({ eventId, attendeeId })?.n ?? 0;
}

function tallyOf(db: Db, pitchId: string): number {
  return prepared(db, voteStatements).tally.get({ pitchId })?.n ?? 0;
}

function findPitch(db: Db, eventId: string, pitchId: string): Pitch {
  const pitch = prepared(db, voteStatements).pitch.get({ pitchId, eventId });
  if (!pitch) throw new ServiceError("not_found", "That pitch is not part of this event.");
  return pitch;
}

/** The pitch as its edit page shows it: for its pitcher and accepted co-hosts only. */
export function getEditablePitch(ctx: Pick<ServiceContext, "db">, viewer: Viewer, pitchId: string): Pitch {
  return editablePitch(ctx.db, viewer, pitchId);
}

/** Pitches a session. A form resubmitted with the same client id returns the first pitch. */
export async function createPitch(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<Pitch> {
  const attendee = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: attendee.id });
  const data = validate(pitchSchema, input);
  const eventId = viewer.event.id;
  const { pitch, created } = ctx.db.transaction<{ pitch: Pitch; created: number | null }>(
    (tx) => {
      if (data.clientId) {
        const existing = tx
          .select()
          .from(pitches)
          .where(and(eq(pitches.eventId, eventId), eq(pitches.clientId, data.clientId)))
          .get();
        if (existing) {
          if (existing.attendeeId !== attendee.id)
            throw new ServiceError("conflict", "That form was already used. Reload and try again.");
          return { pitch: existing, created: null };
        }
      }
      if (!viewer.event.pitchingOpen && !viewer.isOrganiser) {
        throw new ServiceError("forbidden", "Pitching is closed for this event.");
      }
      const row = tx
        .insert(pitches)
        .values({
          id: newId(),
          eventId,
          attendeeId: attendee.id,
          clientId: data.clientId ?? null,
          title: data.title,
          description: data.description,
          descriptionHtml: renderMarkdown(data.description),
          tags: data.tags,
        })
        .returning()
        .get();
      return { pitch: row, created: nextVersion(tx, eventId) };
    },
    { behavior: "immediate" },
  );
  if (created) publishChange(ctx, eventId, created, { pitchIds: [pitch.id] });
  return pitch;
}

export async function editPitch(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<Pitch> {
  const attendee = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: attendee.id });
  const data = validate(editPitchSchema, input);
  const updated = ctx.db.transaction((tx) => {
    // The pitcher or an accepted co-host (coHosts.server.ts holds the rule).
    const pitch = editablePitch(tx, viewer, data.pitchId);
    const row = tx
      .update(pitches)
      .set({
        title: data.title,
        description: data.description,
        descriptionHtml: renderMarkdown(data.description),
        tags: data.tags,
        updatedAt: new Date().toISOString(),
      })
      .where(eq(pitches.id, pitch.id))
      .returning()
      .get();
    return { row, version: nextVersion(tx, viewer.event.id) };
  });
  // A placed session's title shows in the grid's conflicts too.
  publishChange(ctx, viewer.event.id, updated.version, { pitchIds: [updated.row.id], grid: true });
  return updated.row;
}

function closePitch(tx: Tx, pitch: Pitch, changes: Partial<Pitch>): { wasPlaced: boolean } {
  tx.update(pitches)
    .set({ ...changes, updatedAt: new Date().toISOString() })
    .where(eq(pitches.id, pitch.id))
    .run();
  const removed = tx.delete(placements).where(eq(placements.pitchId, pitch.id)).returning().all();
  return { wasPlaced: removed.length > 0 };
}

/** The pitcher takes their pitch back; its votes no longer count against anyone's budget. */
export async function withdrawPitch(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<void> {
  const attendee = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: attendee.id });
  const { pitchId } = validate(pitchIdSchema, input);
  const version = ctx.db.transaction((tx) => {
    const pitch = findPitch(ctx.db, viewer.event.id, pitchId);
    if (pitch.attendeeId !== attendee.id)
      throw new ServiceError("forbidden", "Only the person who pitched this session can withdraw it.");
    if (pitch.status !== "open") throw new ServiceError("conflict", "This pitch is no longer open.");
    closePitch(tx, pitch, { status: "withdrawn" });
    return nextVersion(tx, viewer.event.id);
  });
  // Its votes stop counting against budgets: each voter's client works that out from the removal.
  publishChange(ctx, viewer.event.id, version, { removedPitchIds: [pitchId] });
}

/**
 * Casts or takes back a vote. The wanted state is given (not a toggle), the
 * budget is checked inside an immediate transaction, and the new tally goes
 * out on the next coalesced tick.
 */
export async function setVote(
  ctx: ServiceContext,
  viewer: Viewer,
  input: unknown,
): Promise<{ pitchId: string; voted: boolean; votes: number | null; votesLeft: number }> {
  const attendee = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: attendee.id });
  const { pitchId, vote } = validate(voteSchema, input);
  const { event } = viewer;
  const db = ctx.db;
  const q = prepared(db, voteStatements);
  const keys = { eventId: event.id, pitchId, attendeeId: attendee.id };
  const result = immediateTransaction(db, () => {
    const pitch = findPitch(db, event.id, pitchId);
    const existing = q.vote.get(keys);
    const used = usedVotes(db, event.id, attendee.id);
    let changed = false;
    if (vote && !existing) {
      const refusal = checkVote({
        votingOpen: event.votingOpen,
        pitchOpen: pitch.status === "open",
        budget: event.votesPerAttendee,
        used,
      });
      if (refusal) throw new ServiceError(refusal.reason === "budget" ? "conflict" : "forbidden", refusal.message);
      q.insert.run(keys);
      changed = true;
    } else if (!vote && existing) {
      if (!event.votingOpen) throw new ServiceError("forbidden", "Voting is closed.");
      q.remove.run(keys);
      changed = true;
    }
    // Only votes on open pitches count against the budget: a change on an open pitch moves the count by one.
    const usedAfter = changed && pitch.status === "open" ? used + (vote ? 1 : -1) : used;
    return { changed, tally: tallyOf(db, pitchId), votesLeft: votesLeft(event.votesPerAttendee, usedAfter) };
  });
  const blind = !talliesVisible(event, false);
  if (result.changed) {
    ctx.facts.setTally(event.id, pitchId, result.tally);
    ctx.facts.checkConflictsSoon(ctx, event.id);
    ctx.publish.tally(event.id, pitchId, result.tally, blind ? "organisers" : "everyone");
  }
  return {
    pitchId,
    voted: vote,
    votes: talliesVisible(event, viewer.isOrganiser) ? result.tally : null,
    votesLeft: result.votesLeft,
  };
}

/**
 * Organisers hide a pitch from everyone; the reason is kept in the audit log.
 * Its votes are released (and counted in the audit), so showing it again can
 * never push anyone over their budget.
 */
export async function hidePitch(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<void> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const { pitchId, reason } = validate(hidePitchSchema, input);
  const eventId = viewer.event.id;
  const version = ctx.db.transaction((tx) => {
    const pitch = findPitch(ctx.db, eventId, pitchId);
    if (pitch.status !== "open") throw new ServiceError("conflict", "Only an open pitch can be hidden.");
    closePitch(tx, pitch, { status: "hidden", hiddenReason: reason });
    const released = tx.delete(votes).where(eq(votes.pitchId, pitchId)).returning().all().length;
    audit(tx, { eventId, action: "pitch.hide", targetId: pitchId, detail: { title: pitch.title, reason, released } });
    return nextVersion(tx, eventId);
  });
  publishChange(ctx, eventId, version, { removedPitchIds: [pitchId] });
}

/** Organisers bring a hidden pitch back. */
export async function unhidePitch(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<void> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const { pitchId } = validate(pitchIdSchema, input);
  const eventId = viewer.event.id;
  const version = ctx.db.transaction((tx) => {
    const pitch = findPitch(ctx.db, eventId, pitchId);
    if (pitch.status !== "hidden") throw new ServiceError("conflict", "That pitch is not hidden.");
    tx.update(pitches).set({ status: "open", hiddenReason: null }).where(eq(pitches.id, pitchId)).run();
    audit(tx, { eventId, action: "pitch.unhide", targetId: pitchId, detail: { title: pitch.title } });
    return nextVersion(tx, eventId);
  });
  publishChange(ctx, eventId, version, { pitchIds: [pitchId], grid: true });
}

/**
 * Merges pitch `fromId` into `intoId`: votes move across without counting
 * anyone twice, captured notes follow, and the merged-away pitch points to
 * where it went. A placement of the merged-away pitch passes to the kept one
 * when that one is not placed yet.
 */
export async function mergePitches(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<{ votes: number }> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const { fromId, intoId } = validate(mergePitchesSchema, input);
  const eventId = viewer.event.id;
  const tally = ctx.db.transaction(
    (tx) => {
      const from = findPitch(ctx.db, eventId, fromId);
      const into = findPitch(ctx.db, eventId, intoId);
      if (from.status !== "open" || into.status !== "open") {
        throw new ServiceError("conflict", "Both pitches must be open to merge them.");
      }
      const voters = (id: string) =>
        tx
          .select({ a: votes.attendeeId })
          .from(votes)
          .where(eq(votes.pitchId, id))
          .all()
          .map((r) => r.a);
      const intoVoters = new Set(voters(intoId));
      const newcomers = mergedVoters([...intoVoters], voters(fromId)).filter((a) => !intoVoters.has(a));
      tx.delete(votes).where(eq(votes.pitchId, fromId)).run();
      if (newcomers.length) {
        tx.insert(votes)
          .values(newcomers.map((attendeeId) => ({ eventId, pitchId: intoId, attendeeId })))
          .run();
      }
      tx.update(capturedItems).set({ pitchId: intoId }).where(eq(capturedItems.pitchId, fromId)).run();
      const fromPlacement = tx.select().from(placements).where(eq(placements.pitchId, fromId)).get();
      const intoPlaced = tx.select().from(placements).where(eq(placements.pitchId, intoId)).get();
      tx.delete(placements).where(eq(placements.pitchId, fromId)).run();
      if (fromPlacement && !intoPlaced) {
        tx.insert(placements)
          .values({ ...fromPlacement, pitchId: intoId })
          .run();
      }
      tx.update(pitches)
        .set({ status: "merged", mergedIntoId: intoId, updatedAt: new Date().toISOString() })
        .where(eq(pitches.id, fromId))
        .run();
      audit(tx, {
        eventId,
        action: "pitch.merge",
        targetId: intoId,
        detail: { from: from.title, into: into.title, votesMoved: newcomers.length },
      });
      return { votes: tallyOf(ctx.db, intoId), version: nextVersion(tx, eventId) };
    },
    { behavior: "immediate" },
  );
  publishChange(ctx, eventId, tally.version, { pitchIds: [fromId, intoId], grid: true, tallies: true });
  return { votes: tally.votes };
}

/** Pitches for the organiser's moderation list, hidden ones included. */
export function moderationList(ctx: Pick<ServiceContext, "db">, viewer: Viewer) {
  requireOrganiser(viewer);
  return ctx.db
    .select({
      id: pitches.id,
      title: pitches.title,
      status: pitches.status,
      hiddenReason: pitches.hiddenReason,
      votes: sql<number>`(select count(*) from ${votes} where ${votes.pitchId} = ${pitches.id})`,
    })
    .from(pitches)
    .where(and(eq(pitches.eventId, viewer.event.id), inArray(pitches.status, ["open", "hidden"])))
    .orderBy(asc(pitches.createdAt))
    .all();
}
