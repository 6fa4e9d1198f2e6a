import { localToInstant } from "../clock";

/** Time arithmetic for exports: wall-clock strings (YYYY-MM-DDTHH:MM) in an event's zone. */

/** The zone's offset from UTC at a wall-clock time, as +HH:MM / -HH:MM. */
export function offsetAt(local: string, timeZone: string): string {
  const instant = localToInstant(local, timeZone).getTime();
  const minutes = Math.round((Date.parse(`${local}:00Z`) - instant) / 60000);
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** A wall-clock time as ISO 8601 with the zone's offset: 2026-12-01T10:00:00+01:00. */
export function isoWithOffset(local: string, timeZone: string): string {
  return `${local}:00${offsetAt(local, timeZone)}`;
}

/** Minutes from start to end, as a clock measures them (daylight-saving changes included). */
export function minutesBetween(localStart: string, localEnd: string, timeZone: string): number {
  return Math.round(
    (localToInstant(localEnd, timeZone).getTime() - localToInstant(localStart, timeZone).getTime()) / 60000,
  );
}

/** A duration as HH:MM (hours may exceed 24). */
export function hoursMinutes(minutes: number): string {
  const m = Math.max(0, minutes);
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/** The date part, YYYY-MM-DD. */
export function datePart(local: string): string {
  return local.slice(0, 10);
}

/** The clock part, HH:MM. */
export function clockPart(local: string): string {
  return local.slice(11, 16);
}

/** The day after a date, YYYY-MM-DD. */
export function nextDay(date: string): string {
  const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000);
  return next.toISOString().slice(0, 10);
}

/** "1 December 2026" for people reading a post. */
export function longDate(date: string): string {
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(
    new Date(`${date}T12:00:00Z`),
  );
}

/** RFC 822 date (RSS pubDate) of an instant. */
export function rfc822(instant: Date): string {
  return instant.toUTCString().replace("GMT", "+0000");
}
