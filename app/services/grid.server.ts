import { createHash } from "node:crypto";
import { and, asc, count, eq, inArray } from "drizzle-orm";
import {
  type Placement,
  type TimeSlot,
  attendees,
  coHosts,
  going,
  pitches,
  placements,
  rooms,
  timeSlots,
  unavailability,
  votes,
} from "../../db/schema";
import { displayName } from "../domain/attribution";
import { featureLabel, isStandardFeature, needsLabel } from "../domain/features";
import {
  type Cell,
  type Conflict,
  type GridContext,
  type GridPitch,
  expandCells,
  findConflicts,
  scoreGrid,
} from "../domain/grid";
import { hostsByPitch } from "../domain/hosts";
import { type Coverage, coverage, slotsText } from "../domain/spans";
import { formatTime } from "../domain/timeSlots";
import { talliesVisible } from "../domain/voting";
import type { ConflictFact, PlacementFact } from "../realtime/facts";
import { applySuggestionSchema, pinSchema, placeSchema, unplaceSchema } from "../schemas/grid";
import { type Tx, audit } from "./audit.server";
import { nextVersion, publishChange } from "./facts.server";
import type { ServiceContext } from "./context.server";
import { ServiceError } from "./errors";
import { heavyWorkOf } from "./heavyWork.server";
import { validate } from "./validate";
import { listRooms, listTimeSlots } from "./venue.server";
import { type Viewer, requireAccess, requireOrganiser } from "./viewer.server";

/** The schedule grid: reading it, placing sessions by hand, and the automatic suggestion. */

type Db = Tx | ServiceContext["db"];

type NamedPitch = GridPitch & { title: string; pitcherName: string | null; span: number; needs: string[] };

function openPitches(db: Db, eventId: string): NamedPitch[] {
  const rows = db
    .select({
      id: pitches.id,
      title: pitches.title,
      attendeeId: pitches.attendeeId,
      span: pitches.span,
      needs: pitches.needs,
      pitcher: attendees,
    })
    .from(pitches)
    .leftJoin(attendees, eq(attendees.id, pitches.attendeeId))
    .where(and(eq(pitches.eventId, eventId), eq(pitches.status, "open")))
    .orderBy(asc(pitches.createdAt))
    .all();
  const voters = new Map<string, string[]>();
  for (const v of db
    .select({ pitchId: votes.pitchId, attendeeId: votes.attendeeId })
    .from(votes)
    .where(eq(votes.eventId, eventId))
    .all()) {
    // Appended in place: copying the list per vote made this quadratic in a pitch's votes.
    const list = voters.get(v.pitchId);
    if (list) list.push(v.attendeeId);
    else voters.set(v.pitchId, [v.attendeeId]);
  }
  const hosts = hostsByPitch(
    rows.map((r) => ({ id: r.id, attendeeId: r.attendeeId })),
    db
      .select({ pitchId: coHosts.pitchId, attendeeId: coHosts.attendeeId, status: coHosts.status })
      .from(coHosts)
      .where(and(eq(coHosts.eventId, eventId), eq(coHosts.status, "accepted")))
      .all(),
  );
  const goingCounts = new Map(
    db
      .select({ pitchId: going.pitchId, n: count() })
      .from(going)
      .where(and(eq(going.eventId, eventId), eq(going.status, "going")))
      .groupBy(going.pitchId)
      .all()
      .map((r) => [r.pitchId, r.n]),
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    pitcherId: r.attendeeId,
    hostIds: hosts.get(r.id) ?? [],
    going: goingCounts.get(r.id) ?? 0,
    pitcherName: displayName(r.pitcher),
    voters: voters.get(r.id) ?? [],
    votes: voters.get(r.id)?.length ?? 0,
    span: r.span,
    needs: Array.isArray(r.needs) ? r.needs : [],
  }));
}

/** Who cannot make which slot, for the event: attendee id to slot ids. */
export function unavailableByAttendee(db: Db, eventId: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const row of db
    .select({ attendeeId: unavailability.attendeeId, slotId: unavailability.slotId })
    .from(unavailability)
    .where(eq(unavailability.eventId, eventId))
    .all()) {
    const list = out[row.attendeeId];
    if (list) list.push(row.slotId);
    else out[row.attendeeId] = [row.slotId];
  }
  return out;
}

