import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Ack, JoinedEvent } from "../../app/realtime/contract";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";
import { type TestSocket, connectSocket, nextEvent } from "../helpers/socket";
import { decodeHtml, htmlOf } from "./support";

/**
 * The schedule grid against the real production build: placing, moving,
 * swapping, pinning and unscheduling sessions (POST /e/<slug>/grid), the
 * automatic suggestion and its version check, what removing rooms and slots
 * does to placed sessions, the conflicts the grid page shows, "My sessions"
 * as a calendar file and the projector view. Every refusal is checked to
 * have written nothing.
 */

let server: TestServer;
let db: DbProbe;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  server = await startServer();
  db = openDbProbe(server.dbPath);
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  expect(server.errors, "the server logged errors").toEqual([]);
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

// ---------------------------------------------------------------- helpers

interface PlacementRow {
  pitch_id: string;
  event_id: string;
  room_id: string;
  slot_id: string;
  pinned: number;
  created_at: string;
}

interface Camp {
  organiser: HttpClient;
  slug: string;
  eventId: string;
  organiserLink: string;
  admin(fields: Record<string, string>): Promise<Response>;
}

let campCount = 0;
async function camp(fields: Partial<Record<"date" | "timeZone", string>> = {}): Promise<Camp> {
  campCount++;
  const { organiser, slug, organiserLink } = await createEvent(server.url, {
    name: `Grid Camp ${campCount}`,
    ...fields,
  });
  const eventId = db.eventBySlug(slug).id;
  return {
    organiser,
    slug,
    eventId,
    organiserLink,
    admin: (adminFields) => organiser.post(`/e/${slug}/admin`, adminFields),
  };
}

async function addRoom(c: Camp, name: string, capacity = 50): Promise<string> {
  const response = await c.admin({ intent: "add-room", name, capacity: String(capacity) });
  expect(response.status, `adding room ${name}`).toBe(200);
  const id = db.get<{ id: string }>("select id from rooms where event_id = ? and name = ?", c.eventId, name)?.id;
  if (!id) throw new Error(`room ${name} not in the database`);
  return id;
}

async function addSlot(
  c: Camp,
  starts: string,
  ends: string,
  kind: "sessions" | "break" | "plenary" = "sessions",
  day?: string,
): Promise<string> {
  const response = await c.admin({ intent: "add-slot", starts, ends, kind, ...(day ? { day } : {}) });
  expect(response.status, `adding slot ${starts}-${ends}`).toBe(200);
  const id = db.get<{ id: string }>(
    "select id from time_slots where event_id = ? and substr(local_start, 12) = ?",
    c.eventId,
    starts,
  )?.id;
  if (!id) throw new Error(`slot ${starts} not in the database`);
  return id;
}

interface Person {
  client: HttpClient;
  id: string;
}

let personCount = 0;
async function attendee(c: Camp, name = `Person ${++personCount}`): Promise<Person> {
  const client = await joinAs(server.url, c.slug, name);
  const id = db.get<{ id: string }>(
    "select id from attendees where event_id = ? and name = ? order by created_at desc",
    c.eventId,
    name,
  )?.id;
  if (!id) throw new Error(`attendee ${name} not in the database`);
  return { client, id };
}

