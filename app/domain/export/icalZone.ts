import { TZDate } from "@date-fns/tz";
import { tzlib_get_ical_block, tzlib_get_timezones } from "timezones-ical-library";

/**
 * Calendar times in the event's own time zone (RFC 5545 DTSTART;TZID=...)
 * need a VTIMEZONE block that says what the zone's offsets are. The blocks
 * come from timezones-ical-library (IANA data as VTIMEZONE text); the
 * wall-clock times are TZDate values from @date-fns/tz, which ical-generator
 * formats in their own zone whatever the server's TZ is.
 */

export interface IcalZone {
  /** The TZID the VTIMEZONE block declares (aliases resolve, e.g. Asia/Calcutta to Asia/Kolkata). */
  tzid: string;
  vtimezone: string;
}

let known: Set<string> | undefined;

/** The VTIMEZONE for an IANA zone, or null when the library does not know it (callers then write UTC). */
export function icalZone(timeZone: string): IcalZone | null {
  known ??= new Set(tzlib_get_timezones() as string[]);
  if (!known.has(timeZone)) return null;
  const block = tzlib_get_ical_block(timeZone);
  if (!Array.isArray(block) || !block[0] || !block[1]) return null;
  const tzid = block[1].replace(/^TZID=/, "");
  return { tzid, vtimezone: block[0] };
}

/** A wall-clock time (YYYY-MM-DDTHH:MM) in a zone, as a date that knows its zone. */
export function wallClock(local: string, timeZone: string): TZDate {
  const [date = "", time = ""] = local.split("T");
  const [y, m, d] = date.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  return new TZDate(y ?? 1970, (m ?? 1) - 1, d ?? 1, hh ?? 0, mm ?? 0, timeZone);
}
