import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { type Event, type Pitch, capturedItems, pitches, placements, rooms, votes } from "../../db/schema";
import { isStandardFeature } from "../domain/features";
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
import { type Viewer, findEventById, requireAttendee, requireOrganiser } from "./viewer.server";

/** Pitching, voting and moderating pitches: every write goes through one function here. */

const P = sql.placeholder;

/** The vote path's statements, prepared once per connection (why: prepared.server.ts). */
const voteStatements = (db: Db) => ({
  pitch: db
    .select()
    .from(pitches)
    .where(and(eq(pitches.id, P("pitchId")), eq(pitches.eventId, P("eventId"))))
    .prepare(),
  /** A vote's checks read only the pitch's status (the full row carries its description twice). */
  pitchStatus: db
    .select({ status: pitches.status })
    .from(pitches)
    .where(and(eq(pitches.id, P("pitchId")), eq(pitches.eventId, P("eventId"))))
    .prepare(),
  /** The attendee's votes in one read: how many count against the budget (open pitches), and whether this one is cast. */
  mine: db
    .select({
      used: sql<number>`coalesce(sum(${pitches.status} = 'open'), 0)`,
      has: sql<number>`coalesce(max(${votes.pitchId} = ${P("pitchId")}), 0)`,
    })
    .from(votes)
    .innerJoin(pitches, eq(pitches.id, votes.pitchId))
    .where(and(eq(votes.eventId, P("eventId")), eq(votes.attendeeId, P("attendeeId"))))
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

/**
 * A need must be in the event's vocabulary: a standard feature (accepted even
 * when no room has it yet, so a person can say they need step-free access;
 * the organisers see it flagged), or a tag one of the rooms has. An unknown
 * free-text need is refused, since no room could ever meet it.
 */
function checkNeeds(db: Db | Tx, eventId: string, needs: readonly string[]): void {
  const custom = needs.filter((n) => !isStandardFeature(n));
  if (custom.length === 0) return;
  const offered = new Set(
    db
      .select({ features: rooms.features })
      .from(rooms)
      .where(eq(rooms.eventId, eventId))
      .all()
      .flatMap((r) => (Array.isArray(r.features) ? r.features : [])),
  );
  const unknown = custom.find((n) => !offered.has(n));
  if (unknown) {
    const message = `No room of this event offers “${unknown}”. Choose needs from the list; organisers add a room's features in the console.`;
    throw new ServiceError("invalid", message, { needs: [message] });
  }
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
      checkNeeds(tx, eventId, data.needs);
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
          span: data.span,
          needs: data.needs,
          remoteUrl: data.remoteUrl,
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
    checkNeeds(tx, viewer.event.id, data.needs);
    if (data.span !== pitch.span && tx.select().from(placements).where(eq(placements.pitchId, pitch.id)).get()) {
      const message = `“${pitch.title}” is on the grid: ask the organisers to unschedule it before changing how many slots it takes.`;
      throw new ServiceError("conflict", message, { span: [message] });
    }
    const row = tx
      .update(pitches)
      .set({
        title: data.title,
        description: data.description,
        descriptionHtml: renderMarkdown(data.description),
        tags: data.tags,
        span: data.span,
        needs: data.needs,
        remoteUrl: data.remoteUrl,
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
 * Casts or takes back a vote: the one write path for the vote form and the
 * socket's `vote:set`. The wanted state is given (not a toggle). The vote
 * joins the group commit (`commitVotes`): every vote queued in the same turn
 * of the event loop is applied in order in ONE immediate transaction, each
 * checked against the budget as if alone; the answer comes after that
 * commit, and the new tallies go out on the next coalesced tick.
 */
export async function setVote(
  ctx: ServiceContext,
  viewer: Viewer,
  input: unknown,
): Promise<{ pitchId: string; voted: boolean; votes: number | null; votesLeft: number }> {
  const attendee = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: attendee.id });
  const { pitchId, vote } = validate(voteSchema, input);
  const done = await queueVote(ctx, { eventId: viewer.event.id, attendeeId: attendee.id, pitchId, vote });
  return {
    pitchId,
    voted: vote,
    votes: talliesVisible(done.event, viewer.isOrganiser) ? done.tally : null,
    votesLeft: done.votesLeft,
  };
}

interface QueuedVote {
  eventId: string;
  attendeeId: string;
  pitchId: string;
  vote: boolean;
}

/** What a committed vote answers: the event row it was checked against, and the pitch's count after the commit. */
interface CommittedVote {
  event: Event;
  tally: number;
  votesLeft: number;
}

type Waiting = QueuedVote & { resolve(done: CommittedVote): void; reject(error: unknown): void };

/** Votes waiting for the next group commit, per connection. */
const voteQueues = new WeakMap<Db, { ctx: ServiceContext; votes: Waiting[] }>();

function queueVote(ctx: ServiceContext, vote: QueuedVote): Promise<CommittedVote> {
  return new Promise((resolve, reject) => {
    let queue = voteQueues.get(ctx.db);
    if (!queue) {
      queue = { ctx, votes: [] };
      voteQueues.set(ctx.db, queue);
      // After this turn's I/O: every vote:set read from the sockets meanwhile (and every vote form) joins in.
      setImmediate(() => commitVotes(ctx.db));
    }
    queue.votes.push({ ...vote, resolve, reject });
  });
}

/**
 * Group commit (issue 9): a burst of 2,000 votes was 2,000 transactions, and
 * their BEGIN/COMMIT and a count of the pitch's votes per vote were most of
 * what storing a vote cost. Here the queued votes share one IMMEDIATE
 * transaction: the event row is read once per event under the write lock
 * (so the budget, voting open or closed, and blind voting are what is
 * committed, not what a cache held), each vote is checked in arrival order
 * against the attendee's votes so far (the earlier ones of the same batch
 * included), and each pitch's count is read once, after the last vote. A
 * refused vote (budget, closed, no such pitch) is answered with its own
 * error and leaves nothing behind: its checks come before its single write,
 * so the others still commit. Only when the transaction itself fails is
 * every vote of the batch refused. Acks, the tally cache and the
 * broadcasts come after the commit.
 */
function commitVotes(db: Db): void {
  const queue = voteQueues.get(db);
  voteQueues.delete(db);
  if (!queue) return;
  const { ctx, votes: waiting } = queue;
  const results: Array<{ event: Event; votesLeft: number } | { error: unknown }> = [];
  const events = new Map<string, Event | undefined>();
  /** pitchId -> eventId of the pitches whose votes changed, then pitchId -> count after the last vote. */
  const changed = new Map<string, string>();
  const counts = new Map<string, number>();
  const statuses = new Map<string, Pitch["status"] | undefined>();
  try {
    immediateTransaction(db, () => {
      for (const v of waiting) {
        try {
          if (!events.has(v.eventId)) events.set(v.eventId, findEventById(ctx, v.eventId));
          const event = events.get(v.eventId);
          if (!event) throw new ServiceError("not_found", "There is no event at this address.");
          const applied = applyVote(db, event, v, statuses);
          if (applied.changed) changed.set(v.pitchId, v.eventId);
          results.push({ event, votesLeft: applied.left });
        } catch (error) {
          results.push({ error });
        }
      }
      waiting.forEach((v, i) => {
        if (!counts.has(v.pitchId) && results[i] && !("error" in results[i])) {
          counts.set(v.pitchId, tallyOf(db, v.pitchId));
        }
      });
    });
  } catch (error) {
    for (const v of waiting) v.reject(error);
    return;
  }
  for (const [pitchId, eventId] of changed) {
    const event = events.get(eventId) as Event;
    const votes = counts.get(pitchId) ?? 0;
    ctx.facts.setTally(eventId, pitchId, votes);
    ctx.publish.tally(eventId, pitchId, votes, talliesVisible(event, false) ? "everyone" : "organisers");
  }
  for (const eventId of new Set(changed.values())) ctx.facts.checkConflictsSoon(ctx, eventId);
  waiting.forEach((v, i) => {
    const result = results[i];
    if (!result || "error" in result) v.reject(result?.error);
    else v.resolve({ event: result.event, votesLeft: result.votesLeft, tally: counts.get(v.pitchId) ?? 0 });
  });
}

/**
 * One vote inside the group commit: checks first, then its single write.
 * `statuses` keeps each pitch's status for the batch (votes change no status).
 */
function applyVote(
  db: Db,
  event: Event,
  v: QueuedVote,
  statuses: Map<string, Pitch["status"] | undefined>,
): { changed: boolean; left: number } {
  const q = prepared(db, voteStatements);
  const keys = { eventId: event.id, pitchId: v.pitchId, attendeeId: v.attendeeId };
  if (!statuses.has(v.pitchId)) statuses.set(v.pitchId, q.pitchStatus.get(keys)?.status);
  const status = statuses.get(v.pitchId);
  if (!status) throw new ServiceError("not_found", "That pitch is not part of this event.");
  const mine = q.mine.get(keys);
  const used = mine?.used ?? 0;
  const existing = Boolean(mine?.has);
  let changed = false;
  if (v.vote && !existing) {
    const refusal = checkVote({
      votingOpen: event.votingOpen,
      pitchOpen: status === "open",
      budget: event.votesPerAttendee,
      used,
    });
    if (refusal) throw new ServiceError(refusal.reason === "budget" ? "conflict" : "forbidden", refusal.message);
    q.insert.run(keys);
    changed = true;
  } else if (!v.vote && existing) {
    if (!event.votingOpen) throw new ServiceError("forbidden", "Voting is closed.");
    q.remove.run(keys);
    changed = true;
  }
  // Only votes on open pitches count against the budget: a change on an open pitch moves the count by one.
  const usedAfter = changed && status === "open" ? used + (v.vote ? 1 : -1) : used;
  return { changed, left: votesLeft(event.votesPerAttendee, usedAfter) };
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