let clientIds = 0;
async function pitch(c: Camp, who: Person, title: string): Promise<string> {
  const response = await who.client.post(`/e/${c.slug}/pitch?index`, {
    title,
    description: "",
    tags: "",
    clientId: `grid-${process.pid}-${++clientIds}`,
  });
  expect(response.status, `pitching ${title}`).toBe(302);
  const id = response.headers.get("location")?.match(/#pitch-([\w-]+)$/)?.[1];
  if (!id) throw new Error(`unexpected redirect ${response.headers.get("location")}`);
  return id;
}

async function vote(c: Camp, who: Person, pitchId: string): Promise<void> {
  const response = await who.client.post(`/e/${c.slug}?index`, { intent: "vote", pitchId, vote: "true" });
  expect(response.status, "voting").toBe(200);
}

function gridPost(c: Camp, who: HttpClient, fields: Record<string, string>): Promise<Response> {
  return who.post(`/e/${c.slug}/grid`, fields);
}

function place(
  c: Camp,
  who: HttpClient,
  pitchId: string,
  roomId: string,
  slotId: string,
  extra: Record<string, string> = {},
): Promise<Response> {
  return gridPost(c, who, { intent: "place", pitchId, roomId, slotId, ...extra });
}

/** Places a session and checks it worked. */
async function placed(c: Camp, pitchId: string, roomId: string, slotId: string): Promise<void> {
  const response = await place(c, c.organiser, pitchId, roomId, slotId);
  const alert = response.status === 200 ? undefined : alertOf(decodeHtml(await response.text()));
  expect(response.status, `placing ${pitchId}: ${alert}`).toBe(200);
}

function placementsOf(eventId: string): PlacementRow[] {
  return db.all<PlacementRow>("select * from placements where event_id = ? order by pitch_id", eventId);
}

function placementOf(pitchId: string): PlacementRow | undefined {
  return db.get<PlacementRow>("select * from placements where pitch_id = ?", pitchId);
}

/** Where each placed pitch sits, as "room/slot" by pitch id. */
function cellsOf(eventId: string): Record<string, string> {
  return Object.fromEntries(placementsOf(eventId).map((p) => [p.pitch_id, `${p.room_id}/${p.slot_id}`]));
}

function statusOf(pitchId: string): string | undefined {
  return db.get<{ status: string }>("select status from pitches where id = ?", pitchId)?.status;
}

function auditActions(eventId: string): string[] {
  return db
    .all<{ action: string }>("select action from audit_log where event_id = ? order by id", eventId)
    .map((r) => r.action);
}

/** The error the grid page shows after a refused command. */
function alertOf(html: string): string | undefined {
  return html.match(/<p class="form-error" role="alert">(.*?)<\/p>/s)?.[1];
}

async function gridPage(c: Camp, who: HttpClient): Promise<string> {
  const response = await who.get(`/e/${c.slug}/grid`);
  expect(response.status).toBe(200);
  return htmlOf(response);
}

/** Text without tags and with whitespace squeezed. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * The schedule table (caption "Schedule"): for each slot row, keyed by its
 * time range ("09:00–10:00"), the inner HTML of each `td`, left to right.
 */
function scheduleTable(html: string): Map<string, string[]> {
  const table = html.match(/<table class="grid-table"><caption>Schedule<\/caption>(.*?)<\/table>/s)?.[1];
  if (!table) throw new Error("no table captioned Schedule on the page");
  const body = table.match(/<tbody>(.*)<\/tbody>/s)?.[1] ?? "";
  const rows = new Map<string, string[]>();
  for (const row of body.split(/<tr\b/).slice(1)) {
    const range = row.match(/<th scope="row">\s*(\d\d:\d\d–\d\d:\d\d)/)?.[1];
    if (!range) throw new Error(`a row without a time range: ${row.slice(0, 200)}`);
    rows.set(
      range,
      row
        .split(/<td\b/)
        .slice(1)
        .map((cell) => cell.slice(0, cell.lastIndexOf("</td>"))),
    );
  }
  return rows;
}

/** The titles listed under "Not scheduled yet". */
function unplacedTitles(html: string): string[] {
  const section = html.match(/<h2 id="unplaced-heading">Not scheduled yet<\/h2>(.*?)<\/section>/s)?.[1] ?? "";
  return [...section.matchAll(/<span class="unplaced-item"><span>([^<]*)/g)].map((m) => m[1] as string);
}

async function follow(c: Camp, who?: HttpClient): Promise<TestSocket> {
  const socket = await connectSocket(server.url, who);
  sockets.push(socket);
  const ack: Ack<JoinedEvent> = await socket.timeout(3000).emitWithAck("event:join", { slug: c.slug });
  expect(ack).toMatchObject({ ok: true, eventId: c.eventId });
  return socket;
}

/** A second organiser: someone who opened the organiser link in their own browser. */
async function secondOrganiser(c: Camp): Promise<HttpClient> {
  const other = new HttpClient(server.url);
  const response = await other.get(c.organiserLink);
  expect(response.status).toBe(302);
  expect(response.headers.get("location")).toBe(`/e/${c.slug}/admin`);
  return other;
}

/** A camp with two rooms, a morning of slots (one break, one plenary) and four pitches by two attendees. */
async function venue(c?: Camp) {
  const at = c ?? (await camp());
  const hall = await addRoom(at, "Hall", 50);
  const lab = await addRoom(at, "Lab", 20);
  const s1 = await addSlot(at, "09:00", "10:00");
  const brk = await addSlot(at, "10:00", "10:30", "break");
  const s2 = await addSlot(at, "10:30", "11:30");
  const plenary = await addSlot(at, "12:00", "13:00", "plenary");
  const ann = await attendee(at, `Ann ${campCount}`);
  const bob = await attendee(at, `Bob ${campCount}`);
  const a = await pitch(at, ann, "Alpha talk");
  const b = await pitch(at, bob, "Beta talk");
  const g = await pitch(at, ann, "Gamma talk");
  const d = await pitch(at, bob, "Delta talk");
  return { c: at, hall, lab, s1, brk, s2, plenary, ann, bob, a, b, g, d };
}

type Venue = Awaited<ReturnType<typeof venue>>;

/** Posts a grid command that must be refused, and checks status, message and that nothing changed. */
async function expectRefused(
  v: Venue,
  who: HttpClient,
  fields: Record<string, string>,
  status: number,
  message: string | RegExp,
): Promise<string> {
  const before = db.snapshot();
  const response = await gridPost(v.c, who, fields);
  expect(response.status, JSON.stringify(fields)).toBe(status);
  const html = decodeHtml(await response.text());
  const alert = alertOf(html);
  expect(alert, `no error shown for ${JSON.stringify(fields)}`).toBeDefined();
  if (typeof message === "string") expect(alert).toContain(message);
  else expect(alert).toMatch(message);
  expect(db.snapshot()).toEqual(before);
  return alert ?? "";
}

// ---------------------------------------------------------------- placing

describe("placing a session", () => {
  it("places a pitch into a room and slot: 200, a placements row, the table shows it, followers hear about it", async () => {
    const v = await venue();
    const watcher = await follow(v.c, v.bob.client);
    const heard = nextEvent(watcher, "event:patch", (push) => push.patch.placements !== undefined);

    const response = await place(v.c, v.c.organiser, v.a, v.lab, v.s2);
    expect(response.status).toBe(200);
    const html = decodeHtml(await response.text());
    expect(alertOf(html)).toBeUndefined();

    expect(placementsOf(v.c.eventId)).toEqual([
      expect.objectContaining({ pitch_id: v.a, event_id: v.c.eventId, room_id: v.lab, slot_id: v.s2, pinned: 0 }),
    ]);
    expect(auditActions(v.c.eventId)).toContain("grid.place");
    const [change] = await heard;
    expect(change).toMatchObject({
      eventId: v.c.eventId,
      patch: { placements: [{ pitchId: v.a, roomId: v.lab, slotId: v.s2, pinned: false }], conflicts: [] },
    });

    // Everyone sees it in the table: room columns Hall, Lab; the session in Lab at 10:30.
    for (const who of [v.c.organiser, v.bob.client, new HttpClient(server.url)]) {
      const page = await gridPage(v.c, who);
      const table = scheduleTable(page);
      expect([...table.keys()]).toEqual(["09:00–10:00", "10:00–10:30", "10:30–11:30", "12:00–13:00"]);
      const row = table.get("10:30–11:30") ?? [];
      expect(row).toHaveLength(2);
      expect(textOf(row[0] ?? "")).not.toContain("Alpha talk");
      expect(row[1]).toContain(`href="/e/${v.c.slug}/s/${v.a}"`);
      expect(textOf(row[1] ?? "")).toContain("Alpha talk");
      expect(unplacedTitles(page)).not.toContain("Alpha talk");
      expect(unplacedTitles(page)).toEqual(expect.arrayContaining(["Beta talk", "Gamma talk", "Delta talk"]));
    }
    // Only organisers get the commands.
    expect(await gridPage(v.c, v.c.organiser)).toContain('aria-label="Unschedule Alpha talk"');
    expect(await gridPage(v.c, v.bob.client)).not.toContain("Unschedule Alpha talk");
  });

  it("moves a placed session to a free cell (one row, new place)", async () => {
    const v = await venue();
    await placed(v.c, v.a, v.hall, v.s1);
    const response = await place(v.c, v.c.organiser, v.a, v.lab, v.s2);
    expect(response.status).toBe(200);
    expect(cellsOf(v.c.eventId)).toEqual({ [v.a]: `${v.lab}/${v.s2}` });
  });

  it("places one session into a plenary slot, and refuses a second one in any room", async () => {
    const v = await venue();
    await placed(v.c, v.a, v.hall, v.plenary);
    await expectRefused(
      v,
      v.c.organiser,
      { intent: "place", pitchId: v.b, roomId: v.lab, slotId: v.plenary },
      409,
      "A plenary slot holds one session for all rooms, and it already has one.",
    );
    await expectRefused(
      v,
      v.c.organiser,
      { intent: "place", pitchId: v.b, roomId: v.hall, slotId: v.plenary },
      409,
      "Hall already holds “Alpha talk” at that time.",
    );
    expect(cellsOf(v.c.eventId)).toEqual({ [v.a]: `${v.hall}/${v.plenary}` });
    const row = scheduleTable(await gridPage(v.c, v.bob.client)).get("12:00–13:00") ?? [];
    expect(row).toHaveLength(1);
    expect(row[0]).toMatch(/colspan="2"/i);
    expect(textOf(row[0] ?? "")).toContain("Plenary, all rooms");
    expect(textOf(row[0] ?? "")).toContain("Alpha talk");
  });
});

describe("refusals change nothing", () => {
  it("refuses an attendee and a stranger with 403", async () => {
    const v = await venue();
    await placed(v.c, v.g, v.hall, v.s1);
    const stranger = new HttpClient(server.url);
    for (const who of [v.ann.client, stranger]) {
      await expectRefused(
        v,
        who,
        { intent: "place", pitchId: v.a, roomId: v.lab, slotId: v.s1 },
        403,
        "Only organisers can do this.",
      );
      await expectRefused(v, who, { intent: "unplace", pitchId: v.g }, 403, "Only organisers can do this.");
      await expectRefused(v, who, { intent: "pin", pitchId: v.g, pinned: "true" }, 403, "Only organisers");
      await expectRefused(v, who, { intent: "suggest" }, 403, "Only organisers");
      await expectRefused(v, who, { intent: "apply", version: "x", cells: "[]" }, 403, "Only organisers");
    }
  });

  it("refuses an organiser of another event (their cookie means nothing here)", async () => {
    const v = await venue();
    const other = await camp();
    await expectRefused(
      v,
      other.organiser,
      { intent: "place", pitchId: v.a, roomId: v.lab, slotId: v.s1 },
      403,
      "Only organisers can do this.",
    );
  });

  it("refuses a pitch, room or slot of another event with 404 and what is missing", async () => {
    const v = await venue();
    const w = await venue();
    const base = { intent: "place", pitchId: v.a, roomId: v.hall, slotId: v.s1 };
    await expectRefused(v, v.c.organiser, { ...base, pitchId: w.a }, 404, "That session is not part of this event.");
    await expectRefused(v, v.c.organiser, { ...base, roomId: w.hall }, 404, "That room is not part of this event.");
    await expectRefused(v, v.c.organiser, { ...base, slotId: w.s1 }, 404, "That time slot is not part of this event.");
    await expectRefused(v, v.c.organiser, { ...base, pitchId: "no-such-pitch" }, 404, "That session is not part");
    // ...and the other event's organiser cannot reach into this one either.
    await expectRefused(v, w.c.organiser, { intent: "unplace", pitchId: v.a }, 403, "Only organisers");
    expect(placementsOf(v.c.eventId)).toEqual([]);
    expect(placementsOf(w.c.eventId)).toEqual([]);
  });

  it("refuses a break slot", async () => {
    const v = await venue();
    await expectRefused(
      v,
      v.c.organiser,
      { intent: "place", pitchId: v.a, roomId: v.hall, slotId: v.brk },
      409,
      "That time slot is a break: nothing can be scheduled in it.",
    );
    // Moving a placed session into the break is refused too, and it stays where it was.
    await placed(v.c, v.a, v.hall, v.s1);
    await expectRefused(
      v,
      v.c.organiser,
      { intent: "place", pitchId: v.a, roomId: v.lab, slotId: v.brk, swap: "true" },
      409,
      "is a break",
    );
    expect(cellsOf(v.c.eventId)).toEqual({ [v.a]: `${v.hall}/${v.s1}` });
  });

  it("refuses a hidden pitch and a merged pitch with 409 and why", async () => {
    const v = await venue();
    expect((await v.c.admin({ intent: "hide-pitch", pitchId: v.a, reason: "Spam" })).status).toBe(200);
    expect(statusOf(v.a)).toBe("hidden");
    await expectRefused(
      v,
      v.c.organiser,
      { intent: "place", pitchId: v.a, roomId: v.hall, slotId: v.s1 },
      409,
      "“Alpha talk” is hidden and cannot be scheduled.",
    );
    expect((await v.c.admin({ intent: "merge-pitches", fromId: v.b, intoId: v.d })).status).toBe(200);
    expect(statusOf(v.b)).toBe("merged");
    await expectRefused(
      v,
      v.c.organiser,
      { intent: "place", pitchId: v.b, roomId: v.hall, slotId: v.s1 },
      409,
      "“Beta talk” is merged into another pitch and cannot be scheduled.",
    );
  });

  it("refuses a taken cell without swap, naming what is there", async () => {
    const v = await venue();
    await placed(v.c, v.a, v.hall, v.s1);
    await placed(v.c, v.b, v.lab, v.s2);
    // An unplaced pitch onto a taken cell: refused with or without swap (there is no cell to trade).
    for (const swap of ["false", "true"]) {
      await expectRefused(
        v,
        v.c.organiser,
        { intent: "place", pitchId: v.g, roomId: v.hall, slotId: v.s1, swap },
        409,
        "Hall already holds “Alpha talk” at that time. Unschedule it first, or drag onto it to swap.",
      );
    }
    // A placed one onto a taken cell without swap.
    await expectRefused(
      v,
      v.c.organiser,
      { intent: "place", pitchId: v.b, roomId: v.hall, slotId: v.s1 },
      409,
      "Hall already holds “Alpha talk”",
    );
    expect(cellsOf(v.c.eventId)).toEqual({ [v.a]: `${v.hall}/${v.s1}`, [v.b]: `${v.lab}/${v.s2}` });
  });

  it.each([
    ["no pitchId", { pitchId: undefined }],
    ["an empty pitchId", { pitchId: "" }],
    ["an overlong pitchId", { pitchId: "p".repeat(65) }],
    ["no roomId", { roomId: undefined }],
    ["an overlong roomId", { roomId: "r".repeat(65) }],
    ["no slotId", { slotId: undefined }],
    ["a swap that is not a flag", { swap: "maybe" }],
  ])("refuses %s with 400", async (_label, change) => {
    const v = await venue();
    const fields: Record<string, string> = { intent: "place", pitchId: v.a, roomId: v.hall, slotId: v.s1 };
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) delete fields[key];
      else fields[key] = value;
    }
    await expectRefused(v, v.c.organiser, fields, 400, /.+/);
  });

  it("refuses bad unplace and pin input with 400, and an unknown intent", async () => {
    const v = await venue();
    await placed(v.c, v.a, v.hall, v.s1);
    await expectRefused(v, v.c.organiser, { intent: "unplace" }, 400, /.+/);
    await expectRefused(v, v.c.organiser, { intent: "pin", pitchId: v.a }, 400, /.+/);
    await expectRefused(v, v.c.organiser, { intent: "pin", pitchId: v.a, pinned: "perhaps" }, 400, /.+/);
    const before = db.snapshot();
    const response = await gridPost(v.c, v.c.organiser, { intent: "explode", pitchId: v.a });
    expect(response.status).toBe(400);
    expect(db.snapshot()).toEqual(before);
  });
});

