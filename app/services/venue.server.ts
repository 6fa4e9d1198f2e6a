import { and, asc, eq, sql } from "drizzle-orm";
import { type Room, type TimeSlot, placements, rooms, timeSlots } from "../../db/schema";
import { featureVocabulary } from "../domain/features";
import { checkNewSlot, kindChangeProblem, toLocalDateTime } from "../domain/timeSlots";
import { addRoomSchema, editRoomSchema, editSlotSchema, idSchema, timeSlotSchema } from "../schemas/event";
import { audit } from "./audit.server";
import { nextVersion, publishChange } from "./facts.server";
import type { ServiceContext } from "./context.server";
import { ServiceError } from "./errors";
import { newId } from "./ids.server";
import { validate } from "./validate";
import { type Viewer, requireOrganiser } from "./viewer.server";

/** Rooms and time slots: the frame of the grid. */

export function listRooms(ctx: Pick<ServiceContext, "db">, eventId: string): Room[] {
  return ctx.db
    .select()
    .from(rooms)
    .where(eq(rooms.eventId, eventId))
    .orderBy(asc(rooms.position), asc(rooms.createdAt))
    .all();
}

export function listTimeSlots(ctx: Pick<ServiceContext, "db">, eventId: string): TimeSlot[] {
  return ctx.db.select().from(timeSlots).where(eq(timeSlots.eventId, eventId)).orderBy(asc(timeSlots.localStart)).all();
}

export async function addRoom(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<Room> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const data = validate(addRoomSchema, input);
  const eventId = viewer.event.id;
  const room = ctx.db.transaction((tx) => {
    // Compared in JavaScript: SQLite's lower() folds ASCII letters only ("Café" vs "CAFÉ").
    const folded = data.name.toLocaleLowerCase();
    const clash = tx
      .select({ name: rooms.name })
      .from(rooms)
      .where(eq(rooms.eventId, eventId))
      .all()
      .some((room) => room.name.toLocaleLowerCase() === folded);
    if (clash) {
      throw new ServiceError("conflict", `There is already a room called "${data.name}".`, {
        name: [`There is already a room called "${data.name}".`],
      });
    }
    const position =
      tx
        .select({ max: sql<number>`coalesce(max(${rooms.position}), -1)` })
        .from(rooms)
        .where(eq(rooms.eventId, eventId))
        .get()?.max ?? -1;
    const created = tx
      .insert(rooms)
      .values({
        id: newId(),
        eventId,
        name: data.name,
        capacity: data.capacity,
        position: position + 1,
        features: data.features ?? [],
        remoteUrl: data.remoteUrl ?? null,
      })
      .returning()
      .get();
    audit(tx, { eventId, action: "room.add", targetId: created.id, detail: { name: data.name } });
    return { created, version: nextVersion(tx, eventId) };
  });
  publishChange(ctx, eventId, room.version, { rooms: true });
  return room.created;
}

/** Removes a room; sessions placed in it go back to "Not scheduled yet". */
export async function removeRoom(
  ctx: ServiceContext,
  viewer: Viewer,
  roomId: unknown,
): Promise<{ unscheduled: number }> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const id = validate(idSchema, roomId);
  const eventId = viewer.event.id;
  const unscheduled = ctx.db.transaction((tx) => {
    const room = tx
      .select()
      .from(rooms)
      .where(and(eq(rooms.id, id), eq(rooms.eventId, eventId)))
      .get();
    if (!room)
      throw new ServiceError("not_found", "That room is not part of this event (it may have been removed already).");
    const moved = tx.delete(placements).where(eq(placements.roomId, id)).returning().all().length;
    tx.delete(rooms).where(eq(rooms.id, id)).run();
    audit(tx, { eventId, action: "room.remove", targetId: id, detail: { name: room.name, unscheduled: moved } });
    return { moved, version: nextVersion(tx, eventId) };
  });
  publishChange(ctx, eventId, unscheduled.version, { rooms: true, grid: true });
  return { unscheduled: unscheduled.moved };
}

export async function addTimeSlot(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<TimeSlot> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const data = validate(timeSlotSchema, input);
  const eventId = viewer.event.id;
  const day = data.day ?? viewer.event.date;
  const candidate = { localStart: toLocalDateTime(day, data.starts), localEnd: toLocalDateTime(day, data.ends) };
  const slot = ctx.db.transaction((tx) => {
    const existing = tx.select().from(timeSlots).where(eq(timeSlots.eventId, eventId)).all();
    const problem = checkNewSlot(candidate, existing);
    if (problem) {
      const kind = problem.field === "ends" ? "invalid" : "conflict";
      throw new ServiceError(kind, problem.message, { [problem.field]: [problem.message] });
    }
    const created = tx
      .insert(timeSlots)
      .values({ id: newId(), eventId, ...candidate, kind: data.kind, label: data.label ?? "" })
      .returning()
      .get();
    audit(tx, { eventId, action: "slot.add", targetId: created.id, detail: candidate });
    return { created, version: nextVersion(tx, eventId) };
  });
  publishChange(ctx, eventId, slot.version, { slots: true });
  return slot.created;
}

