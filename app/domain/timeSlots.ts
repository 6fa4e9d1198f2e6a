/** A wall-clock interval in the event's time zone, as YYYY-MM-DDTHH:MM strings. */
export interface LocalInterval {
  localStart: string;
  localEnd: string;
}

export function toLocalDateTime(date: string, time: string): string {
  return `${date}T${time}`;
}

/** Two intervals overlap when each starts before the other ends; touching is fine. */
export function overlaps(a: LocalInterval, b: LocalInterval): boolean {
  return a.localStart < b.localEnd && b.localStart < a.localEnd;
}

export type SlotProblem = { field: "ends"; message: string } | { field: "starts"; message: string };

/** Checks a new slot against the event's existing ones; null when it fits. */
export function checkNewSlot(
  slot: LocalInterval,
  existing: ReadonlyArray<LocalInterval & { label?: string }>,
): SlotProblem | null {
  if (slot.localEnd <= slot.localStart) {
    return { field: "ends", message: "A time slot must end after it starts." };
  }
  const clash = existing.find((other) => overlaps(slot, other));
  if (clash) {
    return {
      field: "starts",
      message: `This overlaps the slot ${formatRange(clash)}. Time slots may touch but not overlap.`,
    };
  }
  return null;
}

export function formatTime(local: string): string {
  return local.slice(11, 16);
}

export function formatRange(slot: LocalInterval): string {
  return `${formatTime(slot.localStart)}–${formatTime(slot.localEnd)}`;
}

export function sortSlots<T extends LocalInterval>(slots: readonly T[]): T[] {
  return [...slots].sort((a, b) => a.localStart.localeCompare(b.localStart));
}

/** How a break or plenary is named wherever a slot is shown: its label, or what kind it is. */
export function slotKindLabel(slot: { kind: "sessions" | "break" | "plenary"; label: string }): string {
  if (slot.kind === "break") return slot.label ? `Break: ${slot.label}` : "Break";
  if (slot.kind === "plenary") return slot.label ? `${slot.label} (all rooms)` : "Plenary, all rooms";
  return slot.label;
}

/** Where a placed session happens, in words: its room, or the plenary's label for all rooms. */
export function placeLabel(slot: { kind: "sessions" | "break" | "plenary"; label: string }, room: string): string {
  return slot.kind === "plenary" ? slotKindLabel(slot) : room;
}

/** The same wall-clock time `days` later (or earlier): slots move with the event's date. */
export function shiftDays(local: string, days: number): string {
  const [date, time] = local.split("T");
  const [y, m, d] = (date ?? "").split("-").map(Number);
  const moved = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days)).toISOString().slice(0, 10);
  return `${moved}T${time}`;
}

/** Whole days from one YYYY-MM-DD to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Why a slot's kind cannot change while sessions are placed in it; null when it can. */
export function kindChangeProblem(kind: "sessions" | "break" | "plenary", placed: number): string | null {
  if (kind === "break" && placed > 0)
    return `This slot holds ${placed} session${placed === 1 ? "" : "s"}: unschedule ${placed === 1 ? "it" : "them"} before making it a break.`;
  if (kind === "plenary" && placed > 1)
    return `This slot holds ${placed} sessions: a plenary holds one. Unschedule all but one first.`;
  return null;
}