// ---------------------------------------------------------------- swap and concurrency

describe("swapping", () => {
  it("swaps two placed sessions when one is moved onto the other with swap=true", async () => {
    const v = await venue();
    await placed(v.c, v.a, v.hall, v.s1);
    await placed(v.c, v.b, v.lab, v.s2);
    const response = await place(v.c, v.c.organiser, v.a, v.lab, v.s2, { swap: "true" });
    expect(response.status).toBe(200);
    expect(cellsOf(v.c.eventId)).toEqual({ [v.a]: `${v.lab}/${v.s2}`, [v.b]: `${v.hall}/${v.s1}` });
    expect(auditActions(v.c.eventId)).toContain("grid.swap");

    // Within one slot too, keeping a pin where it belongs (with its session).
    expect((await gridPost(v.c, v.c.organiser, { intent: "pin", pitchId: v.b, pinned: "true" })).status).toBe(200);
    await placed(v.c, v.g, v.lab, v.s1);
    expect((await place(v.c, v.c.organiser, v.g, v.hall, v.s1, { swap: "on" })).status).toBe(200);
    expect(cellsOf(v.c.eventId)).toEqual({
      [v.a]: `${v.lab}/${v.s2}`,
      [v.b]: `${v.lab}/${v.s1}`,
      [v.g]: `${v.hall}/${v.s1}`,
    });
    expect(placementOf(v.b)?.pinned).toBe(1);
    expect(placementOf(v.g)?.pinned).toBe(0);

    const table = scheduleTable(await gridPage(v.c, v.c.organiser));
    expect(textOf(table.get("09:00–10:00")?.[0] ?? "")).toContain("Gamma talk");
    expect(textOf(table.get("09:00–10:00")?.[1] ?? "")).toContain("Beta talk");
    expect(textOf(table.get("10:30–11:30")?.[1] ?? "")).toContain("Alpha talk");
  });

  it("placing a session where it already is changes nothing", async () => {
    const v = await venue();
    await placed(v.c, v.a, v.hall, v.s1);
    const before = db.snapshot();
    expect((await place(v.c, v.c.organiser, v.a, v.hall, v.s1, { swap: "true" })).status).toBe(200);
    expect(db.snapshot()).toEqual(before);
  });
});