/** The slots in time order, with their day, as the grid's rules read them. */
function gridSlots(slotRows: readonly TimeSlot[]) {
  return slotRows.map((s) => ({ id: s.id, kind: s.kind, day: s.localStart.slice(0, 10), localStart: s.localStart }));
}

function gridRooms(db: Db, eventId: string) {
  return listRooms({ db: db as ServiceContext["db"] }, eventId).map((r) => ({
    ...r,
    features: Array.isArray(r.features) ? r.features : [],
  }));
}

function gridContext(db: Db, eventId: string, slotRows: readonly TimeSlot[]): GridContext {
  return { slots: gridSlots(slotRows), unavailable: unavailableByAttendee(db, eventId) };
}

function placementsOf(db: Db, eventId: string): Placement[] {
  return db.select().from(placements).where(eq(placements.eventId, eventId)).all();
}

/** A fingerprint of the grid, so a suggestion made from an older grid is refused. */
function versionOf(cells: readonly Placement[]): string {
  const text = cells
    .map((c) => `${c.pitchId}:${c.roomId}:${c.slotId}:${c.pinned ? 1 : 0}`)
    .sort()
    .join("|");
  return createHash("sha256").update(text).digest("base64url").slice(0, 22);
}

export interface GridCellView {
  pitchId: string;
  roomId: string;
  slotId: string;
  pinned: boolean;
  /** Slots it covers from `slotId` (a long session: 2 or more). */
  span: number;
  title: string;
  pitcherName: string | null;
  votes: number | null;
  myVote: boolean;
  /** This viewer's "I'm going" place in it, if any. */
  myGoing: "going" | "waiting" | null;
}

export type ConflictView = ConflictFact;

/** A slot's start as messages say it: "10:00", with the date when the event has several days. */
function slotTime(slot: Pick<TimeSlot, "localStart"> | undefined, manyDays: boolean): string {
  if (!slot) return "an unknown time";
  return manyDays ? `${formatTime(slot.localStart)} on ${slot.localStart.slice(0, 10)}` : formatTime(slot.localStart);
}

/** Why a long session does not fit from a slot, as a sentence's second half. */
function spanReason(c: Exclude<Coverage, { ok: true }>, slotById: ReadonlyMap<string, TimeSlot>): string {
  switch (c.reason) {
    case "unknown-slot":
      return "that slot is gone";
    case "not-sessions":
      return "it starts in a break or plenary";
    case "day-ends":
      return `the day has only ${slotsText(c.available)} from there`;
    case "interrupted": {
      const at = slotById.get(c.at);
      return `${at?.kind === "plenary" ? "a plenary" : "a break"} at ${at ? formatTime(at.localStart) : "?"} comes first`;
    }
  }
}

/** The sentence that refuses (or flags) a long session that does not fit. */
export function spanMessage(
  title: string,
  span: number,
  startSlotId: string,
  c: Exclude<Coverage, { ok: true }>,
  slotRows: readonly TimeSlot[],
): string {
  const slotById = new Map(slotRows.map((s) => [s.id, s]));
  const manyDays = new Set(slotRows.map((s) => s.localStart.slice(0, 10))).size > 1;
  return `“${title}” takes ${span} consecutive session slots, but from ${slotTime(slotById.get(startSlotId), manyDays)} ${spanReason(c, slotById)}.`;
}

