import ical from "ical-generator";
import type { Event } from "../../db/schema";
import { localToInstant } from "../domain/clock";
import { icalZone, wallClock } from "../domain/export/icalZone";
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
}

/**
 * An RFC 5545 calendar (ical-generator does the escaping and line folding).
 * Times are written in the event's time zone (DTSTART;TZID=...) with its
 * VTIMEZONE block, and the zone is also named in X-WR-TIMEZONE; for a zone
 * without a known VTIMEZONE they are written in UTC, converted from the
 * event's wall clock.
 */
export function buildCalendar(event: Pick<Event, "name" | "timeZone">, name: string, entries: CalendarEntry[]): string {
  const calendar = ical({ name, prodId: { company: "Unconf", product: "Unconf", language: "EN" } });
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
      summary: entry.summary,
      location: entry.location,
      description: entry.description,
      url: entry.url,
    });
  }
  return calendar.toString();
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
    return [
      {
        uid: `${c.pitchId}@${new URL(origin).host}`,
        localStart: slot.localStart,
        localEnd: slot.localEnd,
        summary: c.title,
        location: slot.kind === "plenary" ? "All rooms" : (rooms.get(c.roomId)?.name ?? ""),
        description: `${viewer.event.name}, ${formatRange(slot)}${c.myGoing === "waiting" ? " (you are on the waiting list)" : ""}`,
        url: `${origin}/e/${viewer.event.slug}/s/${c.pitchId}`,
      },
    ];
  });
  return buildCalendar(viewer.event, `${viewer.event.name}: my sessions`, entries);
}
