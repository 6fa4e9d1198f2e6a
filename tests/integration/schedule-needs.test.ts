import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { EventSnapshot } from "../../app/realtime/facts";
import {
  calendarLineProblems,
  parseCalendar,
  parseXml,
  validateScheduleJson,
  validateScheduleXml,
} from "../consumers/index";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";
import { decodeHtml } from "./support";

/**
 * Issue 13's schedule half against the built server: room features and
 * remote links in the console, slots needed, needs and remote links on
 * pitches, hosts' availability on /me, long sessions on the grid (spans
 * refused when they overlap or do not fit, with nothing changed), the
 * conflicts they raise, "Suggest a grid" keeping them, and the schedule
 * exports carrying each long session's end and remote link, read back by
 * their consumers (ical.js, xmllint + the c3voc XSD, ajv + the c3voc schema).
 */

let server: TestServer;
let db: DbProbe;

beforeAll(async () => {
  server = await startServer();
  db = openDbProbe(server.dbPath);
});

afterEach(() => {
  expect(server.errors, "the server logged errors").toEqual([]);
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

interface Venue {
  slug: string;
  eventId: string;
  organiser: HttpClient;
  host: HttpClient;
  hostId: string;
  rooms: Record<"hall" | "nook", string>;
  /** 10:00 and 11:00, a break at 12:00, 13:00, then the next day 10:00. */
  slots: Record<"s10" | "s11" | "lunch" | "s13" | "d2", string>;
}

let venues = 0;
const idOf = (sql: string, ...args: unknown[]) => {
  const row = db.get<{ id: string }>(sql, ...args);
  if (!row) throw new Error(`nothing for ${sql} ${args.join(", ")}`);
  return row.id;
};

async function venue(): Promise<Venue> {
  venues++;
  const { organiser, slug } = await createEvent(server.url, { name: `Needs Camp ${venues}`, date: "2030-06-01" });
  const eventId = db.eventBySlug(slug).id;
  const admin = (fields: Record<string, string>) => organiser.post(`/e/${slug}/admin`, fields);
  for (const [name, capacity] of [
    ["Hall", "80"],
    ["Nook", "12"],
  ]) {
    expect((await admin({ intent: "add-room", name: name as string, capacity: capacity as string })).status).toBe(200);
  }
  const slotRows: Array<[string, string, string, string?]> = [
    ["10:00", "11:00", "sessions"],
    ["11:00", "12:00", "sessions"],
    ["12:00", "13:00", "break"],
    ["13:00", "14:00", "sessions"],
    ["10:00", "11:00", "sessions", "2030-06-02"],
  ];
  for (const [starts, ends, kind, day] of slotRows) {
    const response = await admin({ intent: "add-slot", starts, ends, kind, ...(day ? { day } : {}) });
    expect(response.status, `slot ${starts}`).toBe(200);
  }
  const slot = (local: string) =>
    idOf("select id from time_slots where event_id = ? and local_start = ?", eventId, local);
  const host = await joinAs(server.url, slug, `Host ${venues}`);
  return {
    slug,
    eventId,
    organiser,
    host,
    hostId: idOf("select id from attendees where event_id = ? and name = ?", eventId, `Host ${venues}`),
    rooms: {
      hall: idOf("select id from rooms where event_id = ? and name = 'Hall'", eventId),
      nook: idOf("select id from rooms where event_id = ? and name = 'Nook'", eventId),
    },
    slots: {
      s10: slot("2030-06-01T10:00"),
      s11: slot("2030-06-01T11:00"),
      lunch: slot("2030-06-01T12:00"),
      s13: slot("2030-06-01T13:00"),
      d2: slot("2030-06-02T10:00"),
    },
  };
}

function editRoom(v: Venue, roomId: string, fields: Record<string, string | string[]>) {
  const name = roomId === v.rooms.hall ? "Hall" : "Nook";
  const capacity = roomId === v.rooms.hall ? "80" : "12";
  return v.organiser.post(`/e/${v.slug}/admin`, { intent: "edit-room", roomId, name, capacity, ...fields });
}

let clientIds = 0;
async function pitch(v: Venue, title: string, fields: Record<string, string | string[]> = {}, who = v.host) {
  const response = await who.post(`/e/${v.slug}/pitch?index`, {
    title,
    description: "",
    tags: "",
    clientId: `needs-${process.pid}-${++clientIds}`,
    ...fields,
  });
  const id = response.headers.get("location")?.match(/#pitch-([\w-]+)$/)?.[1];
  return { response, id };
}

async function pitched(v: Venue, title: string, fields: Record<string, string | string[]> = {}, who = v.host) {
  const { response, id } = await pitch(v, title, fields, who);
  expect(response.status, `pitching ${title}: ${decodeHtml(await response.clone().text()).slice(0, 200)}`).toBe(302);
  return id as string;
}

function place(v: Venue, pitchId: string, roomId: string, slotId: string) {
  return v.organiser.post(`/e/${v.slug}/grid`, { intent: "place", pitchId, roomId, slotId });
}

async function refusal(response: Response): Promise<string> {
  const html = decodeHtml(await response.text());
  return (
    html.match(/<p class="form-error"[^>]*role="alert">(.*?)<\/p>/s)?.[1] ??
    html.match(/<p class="field-error"[^>]*>(.*?)<\/p>/s)?.[1] ??
    html.match(/<p class="form-error"[^>]*>(.*?)<\/p>/s)?.[1] ??
    ""
  );
}

async function state(v: Venue, who: HttpClient = v.organiser): Promise<EventSnapshot> {
  const response = await who.get(`/e/${v.slug}/state.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as EventSnapshot;
}

const placementRows = (v: Venue) =>
  db.all<{ pitch_id: string; room_id: string; slot_id: string }>(
    "select pitch_id, room_id, slot_id from placements where event_id = ? order by pitch_id",
    v.eventId,
  );
const versionOf = (v: Venue) =>
  db.get<{ version: number }>("select version from events where id = ?", v.eventId)?.version;

describe("room features and remote links (organiser console)", () => {
  it("saves standard features, the organisers' own tags and a remote link, and pushes them as room facts", async () => {
    const v = await venue();
    const response = await editRoom(v, v.rooms.hall, {
      features: ["projector", "step-free", "Sofa corner, kitchen"],
      remoteUrl: "https://meet.example.org/hall",
    });
    expect(response.status).toBe(200);
    const hall = (await state(v, v.host)).facts.rooms.find((r) => r.id === v.rooms.hall);
    expect(hall).toMatchObject({
      features: ["projector", "step-free", "sofa corner", "kitchen"],
      remoteUrl: "https://meet.example.org/hall",
    });
    // The grid's room header shows them to attendees.
    const grid = decodeHtml(await (await v.host.get(`/e/${v.slug}/grid`)).text());
    expect(grid).toContain("Projector · Step-free access · sofa corner · kitchen");
    // An empty form clears both.
    expect((await editRoom(v, v.rooms.hall, { features: "", remoteUrl: "" })).status).toBe(200);
    expect((await state(v)).facts.rooms.find((r) => r.id === v.rooms.hall)).toMatchObject({
      features: [],
      remoteUrl: null,
    });
  });

  it("refuses a remote link that is not https, or a feature too long, and changes nothing", async () => {
    const v = await venue();
    expect((await editRoom(v, v.rooms.hall, { remoteUrl: "https://ok.example.org/" })).status).toBe(200);
    const before = { row: db.get("select * from rooms where id = ?", v.rooms.hall), version: versionOf(v) };
    for (const [fields, message] of [
      [{ remoteUrl: "http://meet.example.org/hall" }, "A remote link must be a full https:// address"],
      [{ remoteUrl: "javascript:alert(1)" }, "A remote link must be a full https:// address"],
      [{ features: "x".repeat(31) }, "Each feature can be at most 30 characters."],
    ] as const) {
      const response = await editRoom(v, v.rooms.hall, fields);
      expect(response.status).toBe(400);
      expect(decodeHtml(await response.text())).toContain(message);
    }
    expect(db.get("select * from rooms where id = ?", v.rooms.hall)).toEqual(before.row);
    expect(versionOf(v)).toBe(before.version);
  });
});

describe("pitches: slots needed, needs and remote link", () => {
  it("keeps them and pushes them as pitch facts", async () => {
    const v = await venue();
    const id = await pitched(v, "Workshop", {
      span: "2",
      needs: ["projector", "hearing-loop"],
      remoteUrl: "https://stream.example.org/w",
    });
    const fact = (await state(v)).facts.pitches.find((p) => p.id === id);
    expect(fact).toMatchObject({
      span: 2,
      needs: ["projector", "hearing-loop"],
      remoteUrl: "https://stream.example.org/w",
    });
    // A standard need no room has is accepted, and flagged to organisers on the grid.
    const grid = decodeHtml(await (await v.organiser.get(`/e/${v.slug}/grid`)).text());
    expect(grid).toContain("No room has projector, hearing loop");
  });

  it("refuses an unknown free-text need, too many slots and a non-https link, creating nothing", async () => {
    const v = await venue();
    const before = db.get<{ n: number }>("select count(*) n from pitches where event_id = ?", v.eventId)?.n;
    for (const [fields, message] of [
      [{ needs: "sofa corner" }, "No room of this event offers “sofa corner”."],
      [{ span: "5" }, "A session can take at most 4 slots."],
      [{ span: "0" }, "A session takes at least 1 slot."],
      [{ remoteUrl: "ftp://files.example.org" }, "A remote link must be a full https:// address"],
    ] as const) {
      const { response } = await pitch(v, "Refused", fields);
      expect(response.status, JSON.stringify(fields)).toBe(400);
      expect(decodeHtml(await response.text())).toContain(message);
    }
    expect(db.get<{ n: number }>("select count(*) n from pitches where event_id = ?", v.eventId)?.n).toBe(before);
    // Once a room has the tag, the need is accepted.
    expect((await editRoom(v, v.rooms.nook, { features: "sofa corner" })).status).toBe(200);
    await pitched(v, "On the sofa", { needs: "sofa corner" });
  });

  it("refuses changing the slots of a placed session, and changes nothing", async () => {
    const v = await venue();
    const id = await pitched(v, "Placed talk");
    expect((await place(v, id, v.rooms.hall, v.slots.s10)).status).toBe(200);
    const before = db.get("select * from pitches where id = ?", id);
    const response = await v.host.post(`/e/${v.slug}/pitch/${id}`, { title: "Placed talk", tags: "", span: "2" });
    expect(response.status).toBe(409);
    expect(await refusal(response)).toContain("is on the grid: ask the organisers to unschedule it");
    expect(db.get("select * from pitches where id = ?", id)).toEqual(before);
  });
});

describe("long sessions on the grid", () => {
  it("places a two-slot session over consecutive slots, and refuses what would overlap it, changing nothing", async () => {
    const v = await venue();
    const workshop = await pitched(v, "Workshop", { span: "2" });
    const talk = await pitched(v, "Talk");
    expect((await place(v, workshop, v.rooms.hall, v.slots.s10)).status).toBe(200);
    const facts = (await state(v, v.host)).facts;
    expect(facts.placements).toEqual([
      { pitchId: workshop, roomId: v.rooms.hall, slotId: v.slots.s10, pinned: false, span: 2 },
    ]);
    const before = { rows: placementRows(v), version: versionOf(v) };
    const response = await place(v, talk, v.rooms.hall, v.slots.s11);
    expect(response.status).toBe(409);
    expect(await refusal(response)).toBe(
      "Hall already holds “Workshop” (a 2-slot session from 10:00 on 2030-06-01) at 11:00 on 2030-06-01. Unschedule or move it first.",
    );
    expect(placementRows(v)).toEqual(before.rows);
    expect(versionOf(v)).toBe(before.version);
    // The other room is free at 11:00; a long session placed over a taken cell is refused too.
    expect((await place(v, talk, v.rooms.nook, v.slots.s11)).status).toBe(200);
    const second = await pitched(v, "Second workshop", { span: "2" });
    const overlap = await place(v, second, v.rooms.nook, v.slots.s10);
    expect(overlap.status).toBe(409);
    expect(await refusal(overlap)).toBe(
      "Nook already holds “Talk” at 11:00 on 2030-06-01, which this 2-slot session would cover. Unschedule or move it first.",
    );
  });

  it("refuses a span across a break, past the end of a day or from the last slot, with nothing changed", async () => {
    const v = await venue();
    const workshop = await pitched(v, "Long one", { span: "2" });
    const before = { rows: placementRows(v), version: versionOf(v) };
    for (const [slotId, message] of [
      [
        v.slots.s11,
        "“Long one” takes 2 consecutive session slots, but from 11:00 on 2030-06-01 a break at 12:00 comes first.",
      ],
      [
        v.slots.s13,
        "“Long one” takes 2 consecutive session slots, but from 13:00 on 2030-06-01 the day has only 1 slot from there.",
      ],
      [
        v.slots.d2,
        "“Long one” takes 2 consecutive session slots, but from 10:00 on 2030-06-02 the day has only 1 slot from there.",
      ],
    ] as const) {
      const response = await place(v, workshop, v.rooms.hall, slotId);
      expect(response.status).toBe(409);
      expect(await refusal(response)).toBe(message);
    }
    expect(placementRows(v)).toEqual(before.rows);
    expect(versionOf(v)).toBe(before.version);
  });

  it("shows a long session spanning its rows in the table and continuing in the phone list", async () => {
    const v = await venue();
    const workshop = await pitched(v, "Spanning workshop", { span: "2" });
    expect((await place(v, workshop, v.rooms.hall, v.slots.s10)).status).toBe(200);
    const html = decodeHtml(await (await v.host.get(`/e/${v.slug}/grid`)).text());
    expect(html).toMatch(/<td rowSpan="2"|<td rowspan="2"/i);
    expect(html).toContain("continues from 10:00");
    const page = decodeHtml(await (await v.host.get(`/e/${v.slug}/s/${workshop}`)).text());
    expect(page).toContain("10:00–12:00, Hall");
  });
});

describe("conflicts: needs and availability", () => {
  it("flags a room that lacks a need (“Needs projector”) and a host who cannot make the slot (“Host unavailable”)", async () => {
    const v = await venue();
    const id = await pitched(v, "Slides", { needs: "projector" });
    expect((await place(v, id, v.rooms.nook, v.slots.s10)).status).toBe(200);
    let conflicts = (await state(v, v.host)).facts.conflicts;
    expect(conflicts.map((c) => c.label)).toEqual(["Needs projector"]);
    expect(conflicts[0]?.message).toBe("Needs projector: “Slides” is in Nook, which lacks projector.");

    // The host marks 10:00 on /me: the conflict follows.
    const me = await v.host.post(`/e/${v.slug}/me`, {
      intent: "availability",
      unavailable: [v.slots.s10, v.slots.s13],
    });
    expect(me.status).toBe(200);
    expect(db.all("select slot_id from unavailability where attendee_id = ? order by slot_id", v.hostId)).toHaveLength(
      2,
    );
    conflicts = (await state(v)).facts.conflicts;
    expect(conflicts.map((c) => c.label).sort()).toEqual(["Host unavailable", "Needs projector"]);
    // When someone cannot come stays with them and the organisers.
    expect((await state(v, v.host)).facts.conflicts.map((c) => c.label)).toEqual(["Needs projector"]);
    expect(conflicts.find((c) => c.kind === "host-unavailable")?.message).toBe(
      "Host unavailable: “Slides” runs at 10:00 on 2030-06-01, which its host cannot make.",
    );
    // The /me page shows the ticks back.
    const page = decodeHtml(await (await v.host.get(`/e/${v.slug}/me`)).text());
    expect(page).toContain("Slots you cannot make");

    // A projector in the room and a change of mind clear both.
    expect((await editRoom(v, v.rooms.nook, { features: "projector" })).status).toBe(200);
    expect((await v.host.post(`/e/${v.slug}/me`, { intent: "availability" })).status).toBe(200);
    expect((await state(v)).facts.conflicts).toEqual([]);
  });

  it("refuses availability for a slot of another event or a break, and changes nothing", async () => {
    const v = await venue();
    const other = await venue();
    await v.host.post(`/e/${v.slug}/me`, { intent: "availability", unavailable: v.slots.s13 });
    const before = {
      rows: db.all("select * from unavailability where attendee_id = ?", v.hostId),
      version: versionOf(v),
    };
    for (const [unavailable, message] of [
      [other.slots.s10, "One of those time slots is not part of this event"],
      [v.slots.lunch, "A break holds no sessions"],
    ] as const) {
      const response = await v.host.post(`/e/${v.slug}/me`, { intent: "availability", unavailable });
      expect(response.status).toBe(400);
      expect(decodeHtml(await response.text())).toContain(message);
    }
    expect(db.all("select * from unavailability where attendee_id = ?", v.hostId)).toEqual(before.rows);
    expect(versionOf(v)).toBe(before.version);
    // Someone who has not joined has no availability to set.
    const stranger = await fetch(`${server.url}/e/${v.slug}/me`, {
      method: "POST",
      body: new URLSearchParams({ intent: "availability" }),
      redirect: "manual",
    });
    expect(stranger.status).toBe(403);
  });

  it("“Suggest a grid” keeps hosts out of slots they cannot make, long sessions whole and needs met", async () => {
    const v = await venue();
    expect((await editRoom(v, v.rooms.nook, { features: "hearing-loop" })).status).toBe(200);
    const busy = await pitched(v, "Busy host's talk");
    const loop = await pitched(v, "Needs a loop", { needs: "hearing-loop" }, await joinAs(server.url, v.slug, "Lou"));
    const long = await pitched(v, "Long one", { span: "2" }, await joinAs(server.url, v.slug, "Lee"));
    await v.host.post(`/e/${v.slug}/me`, {
      intent: "availability",
      unavailable: [v.slots.s10, v.slots.s11, v.slots.d2],
    });
    const response = await v.organiser.post(`/e/${v.slug}/grid`, { intent: "suggest" });
    expect(response.status).toBe(200);
    const raw = await response.text();
    const cells = JSON.parse(decodeHtml(raw.match(/name="cells" value="([^"]*)"/)?.[1] ?? "[]")) as Array<{
      pitchId: string;
      roomId: string;
      slotId: string;
    }>;
    const where = new Map(cells.map((c) => [c.pitchId, c]));
    expect(where.get(busy)?.slotId).toBe(v.slots.s13);
    expect(where.get(loop)?.roomId).toBe(v.rooms.nook);
    expect([v.slots.s10]).toContain(where.get(long)?.slotId);
    // Applying it makes a grid without conflicts.
    const version = decodeHtml(raw.match(/name="version" value="([^"]*)"/)?.[1] ?? "");
    const applied = await v.organiser.post(`/e/${v.slug}/grid`, {
      intent: "apply",
      version,
      cells: JSON.stringify(cells),
    });
    expect(applied.status).toBe(200);
    expect((await state(v)).facts.conflicts.filter((c) => c.kind !== "voter-clash")).toEqual([]);
  });
});

describe("schedule exports with long sessions and remote links, read back by their consumers", () => {
  async function scheduled() {
    const v = await venue();
    expect((await editRoom(v, v.rooms.nook, { remoteUrl: "https://meet.example.org/nook" })).status).toBe(200);
    const workshop = await pitched(v, "Two-hour workshop", { span: "2", remoteUrl: "https://stream.example.org/ws" });
    const talk = await pitched(v, "Talk in the nook");
    expect((await place(v, workshop, v.rooms.hall, v.slots.s10)).status).toBe(200);
    expect((await place(v, talk, v.rooms.nook, v.slots.s13)).status).toBe(200);
    return { v, workshop, talk };
  }

  it("schedule.ics: DTEND at the end of the last slot, URL the session page, CONFERENCE the remote link (ical.js)", async () => {
    const { v, workshop, talk } = await scheduled();
    const text = await (await v.host.get(`/e/${v.slug}/schedule.ics`)).text();
    expect(calendarLineProblems(text)).toEqual([]);
    const { calendar, events } = parseCalendar(text);
    const ws = events.find((e) => e.uid.startsWith(workshop));
    expect((ws?.end.getTime() ?? 0) - (ws?.start.getTime() ?? 0)).toBe(2 * 3600_000);
    expect(ws?.url).toBe(`${new URL(server.url).origin}/e/${v.slug}/s/${workshop}`);
    const conference = (uid: string) =>
      calendar
        .getAllSubcomponents("vevent")
        .find((e) => String(e.getFirstPropertyValue("uid")).startsWith(uid))
        ?.getFirstPropertyValue("conference");
    expect(conference(workshop)).toBe("https://stream.example.org/ws");
    // The talk has no link of its own: its room's.
    expect(conference(talk)).toBe("https://meet.example.org/nook");
  });

  it("schedule.xml: <duration> 02:00 and a <links> entry, valid against the c3voc XSD (xmllint)", async () => {
    const { v } = await scheduled();
    const text = await (await v.host.get(`/e/${v.slug}/schedule.xml`)).text();
    const result = validateScheduleXml(text);
    expect(result.ok, result.output).toBe(true);
    const events = Array.from(parseXml(text).getElementsByTagName("event"));
    const ws = events.find((e) => e.getElementsByTagName("title")[0]?.textContent === "Two-hour workshop");
    expect(ws?.getElementsByTagName("duration")[0]?.textContent).toBe("02:00");
    expect(ws?.getElementsByTagName("link")[0]?.getAttribute("href")).toBe("https://stream.example.org/ws");
  });

  it("schedule.json: duration 02:00, end, and links, valid against the c3voc JSON Schema (ajv)", async () => {
    const { v } = await scheduled();
    const json = (await (await v.host.get(`/e/${v.slug}/schedule.json`)).json()) as {
      schedule: { conference: { days: Array<{ rooms: Record<string, Array<Record<string, unknown>>> }> } };
    };
    const result = validateScheduleJson(json);
    expect(result.ok, result.errors).toBe(true);
    const ws = json.schedule.conference.days[0]?.rooms.Hall?.[0];
    expect(ws).toMatchObject({
      title: "Two-hour workshop",
      duration: "02:00",
      links: [{ type: "web", url: "https://stream.example.org/ws" }],
    });
    expect(String(ws?.end)).toContain("T12:00:00");
  });
});

describe("export.json and /import", () => {
  it("carry room features and links, and a session's slots, needs and own link", async () => {
    const v = await venue();
    expect(
      (
        await editRoom(v, v.rooms.hall, {
          features: ["projector", "sofas"],
          remoteUrl: "https://call.example.org/hall",
        })
      ).status,
    ).toBe(200);
    const id = await pitched(v, "Workshop", {
      span: "2",
      needs: ["projector"],
      remoteUrl: "https://stream.example.org/w",
    });
    expect(
      (
        await v.organiser.post(`/e/${v.slug}/grid`, {
          intent: "place",
          pitchId: id,
          roomId: v.rooms.hall,
          slotId: v.slots.s10,
        })
      ).status,
    ).toBe(200);
    const file = await (await v.organiser.get(`/e/${v.slug}/export.json`)).json();
    expect(file.rooms.find((r: { name: string }) => r.name === "Hall")).toMatchObject({
      features: ["projector", "sofas"],
      remoteUrl: "https://call.example.org/hall",
    });
    expect(file.sessions.find((s: { title: string }) => s.title === "Workshop")).toMatchObject({
      slots: 2,
      needs: ["projector"],
      remoteUrl: "https://stream.example.org/w",
    });
    const importer = new HttpClient(server.url);
    const imported = await importer.post("/import", { json: JSON.stringify(file) });
    expect(imported.status, await imported.clone().text()).toBe(302);
    const slug = imported.headers.get("location")?.match(/^\/e\/([^/]+)\//)?.[1] as string;
    const eventId = db.eventBySlug(slug).id;
    expect(db.get("select features, remote_url from rooms where event_id = ? and name = 'Hall'", eventId)).toEqual({
      features: JSON.stringify(["projector", "sofas"]),
      remote_url: "https://call.example.org/hall",
    });
    expect(
      db.get("select span, needs, remote_url from pitches where event_id = ? and title = 'Workshop'", eventId),
    ).toEqual({
      span: 2,
      needs: JSON.stringify(["projector"]),
      remote_url: "https://stream.example.org/w",
    });
    // And it exports the same again.
    const copy = await (await importer.get(`/e/${slug}/export.json`)).json();
    expect(copy.sessions).toEqual(file.sessions);
    expect(copy.rooms).toEqual(file.rooms);
  });
});