function describe(
  conflict: Conflict,
  titles: Map<string, string>,
  roomNames: Map<string, string>,
  slotRows: readonly TimeSlot[],
): ConflictView {
  const t = (id: string) => `“${titles.get(id) ?? "?"}”`;
  const slotById = new Map(slotRows.map((s) => [s.id, s]));
  const manyDays = new Set(slotRows.map((s) => s.localStart.slice(0, 10))).size > 1;
  switch (conflict.kind) {
    case "double-booked":
      return {
        kind: conflict.kind,
        slotId: conflict.slotId,
        pitchIds: conflict.pitchIds,
        label: "Double-booked",
        message: `${roomNames.get(conflict.roomId)} is double-booked: ${conflict.pitchIds.map(t).join(" and ")}.`,
      };
    case "pitcher-clash":
      return {
        kind: conflict.kind,
        slotId: conflict.slotId,
        pitchIds: conflict.pitchIds,
        label: "Pitcher clash",
        message: `One pitcher has two sessions at once: ${conflict.pitchIds.map(t).join(" and ")}.`,
      };
    case "over-capacity":
      return {
        kind: conflict.kind,
        slotId: conflict.slotId,
        pitchIds: [conflict.pitchId],
        label: "Over capacity",
        message: `${t(conflict.pitchId)} has ${conflict.votes} ${conflict.basis === "going" ? "going" : "votes"} but ${roomNames.get(conflict.roomId)} seats ${conflict.capacity}.`,
      };
    case "voter-clash":
      return {
        kind: conflict.kind,
        slotId: conflict.slotId,
        pitchIds: conflict.pitchIds,
        label: "Voter clash",
        message: `${conflict.attendees} attendee${conflict.attendees === 1 ? "" : "s"} voted for both ${t(conflict.pitchIds[0])} and ${t(conflict.pitchIds[1])}, which run at the same time.`,
      };
    case "host-unavailable":
      return {
        kind: conflict.kind,
        slotId: conflict.slotId,
        pitchIds: [conflict.pitchId],
        label: "Host unavailable",
        message: `Host unavailable: ${t(conflict.pitchId)} runs at ${slotTime(slotById.get(conflict.slotId), manyDays)}, which ${conflict.hosts === 1 ? "its host" : `${conflict.hosts} of its hosts`} cannot make.`,
      };
    case "needs": {
      const label = needsLabel(conflict.missing);
      const lacking = conflict.missing
        .map((m) => (isStandardFeature(m) ? featureLabel(m).toLowerCase() : m))
        .join(", ");
      return {
        kind: conflict.kind,
        slotId: conflict.slotId,
        pitchIds: [conflict.pitchId],
        label,
        message: `${label}: ${t(conflict.pitchId)} is in ${roomNames.get(conflict.roomId)}, which lacks ${lacking}.`,
      };
    }
    case "span":
      return {
        kind: conflict.kind,
        slotId: conflict.slotId,
        pitchIds: [conflict.pitchId],
        label: "Does not fit",
        message: spanMessage(
          titles.get(conflict.pitchId) ?? "?",
          conflict.span,
          conflict.slotId,
          conflict.coverage,
          slotRows,
        ),
      };
  }
}

/**
 * The grid's shared facts: where open sessions are placed and every conflict
 * (organisers see all; facts.server.ts filters what attendees see).
 */
export function gridFacts(db: Db, eventId: string): { placements: PlacementFact[]; conflicts: ConflictView[] } {
  const roomRows = gridRooms(db, eventId);
  const slotRows = listTimeSlots({ db: db as ServiceContext["db"] }, eventId);
  const pitchList = openPitches(db, eventId);
  const byId = new Map(pitchList.map((p) => [p.id, p]));
  const cells = placementsOf(db, eventId).filter((c) => byId.has(c.pitchId));
  const titles = new Map(pitchList.map((p) => [p.id, p.title]));
  const roomNames = new Map(roomRows.map((r) => [r.id, r.name]));
  const context = gridContext(db, eventId, slotRows);
  return {
    placements: cells.map(({ pitchId, roomId, slotId, pinned }) => ({
      pitchId,
      roomId,
      slotId,
      pinned,
      span: byId.get(pitchId)?.span ?? 1,
    })),
    conflicts: findConflicts(cells, roomRows, pitchList, context).map((c) => describe(c, titles, roomNames, slotRows)),
  };
}