describe("two organisers at once", () => {
  it("lets exactly one of two simultaneous placements into one empty cell win; the other gets 409", async () => {
    const v = await venue();
    const other = await secondOrganiser(v.c);
    const twin = v.c.organiser.clone();
    for (const [round, [first, second]] of [
      [v.c.organiser, other],
      [other, v.c.organiser],
      [v.c.organiser, twin],
      [twin, other],
      [other, v.c.organiser],
    ].entries()) {
      const slot = round % 2 === 0 ? v.s1 : v.s2;
      const responses = await Promise.all([
        place(v.c, first as HttpClient, v.a, v.hall, slot),
        place(v.c, second as HttpClient, v.b, v.hall, slot),
      ]);
      const statuses = responses.map((r) => r.status);
      expect([...statuses].sort(), `round ${round}`).toEqual([200, 409]);
      const loser = responses.find((r) => r.status === 409) as Response;
      const winnerId = statuses[0] === 200 ? v.a : v.b;
      const winnerTitle = winnerId === v.a ? "Alpha talk" : "Beta talk";
      expect(alertOf(decodeHtml(await loser.text()))).toMatch(
        new RegExp(`Hall already holds “${winnerTitle}”|Someone else just filled that cell`),
      );
      await responses.find((r) => r.status === 200)?.text();
      const inCell = db.all<PlacementRow>("select * from placements where room_id = ? and slot_id = ?", v.hall, slot);
      expect(inCell.map((p) => p.pitch_id)).toEqual([winnerId]);
      expect(placementsOf(v.c.eventId)).toHaveLength(1);
      expect((await gridPost(v.c, v.c.organiser, { intent: "unplace", pitchId: winnerId })).status).toBe(200);
      expect(placementsOf(v.c.eventId)).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------- unplace and pin

describe("unscheduling and pinning", () => {
  it("unschedules a placed session back to 'Not scheduled yet', and refuses one that is not placed", async () => {
    const v = await venue();
    await placed(v.c, v.a, v.hall, v.s1);
    const watcher = await follow(v.c);
    const heard = nextEvent(watcher, "event:patch", (push) => push.patch.placements !== undefined);
    const response = await gridPost(v.c, v.c.organiser, { intent: "unplace", pitchId: v.a });
    expect(response.status).toBe(200);
    await heard;
    expect(placementsOf(v.c.eventId)).toEqual([]);
    expect(statusOf(v.a)).toBe("open");
    expect(auditActions(v.c.eventId)).toContain("grid.unplace");
    const page = await gridPage(v.c, v.c.organiser);
    expect(unplacedTitles(page)).toContain("Alpha talk");
    expect(textOf((scheduleTable(page).get("09:00–10:00") ?? []).join(""))).not.toContain("Alpha talk");

    await expectRefused(
      v,
      v.c.organiser,
      { intent: "unplace", pitchId: v.a },
      409,
      "That session is not scheduled (someone may have just unscheduled it).",
    );
    await expectRefused(v, v.c.organiser, { intent: "unplace", pitchId: "no-such-pitch" }, 409, "not scheduled");
  });

  it("pins and unpins a placed session; pinning an unplaced one is refused", async () => {
    const v = await venue();
    await placed(v.c, v.a, v.hall, v.s1);
    const pin = await gridPost(v.c, v.c.organiser, { intent: "pin", pitchId: v.a, pinned: "true" });
    expect(pin.status).toBe(200);
    expect(placementOf(v.a)).toMatchObject({ room_id: v.hall, slot_id: v.s1, pinned: 1 });
    let page = await gridPage(v.c, v.c.organiser);
    // The name starts with the visible label (WCAG 2.5.3): "Unpin" is named "Unpin TITLE".
    expect(page).toMatch(/aria-label="Unpin Alpha talk">Unpin</);
    expect(page).not.toContain('aria-label="Pin Alpha talk"');
    expect(page).toContain('<span class="badge">Pinned</span>');
    // Attendees do not see the organisers' pin.
    expect(await gridPage(v.c, v.ann.client)).not.toContain("Pinned");

    const unpin = await gridPost(v.c, v.c.organiser, { intent: "pin", pitchId: v.a, pinned: "false" });
    expect(unpin.status).toBe(200);
    expect(placementOf(v.a)?.pinned).toBe(0);
    page = await gridPage(v.c, v.c.organiser);
    expect(page).toMatch(/aria-label="Pin Alpha talk">Pin</);
    expect(page).not.toContain('aria-label="Unpin Alpha talk"');

    await expectRefused(
      v,
      v.c.organiser,
      { intent: "pin", pitchId: v.b, pinned: "true" },
      409,
      "That session is not scheduled.",
    );
  });

  it("Undo after Unschedule: place with pinned=true puts a session back pinned; a move keeps the pin it has", async () => {
    const v = await venue();
    await placed(v.c, v.a, v.hall, v.s1);
    expect((await gridPost(v.c, v.c.organiser, { intent: "pin", pitchId: v.a, pinned: "true" })).status).toBe(200);
    expect((await gridPost(v.c, v.c.organiser, { intent: "unplace", pitchId: v.a })).status).toBe(200);
    expect(placementOf(v.a)).toBeUndefined();
    const back = await gridPost(v.c, v.c.organiser, {
      intent: "place",
      pitchId: v.a,
      roomId: v.hall,
      slotId: v.s1,
      pinned: "true",
    });
    expect(back.status).toBe(200);
    expect(placementOf(v.a)).toMatchObject({ room_id: v.hall, slot_id: v.s1, pinned: 1 });
    // Moving it with pinned=false does not unpin it: only "pin" changes a placed session's pin.
    const moved = await gridPost(v.c, v.c.organiser, {
      intent: "place",
      pitchId: v.a,
      roomId: v.lab,
      slotId: v.s1,
      pinned: "false",
    });
    expect(moved.status).toBe(200);
    expect(placementOf(v.a)).toMatchObject({ room_id: v.lab, pinned: 1 });
    // Without the field, a fresh placement is not pinned.
    await placed(v.c, v.b, v.hall, v.s2);
    expect(placementOf(v.b)?.pinned).toBe(0);
  });
});

// ---------------------------------------------------------------- suggestion

/** Asks for a suggestion as a plain form post; returns the page and what its "Apply suggestion" form would send. */
async function suggest(c: Camp, who: HttpClient = c.organiser) {
  const response = await gridPost(c, who, { intent: "suggest" });
  expect(response.status).toBe(200);
  const raw = await response.text();
  const html = decodeHtml(raw);
  const version = raw.match(/name="version" value="([^"]*)"/)?.[1];
  const cellsText = raw.match(/name="cells" value="([^"]*)"/)?.[1];
  if (version === undefined || cellsText === undefined) throw new Error("no Apply suggestion form on the page");
  const cellsJson = decodeHtml(cellsText);
  const cells = JSON.parse(cellsJson) as Array<{ pitchId: string; roomId: string; slotId: string }>;
  return { html, version: decodeHtml(version), cellsJson, cells };
}

function apply(c: Camp, version: string, cells: string, who: HttpClient = c.organiser): Promise<Response> {
  return gridPost(c, who, { intent: "apply", version, cells });
}

describe("suggest and apply", () => {
  it("previews a suggestion without saving it, and applying it places the sessions", async () => {
    const v = await venue();
    const before = db.snapshot();
    const { html, version, cellsJson, cells } = await suggest(v.c);
    expect(db.snapshot()).toEqual(before);
    expect(html).toContain("Apply suggestion");
    expect(html).toContain('<table class="score-table"><caption>Suggestion compared with the current grid</caption>');
    const scores = html.match(/<table class="score-table">(.*?)<\/table>/s)?.[1] ?? "";
    expect(textOf(scores)).toContain("Sessions placed");
    // Four pitches, two session slots of two rooms: all four fit; the current grid has none.
    expect(textOf(scores)).toMatch(/Suggestion 4 \d+ \d+/);
    expect(textOf(scores)).toContain("Current grid 0 0 0");
    expect(cells).toHaveLength(4);
    expect(new Set(cells.map((cell) => cell.pitchId))).toEqual(new Set([v.a, v.b, v.g, v.d]));
    for (const cell of cells) expect([v.s1, v.s2]).toContain(cell.slotId);
    // Ann pitched Alpha and Gamma, Bob Beta and Delta: never two of one pitcher in one slot.
    const slotOfPitch = Object.fromEntries(cells.map((cell) => [cell.pitchId, cell.slotId]));
    expect(slotOfPitch[v.a]).not.toBe(slotOfPitch[v.g]);
    expect(slotOfPitch[v.b]).not.toBe(slotOfPitch[v.d]);

    const watcher = await follow(v.c);
    const heard = nextEvent(watcher, "event:patch", (push) => push.patch.placements !== undefined);
    const response = await apply(v.c, version, cellsJson);
    expect(response.status).toBe(200);
    expect(decodeHtml(await response.text())).toContain("Suggestion applied: 4 sessions placed.");
    await heard;
    expect(cellsOf(v.c.eventId)).toEqual(
      Object.fromEntries(cells.map((cell) => [cell.pitchId, `${cell.roomId}/${cell.slotId}`])),
    );
    expect(auditActions(v.c.eventId)).toContain("grid.apply-suggestion");
    expect(unplacedTitles(await gridPage(v.c, v.c.organiser))).toEqual([]);

    // The same suggestion again is stale now: the grid it was made from is gone.
    const again = await apply(v.c, version, cellsJson);
    expect(again.status).toBe(409);
  });

  it("refuses a stale suggestion (the grid changed in between) and changes nothing", async () => {
    const v = await venue();
    const { version, cellsJson } = await suggest(v.c);
    await placed(v.c, v.a, v.lab, v.s2);
    const before = db.snapshot();
    const response = await apply(v.c, version, cellsJson);
    expect(response.status).toBe(409);
    expect(alertOf(decodeHtml(await response.text()))).toBe(
      "The grid changed since this suggestion was made. Suggest a grid again.",
    );
    expect(db.snapshot()).toEqual(before);

    // A pin counts as a change too.
    const fresh = await suggest(v.c);
    expect((await gridPost(v.c, v.c.organiser, { intent: "pin", pitchId: v.a, pinned: "true" })).status).toBe(200);
    const pinnedBefore = db.snapshot();
    expect((await apply(v.c, fresh.version, fresh.cellsJson)).status).toBe(409);
    expect(db.snapshot()).toEqual(pinnedBefore);
  });

  it("keeps pinned placements exactly as they are", async () => {
    const v = await venue();
    await placed(v.c, v.a, v.lab, v.s2);
    expect((await gridPost(v.c, v.c.organiser, { intent: "pin", pitchId: v.a, pinned: "true" })).status).toBe(200);
    await placed(v.c, v.b, v.hall, v.plenary); // unpinned: the suggestion may move it
    const pinned = placementOf(v.a);

    const { version, cellsJson, cells } = await suggest(v.c);
    expect(cells).toContainEqual({ pitchId: v.a, roomId: v.lab, slotId: v.s2 });
    expect(cells.filter((cell) => cell.roomId === v.lab && cell.slotId === v.s2)).toHaveLength(1);
    const response = await apply(v.c, version, cellsJson);
    expect(response.status).toBe(200);
    expect(placementOf(v.a)).toEqual(pinned);
    expect(placementsOf(v.c.eventId)).toHaveLength(4);

    // A doctored suggestion that tries to move the pinned session leaves it where it is.
    const next = await suggest(v.c);
    const moved = next.cells.map((cell) => (cell.pitchId === v.a ? { ...cell, roomId: v.hall, slotId: v.s1 } : cell));
    const others = moved.filter((cell) => cell.pitchId !== v.a && !(cell.roomId === v.hall && cell.slotId === v.s1));
    const doctored = await apply(v.c, next.version, JSON.stringify([...others, moved.find((c) => c.pitchId === v.a)]));
    expect(doctored.status).toBe(200);
    expect(placementOf(v.a)).toEqual(pinned);
  });

  it("refuses a tampered suggestion (not JSON, a cell in a break, a foreign room) and changes nothing", async () => {
    const v = await venue();
    await placed(v.c, v.g, v.hall, v.s1);
    const w = await venue();
    const { version, cells } = await suggest(v.c);
    const before = db.snapshot();

    const expectApplyRefused = async (cellsValue: string, status: number, message: string) => {
      const response = await apply(v.c, version, cellsValue);
      expect(response.status, cellsValue).toBe(status);
      expect(alertOf(decodeHtml(await response.text()))).toContain(message);
      expect(db.snapshot()).toEqual(before);
    };
    const damaged = "The suggestion was damaged on the way. Suggest a grid again.";
    await expectApplyRefused("not json", 400, damaged);
    await expectApplyRefused("{}", 400, damaged);
    await expectApplyRefused("", 400, damaged);
    await expectApplyRefused(JSON.stringify([{ pitchId: v.a }]), 400, "Required");
    await expectApplyRefused(
      JSON.stringify([...cells.slice(1), { pitchId: cells[0]?.pitchId, roomId: v.hall, slotId: v.brk }]),
      409,
      "That time slot is a break: nothing can be scheduled in it.",
    );
    await expectApplyRefused(
      JSON.stringify([{ pitchId: v.a, roomId: w.hall, slotId: v.s1 }]),
      404,
      "That room is not part of this event.",
    );
    await expectApplyRefused(
      JSON.stringify([{ pitchId: w.a, roomId: v.hall, slotId: v.s1 }]),
      404,
      "That session is not part of this event.",
    );
    await expectApplyRefused(
      JSON.stringify([
        { pitchId: v.a, roomId: v.hall, slotId: v.s1 },
        { pitchId: v.b, roomId: v.hall, slotId: v.s1 },
      ]),
      409,
      "The suggestion puts two sessions in one cell. Suggest a grid again.",
    );
    const missingVersion = await gridPost(v.c, v.c.organiser, { intent: "apply", cells: "[]" });
    expect(missingVersion.status).toBe(400);
    expect(db.snapshot()).toEqual(before);
  });
});

// ---------------------------------------------------------------- venue changes

describe("a doctored suggestion and plenary slots", () => {
  it("refuses a suggestion that puts two sessions into one plenary slot", async () => {
    const v = await venue();
    const { version } = await suggest(v.c);
    const response = await apply(
      v.c,
      version,
      JSON.stringify([
        { pitchId: v.a, roomId: v.hall, slotId: v.plenary },
        { pitchId: v.b, roomId: v.lab, slotId: v.plenary },
      ]),
    );
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("A plenary slot holds one session");
    expect(placementsOf(v.c.eventId).filter((p) => p.slot_id === v.plenary)).toHaveLength(0);
  });
});

describe("removing rooms and slots", () => {
  it("removing a room with sessions moves them back to 'Not scheduled yet'", async () => {
    const v = await venue();
    await placed(v.c, v.a, v.hall, v.s1);
    await placed(v.c, v.b, v.hall, v.s2);
    await placed(v.c, v.g, v.lab, v.s1);
    const watcher = await follow(v.c);
    const heard = nextEvent(watcher, "event:patch", (push) => push.patch.placements !== undefined);
    const response = await v.c.admin({ intent: "remove-room", roomId: v.hall });
    expect(response.status).toBe(200);
    expect(decodeHtml(await response.text())).toContain("2 session(s) moved back to “Not scheduled yet”.");
    await heard;
    expect(cellsOf(v.c.eventId)).toEqual({ [v.g]: `${v.lab}/${v.s1}` });
    expect(statusOf(v.a)).toBe("open");
    expect(statusOf(v.b)).toBe("open");
    const page = await gridPage(v.c, v.c.organiser);
    expect(unplacedTitles(page)).toEqual(expect.arrayContaining(["Alpha talk", "Beta talk"]));
    expect(unplacedTitles(page)).not.toContain("Gamma talk");
    const table = scheduleTable(page);
    expect(table.get("09:00–10:00")).toHaveLength(1);
    expect(textOf(table.get("09:00–10:00")?.[0] ?? "")).toContain("Gamma talk");
  });

  it("removing a slot with sessions moves them back to 'Not scheduled yet'", async () => {
    const v = await venue();
    await placed(v.c, v.a, v.hall, v.s1);
    await placed(v.c, v.b, v.lab, v.s1);
    await placed(v.c, v.g, v.lab, v.s2);
    const response = await v.c.admin({ intent: "remove-slot", slotId: v.s1 });
    expect(response.status).toBe(200);
    expect(decodeHtml(await response.text())).toContain("2 session(s) moved back to “Not scheduled yet”.");
    expect(cellsOf(v.c.eventId)).toEqual({ [v.g]: `${v.lab}/${v.s2}` });
    expect(statusOf(v.a)).toBe("open");
    expect(statusOf(v.b)).toBe("open");
    const page = await gridPage(v.c, v.c.organiser);
    expect(unplacedTitles(page)).toEqual(expect.arrayContaining(["Alpha talk", "Beta talk"]));
    expect([...scheduleTable(page).keys()]).toEqual(["10:00–10:30", "10:30–11:30", "12:00–13:00"]);
    // The freed sessions can be placed again.
    await placed(v.c, v.a, v.hall, v.s2);
  });
});

// ---------------------------------------------------------------- conflicts

/**
 * Hall and Lab, plus a one-seat Tiny room. Pat pitches Alpha and Beta (both at
 * 09:00: a pitcher clash); Vic votes for Gamma and Delta (both at 10:30: a
 * voter clash) and for Epsilon, which Wes votes for too (two votes in Tiny,
 * which seats one). A plenary slot at 14:00 stays empty.
 */
async function conflictedCamp() {
  // New York in July (UTC-4), so calendar times show the conversion from the event's wall clock.
  const c = await camp({ date: "2026-07-01", timeZone: "America/New_York" });
  const hall = await addRoom(c, "Hall", 50);
  const lab = await addRoom(c, "Lab", 20);
  const tiny = await addRoom(c, "Tiny", 1);
  const s1 = await addSlot(c, "09:00", "10:00");
  const s2 = await addSlot(c, "10:30", "11:30");
  const s3 = await addSlot(c, "12:00", "13:00");
  const plenary = await addSlot(c, "14:00", "15:00", "plenary");
  const pat = await attendee(c, "Pat");
  const vic = await attendee(c, "Vic");
  const wes = await attendee(c, "Wes");
  const alpha = await pitch(c, pat, "Alpha");
  const beta = await pitch(c, pat, "Beta");
  const gamma = await pitch(c, vic, "Gamma");
  const delta = await pitch(c, wes, "Delta");
  const epsilon = await pitch(c, wes, "Epsilon");
  const zeta = await pitch(c, wes, "Zeta");
  expect((await c.admin({ intent: "open-voting" })).status).toBe(200);
  for (const id of [gamma, delta, epsilon]) await vote(c, vic, id);
  for (const id of [epsilon, zeta]) await vote(c, wes, id);
  await placed(c, alpha, hall, s1);
  await placed(c, beta, lab, s1);
  await placed(c, gamma, hall, s2);
  await placed(c, delta, lab, s2);
  await placed(c, epsilon, tiny, s3);
  return { c, hall, lab, tiny, s1, s2, s3, plenary, pat, vic, wes, alpha, beta, gamma, delta, epsilon, zeta };
}

describe("conflicts", () => {
  it("shows a pitcher clash, a voter clash and an over-full room on the grid page", async () => {
    const k = await conflictedCamp();
    for (const who of [k.c.organiser, k.vic.client]) {
      const page = await gridPage(k.c, who);
      const summary = page.match(/<h2 id="conflicts-heading">(.*?)<\/h2>(.*?)<\/section>/s);
      expect(summary?.[1]).toBe("Conflicts (3)");
      const items = [...(summary?.[2] ?? "").matchAll(/<li>(.*?)<\/li>/gs)].map((m) => textOf(m[1] as string));
      expect(items).toHaveLength(3);
      expect(items).toContain("09:00–10:00 : One pitcher has two sessions at once: “Alpha” and “Beta”.");
      expect(items).toContain(
        "10:30–11:30 : 1 attendee voted for both “Gamma” and “Delta”, which run at the same time.",
      );
      expect(items).toContain("12:00–13:00 : “Epsilon” has 2 votes but Tiny seats 1.");
      // Each affected session is marked in the table.
      const table = scheduleTable(page);
      expect(table.get("09:00–10:00")?.[0]).toContain('aria-label="Conflicts for Alpha"');
      expect(textOf(table.get("09:00–10:00")?.[1] ?? "")).toContain("Pitcher clash");
      expect(textOf(table.get("10:30–11:30")?.[0] ?? "")).toContain("Voter clash");
      expect(textOf(table.get("10:30–11:30")?.[1] ?? "")).toContain("Voter clash");
      expect(textOf(table.get("12:00–13:00")?.[2] ?? "")).toContain("Over capacity");
    }
  });

  it("clears a conflict when the cause is moved away", async () => {
    const k = await conflictedCamp();
    // Beta joins Epsilon at 12:00 (no shared pitcher or voter there); Delta is unscheduled.
    await placed(k.c, k.beta, k.lab, k.s3);
    expect((await gridPost(k.c, k.c.organiser, { intent: "unplace", pitchId: k.delta })).status).toBe(200);
    const page = await gridPage(k.c, k.c.organiser);
    expect(page).toContain("Conflicts (1)");
    expect(page).not.toContain("two sessions at once");
    expect(page).not.toContain("voted for both");
    expect(page).toContain("“Epsilon” has 2 votes but Tiny seats 1.");
  });

  it("does not reveal blind tallies to attendees through the conflict messages", async () => {
    const k = await conflictedCamp();
    const response = await k.c.admin({ intent: "voting-settings", votesPerAttendee: "3", blindVoting: "on" });
    expect(response.status).toBe(200);
    expect(db.eventBySlug(k.c.slug).blind_voting).toBe(1);
    // Organisers always see tallies.
    expect(await gridPage(k.c, k.c.organiser)).toContain("“Epsilon” has 2 votes but Tiny seats 1.");
    const page = await gridPage(k.c, k.wes.client);
    // The session chips hide the tallies...
    const table = scheduleTable(page);
    expect(textOf(table.get("12:00–13:00")?.[2] ?? "")).not.toMatch(/\d+ votes?\b/);
    expect(textOf(table.get("12:00–13:00")?.[2] ?? "")).toContain("Epsilon");
    // Conflicts that would give the votes away are kept from attendees while the vote is blind.
    expect(page).not.toContain("has 2 votes");
    expect(page).not.toContain("voted for both");
  });
});

// ---------------------------------------------------------------- my sessions

/** The VEVENT blocks of a calendar file, unfolded, each as a map of its properties. */
function vevents(ics: string): Array<Record<string, string>> {
  const unfolded = ics.replace(/\r\n[ \t]/g, "");
  return [...unfolded.matchAll(/BEGIN:VEVENT\r\n(.*?)END:VEVENT/gs)].map((m) =>
    Object.fromEntries(
      (m[1] as string)
        .split("\r\n")
        .filter(Boolean)
        .map((line) => {
          const colon = line.indexOf(":");
          return [line.slice(0, colon).split(";")[0] as string, line.slice(colon + 1)];
        }),
    ),
  );
}

describe("my sessions as a calendar", () => {
  it("lists one VEVENT per placed session the attendee voted for", async () => {
    const k = await conflictedCamp();
    // Vic voted Gamma, Delta (10:30, Hall and Lab) and Epsilon (12:00, Tiny).
    const response = await k.vic.client.get(`/e/${k.c.slug}/my-sessions.ics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/calendar/);
    expect(response.headers.get("content-disposition")).toContain(`${k.c.slug}-my-sessions.ics`);
    const ics = await response.text();
    expect(ics.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    const events = vevents(ics);
    expect(events).toHaveLength(3);
    const byTitle = Object.fromEntries(events.map((e) => [e.SUMMARY, e]));
    expect(Object.keys(byTitle).sort()).toEqual(["Delta", "Epsilon", "Gamma"]);
    // Wall-clock times in the event's zone, with its VTIMEZONE (10:30 in New York in July is 14:30 UTC).
    expect(byTitle.Gamma).toMatchObject({ LOCATION: "Hall", DTSTART: "20260701T103000", DTEND: "20260701T113000" });
    expect(byTitle.Delta).toMatchObject({ LOCATION: "Lab", DTSTART: "20260701T103000" });
    expect(byTitle.Epsilon).toMatchObject({ LOCATION: "Tiny", DTSTART: "20260701T120000" });
    expect(ics).toContain("DTSTART;TZID=America/New_York:20260701T103000");
    expect(ics).toContain("BEGIN:VTIMEZONE\r\nTZID:America/New_York");
    expect(ics).toContain("X-WR-TIMEZONE:America/New_York");
    expect(byTitle.Gamma?.URL).toContain(`/e/${k.c.slug}/s/${k.gamma}`);

    // Wes voted Epsilon (placed) and Zeta (not placed): only Epsilon.
    const wesCalendar = async () => vevents(await (await k.wes.client.get(`/e/${k.c.slug}/my-sessions.ics`)).text());
    expect((await wesCalendar()).map((e) => e.SUMMARY)).toEqual(["Epsilon"]);
    // Once Zeta is scheduled in the plenary slot it joins, in all rooms.
    await placed(k.c, k.zeta, k.hall, k.plenary);
    const wes = await wesCalendar();
    expect(wes.map((e) => e.SUMMARY).sort()).toEqual(["Epsilon", "Zeta"]);
    expect(wes.find((e) => e.SUMMARY === "Zeta")).toMatchObject({ LOCATION: "All rooms", DTSTART: "20260701T140000" });
    // Pat voted for nothing: an empty calendar.
    const pat = await k.pat.client.get(`/e/${k.c.slug}/my-sessions.ics`);
    expect(pat.status).toBe(200);
    const patIcs = await pat.text();
    expect(patIcs).toContain("BEGIN:VCALENDAR");
    expect(vevents(patIcs)).toEqual([]);
  });

  it("refuses someone who has not joined with 403", async () => {
    const k = await conflictedCamp();
    for (const who of [new HttpClient(server.url), k.c.organiser]) {
      const response = await who.get(`/e/${k.c.slug}/my-sessions.ics`);
      expect(response.status).toBe(403);
      expect(response.headers.get("content-type")).not.toMatch(/text\/calendar/);
    }
    // An attendee of another event is a stranger here.
    const other = await camp();
    const outsider = await attendee(other, "Outsider");
    expect((await outsider.client.get(`/e/${k.c.slug}/my-sessions.ics`)).status).toBe(403);
  });
});

// ---------------------------------------------------------------- projector

/** Wall-clock date and minutes after midnight now in a time zone. */
function wallClock(timeZone: string): { date: string; minutes: number } {
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
      .formatToParts(new Date())
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

describe("projector view", () => {
  it("shows the session running now and the next one, by the event's wall clock", async () => {
    // A zone where now is at least an hour after midnight and two before the next one.
    const zone = ["Europe/London", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata"].find((z) => {
      const { minutes } = wallClock(z);
      return minutes >= 60 && minutes <= 21 * 60 + 30;
    });
    if (!zone) throw new Error("no time zone where now is away from midnight");
    const { date, minutes } = wallClock(zone);
    const c = await camp({ date, timeZone: zone });
    const hall = await addRoom(c, "Hall", 50);
    const lab = await addRoom(c, "Lab", 20);
    const earlier = await addSlot(c, hhmm(minutes - 60), hhmm(minutes - 30), "sessions", date);
    const current = await addSlot(c, hhmm(minutes - 30), hhmm(minutes + 30), "sessions", date);
    const next = await addSlot(c, hhmm(minutes + 30), hhmm(minutes + 90), "sessions", date);
    const pat = await attendee(c, "Pat");
    const past = await pitch(c, pat, "Yesterday's news");
    const nowA = await pitch(c, pat, "Happening now");
    const nowB = await pitch(c, pat, "Also on now");
    const soon = await pitch(c, pat, "Coming up");
    await placed(c, past, hall, earlier);
    await placed(c, nowA, lab, current);
    await placed(c, nowB, hall, current);
    await placed(c, soon, lab, next);

    const response = await new HttpClient(server.url).get(`/e/${c.slug}/display`);
    expect(response.status).toBe(200);
    const html = await htmlOf(response);
    const nowBlock = html.match(/<h2 id="display-Now">(.*?)<\/section>/s)?.[1] ?? "";
    const nextBlock = html.match(/<h2 id="display-Next">(.*?)<\/section>/s)?.[1] ?? "";
    expect(textOf(nowBlock)).toContain(`Now ${hhmm(minutes - 30)}–${hhmm(minutes + 30)}`);
    // Rooms in their order: Hall first, then Lab.
    expect(textOf(nowBlock)).toContain("Hall Also on now Lab Happening now");
    expect(textOf(nowBlock)).not.toContain("Coming up");
    expect(textOf(nowBlock)).not.toContain("Yesterday's news");
    expect(textOf(nextBlock)).toContain(`Next ${hhmm(minutes + 30)}–${hhmm(minutes + 90)}`);
    expect(textOf(nextBlock)).toContain("Lab Coming up");
    expect(textOf(nextBlock)).not.toContain("Happening now");
    expect(html).not.toContain("Nothing is running right now.");
  });

  it("says nothing is running when no slot covers now", async () => {
    const c = await camp({ date: "2020-01-01" });
    await addRoom(c, "Hall", 50);
    await addSlot(c, "09:00", "10:00");
    const html = await htmlOf(await new HttpClient(server.url).get(`/e/${c.slug}/display`));
    expect(html).toContain("Nothing is running right now.");
    expect(html).toContain("Nothing more is scheduled today.");
  });
});