/** Removes a time slot; sessions placed in it go back to "Not scheduled yet". */
export async function removeTimeSlot(
  ctx: ServiceContext,
  viewer: Viewer,
  slotId: unknown,
): Promise<{ unscheduled: number }> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const id = validate(idSchema, slotId);
  const eventId = viewer.event.id;
  const unscheduled = ctx.db.transaction((tx) => {
    const slot = tx
      .select()
      .from(timeSlots)
      .where(and(eq(timeSlots.id, id), eq(timeSlots.eventId, eventId)))
      .get();
    if (!slot)
      throw new ServiceError(
        "not_found",
        "That time slot is not part of this event (it may have been removed already).",
      );
    const moved = tx.delete(placements).where(eq(placements.slotId, id)).returning().all().length;
    tx.delete(timeSlots).where(eq(timeSlots.id, id)).run();
    audit(tx, { eventId, action: "slot.remove", targetId: id, detail: { unscheduled: moved } });
    return { moved, version: nextVersion(tx, eventId) };
  });
  publishChange(ctx, eventId, unscheduled.version, { slots: true, grid: true });
  return { unscheduled: unscheduled.moved };
}

/** How many sessions each room and each slot holds, so removing one can say what it moves. */
export function placementCounts(
  ctx: Pick<ServiceContext, "db">,
  eventId: string,
): { byRoom: Record<string, number>; bySlot: Record<string, number> } {
  const rows = ctx.db
    .select({ roomId: placements.roomId, slotId: placements.slotId })
    .from(placements)
    .where(eq(placements.eventId, eventId))
    .all();
  const byRoom: Record<string, number> = {};
  const bySlot: Record<string, number> = {};
  for (const row of rows) {
    byRoom[row.roomId] = (byRoom[row.roomId] ?? 0) + 1;
    bySlot[row.slotId] = (bySlot[row.slotId] ?? 0) + 1;
  }
  return { byRoom, bySlot };
}

/** Renames a room or changes its capacity, features or remote link; what is placed in it stays (a lost feature shows as a conflict). */
export async function editRoom(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<Room> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const data = validate(editRoomSchema, input);
  const eventId = viewer.event.id;
  const result = ctx.db.transaction((tx) => {
    const room = tx
      .select()
      .from(rooms)
      .where(and(eq(rooms.id, data.roomId), eq(rooms.eventId, eventId)))
      .get();
    if (!room) throw new ServiceError("not_found", "That room is not part of this event (it may have been removed).");
    const folded = data.name.toLocaleLowerCase();
    const clash = tx
      .select({ id: rooms.id, name: rooms.name })
      .from(rooms)
      .where(eq(rooms.eventId, eventId))
      .all()
      .some((other) => other.id !== room.id && other.name.toLocaleLowerCase() === folded);
    if (clash) {
      throw new ServiceError("conflict", `There is already a room called "${data.name}".`, {
        name: [`There is already a room called "${data.name}".`],
      });
    }
    const updated = tx
      .update(rooms)
      .set({
        name: data.name,
        capacity: data.capacity,
        ...(data.features !== undefined ? { features: data.features } : {}),
        ...(data.remoteUrl !== undefined ? { remoteUrl: data.remoteUrl } : {}),
      })
      .where(eq(rooms.id, room.id))
      .returning()
      .get();
    audit(tx, {
      eventId,
      action: "room.edit",
      targetId: room.id,
      detail: { name: data.name, capacity: data.capacity, features: updated.features, remoteUrl: updated.remoteUrl },
    });
    return { updated, version: nextVersion(tx, eventId) };
  });
  // Capacity changes what counts as over capacity: the grid's conflicts travel with the rooms.
  publishChange(ctx, eventId, result.version, { rooms: true });
  return result.updated;
}

/**
 * Changes a slot's times, kind or label. Its sessions stay placed; a change
 * that would break them (a break, or a plenary, holding sessions) is refused.
 */
export async function editTimeSlot(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<TimeSlot> {
  requireOrganiser(viewer);
  await ctx.limiter.consume({ ip: viewer.ip });
  const data = validate(editSlotSchema, input);
  const eventId = viewer.event.id;
  const result = ctx.db.transaction((tx) => {
    const all = tx.select().from(timeSlots).where(eq(timeSlots.eventId, eventId)).all();
    const slot = all.find((s) => s.id === data.slotId);
    if (!slot)
      throw new ServiceError("not_found", "That time slot is not part of this event (it may have been removed).");
    const day = data.day ?? slot.localStart.slice(0, 10);
    const candidate = { localStart: toLocalDateTime(day, data.starts), localEnd: toLocalDateTime(day, data.ends) };
    const problem = checkNewSlot(
      candidate,
      all.filter((s) => s.id !== slot.id),
    );
    if (problem) {
      const kind = problem.field === "ends" ? "invalid" : "conflict";
      throw new ServiceError(kind, problem.message, { [problem.field]: [problem.message] });
    }
    const placed = tx
      .select({ pitchId: placements.pitchId })
      .from(placements)
      .where(eq(placements.slotId, slot.id))
      .all().length;
    const refusal = kindChangeProblem(data.kind, placed);
    if (refusal) throw new ServiceError("conflict", refusal, { kind: [refusal] });
    const updated = tx
      .update(timeSlots)
      .set({ ...candidate, kind: data.kind, label: data.label ?? "" })
      .where(eq(timeSlots.id, slot.id))
      .returning()
      .get();
    audit(tx, { eventId, action: "slot.edit", targetId: slot.id, detail: { ...candidate, kind: data.kind } });
    return { updated, version: nextVersion(tx, eventId) };
  });
  publishChange(ctx, eventId, result.version, { slots: true });
  return result.updated;
}

/** What a pitch may say it needs: the standard features, then the rooms' own tags. */
export function needsVocabulary(ctx: Pick<ServiceContext, "db">, eventId: string): string[] {
  return featureVocabulary(
    listRooms(ctx, eventId).map((r) => ({ features: Array.isArray(r.features) ? r.features : [] })),
  );
}
