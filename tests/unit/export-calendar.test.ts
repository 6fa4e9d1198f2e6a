import { describe, expect, it } from "vitest";
import { localToInstant } from "../../app/domain/clock";
import { buildCalendar } from "../../app/services/calendar.server";
import { scheduleCalendar } from "../../app/services/export.server";
import { calendarLineProblems, parseCalendar } from "../consumers";
import { NASTY_TITLE, model, richSession, session } from "./exportFixture";

/**
 * schedule.ics through ical.js (Mozilla's iCalendar parser): the times must
 * come out at the right instants once the parser applies the VTIMEZONE we
 * wrote, whatever the server's own TZ is.
 */

describe("schedule.ics", () => {
  it("parses, with one event per scheduled session, stable UIDs, DTSTAMP and the room as LOCATION", () => {
    const m = model([richSession(), session({ id: "unplaced", number: 2, placement: null })]);
    const text = scheduleCalendar(m);
    const { calendar, events } = parseCalendar(text);
    expect(calendar.getFirstPropertyValue("version")).toBe("2.0");
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event?.uid).toBe("pitchAAAAAAAAAAAAAAAAAA@unconf.example.org");
    expect(event?.summary).toBe(NASTY_TITLE);
    expect(event?.location).toBe("Room A");
    expect(event?.url).toBe("https://unconf.example.org/e/camp/s/pitchAAAAAAAAAAAAAAAAAA");
    expect(event?.startTzid).toBe("Europe/Berlin");
    expect(event?.start.toISOString()).toBe("2026-12-01T09:00:00.000Z");
    expect(event?.end.toISOString()).toBe("2026-12-01T10:00:00.000Z");
    expect(event?.dtstamp).toMatch(/^\d{8}T\d{6}Z$/);
    expect(scheduleCalendar(m)).toContain("UID:pitchAAAAAAAAAAAAAAAAAA@unconf.example.org");
  });

  it("escapes and folds text as RFC 5545 requires, and reads back the exact description", () => {
    const description = 'Commas, semicolons; back\\slash\nnew line & "quotes" 🎉 שלום '.repeat(5);
    const m = model([session({ title: NASTY_TITLE, description })]);
    const text = scheduleCalendar(m);
    expect(calendarLineProblems(text)).toEqual([]);
    const { events } = parseCalendar(text);
    expect(events[0]?.description).toBe(description);
    expect(events[0]?.summary).toBe(NASTY_TITLE);
  });

  it.each([
    ["Europe/Berlin", "2026-03-29T10:00"],
    ["America/New_York", "2026-11-01T09:00"],
    ["Asia/Kolkata", "2026-12-01T10:00"],
    ["Asia/Calcutta", "2026-12-01T10:00"],
    ["Australia/Lord_Howe", "2026-10-04T10:00"],
    ["UTC", "2026-12-01T10:00"],
  ])("places sessions right in %s, across daylight-saving days too", (timeZone, localStart) => {
    const end = `${localStart.slice(0, 11)}${String(Number(localStart.slice(11, 13)) + 1).padStart(2, "0")}:00`;
    const text = buildCalendar({ name: "Camp", timeZone }, "Camp", [
      { uid: "a@x", localStart, localEnd: end, summary: "S", location: "R" },
    ]);
    const { calendar, events } = parseCalendar(text);
    expect(calendar.getAllSubcomponents("vtimezone")).toHaveLength(1);
    expect(events[0]?.start.toISOString()).toBe(localToInstant(localStart, timeZone).toISOString());
    expect(events[0]?.end.toISOString()).toBe(localToInstant(end, timeZone).toISOString());
  });

  it("is still a calendar with a component when nothing is scheduled", () => {
    const text = scheduleCalendar(model([], { slots: [] }));
    const { calendar, events } = parseCalendar(text);
    expect(events).toEqual([]);
    expect(calendar.getAllSubcomponents("vtimezone")).toHaveLength(1);
    expect(calendarLineProblems(text)).toEqual([]);
  });

  it("writes plenary sessions in all rooms", () => {
    const m = model([
      session({
        placement: {
          room: "Room A",
          roomGuid: "8a6b1f0e-2b4c-5d6e-8f90-123456789abc",
          localStart: "2026-12-01T11:30",
          localEnd: "2026-12-01T12:30",
          slotKind: "plenary",
          slotLabel: "Closing",
          pinned: false,
        },
      }),
    ]);
    expect(parseCalendar(scheduleCalendar(m)).events[0]?.location).toBe("All rooms");
  });
});
