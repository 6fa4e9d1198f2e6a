import { describe, expect, it } from "vitest";
import { c3vocJson, frabXml } from "../../app/domain/export/schedule.server";
import { parseXml, validateScheduleJson, validateScheduleXml } from "../consumers";
import { NASTY_TITLE, model, richSession, session } from "./exportFixture";

/**
 * frab schedule XML and c3voc schedule.json, checked by their real validators:
 * xmllint against the c3voc XSD and ajv against the c3voc JSON Schema.
 */

const plenary = session({
  id: "plenaryPitchAAAAAAAAAAA",
  number: 3,
  guid: "3f1b9a62-6c1e-5d34-9a0e-0d2c4b8e1f13",
  title: "Closing circle",
  tags: [],
  pitcher: null,
  authors: [],
  placement: {
    room: "Hall ✨ & <B>",
    roomGuid: "8a6b1f0e-2b4c-5d6e-8f90-123456789abd",
    localStart: "2026-12-01T11:30",
    localEnd: "2026-12-01T12:30",
    slotKind: "plenary",
    slotLabel: "Closing",
    pinned: false,
  },
});
const unscheduled = session({ id: "loosePitchAAAAAAAAAAAAA", number: 4, placement: null, title: "Not placed" });

function full() {
  return model([richSession(), plenary, unscheduled]);
}

describe("frab schedule XML", () => {
  it("validates against the c3voc XSD with awkward text everywhere", () => {
    const xml = frabXml(full());
    const result = validateScheduleXml(xml);
    expect(result.output).toContain("validates");
    expect(result.ok).toBe(true);
  });

  it("holds the scheduled sessions with their times in the event's zone, titles intact", () => {
    const doc = parseXml(frabXml(full()));
    const events = Array.from(doc.getElementsByTagName("event"));
    expect(events.map((e) => e.getElementsByTagName("title")[0]?.textContent)).toEqual([NASTY_TITLE, "Closing circle"]);
    const first = events[0] as Element;
    const text = (name: string) => first.getElementsByTagName(name)[0]?.textContent;
    expect(text("date")).toBe("2026-12-01T10:00:00+01:00");
    expect(text("start")).toBe("10:00");
    expect(text("duration")).toBe("01:00");
    expect(text("room")).toBe("Room A");
    expect(text("track")).toBe("rust");
    expect(first.getAttribute("guid")).toBe("3f1b9a62-6c1e-5d34-9a0e-0d2c4b8e1f10");
    expect(Array.from(first.getElementsByTagName("person")).map((p) => p.textContent)).toEqual(["Ada"]);
    const rooms = Array.from(doc.getElementsByTagName("room"))
      .map((r) => r.getAttribute("name"))
      .filter(Boolean);
    expect(rooms).toEqual(["Room A", "Hall ✨ & <B>"]);
    const conference = doc.getElementsByTagName("conference")[0] as Element;
    expect(conference.getElementsByTagName("acronym")[0]?.textContent).toBe("camp");
    expect(conference.getElementsByTagName("time_zone_name")[0]?.textContent).toBe("Europe/Berlin");
  });

  it("is valid for an event with no rooms, slots or sessions", () => {
    const empty = model([], { rooms: [], slots: [] });
    const result = validateScheduleXml(frabXml(empty));
    expect(result.output).toContain("validates");
    const day = parseXml(frabXml(empty)).getElementsByTagName("day")[0] as Element;
    expect(day.getAttribute("date")).toBe("2026-12-01");
    expect(day.getAttribute("start")).toBe("2026-12-01T00:00:00+01:00");
  });

  it("drops characters XML cannot carry instead of writing a broken file", () => {
    const m = model([session({ title: "Bell\u0007 and \uFFFE and tab\there", description: "nul\u0000byte" })]);
    const xml = frabXml(m);
    expect(validateScheduleXml(xml).ok).toBe(true);
    const event = parseXml(xml).getElementsByTagName("event")[0] as Element;
    expect(event.getElementsByTagName("title")[0]?.textContent).toBe("Bell and  and tab\there");
  });

  it("makes acronyms and slugs the schemas accept from short or hyphenated event slugs", () => {
    for (const slug of ["ab", "x-y", "devopsdays-2026-berlin", "a1"]) {
      const m = model([session()], {});
      m.event.slug = slug;
      expect(validateScheduleXml(frabXml(m)).ok, slug).toBe(true);
      const json = validateScheduleJson(JSON.parse(c3vocJson(m)));
      expect(json.ok, `${slug}: ${json.errors}`).toBe(true);
    }
  });

  it("measures a session across a daylight-saving change by the clock", () => {
    const m = model([
      session({
        placement: {
          room: "Room A",
          roomGuid: "8a6b1f0e-2b4c-5d6e-8f90-123456789abc",
          localStart: "2026-10-25T01:30",
          localEnd: "2026-10-25T03:30",
          slotKind: "sessions",
          slotLabel: "",
          pinned: false,
        },
      }),
    ]);
    m.slots = [{ localStart: "2026-10-25T01:30", localEnd: "2026-10-25T03:30", kind: "sessions", label: "" }];
    const doc = parseXml(frabXml(m));
    // Berlin falls back at 03:00 CEST: 01:30 CEST to 03:30 CET is three hours.
    expect(doc.getElementsByTagName("duration")[0]?.textContent).toBe("03:00");
    expect(doc.getElementsByTagName("date")[0]?.textContent).toBe("2026-10-25T01:30:00+02:00");
  });
});

describe("c3voc schedule.json", () => {
  it("validates against the c3voc JSON Schema with awkward text everywhere", () => {
    const result = validateScheduleJson(JSON.parse(c3vocJson(full())));
    expect(result.errors).toBe("[]");
    expect(result.ok).toBe(true);
  });

  it("holds the same sessions as the XML, by room and day", () => {
    const doc = JSON.parse(c3vocJson(full()));
    const conference = doc.schedule.conference;
    expect(conference).toMatchObject({
      acronym: "camp",
      title: "Camp & Co",
      start: "2026-12-01",
      end: "2026-12-01",
      daysCount: 1,
      time_zone_name: "Europe/Berlin",
      timeslot_duration: "00:30",
    });
    const day = conference.days[0];
    expect(Object.keys(day.rooms)).toEqual(["Room A", "Hall ✨ & <B>"]);
    expect(day.rooms["Room A"][0]).toMatchObject({
      title: NASTY_TITLE,
      date: "2026-12-01T10:00:00+01:00",
      end: "2026-12-01T11:00:00+01:00",
      start: "10:00",
      duration: "01:00",
      persons: [{ name: "Ada" }],
      type: "session",
    });
    expect(day.rooms["Hall ✨ & <B>"][0]).toMatchObject({ title: "Closing circle", type: "plenary", persons: [] });
  });

  it("is valid for an empty event", () => {
    const result = validateScheduleJson(JSON.parse(c3vocJson(model([], { rooms: [], slots: [] }))));
    expect(result.errors).toBe("[]");
  });

  it("leaves out a time zone name the schema's pattern refuses, rather than writing an invalid file", () => {
    const m = model([session()]);
    m.event.timeZone = "Etc/GMT-2";
    const doc = JSON.parse(c3vocJson(m));
    expect(doc.schedule.conference.time_zone_name).toBeUndefined();
    expect(validateScheduleJson(doc).ok).toBe(true);
  });
});
