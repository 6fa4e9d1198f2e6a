import { notesMarkdown } from "./markdown.server";
import type { EventExport, ExportSession } from "./model";
import { vocAcronym, vocSlug } from "./names";
import { clockPart, datePart, hoursMinutes, isoWithOffset, minutesBetween, nextDay } from "./time";
import { serialize, xmlDocument, xmlText } from "./xml";

/**
 * The grid in the two schedule formats conference apps read (Giggity,
 * EventFahrplan, info-beamer, the c3voc tools): frab schedule XML, valid
 * against the c3voc XSD, and c3voc schedule.json, valid against its JSON
 * Schema. Only scheduled sessions appear; a day is a calendar day with time
 * slots, and every room is listed on every day.
 */

export const SCHEDULE_JSON_SCHEMA = "https://c3voc.de/schedule/schema.json";
export const SCHEDULE_XSD = "https://c3voc.de/schedule/schema.xsd";
const GENERATOR = { name: "Unconf", version: "1" };
/** How a session's remote link (video call, stream, chat) is titled in both formats. */
export const REMOTE_LINK_TITLE = "Join remotely (video call, stream or chat)";

interface VocEvent {
  session: ExportSession;
  room: string;
  date: string;
  end: string;
  start: string;
  duration: string;
  slug: string;
  track: string | null;
  persons: string[];
  type: string;
  description: string;
}