/** The grid as one viewer sees it, for the server's own renderers (the personal calendar). */
export function gridView(ctx: Pick<ServiceContext, "db">, viewer: Viewer) {
  requireAccess(viewer);
  const { event } = viewer;
  const roomRows = gridRooms(ctx.db, event.id);
  const slotRows = listTimeSlots(ctx, event.id);
  const pitchList = openPitches(ctx.db, event.id);
  const cells = placementsOf(ctx.db, event.id);
  const showVotes = talliesVisible(event, viewer.isOrganiser);
  const me = viewer.attendee?.id;
  const byId = new Map(pitchList.map((p) => [p.id, p]));
  const placedIds = new Set(cells.map((c) => c.pitchId));
  const myGoing = new Map(
    me
      ? ctx.db
          .select({ pitchId: going.pitchId, status: going.status })
          .from(going)
          .where(and(eq(going.eventId, event.id), eq(going.attendeeId, me)))
          .all()
          .map((r) => [r.pitchId, r.status] as const)
      : [],
  );
  // While a blind vote is open, conflicts that reveal votes (counts, shared voters) stay with organisers.
  const conflicts = gridFacts(ctx.db, event.id).conflicts.filter(
    (c) =>
      (viewer.isOrganiser || c.kind !== "host-unavailable") &&
      (showVotes || (c.kind !== "over-capacity" && c.kind !== "voter-clash")),
  );
  return {
    rooms: roomRows.map(({ id, name, capacity, features, remoteUrl }) => ({ id, name, capacity, features, remoteUrl })),
    slots: slotRows.map(({ id, localStart, localEnd, kind, label }) => ({ id, localStart, localEnd, kind, label })),
    cells: cells
      .filter((c) => byId.has(c.pitchId))
      .map((c): GridCellView => {
        const p = byId.get(c.pitchId) as NamedPitch;
        return {
          pitchId: c.pitchId,
          roomId: c.roomId,
          slotId: c.slotId,
          pinned: c.pinned,
          span: p.span,
          title: p.title,
          pitcherName: p.pitcherName,
          votes: showVotes ? p.votes : null,
          myVote: me ? p.voters.includes(me) : false,
          myGoing: myGoing.get(c.pitchId) ?? null,
        };
      }),
    unplaced: pitchList
      .filter((p) => !placedIds.has(p.id))
      // By votes only where this viewer may see them: a blind vote's ranking must not leak through the order.
      .sort((a, b) => (showVotes ? b.votes - a.votes : 0) || a.title.localeCompare(b.title))
      .map((p) => ({
        id: p.id,
        title: p.title,
        votes: showVotes ? p.votes : null,
        myVote: me ? p.voters.includes(me) : false,
      })),
    conflicts,
    score: viewer.isOrganiser ? scoreGrid(cells, roomRows, pitchList, { slots: gridSlots(slotRows) }) : null,
    version: versionOf(cells),
  };
}

function checkCell(tx: Tx, eventId: string, input: { pitchId: string; roomId: string; slotId: string }) {
  const pitch = tx
    .select()
    .from(pitches)
    .where(and(eq(pitches.id, input.pitchId), eq(pitches.eventId, eventId)))
    .get();
  if (!pitch) throw new ServiceError("not_found", "That session is not part of this event.");
  if (pitch.status !== "open") {
    throw new ServiceError(
      "conflict",
      `“${pitch.title}” is ${pitch.status === "merged" ? "merged into another pitch" : pitch.status} and cannot be scheduled.`,
    );
  }
  const room = tx
    .select()
    .from(rooms)
    .where(and(eq(rooms.id, input.roomId), eq(rooms.eventId, eventId)))
    .get();
  if (!room) throw new ServiceError("not_found", "That room is not part of this event.");
  const slot = tx
    .select()
    .from(timeSlots)
    .where(and(eq(timeSlots.id, input.slotId), eq(timeSlots.eventId, eventId)))
    .get();
  if (!slot) throw new ServiceError("not_found", "That time slot is not part of this event.");
  if (slot.kind === "break")
    throw new ServiceError("conflict", "That time slot is a break: nothing can be scheduled in it.");
  return { pitch, room, slot };
}

/**
 * The cells other placements hold ("roomId|slotId"), a long session holding
 * one per slot it covers: what a new placement must not overlap.
 */
function heldCells(tx: Db, eventId: string, exceptPitchId: string | null, slotRows: readonly TimeSlot[]) {
  const rows = tx
    .select({ placement: placements, title: pitches.title, span: pitches.span })
    .from(placements)
    .innerJoin(pitches, eq(pitches.id, placements.pitchId))
    .where(eq(placements.eventId, eventId))
    .all()
    .filter((r) => r.placement.pitchId !== exceptPitchId);
  const info = new Map(rows.map((r) => [r.placement.pitchId, r]));
  const { covered } = expandCells(
    rows.map((r) => r.placement),
    rows.map((r) => ({ id: r.placement.pitchId, votes: 0, pitcherId: null, voters: [], span: r.span })),
    gridSlots(slotRows),
  );
  const held = new Map<string, { pitchId: string; title: string; span: number; startSlotId: string }>();
  for (const c of covered) {
    const r = info.get(c.pitchId);
    held.set(`${c.roomId}|${c.slotId}`, {
      pitchId: c.pitchId,
      title: r?.title ?? "?",
      span: r?.span ?? 1,
      startSlotId: c.startSlotId,
    });
  }
  return held;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && "code" in error && String(error.code).startsWith("SQLITE_CONSTRAINT");
}

