/**
 * "I'm going": pure rules for marks, caps and waiting lists. The service
 * (app/services/going.server.ts) reads the rows, asks these, and writes.
 */

export type GoingStatus = "going" | "waiting";

export interface GoingMark {
  pitchId: string;
  status: GoingStatus;
}

/**
 * The marks to drop when an attendee marks `pitchId`: their other marks in any
 * slot the session covers (one session per slot). `slotsOf` gives the slots
 * each placed session covers (a long session covers several).
 */
export function marksToDrop(
  mine: readonly GoingMark[],
  pitchId: string,
  slotsOf: (pitchId: string) => readonly string[],
): string[] {
  const covered = new Set(slotsOf(pitchId));
  return mine
    .filter((m) => m.pitchId !== pitchId && slotsOf(m.pitchId).some((slot) => covered.has(slot)))
    .map((m) => m.pitchId);
}

/** A new mark is a place when the session has room, else a place in the waiting list. */
export function statusForNewMark(going: number, cap: number | null): GoingStatus {
  return cap === null || going < cap ? "going" : "waiting";
}

/**
 * Who moves up from the waiting list (oldest first) so that `going` reaches
 * the cap; everyone waiting when there is no cap.
 */
export function toPromote<T>(waitingOldestFirst: readonly T[], going: number, cap: number | null): T[] {
  if (cap === null) return [...waitingOldestFirst];
  return waitingOldestFirst.slice(0, Math.max(0, cap - going));
}

/** Why a cap may not be set, or null when it may. */
export function capRefusal(cap: number | null, going: number): string | null {
  if (cap === null) return null;
  if (cap < going) {
    return `${going} ${going === 1 ? "person is" : "people are"} already going, so the cap cannot be below ${going}. Raise it, or leave it empty for no cap.`;
  }
  return null;
}

/**
 * How many people a session is expected to draw, for capacity: its going-count
 * once anyone marked it, its votes before that.
 */
export function demandOf(pitch: { votes: number; going?: number }): { count: number; basis: "going" | "votes" } {
  return pitch.going && pitch.going > 0
    ? { count: pitch.going, basis: "going" }
    : { count: pitch.votes, basis: "votes" };
}

/** "12 going", "12 of 20 going", with the waiting list when there is one. */
export function goingText(counts: { going: number; waiting: number }, cap: number | null): string {
  const base = cap === null ? `${counts.going} going` : `${counts.going} of ${cap} going`;
  return counts.waiting > 0 ? `${base}, ${counts.waiting} waiting` : base;
}
