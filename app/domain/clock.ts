/** Wall-clock time in an event's time zone, as YYYY-MM-DDTHH:MM (the form slots are stored in). */
export function localNow(timeZone: string, at: Date = new Date()): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export interface TimedSlot {
  id: string;
  localStart: string;
  localEnd: string;
}

/** The slot happening now and the next one to start, by wall-clock time. */
export function nowAndNext<T extends TimedSlot>(slots: readonly T[], now: string): { now: T | null; next: T | null } {
  const sorted = [...slots].sort((a, b) => a.localStart.localeCompare(b.localStart));
  return {
    now: sorted.find((s) => s.localStart <= now && now < s.localEnd) ?? null,
    next: sorted.find((s) => s.localStart > now) ?? null,
  };
}

/** The minutes a time zone is ahead of UTC at an instant. */
function offsetMinutes(timeZone: string, at: Date): number {
  const local = localNow(timeZone, at);
  const asUtc = Date.parse(`${local}:00Z`);
  return Math.round((asUtc - Math.floor(at.getTime() / 60000) * 60000) / 60000);
}

/**
 * The instant a wall-clock time (YYYY-MM-DDTHH:MM) in a time zone names.
 * Two passes settle the offset around daylight-saving changes.
 */
export function localToInstant(local: string, timeZone: string): Date {
  const naive = Date.parse(`${local}:00Z`);
  let guess = naive - offsetMinutes(timeZone, new Date(naive)) * 60000;
  guess = naive - offsetMinutes(timeZone, new Date(guess)) * 60000;
  return new Date(guess);
}