/**
 * Places (or moves) a session into a room and slot. A taken cell is refused
 * with the name of what is there, unless `swap` is set and the session being
 * moved already has a cell, in which case the two trade places.
 */
export async function placePitch(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<void> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const data = validate(placeSchema, input);
  const eventId = viewer.event.id;
  let version: number | null;
  try {
    version = ctx.db.transaction(
      (tx) => {
        const { pitch, room, slot } = checkCell(tx, eventId, data);
        const current = tx.select().from(placements).where(eq(placements.pitchId, pitch.id)).get();
        if (current && current.roomId === room.id && current.slotId === slot.id) return null;
        const slotRows = listTimeSlots({ db: tx as unknown as ServiceContext["db"] }, eventId);
        const covered = coverage(gridSlots(slotRows), slot.id, pitch.span);
        if (!covered.ok)
          throw new ServiceError("conflict", spanMessage(pitch.title, pitch.span, slot.id, covered, slotRows));
        const held = heldCells(tx, eventId, pitch.id, slotRows);
        const occupant = tx
          .select({ placement: placements, title: pitches.title, span: pitches.span })
          .from(placements)
          .innerJoin(pitches, eq(pitches.id, placements.pitchId))
          .where(and(eq(placements.roomId, room.id), eq(placements.slotId, slot.id)))
          .get();
        const inSlot =
          tx
            .select({ n: count() })
            .from(placements)
            .where(and(eq(placements.slotId, slot.id), eq(placements.eventId, eventId)))
            .get()?.n ?? 0;
        if (slot.kind === "plenary" && !occupant && inSlot > (current?.slotId === slot.id ? 1 : 0)) {
          throw new ServiceError("conflict", "A plenary slot holds one session for all rooms, and it already has one.");
        }
        // A plain swap: two one-slot sessions trade cells.
        const swappable = occupant && occupant.span === 1 && pitch.span === 1;
        if (occupant && (!swappable || !data.swap || !current)) {
          if (swappable) {
            throw new ServiceError(
              "conflict",
              `${room.name} already holds “${occupant.title}” at that time. Unschedule it first, or drag onto it to swap.`,
            );
          }
          throw new ServiceError(
            "conflict",
            `${room.name} already holds “${occupant.title}” at ${formatTime(slot.localStart)}. Long sessions do not swap: unschedule or move it first.`,
          );
        }
        if (!occupant) {
          const manyDays = new Set(slotRows.map((s) => s.localStart.slice(0, 10))).size > 1;
          const slotById = new Map(slotRows.map((s) => [s.id, s]));
          for (const slotId of covered.slotIds) {
            const other = held.get(`${room.id}|${slotId}`);
            if (!other) continue;
            const runs =
              other.span > 1
                ? ` (a ${other.span}-slot session from ${slotTime(slotById.get(other.startSlotId), manyDays)})`
                : "";
            const would = pitch.span > 1 ? `, which this ${pitch.span}-slot session would cover` : "";
            throw new ServiceError(
              "conflict",
              `${room.name} already holds “${other.title}”${runs} at ${slotTime(slotById.get(slotId), manyDays)}${would}. Unschedule or move it first.`,
            );
          }
        }
        if (occupant && current) {
          // Swap: the occupant takes the moved session's old cell.
          tx.delete(placements)
            .where(inArray(placements.pitchId, [pitch.id, occupant.placement.pitchId]))
            .run();
          tx.insert(placements)
            .values([
              { ...current, roomId: room.id, slotId: slot.id },
              { ...occupant.placement, roomId: current.roomId, slotId: current.slotId },
            ])
            .run();
          audit(tx, { eventId, action: "grid.swap", targetId: pitch.id, detail: { with: occupant.placement.pitchId } });
          return nextVersion(tx, eventId);
        }
        if (current) {
          tx.update(placements).set({ roomId: room.id, slotId: slot.id }).where(eq(placements.pitchId, pitch.id)).run();
        } else {
          tx.insert(placements)
            .values({ pitchId: pitch.id, eventId, roomId: room.id, slotId: slot.id, pinned: data.pinned })
            .run();
        }
        audit(tx, {
          eventId,
          action: "grid.place",
          targetId: pitch.id,
          detail: { roomId: room.id, slotId: slot.id, span: pitch.span },
        });
        return nextVersion(tx, eventId);
      },
      { behavior: "immediate" },
    );
  } catch (error) {
    // Two organisers placing into one cell at once: the database keeps the first.
    if (isUniqueViolation(error))
      throw new ServiceError("conflict", "Someone else just filled that cell. The grid now shows what is there.");
    throw error;
  }
  if (version !== null) publishChange(ctx, eventId, version, { grid: true });
}

