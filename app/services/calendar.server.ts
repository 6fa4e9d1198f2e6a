import ical from "ical-generator";
import type { Event } from "../../db/schema";
import { localToInstant } from "../domain/clock";
import { icalZone, wallClock } from "../domain/export/icalZone";
import { lastSlotId } from "../domain/spans";
import { formatRange } from "../domain/timeSlots";
import { mySessionsOf } from "../realtime/eventState";
import type { ServiceContext } from "./context.server";
import { gridView } from "./grid.server";
import { type Viewer, requireAttendee } from "./viewer.server";

export interface CalendarEntry {
  uid: string;
  localStart: string;
  localEnd: string;
  summary: string;
  location: string;
  description?: string;
  url?: string;
  /** A video call, stream or chat: written as CONFERENCE (RFC 7986), which ical-generator does not know. */
  conference?: string;
}

/**
 * Text as iCalendar can carry it: line ends as LF (escaped as \n by the
 * writer), and no other control character (a NUL, an escape, a lone CR ended
 * properties early or broke parsers). Tabs stay.
 */
export function calendarText(value: string): string {
  return value.replace(/\r\n|\r\u0085|[\r\u0085\u2028\u2029]/g, "\n").replace(/[^\P{Cc}\t\n]/gu, "");
}

/**
 * The calendar's name on one line: ical-generator writes NAME and
 * X-WR-CALNAME as given, and an event name with a line break added whole
 * events to schedule.ics and my-sessions.ics (issue 10, hole 7). Line breaks
 * become spaces rather than escapes, as many readers (ical.js among them) take
 * X-WR-CALNAME without unescaping.
 */
function calendarName(value: string): string {
  return calendarText(value).replace(/\n/g, " ");
}

/**
 * An RFC 5545 calendar (ical-generator does the escaping and line folding of
 * events' properties; the calendar's name is escaped here, and every text has
 * its control characters removed first).
 * Times are written in the event's time zone (DTSTART;TZID=...) with its
 * VTIMEZONE block, and the zone is also named in X-WR-TIMEZONE; for a zone
 * without a known VTIMEZONE they are written in UTC, converted from the
 * event's wall clock.
 */
export function buildCalendar(event: Pick<Event, "name" | "timeZone">, name: string, entries: CalendarEntry[]): string {
  const calendar = ical({ name: calendarName(name), prodId: { company: "Unconf", product: "Unconf", language: "EN" } });
  const zone = icalZone(event.timeZone);
  if (zone && entries.length === 0) {
    // Still one component (the zone), as RFC 5545 wants; ical-generator adds X-WR-TIMEZONE itself here.
    calendar.timezone({ name: zone.tzid, generator: () => zone.vtimezone });
  } else {
    calendar.x([{ key: "X-WR-TIMEZONE", value: event.timeZone }]);
    if (zone) calendar.timezone({ name: null, generator: () => zone.vtimezone });
  }
  const at = (local: string) => (zone ? wallClock(local, event.timeZone) : localToInstant(local, event.timeZone));
  for (const entry of entries) {
    calendar.createEvent({
      id: entry.uid,
      timezone: zone?.tzid ?? null,
      start: at(entry.localStart),
      end: at(entry.localEnd),
      stamp: new Date(),
      summary: calendarText(entry.summary),
      location: calendarText(entry.location),
      description: entry.description === undefined ? undefined : calendarText(entry.description),
      url: entry.url === undefined ? undefined : calendarText(entry.url),
    });
  }
  return withConferences(calendar.toString(), entries);
}

/** Folds a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 sequence. */
export function foldLine(line: string): string {
  const bytes = Buffer.from(line, "utf8");
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    // Step back off a UTF-8 continuation byte.
    while (end < bytes.length && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString("utf8"));
    start = end;
    limit = 74; // a continuation line starts with a space
  }
  return parts.join("\r\n ");
}

/**
 * Adds `CONFERENCE;VALUE=URI;FEATURE=VIDEO,CHAT;LABEL=Join remotely:<url>`
 * to each event that has a remote link, just before its END:VEVENT. The link
 * is an https URL checked when it was saved; its text needs no escaping as a
 * URI value, but is folded like any line.
 */
function withConferences(ics: string, entries: readonly CalendarEntry[]): string {
  const links = new Map(entries.filter((e) => e.conference).map((e) => [e.uid, e.conference as string]));
  if (links.size === 0) return ics;
  const lines = ics.split("\r\n");
  const out: string[] = [];
  let uid: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === "BEGIN:VEVENT") uid = null;
    if (line.startsWith("UID:")) {
      // Unfold the UID's own continuation lines before reading it.
      let value = line.slice(4);
      for (let j = i + 1; lines[j]?.startsWith(" "); j++) value += (lines[j] as string).slice(1);
      uid = value;
    }
    if (line === "END:VEVENT" && uid && links.has(uid)) {
      out.push(foldLine(`CONFERENCE;VALUE=URI;FEATURE=VIDEO,CHAT;LABEL=Join remotely:${links.get(uid)}`));
    }
    out.push(line);
  }
  return out.join("\r\n");
}

/**
 * "My sessions": the scheduled sessions this attendee marked "I'm going" (a
 * waiting place included), or the ones they voted for while they marked none.
 */
export function myCalendar(ctx: Pick<ServiceContext, "db">, viewer: Viewer, origin: string): string {
  requireAttendee(viewer);
  const grid = gridView(ctx, viewer);
  const slots = new Map(grid.slots.map((s) => [s.id, s]));
  const rooms = new Map(grid.rooms.map((r) => [r.id, r]));
  const entries = mySessionsOf(grid.cells).cells.flatMap((c): CalendarEntry[] => {
    const slot = slots.get(c.slotId);
    if (!slot) return [];
    const last = slots.get(lastSlotId(grid.slots, c.slotId, c.span)) ?? slot;
    const range = { localStart: slot.localStart, localEnd: last.localEnd };
    return [
      {
        uid: `${c.pitchId}@${new URL(origin).host}`,
        localStart: slot.localStart,
        localEnd: last.localEnd,
        summary: c.title,
        location: slot.kind === "plenary" ? "All rooms" : (rooms.get(c.roomId)?.name ?? ""),
        description: `${viewer.event.name}, ${formatRange(range)}${c.myGoing === "waiting" ? " (you are on the waiting list)" : ""}`,
        url: `${origin}/e/${viewer.event.slug}/s/${c.pitchId}`,
      },
    ];
  });
  return buildCalendar(viewer.event, `${viewer.event.name}: my sessions`, entries);
}