interface VocDay {
  index: number;
  date: string;
  start: string;
  end: string;
  rooms: { name: string; guid: string; events: VocEvent[] }[];
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The grid's granularity: the largest step (at most an hour) that every slot's start and length are multiples of. */
function timeslotDuration(model: EventExport): string {
  let step = 0;
  for (const slot of model.slots) {
    const startMinutes = Number(slot.localStart.slice(11, 13)) * 60 + Number(slot.localStart.slice(14, 16));
    step = gcd(step, startMinutes);
    step = gcd(step, minutesBetween(slot.localStart, slot.localEnd, model.event.timeZone));
  }
  return hoursMinutes(step <= 0 ? 30 : Math.min(step, 60));
}

function scheduleDays(model: EventExport): VocDay[] {
  const { timeZone } = model.event;
  const acronym = vocAcronym(model.event.slug);
  const dates = [...new Set(model.slots.map((s) => datePart(s.localStart)))].sort();
  if (dates.length === 0) dates.push(model.event.date);
  return dates.map((date, i) => {
    const slots = model.slots.filter((s) => datePart(s.localStart) === date);
    const first = slots.map((s) => s.localStart).sort()[0] ?? `${date}T00:00`;
    const last =
      slots
        .map((s) => s.localEnd)
        .sort()
        .at(-1) ?? `${nextDay(date)}T00:00`;
    const sessions = model.sessions.filter((s) => s.placement && datePart(s.placement.localStart) === date);
    return {
      index: i + 1,
      date,
      start: isoWithOffset(first, timeZone),
      end: isoWithOffset(last, timeZone),
      rooms: model.rooms.map((room) => ({
        name: room.name,
        guid: room.guid,
        events: sessions
          .filter((s) => s.placement?.room === room.name)
          .map((session): VocEvent => {
            const p = session.placement as NonNullable<ExportSession["placement"]>;
            return {
              session,
              room: room.name,
              date: isoWithOffset(p.localStart, timeZone),
              end: isoWithOffset(p.localEnd, timeZone),
              start: clockPart(p.localStart),
              duration: hoursMinutes(minutesBetween(p.localStart, p.localEnd, timeZone)),
              slug: vocSlug(acronym, session),
              track: session.tags[0] ?? null,
              persons: [...(session.pitcher ? [session.pitcher] : []), ...(session.coHosts ?? [])],
              type: p.slotKind === "plenary" ? "plenary" : "session",
              description: notesMarkdown(session),
            };
          }),
      })),
    };
  });
}

function conferenceDates(days: VocDay[]): { start: string; end: string } {
  return { start: days[0]?.date ?? "", end: days.at(-1)?.date ?? "" };
}

/** The c3voc JSON Schema only accepts Area/City names (and UTC); others are left out rather than made invalid. */
function vocTimeZoneName(timeZone: string): string | undefined {
  return /^([A-Z][a-z]+\/[A-Z][a-z]+)|UTC$/u.test(timeZone) ? timeZone : undefined;
}

export function frabXml(model: EventExport): string {
  const { event } = model;
  const days = scheduleDays(model);
  const doc = xmlDocument();
  const schedule = doc.ele("schedule", {
    "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "xsi:noNamespaceSchemaLocation": SCHEDULE_XSD,
  });
  schedule.ele("generator", { name: GENERATOR.name, version: GENERATOR.version });
  schedule.ele("url").txt(xmlText(`${event.url}/schedule.xml`));
  schedule.ele("version").txt(xmlText(model.generatedAt));
  const conference = schedule.ele("conference");
  const { start, end } = conferenceDates(days);
  conference.ele("acronym").txt(xmlText(vocAcronym(event.slug)));
  conference.ele("title").txt(xmlText(event.name));
  conference.ele("start").txt(xmlText(start));
  conference.ele("end").txt(xmlText(end));
  conference.ele("days").txt(xmlText(String(days.length)));
  conference.ele("timeslot_duration").txt(xmlText(timeslotDuration(model)));
  conference.ele("base_url").txt(xmlText(`${event.url}/`));
  conference.ele("url").txt(xmlText(event.url));
  conference.ele("time_zone_name").txt(xmlText(event.timeZone));
  for (const day of days) {
    const dayEl = schedule.ele("day", { index: String(day.index), date: day.date, start: day.start, end: day.end });
    for (const room of day.rooms) {
      const roomEl = dayEl.ele("room", { name: xmlText(room.name), guid: room.guid });
      for (const e of room.events) {
        const el = roomEl.ele("event", { guid: e.session.guid, id: String(e.session.number) });
        el.ele("date").txt(xmlText(e.date));
        el.ele("start").txt(xmlText(e.start));
        el.ele("duration").txt(xmlText(e.duration));
        el.ele("room").txt(xmlText(e.room));
        el.ele("slug").txt(xmlText(e.slug));
        el.ele("url").txt(xmlText(e.session.url));
        el.ele("title").txt(xmlText(e.session.title));
        el.ele("subtitle").txt(xmlText(""));
        el.ele("track").txt(xmlText(e.track ?? ""));
        el.ele("type").txt(xmlText(e.type));
        el.ele("abstract").txt(xmlText(e.session.description));
        if (e.description) el.ele("description").txt(xmlText(e.description));
        const persons = el.ele("persons");
        for (const name of e.persons) persons.ele("person").txt(xmlText(name));
        if (e.session.remoteUrl) {
          el.ele("links")
            .ele("link", { href: xmlText(e.session.remoteUrl), type: "web" })
            .txt(xmlText(REMOTE_LINK_TITLE));
        }
      }
    }
  }
  return serialize(doc);
}

export function c3vocJson(model: EventExport): string {
  const { event } = model;
  const days = scheduleDays(model);
  const { start, end } = conferenceDates(days);
  const timeZoneName = vocTimeZoneName(event.timeZone);
  const document = {
    $schema: SCHEDULE_JSON_SCHEMA,
    generator: { name: GENERATOR.name, version: GENERATOR.version },
    schedule: {
      version: model.generatedAt,
      base_url: `${event.url}/`,
      conference: {
        acronym: vocAcronym(event.slug),
        title: event.name,
        start,
        end,
        daysCount: days.length,
        timeslot_duration: timeslotDuration(model),
        ...(timeZoneName ? { time_zone_name: timeZoneName } : {}),
        url: event.url,
        rooms: model.rooms.map((room) => ({ name: room.name, guid: room.guid, capacity: room.capacity })),
        days: days.map((day) => ({
          index: day.index,
          date: day.date,
          day_start: day.start,
          day_end: day.end,
          rooms: Object.fromEntries(
            day.rooms.map((room) => [
              room.name,
              room.events.map((e) => ({
                guid: e.session.guid,
                id: e.session.number,
                date: e.date,
                start: e.start,
                end: e.end,
                duration: e.duration,
                room: e.room,
                slug: e.slug,
                url: e.session.url,
                title: e.session.title,
                subtitle: null,
                track: e.track,
                type: e.type,
                language: null,
                abstract: e.session.description,
                description: e.description || null,
                persons: e.persons.map((name) => ({ name })),
                links: e.session.remoteUrl ? [{ type: "web", url: e.session.remoteUrl, title: REMOTE_LINK_TITLE }] : [],
              })),
            ]),
          ),
        })),
      },
    },
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