export async function unplacePitch(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<void> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const { pitchId } = validate(unplaceSchema, input);
  const eventId = viewer.event.id;
  const version = ctx.db.transaction((tx) => {
    const gone = tx
      .delete(placements)
      .where(and(eq(placements.pitchId, pitchId), eq(placements.eventId, eventId)))
      .returning()
      .all().length;
    if (!gone) return null;
    audit(tx, { eventId, action: "grid.unplace", targetId: pitchId });
    return nextVersion(tx, eventId);
  });
  if (version === null)
    throw new ServiceError("conflict", "That session is not scheduled (someone may have just unscheduled it).");
  publishChange(ctx, eventId, version, { grid: true });
}

/** Pinned cells are kept as they are by "Suggest a grid". */
export async function setPinned(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<void> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const { pitchId, pinned } = validate(pinSchema, input);
  const eventId = viewer.event.id;
  const version = ctx.db.transaction((tx) => {
    const changed = tx
      .update(placements)
      .set({ pinned })
      .where(and(eq(placements.pitchId, pitchId), eq(placements.eventId, eventId)))
      .returning()
      .all().length;
    if (!changed) throw new ServiceError("conflict", "That session is not scheduled.");
    audit(tx, { eventId, action: pinned ? "grid.pin" : "grid.unpin", targetId: pitchId });
    return nextVersion(tx, eventId);
  });
  publishChange(ctx, eventId, version, { grid: true });
}

export interface SuggestionPreview {
  version: string;
  cells: Cell[];
  score: ReturnType<typeof scoreGrid>;
  currentScore: ReturnType<typeof scoreGrid>;
  baselineScore: ReturnType<typeof scoreGrid>;
}

/**
 * What a suggestion never moves: pinned cells, and sessions in plenary slots
 * (the scheduler fills ordinary session slots only; a keynote stays put).
 */
function keptBySuggestion(slots: ReadonlyArray<{ id: string; kind: string }>) {
  const plenary = new Set(slots.filter((s) => s.kind === "plenary").map((s) => s.id));
  return (cell: Placement) => cell.pinned || plenary.has(cell.slotId);
}

/**
 * Computes a suggested grid without saving it, with its score beside the
 * current grid's. The scheduler runs in a worker thread (it grows faster than
 * the event: about n^2.5 in pitches), so the server keeps answering meanwhile.
 */
export async function suggestionFor(
  ctx: Pick<ServiceContext, "db" | "heavy">,
  viewer: Viewer,
): Promise<SuggestionPreview> {
  requireOrganiser(viewer);
  const eventId = viewer.event.id;
  const roomRows = gridRooms(ctx.db, eventId);
  const slotRows = listTimeSlots(ctx, eventId);
  const pitchList = openPitches(ctx.db, eventId);
  const current = placementsOf(ctx.db, eventId);
  const input = {
    rooms: roomRows,
    slots: slotRows,
    pitches: pitchList,
    pinned: current
      .filter(keptBySuggestion(slotRows))
      .map(({ pitchId, roomId, slotId }) => ({ pitchId, roomId, slotId })),
  };
  const suggestion = await heavyWorkOf(ctx).run({
    kind: "suggest",
    // Plain data for the worker: the rooms, slots and pitches as the scheduler reads them.
    input: {
      rooms: input.rooms.map(({ id, capacity, features }) => ({ id, capacity, features })),
      slots: gridSlots(slotRows).map(({ id, kind, day }) => ({ id, kind, day })),
      pitches: pitchList.map(({ id, votes, going, pitcherId, hostIds, voters, span, needs }) => ({
        id,
        votes,
        going,
        pitcherId,
        hostIds,
        voters,
        span,
        needs,
      })),
      pinned: input.pinned,
      unavailable: unavailableByAttendee(ctx.db, eventId),
    },
    current: current.map(({ pitchId, roomId, slotId }) => ({ pitchId, roomId, slotId })),
  });
  return { version: versionOf(current), ...suggestion };
}

