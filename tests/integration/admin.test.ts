import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { type HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";
import { htmlOf } from "./support";

/**
 * The organiser console's actions (POST /e/<slug>/admin with an intent), the
 * way a browser without JavaScript sends them: what they write, the audit log,
 * and bad input that must change nothing.
 */

let server: TestServer;
let db: DbProbe;

beforeAll(async () => {
  server = await startServer();
  db = openDbProbe(server.dbPath);
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

afterEach(() => {
  expect(server.errors, "the server logged errors").toEqual([]);
});

interface Camp {
  organiser: HttpClient;
  slug: string;
  eventId: string;
  post(fields: Record<string, string>): Promise<Response>;
}

let campCount = 0;
async function camp(fields: Partial<Record<"date" | "passcode", string>> = {}): Promise<Camp> {
  campCount++;
  const { organiser, slug } = await createEvent(server.url, { name: `Admin Camp ${campCount}`, ...fields });
  return {
    organiser,
    slug,
    eventId: db.eventBySlug(slug).id,
    post: (body) => organiser.post(`/e/${slug}/admin`, body),
  };
}

function audit(eventId: string) {
  return db.all<{ actor: string; action: string; target_id: string | null; detail: string | null }>(
    "select actor, action, target_id, detail from audit_log where event_id = ? order by id",
    eventId,
  );
}

function rooms(eventId: string) {
  return db.all<{ id: string; name: string; capacity: number; position: number }>(
    "select id, name, capacity, position from rooms where event_id = ? order by position",
    eventId,
  );
}

function slots(eventId: string) {
  return db.all<{ id: string; local_start: string; local_end: string; kind: string; label: string }>(
    "select id, local_start, local_end, kind, label from time_slots where event_id = ? order by local_start",
    eventId,
  );
}

/** Posts `fields` and checks the answer's status, that `message` is shown, and that the database did not change. */
async function expectRefused(c: Camp, fields: Record<string, string>, status: number, message: string) {
  const before = db.snapshot();
  const response = await c.post(fields);
  expect(response.status, JSON.stringify(fields)).toBe(status);
  expect(await htmlOf(response)).toContain(message);
  expect(db.snapshot()).toEqual(before);
}

describe("rooms", () => {
  it("adds rooms in order, shows them and records each in the audit log", async () => {
    const c = await camp();
    const first = await c.post({ intent: "add-room", name: "  Atrium ", capacity: "80" });
    expect(first.status).toBe(200);
    const html = await htmlOf(first);
    expect(html).toMatch(/<ul[^>]*aria-label="Rooms"[^>]*>.*Atrium.*\(80 seats\)/s);
    expect((await c.post({ intent: "add-room", name: "Library", capacity: "1" })).status).toBe(200);

    const rows = rooms(c.eventId);
    expect(rows.map(({ name, capacity, position }) => ({ name, capacity, position }))).toEqual([
      { name: "Atrium", capacity: 80, position: 0 },
      { name: "Library", capacity: 1, position: 1 },
    ]);
    expect(audit(c.eventId).slice(1)).toEqual([
      { actor: "organiser", action: "room.add", target_id: rows[0]?.id, detail: JSON.stringify({ name: "Atrium" }) },
      { actor: "organiser", action: "room.add", target_id: rows[1]?.id, detail: JSON.stringify({ name: "Library" }) },
    ]);
  });

  it.each([
    [{ name: "", capacity: "10" }, "Give the room a name."],
    [{ name: "    ", capacity: "10" }, "Give the room a name."],
    [{ capacity: "10" }, "Give the room a name."],
    [{ name: "R".repeat(61), capacity: "10" }, "A room name can be at most 60 characters."],
    [{ name: "Hall", capacity: "0" }, "A room holds at least 1 person."],
    [{ name: "Hall", capacity: "-1" }, "A room holds at least 1 person."],
    [{ name: "Hall", capacity: "abc" }, "Enter a whole number."],
    [{ name: "Hall", capacity: "2.5" }, "Enter a whole number."],
    [{ name: "Hall", capacity: "" }, "Enter how many people fit in the room."],
    [{ name: "Hall", capacity: "100001" }, "That capacity is too large."],
  ])("refuses %j with 400 and changes nothing", async (fields, message) => {
    const c = await camp();
    await expectRefused(c, { intent: "add-room", ...fields }, 400, message);
  });

  it("keeps what was typed when it refuses a room", async () => {
    const c = await camp();
    const response = await c.post({ intent: "add-room", name: "Kept Room", capacity: "0" });
    expect(response.status).toBe(400);
    expect(await htmlOf(response)).toMatch(/<input[^>]*name="name"[^>]*value="Kept Room"/);
  });

  it("refuses a duplicate room name, whatever its case, with 409", async () => {
    const c = await camp();
    expect((await c.post({ intent: "add-room", name: "Atrium", capacity: "80" })).status).toBe(200);
    await expectRefused(
      c,
      { intent: "add-room", name: "Atrium", capacity: "10" },
      409,
      'There is already a room called "Atrium".',
    );
    await expectRefused(
      c,
      { intent: "add-room", name: "ATRIUM", capacity: "10" },
      409,
      'There is already a room called "ATRIUM".',
    );
    await expectRefused(
      c,
      { intent: "add-room", name: " atrium  ", capacity: "10" },
      409,
      'There is already a room called "atrium".',
    );
    expect(rooms(c.eventId)).toHaveLength(1);
  });

  it("allows the same room name in two events", async () => {
    const a = await camp();
    const b = await camp();
    expect((await a.post({ intent: "add-room", name: "Atrium", capacity: "80" })).status).toBe(200);
    expect((await b.post({ intent: "add-room", name: "Atrium", capacity: "80" })).status).toBe(200);
  });

  it("removes a room and records it", async () => {
    const c = await camp();
    await c.post({ intent: "add-room", name: "Atrium", capacity: "80" });
    await c.post({ intent: "add-room", name: "Library", capacity: "20" });
    const [atrium] = rooms(c.eventId);
    const response = await c.post({ intent: "remove-room", roomId: atrium?.id ?? "" });
    expect(response.status).toBe(200);
    expect(rooms(c.eventId).map((r) => r.name)).toEqual(["Library"]);
    expect(audit(c.eventId).at(-1)).toEqual({
      actor: "organiser",
      action: "room.remove",
      target_id: atrium?.id,
      detail: JSON.stringify({ name: "Atrium", unscheduled: 0 }),
    });
  });

  it("answers 404 for a room that is not there, and changes nothing", async () => {
    const c = await camp();
    await c.post({ intent: "add-room", name: "Atrium", capacity: "80" });
    await expectRefused(
      c,
      { intent: "remove-room", roomId: "no-such-room" },
      404,
      "That room is not part of this event",
    );
    await expectRefused(c, { intent: "remove-room", roomId: "" }, 400, "");
  });

  it("cannot remove another event's room", async () => {
    const mine = await camp();
    const theirs = await camp();
    await theirs.post({ intent: "add-room", name: "Their Hall", capacity: "30" });
    const [theirRoom] = rooms(theirs.eventId);
    await expectRefused(
      mine,
      { intent: "remove-room", roomId: theirRoom?.id ?? "" },
      404,
      "That room is not part of this event",
    );
    expect(rooms(theirs.eventId)).toHaveLength(1);
  });
});

describe("time slots", () => {
  it("adds a slot on the event's day and records it", async () => {
    const c = await camp({ date: "2026-12-01" });
    const response = await c.post({ intent: "add-slot", starts: "10:00", ends: "10:45" });
    expect(response.status).toBe(200);
    expect(await htmlOf(response)).toMatch(/<ul[^>]*aria-label="Time slots"[^>]*>.*10:00–10:45/s);
    const [slot] = slots(c.eventId);
    expect(slot).toMatchObject({
      local_start: "2026-12-01T10:00",
      local_end: "2026-12-01T10:45",
      kind: "sessions",
      label: "",
    });
    expect(audit(c.eventId).at(-1)).toEqual({
      actor: "organiser",
      action: "slot.add",
      target_id: slot?.id,
      detail: JSON.stringify({ localStart: "2026-12-01T10:00", localEnd: "2026-12-01T10:45" }),
    });
  });

  it("takes a kind, a label and another day", async () => {
    const c = await camp({ date: "2026-12-01" });
    const response = await c.post({
      intent: "add-slot",
      day: "2026-12-02",
      starts: "12:30",
      ends: "13:15",
      kind: "break",
      label: "Lunch",
    });
    expect(response.status).toBe(200);
    expect(slots(c.eventId)).toMatchObject([
      { local_start: "2026-12-02T12:30", local_end: "2026-12-02T13:15", kind: "break", label: "Lunch" },
    ]);
  });

  it("accepts slots that touch", async () => {
    const c = await camp();
    expect((await c.post({ intent: "add-slot", starts: "10:00", ends: "10:45" })).status).toBe(200);
    expect((await c.post({ intent: "add-slot", starts: "10:45", ends: "11:30" })).status).toBe(200);
    expect((await c.post({ intent: "add-slot", starts: "09:15", ends: "10:00" })).status).toBe(200);
    expect(slots(c.eventId).map((s) => s.local_start.slice(11))).toEqual(["09:15", "10:00", "10:45"]);
  });

  it("refuses an overlapping slot with a message naming the other slot, and changes nothing", async () => {
    const c = await camp();
    await c.post({ intent: "add-slot", starts: "10:00", ends: "10:45" });
    const before = db.snapshot();
    const response = await c.post({ intent: "add-slot", starts: "10:30", ends: "11:15" });
    expect(response.status).toBe(409);
    const html = await htmlOf(response);
    expect(html).toContain("This overlaps the slot 10:00–10:45. Time slots may touch but not overlap.");
    expect(html).toMatch(/id="add-slot-starts-error"/);
    // The form keeps what was typed.
    expect(html).toMatch(/<input[^>]*name="starts"[^>]*value="10:30"/);
    expect(html).toMatch(/<input[^>]*name="ends"[^>]*value="11:15"/);
    expect(db.snapshot()).toEqual(before);
  });

  it("does not count a slot on another day as overlapping", async () => {
    const c = await camp({ date: "2026-12-01" });
    await c.post({ intent: "add-slot", starts: "10:00", ends: "10:45" });
    expect((await c.post({ intent: "add-slot", day: "2026-12-02", starts: "10:00", ends: "10:45" })).status).toBe(200);
  });

  it.each([
    ["ends before it starts", { starts: "11:00", ends: "10:00" }],
    ["has no length", { starts: "10:00", ends: "10:00" }],
  ])("refuses a slot that %s, on the Ends field, and changes nothing", async (_what, times) => {
    const c = await camp();
    const before = db.snapshot();
    const response = await c.post({ intent: "add-slot", ...times });
    // A 4xx answer; the service reports this one as a conflict (409), see the report.
    expect([400, 409]).toContain(response.status);
    const html = await htmlOf(response);
    expect(html).toMatch(/<p class="field-error" id="add-slot-ends-error">A time slot must end after it starts\.<\/p>/);
    expect(db.snapshot()).toEqual(before);
  });

  it.each([
    [{ starts: "25:00", ends: "26:00" }, "Enter a time as HH:MM (24-hour)."],
    [{ starts: "9:00", ends: "10:00" }, "Enter a time as HH:MM (24-hour)."],
    [{ ends: "10:00" }, "Enter a time."],
    [{ starts: "10:00" }, "Enter a time."],
    [{ starts: "10:00", ends: "11:00", kind: "party" }, "Choose sessions, break or plenary."],
    [{ starts: "10:00", ends: "11:00", label: "L".repeat(61) }, "A label can be at most 60 characters."],
    [{ starts: "10:00", ends: "11:00", day: "2026-13-01" }, "That is not a real date."],
  ])("refuses %j with 400 and changes nothing", async (fields, message) => {
    const c = await camp();
    await expectRefused(c, { intent: "add-slot", ...fields }, 400, message);
  });

  it("removes a slot and records it; a second removal is a 404", async () => {
    const c = await camp();
    await c.post({ intent: "add-slot", starts: "10:00", ends: "10:45" });
    const [slot] = slots(c.eventId);
    expect((await c.post({ intent: "remove-slot", slotId: slot?.id ?? "" })).status).toBe(200);
    expect(slots(c.eventId)).toEqual([]);
    expect(audit(c.eventId).at(-1)).toEqual({
      actor: "organiser",
      action: "slot.remove",
      target_id: slot?.id,
      detail: JSON.stringify({ unscheduled: 0 }),
    });
    await expectRefused(
      c,
      { intent: "remove-slot", slotId: slot?.id ?? "" },
      404,
      "That time slot is not part of this event",
    );
  });

  it("cannot remove another event's slot", async () => {
    const mine = await camp();
    const theirs = await camp();
    await theirs.post({ intent: "add-slot", starts: "10:00", ends: "10:45" });
    const [theirSlot] = slots(theirs.eventId);
    await expectRefused(
      mine,
      { intent: "remove-slot", slotId: theirSlot?.id ?? "" },
      404,
      "That time slot is not part of this event",
    );
  });
});

describe("pitching and voting", () => {
  function settings(eventId: string) {
    return db.get(
      "select pitching_open, voting_open, votes_per_attendee, blind_voting, shuffle_pitches from events where id = ?",
      eventId,
    );
  }

  it("opens and closes voting and pitching, recording each", async () => {
    const c = await camp();
    expect(settings(c.eventId)).toMatchObject({ pitching_open: 1, voting_open: 0 });

    const opened = await c.post({ intent: "open-voting" });
    expect(opened.status).toBe(200);
    expect(await htmlOf(opened)).toContain("Voting is <strong>open</strong>");
    expect(settings(c.eventId)).toMatchObject({ voting_open: 1 });

    expect((await c.post({ intent: "close-pitching" })).status).toBe(200);
    expect(settings(c.eventId)).toMatchObject({ pitching_open: 0, voting_open: 1 });
    expect((await c.post({ intent: "close-voting" })).status).toBe(200);
    expect((await c.post({ intent: "open-pitching" })).status).toBe(200);
    expect(settings(c.eventId)).toMatchObject({ pitching_open: 1, voting_open: 0 });

    expect(audit(c.eventId).map((a) => `${a.actor} ${a.action}`)).toEqual([
      "organiser event.create",
      "organiser voting.open",
      "organiser pitching.close",
      "organiser voting.close",
      "organiser pitching.open",
    ]);
  });

  it("saves voting settings and says so", async () => {
    const c = await camp();
    const response = await c.post({ intent: "voting-settings", votesPerAttendee: "5", blindVoting: "on" });
    expect(response.status).toBe(200);
    expect(await htmlOf(response)).toContain("Voting settings saved.");
    expect(settings(c.eventId)).toMatchObject({ votes_per_attendee: 5, blind_voting: 1, shuffle_pitches: 0 });
    expect(audit(c.eventId).at(-1)).toMatchObject({ actor: "organiser", action: "event.voting-settings" });
    expect(JSON.parse(audit(c.eventId).at(-1)?.detail ?? "{}")).toEqual({
      votesPerAttendee: 5,
      blindVoting: true,
      shufflePitches: false,
    });

    expect((await c.post({ intent: "voting-settings", votesPerAttendee: "50", shufflePitches: "on" })).status).toBe(
      200,
    );
    expect(settings(c.eventId)).toMatchObject({ votes_per_attendee: 50, blind_voting: 0, shuffle_pitches: 1 });
    expect((await c.post({ intent: "voting-settings", votesPerAttendee: "1" })).status).toBe(200);
    expect(settings(c.eventId)).toMatchObject({ votes_per_attendee: 1 });
  });

  it.each([
    ["0", "Each attendee needs at least 1 vote."],
    ["51", "At most 50 votes per attendee."],
    ["-3", "Each attendee needs at least 1 vote."],
    ["abc", "Enter a whole number."],
    ["2.5", "Enter a whole number."],
    ["", "Enter how many votes each attendee has."],
  ])("refuses %j votes per attendee with 400 and changes nothing", async (votes, message) => {
    const c = await camp();
    await expectRefused(c, { intent: "voting-settings", votesPerAttendee: votes, blindVoting: "on" }, 400, message);
  });
});

describe("the passcode setting", () => {
  it("sets a passcode (stored as a hash), then clears it", async () => {
    const c = await camp();
    const set = await c.post({ intent: "set-passcode", passcode: "  letmein  " });
    expect(set.status).toBe(200);
    expect(await htmlOf(set)).toContain("Passcode set.");
    const hash = db.eventBySlug(c.slug).passcode_hash;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(db.allText()).not.toContain("letmein");

    const cleared = await c.post({ intent: "set-passcode", passcode: "" });
    expect(cleared.status).toBe(200);
    expect(await htmlOf(cleared)).toContain("Passcode removed: the event is public.");
    expect(db.eventBySlug(c.slug).passcode_hash).toBeNull();
    expect(
      audit(c.eventId)
        .map((a) => a.action)
        .slice(-2),
    ).toEqual(["passcode.set", "passcode.clear"]);
  });

  it.each([
    ["abc", "A passcode needs at least 4 characters."],
    ["  ab  ", "A passcode needs at least 4 characters."],
    ["p".repeat(65), "A passcode can be at most 64 characters."],
  ])("refuses %j with 400 and changes nothing", async (passcode, message) => {
    const c = await camp({ passcode: "original" });
    await expectRefused(c, { intent: "set-passcode", passcode }, 400, message);
  });
});

describe("who may act", () => {
  const everyIntent: Array<Record<string, string>> = [
    { intent: "add-room", name: "Hall", capacity: "10" },
    { intent: "remove-room", roomId: "x" },
    { intent: "add-slot", starts: "10:00", ends: "11:00" },
    { intent: "remove-slot", slotId: "x" },
    { intent: "voting-settings", votesPerAttendee: "7" },
    { intent: "open-voting" },
    { intent: "close-voting" },
    { intent: "open-pitching" },
    { intent: "close-pitching" },
    { intent: "set-passcode", passcode: "sneaky" },
  ];

  it("refuses every organiser action to an attendee, and changes nothing", async () => {
    const c = await camp();
    await c.post({ intent: "add-room", name: "Atrium", capacity: "80" });
    const attendee = await joinAs(server.url, c.slug, "Eve");
    const before = db.snapshot();
    for (const fields of everyIntent) {
      const response = await attendee.post(`/e/${c.slug}/admin`, fields);
      expect(response.status, fields.intent).toBe(403);
      expect(await htmlOf(response)).toContain("Only organisers can do this. Open the organiser link to become one.");
    }
    expect(db.snapshot()).toEqual(before);
  });

  it("answers an unknown intent with 400 and changes nothing", async () => {
    const c = await camp();
    await expectRefused(c, { intent: "delete-everything" }, 400, "Unknown action.");
    await expectRefused(c, {}, 400, "Unknown action.");
  });

  it("writes an audit row for every organiser change, and none for refusals", async () => {
    const c = await camp();
    await c.post({ intent: "add-room", name: "Atrium", capacity: "80" });
    await c.post({ intent: "add-room", name: "", capacity: "80" });
    await c.post({ intent: "add-slot", starts: "10:00", ends: "10:45" });
    await c.post({ intent: "add-slot", starts: "10:15", ends: "10:30" });
    await c.post({ intent: "open-voting" });
    await c.post({ intent: "voting-settings", votesPerAttendee: "99" });
    const actions = audit(c.eventId);
    expect(actions.map((a) => a.action)).toEqual(["event.create", "room.add", "slot.add", "voting.open"]);
    expect(new Set(actions.map((a) => a.actor))).toEqual(new Set(["organiser"]));
  });
});
