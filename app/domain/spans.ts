/**
 * Long sessions: a pitch may ask for several consecutive slots. A placement
 * names its first slot; it covers that slot and the next ones of the same
 * day, all of kind "sessions" (a break or plenary in between ends the run),
 * in the same room. Pure, shared by the grid's rules, the services and the
 * pages.
 */

export const SPAN_MAX = 4;

export interface SpanSlot {
  id: string;
  kind: "sessions" | "break" | "plenary";
  /** The day, YYYY-MM-DD; from `localStart` when absent. */
  day?: string;
  localStart?: string;
}

export type Coverage =
  | { ok: true; slotIds: string[] }
  | { ok: false; reason: "unknown-slot"; slotIds: string[] }
  | { ok: false; reason: "not-sessions"; slotIds: string[] }
  | { ok: false; reason: "day-ends"; slotIds: string[]; available: number }
  | { ok: false; reason: "interrupted"; slotIds: string[]; available: number; at: string };

export function dayOf(slot: SpanSlot): string {
  return slot.day ?? slot.localStart?.slice(0, 10) ?? "";
}

/**
 * The slots a placement starting at `startId` with `span` slots covers, in
 * order, or why it cannot (with the slots it could cover, so a broken span
 * still shows where it is). `slots` must be in time order. A one-slot
 * placement covers its slot whatever its kind (plenaries hold one session).
 */
export function coverage(slots: readonly SpanSlot[], startId: string, span: number): Coverage {
  const start = slots.findIndex((s) => s.id === startId);
  if (start < 0) return { ok: false, reason: "unknown-slot", slotIds: [] };
  const first = slots[start] as SpanSlot;
  const n = Math.max(1, Math.floor(span));
  if (n === 1) return { ok: true, slotIds: [first.id] };
  if (first.kind !== "sessions") return { ok: false, reason: "not-sessions", slotIds: [first.id] };
  const day = dayOf(first);
  const ids = [first.id];
  for (let i = start + 1; ids.length < n; i++) {
    const next = slots[i];
    if (!next || dayOf(next) !== day) return { ok: false, reason: "day-ends", slotIds: ids, available: ids.length };
    if (next.kind !== "sessions")
      return { ok: false, reason: "interrupted", slotIds: ids, available: ids.length, at: next.id };
    ids.push(next.id);
  }
  return { ok: true, slotIds: ids };
}

/** "2 slots", "1 slot". */
export function slotsText(n: number): string {
  return `${n} slot${n === 1 ? "" : "s"}`;
}

/**
 * Each placed session in every slot it covers, in slot order: a long session
 * is listed in its first slot and again, as a continuation, in each slot it
 * runs on into (the phone list, the projector and door signs read this).
 */
export function cellsBySlot<C extends { slotId: string; span: number }>(
  cells: readonly C[],
  slots: readonly SpanSlot[],
): Map<string, Array<{ cell: C; continues: boolean }>> {
  const out = new Map<string, Array<{ cell: C; continues: boolean }>>();
  for (const slot of slots) out.set(slot.id, []);
  for (const cell of cells) {
    const c = coverage(slots, cell.slotId, cell.span);
    const ids = c.slotIds.length ? c.slotIds : [cell.slotId];
    for (const [i, slotId] of ids.entries()) out.get(slotId)?.push({ cell, continues: i > 0 });
  }
  return out;
}

/** The slot a session ends with: its last covered slot (its own when it takes one). */
export function lastSlotId(slots: readonly SpanSlot[], startId: string, span: number): string {
  const c = coverage(slots, startId, span);
  return c.slotIds.at(-1) ?? startId;
}