/** Keeps a previewed suggestion: unpinned cells are replaced, pinned ones stay. */
export async function applySuggestion(
  ctx: ServiceContext,
  viewer: Viewer,
  input: unknown,
): Promise<{ placed: number }> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const { version, cells } = validate(applySuggestionSchema, input);
  const eventId = viewer.event.id;
  const placed = ctx.db.transaction(
    (tx) => {
      const current = placementsOf(tx, eventId);
      if (versionOf(current) !== version) {
        throw new ServiceError("conflict", "The grid changed since this suggestion was made. Suggest a grid again.");
      }
      const slotKinds = tx
        .select({ id: timeSlots.id, kind: timeSlots.kind })
        .from(timeSlots)
        .where(eq(timeSlots.eventId, eventId))
        .all();
      const kept = current.filter(keptBySuggestion(slotKinds));
      const keptIds = new Set(kept.map((c) => c.pitchId));
      const fresh = cells.filter((c) => !keptIds.has(c.pitchId));
      const perPlenary = new Map<string, number>();
      for (const c of kept) perPlenary.set(c.slotId, (perPlenary.get(c.slotId) ?? 0) + 1);
      for (const cell of fresh) {
        const { slot } = checkCell(tx, eventId, cell);
        if (slot.kind === "plenary") {
          const n = (perPlenary.get(slot.id) ?? 0) + 1;
          perPlenary.set(slot.id, n);
          if (n > 1)
            throw new ServiceError(
              "conflict",
              "A plenary slot holds one session for all rooms; the suggestion puts more there.",
            );
        }
      }
      // Long sessions: every cell the result covers is held once, and every span fits.
      const slotRows = listTimeSlots({ db: tx as unknown as ServiceContext["db"] }, eventId);
      const spans = new Map(
        tx
          .select({ id: pitches.id, span: pitches.span })
          .from(pitches)
          .where(eq(pitches.eventId, eventId))
          .all()
          .map((p) => [p.id, p.span]),
      );
      const result = [...kept, ...fresh];
      const { covered, broken } = expandCells(
        result,
        result.map((c) => ({ id: c.pitchId, votes: 0, pitcherId: null, voters: [], span: spans.get(c.pitchId) ?? 1 })),
        gridSlots(slotRows),
      );
      const seen = new Set<string>();
      const overlap = covered.some((c) => {
        const key = `${c.roomId}|${c.slotId}`;
        if (seen.has(key)) return true;
        seen.add(key);
        return false;
      });
      const starts = new Set(result.map((c) => `${c.roomId}|${c.slotId}`));
      if (starts.size < result.length) {
        throw new ServiceError("conflict", "The suggestion puts two sessions in one cell. Suggest a grid again.");
      }
      if (overlap || broken.length) {
        throw new ServiceError(
          "conflict",
          "The suggestion no longer fits the grid (a long session would overlap another or run past its day). Suggest a grid again.",
        );
      }
      const replaced = current.filter((c) => !keptIds.has(c.pitchId)).map((c) => c.pitchId);
      if (replaced.length) tx.delete(placements).where(inArray(placements.pitchId, replaced)).run();
      if (fresh.length) {
        try {
          tx.insert(placements)
            .values(fresh.map((c) => ({ ...c, eventId })))
            .run();
        } catch (error) {
          if (isUniqueViolation(error))
            throw new ServiceError("conflict", "The suggestion puts two sessions in one cell. Suggest a grid again.");
          throw error;
        }
      }
      audit(tx, { eventId, action: "grid.apply-suggestion", detail: { placed: fresh.length } });
      return { placed: fresh.length, version: nextVersion(tx, eventId) };
    },
    { behavior: "immediate" },
  );
  publishChange(ctx, eventId, placed.version, { grid: true });
  return { placed: placed.placed };
}
