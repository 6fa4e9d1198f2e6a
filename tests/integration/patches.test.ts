import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SessionState } from "../../app/realtime/contract";
import type { EventPatch, EventPatchPush, EventSnapshot } from "../../app/realtime/facts";
import { eventSnapshot } from "../../app/realtime/facts";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { HttpClient, createEvent, joinAs } from "../helpers/http";
import { LiveClient, comparable } from "../helpers/liveClient";
import { type TestServer, startServer } from "../helpers/server";
import { type TestSocket, connectSocket, nextEvent, record } from "../helpers/socket";
import { decodeHtml } from "./support";

/**
 * The live model against the real production build: what each `event:patch`
 * carries for each command (attendees' and organisers' variants), blind
 * voting's secrecy, the version rules, that a page applying every push holds
 * what a fresh `state.json` gives, who may read `state.json`, and the
 * `session:state` pushes to a session's watchers.
 */

let server: TestServer;
let db: DbProbe;
const clients: LiveClient[] = [];
const sockets: TestSocket[] = [];

beforeAll(async () => {
  server = await startServer();
  db = openDbProbe(server.dbPath);
});

afterEach(() => {
  for (const client of clients.splice(0)) client.stop();
  for (const socket of sockets.splice(0)) socket.disconnect();
  expect(server.errors, "the server logged errors").toEqual([]);
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

// ---------------------------------------------------------------- helpers

/** Long enough for a push (or a 50 ms tally tick) that was going to arrive to have arrived. */
const settle = () => sleep(300);

interface Camp {
  organiser: HttpClient;
  slug: string;
  eventId: string;
  admin(fields: Record<string, string>): Promise<Response>;
  grid(fields: Record<string, string>): Promise<Response>;
}

let campCount = 0;
async function camp(fields: Partial<Record<"passcode", string>> = {}): Promise<Camp> {
  campCount++;
  const { organiser, slug } = await createEvent(server.url, { name: `Patch Camp ${campCount}`, ...fields });
  return {
    organiser,
    slug,
    eventId: db.eventBySlug(slug).id,
    admin: (f) => organiser.post(`/e/${slug}/admin`, f),
    grid: (f) => organiser.post(`/e/${slug}/grid`, f),
  };
}

const versionOf = (c: Camp) =>
  db.get<{ v: number }>("select version as v from events where id = ?", c.eventId)?.v ?? -1;

async function ok(response: Promise<Response> | Response, what: string, status = 200): Promise<void> {
  const r = await response;
  if (r.status !== status) {
    const text = decodeHtml(await r.text());
    const alert = text.match(/role="alert"[^>]*>(.*?)</s)?.[1] ?? text.slice(0, 300);
    throw new Error(`${what}: answered ${r.status}, wanted ${status}: ${alert}`);
  }
}

interface Person {
  client: HttpClient;
  id: string;
  name: string;
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
  return { client, id, name };
}

let clientIds = 0;
async function pitch(c: Camp, who: Person, title: string, fields: Record<string, string> = {}): Promise<string> {
  const response = await who.client.post(`/e/${c.slug}/pitch?index`, {
    title,
    description: "",
    tags: "",
    clientId: `patches-${process.pid}-${++clientIds}`,
    ...fields,
  });
  expect(response.status, `pitching ${title}`).toBe(302);
  const id = response.headers.get("location")?.match(/#pitch-([\w-]+)$/)?.[1];
  if (!id) throw new Error(`unexpected redirect ${response.headers.get("location")}`);
  return id;
}

function vote(c: Camp, who: Person, pitchId: string, on = true): Promise<void> {
  return ok(who.client.post(`/e/${c.slug}?index`, { intent: "vote", pitchId, vote: String(on) }), "voting");
}

async function addRoom(c: Camp, name: string, capacity = 50): Promise<string> {
  await ok(c.admin({ intent: "add-room", name, capacity: String(capacity) }), `adding room ${name}`);
  const id = db.get<{ id: string }>("select id from rooms where event_id = ? and name = ?", c.eventId, name)?.id;
  if (!id) throw new Error(`room ${name} not in the database`);
  return id;
}

async function addSlot(c: Camp, starts: string, ends: string, kind = "sessions"): Promise<string> {
  await ok(c.admin({ intent: "add-slot", starts, ends, kind }), `adding slot ${starts}`);
  const id = db.get<{ id: string }>(
    "select id from time_slots where event_id = ? and substr(local_start, 12) = ?",
    c.eventId,
    starts,
  )?.id;
  if (!id) throw new Error(`slot ${starts} not in the database`);
  return id;
}

function place(c: Camp, pitchId: string, roomId: string, slotId: string, extra: Record<string, string> = {}) {
  return ok(c.grid({ intent: "place", pitchId, roomId, slotId, ...extra }), `placing ${pitchId}`);
}

/** A live client (socket + state.json + every push applied) as `who`, stopped after the test. */
async function follow(c: Camp, who?: HttpClient): Promise<LiveClient> {
  const client = await new LiveClient(server.url, c.slug, who).start();
  clients.push(client);
  return client;
}

async function stateJson(c: Camp, who?: HttpClient): Promise<EventSnapshot> {
  const response = who
    ? await who.get(`/e/${c.slug}/state.json`)
    : await fetch(new URL(`/e/${c.slug}/state.json`, server.url));
  expect(response.status).toBe(200);
  return eventSnapshot.parse(await response.json());
}

/**
 * Runs one command and returns the single push each follower got for it:
 * exactly one new version, the next one, on every follower.
 */
async function onePush(c: Camp, followers: LiveClient[], command: () => Promise<unknown>): Promise<EventPatch[]> {
  const before = versionOf(c);
  const marks = followers.map((f) => f.patches.length);
  await command();
  expect(versionOf(c), "the command moved the version by one").toBe(before + 1);
  for (const f of followers) await f.reach(before + 1);
  await settle();
  return followers.map((f, i) => {
    const pushes = f.since(marks[i] as number);
    expect(pushes.map((p) => p.version)).toEqual([before + 1]);
    expect(pushes[0]?.eventId).toBe(c.eventId);
    return (pushes[0] as EventPatchPush).patch;
  });
}

/**
 * Waits until the event's version has stood still for longer than the
 * server's vote-dependent conflict check (1 s) and returns it.
 */
async function quiet(c: Camp): Promise<number> {
  let version = versionOf(c);
  for (;;) {
    await sleep(1200);
    const now = versionOf(c);
    if (now === version) return version;
    version = now;
  }
}

/** The parts a patch carries, sorted. */
const keysOf = (patch: EventPatch) => Object.keys(patch).sort();

/** Placements in a stable order, to compare lists whose order the database decides. */
const byPitch = <T extends { pitchId: string }>(list: readonly T[] | undefined) =>
  [...(list ?? [])].sort((a, b) => (a.pitchId < b.pitchId ? -1 : 1));

/**
 * Every part a patch carries is what a fresh snapshot (for the same viewer)
 * shows for it: pushed pitches as they are now, lists as they are now.
 */
async function expectPatchMatchesSnapshot(c: Camp, patch: EventPatch, who?: HttpClient): Promise<void> {
  const fresh = await stateJson(c, who);
  if (patch.settings) expect(patch.settings).toEqual(fresh.facts.settings);
  if (patch.rooms) expect(patch.rooms).toEqual(fresh.facts.rooms);
  if (patch.slots) expect(patch.slots).toEqual(fresh.facts.slots);
  if (patch.placements) expect(byPitch(patch.placements)).toEqual(byPitch(fresh.facts.placements));
  if (patch.conflicts) expect(patch.conflicts).toEqual(fresh.facts.conflicts);
  for (const p of patch.pitches ?? []) expect(fresh.facts.pitches.find((f) => f.id === p.id)).toEqual(p);
  for (const id of patch.removedPitchIds ?? []) expect(fresh.facts.pitches.some((f) => f.id === id)).toBe(false);
  if (patch.tallies) expect(patch.tallies).toEqual(fresh.tallies);
}

const fact = (id: string, title: string, pitcherName: string | null, over: Record<string, unknown> = {}) => ({
  id,
  title,
  descriptionHtml: "",
  tags: [],
  pitcherName,
  coHostNames: [],
  goingCap: null,
  status: "open",
  mergedIntoId: null,
  createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
  span: 1,
  needs: [],
  remoteUrl: null,
  ...over,
});

/** A camp with two rooms, two session slots, a pitcher (Ann) and two voters, followed by an attendee and an organiser. */
async function venue() {
  const c = await camp();
  const hall = await addRoom(c, "Hall", 50);
  const nook = await addRoom(c, "Nook", 1);
  const s1 = await addSlot(c, "09:00", "10:00");
  const s2 = await addSlot(c, "10:30", "11:30");
  const ann = await attendee(c, `Ann ${campCount}`);
  const bob = await attendee(c, `Bob ${campCount}`);
  const cy = await attendee(c, `Cy ${campCount}`);
  const watcher = await follow(c, bob.client);
  const org = await follow(c, c.organiser);
  return { c, hall, nook, s1, s2, ann, bob, cy, watcher, org };
}

// ---------------------------------------------------------------- (a) each push's payload

describe("what each command pushes", () => {
  it("a new pitch: the pitch card, nothing else", async () => {
    const { c, ann, watcher, org } = await venue();
    let id = "";
    const [patch, orgPatch] = await onePush(c, [watcher, org], async () => {
      id = await pitch(c, ann, "Alpha", { description: "Some *idea*", tags: "Ops, dev" });
    });
    expect(patch).toEqual({
      pitches: [fact(id, "Alpha", ann.name, { descriptionHtml: "<p>Some <em>idea</em></p>", tags: ["ops", "dev"] })],
    });
    expect(orgPatch).toEqual(patch);
    await expectPatchMatchesSnapshot(c, patch as EventPatch, watcher.who);
  });

  it("an anonymous attendee's pitch has no pitcher name", async () => {
    const { c, watcher } = await venue();
    const nobody = await attendee(c, "");
    let id = "";
    const [patch] = await onePush(c, [watcher], async () => {
      id = await pitch(c, nobody, "Quiet one");
    });
    expect(patch).toEqual({ pitches: [fact(id, "Quiet one", null)] });
  });

  it("an edit: the edited card with its description rendered, and the grid (titles show in conflicts)", async () => {
    const { c, ann, hall, s1, watcher, org } = await venue();
    const id = await pitch(c, ann, "Alpha");
    await place(c, id, hall, s1);
    const [patch, orgPatch] = await onePush(c, [watcher, org], () =>
      ok(
        ann.client.post(`/e/${c.slug}/pitch/${id}`, { title: "Alpha 2", description: "**New**", tags: "x" }),
        "editing",
        302,
      ),
    );
    expect(keysOf(patch as EventPatch)).toEqual(["conflicts", "pitches", "placements"]);
    expect(patch?.pitches).toEqual([
      fact(id, "Alpha 2", ann.name, { descriptionHtml: "<p><strong>New</strong></p>", tags: ["x"] }),
    ]);
    expect(patch?.placements).toEqual([{ pitchId: id, roomId: hall, slotId: s1, pinned: false, span: 1 }]);
    expect(orgPatch).toEqual(patch);
    await expectPatchMatchesSnapshot(c, patch as EventPatch, watcher.who);
  });

  it("a withdrawal: the pitch leaves, and the grid without it", async () => {
    const { c, ann, hall, s1, watcher, org } = await venue();
    const id = await pitch(c, ann, "Alpha");
    const other = await pitch(c, ann, "Beta");
    await place(c, id, hall, s1);
    await place(c, other, hall, (await addSlot(c, "12:00", "13:00")) as string);
    const [patch, orgPatch] = await onePush(c, [watcher, org], () =>
      ok(ann.client.post(`/e/${c.slug}?index`, { intent: "withdraw", pitchId: id }), "withdrawing"),
    );
    expect(keysOf(patch as EventPatch)).toEqual(["conflicts", "placements", "removedPitchIds"]);
    expect(patch?.removedPitchIds).toEqual([id]);
    expect(patch?.placements?.map((p) => p.pitchId)).toEqual([other]);
    expect(orgPatch).toEqual(patch);
    expect(watcher.state.facts.pitches.map((p) => p.id)).toEqual([other]);
  });

  it("hiding and unhiding: the pitch leaves, then comes back as a card", async () => {
    const { c, ann, hall, s1, watcher, org } = await venue();
    const id = await pitch(c, ann, "Alpha");
    await place(c, id, hall, s1);
    const [hidden, orgHidden] = await onePush(c, [watcher, org], () =>
      c.admin({ intent: "hide-pitch", pitchId: id, reason: "Off topic" }).then((r) => ok(r, "hiding")),
    );
    expect(hidden).toEqual({ removedPitchIds: [id], placements: [], conflicts: [] });
    expect(orgHidden).toEqual(hidden);
    const [shown, orgShown] = await onePush(c, [watcher, org], () =>
      ok(c.admin({ intent: "unhide-pitch", pitchId: id }), "unhiding"),
    );
    expect(shown).toEqual({ pitches: [fact(id, "Alpha", ann.name)], placements: [], conflicts: [] });
    expect(orgShown).toEqual(shown);
    // Hiding unscheduled it: it comes back unplaced.
    expect(watcher.state.facts.placements).toEqual([]);
  });

  it("a merge: both cards (the merged one pointing where it went), the grid, and the moved counts", async () => {
    const { c, ann, bob, cy, hall, s1, watcher, org } = await venue();
    const from = await pitch(c, ann, "Alpha");
    const into = await pitch(c, ann, "Beta");
    await place(c, from, hall, s1);
    await ok(c.admin({ intent: "open-voting" }), "open voting");
    await vote(c, bob, from);
    await vote(c, bob, into);
    await vote(c, cy, from);
    const [patch, orgPatch] = await onePush(c, [watcher, org], () =>
      ok(c.admin({ intent: "merge-pitches", fromId: from, intoId: into }), "merging"),
    );
    expect(keysOf(patch as EventPatch)).toEqual(["conflicts", "pitches", "placements", "tallies"]);
    expect(patch?.pitches).toEqual([
      fact(from, "Alpha", ann.name, { status: "merged", mergedIntoId: into }),
      fact(into, "Beta", ann.name),
    ]);
    // Bob voted for both: counted once. The merged-away pitch's cell passes to the kept one.
    expect(patch?.tallies).toEqual({ [into]: 2 });
    expect(patch?.placements).toEqual([{ pitchId: into, roomId: hall, slotId: s1, pinned: false, span: 1 }]);
    expect(orgPatch).toEqual(patch);
    await expectPatchMatchesSnapshot(c, patch as EventPatch, watcher.who);
  });

  it("placing, moving, swapping, pinning and unscheduling: the whole grid each time", async () => {
    const { c, ann, hall, nook, s1, s2, watcher, org } = await venue();
    const a = await pitch(c, ann, "Alpha");
    const b = await pitch(c, ann, "Beta");
    const cell = (pitchId: string, roomId: string, slotId: string, pinned = false) => ({
      pitchId,
      roomId,
      slotId,
      pinned,
      span: 1,
    });
    const steps: Array<[string, () => Promise<void>, ReturnType<typeof cell>[]]> = [
      ["place", () => place(c, a, hall, s1), [cell(a, hall, s1)]],
      ["place another", () => place(c, b, nook, s2), [cell(a, hall, s1), cell(b, nook, s2)]],
      ["move", () => place(c, a, nook, s1), [cell(a, nook, s1), cell(b, nook, s2)]],
      ["swap", () => place(c, a, nook, s2, { swap: "true" }), [cell(a, nook, s2), cell(b, nook, s1)]],
      [
        "pin",
        () => ok(c.grid({ intent: "pin", pitchId: b, pinned: "true" }), "pin"),
        [cell(a, nook, s2), cell(b, nook, s1, true)],
      ],
      ["unplace", () => ok(c.grid({ intent: "unplace", pitchId: a }), "unplace"), [cell(b, nook, s1, true)]],
    ];
    for (const [what, command, expected] of steps) {
      const [patch, orgPatch] = await onePush(c, [watcher, org], command);
      expect(keysOf(patch as EventPatch), what).toEqual(["conflicts", "placements"]);
      expect(byPitch(patch?.placements), what).toEqual(byPitch(expected));
      expect(orgPatch, what).toEqual(patch);
      await expectPatchMatchesSnapshot(c, patch as EventPatch, watcher.who);
    }
  });

  it("two sessions by one pitcher at once: the conflict travels with the placements", async () => {
    const { c, ann, hall, nook, s1, watcher } = await venue();
    const a = await pitch(c, ann, "Alpha");
    const b = await pitch(c, ann, "Beta");
    await place(c, a, hall, s1);
    const [patch] = await onePush(c, [watcher], () => place(c, b, nook, s1));
    expect(patch?.conflicts).toEqual([
      {
        kind: "pitcher-clash",
        slotId: s1,
        pitchIds: expect.arrayContaining([a, b]),
        message: expect.stringContaining("One pitcher has two sessions at once"),
        label: "Pitcher clash",
      },
    ]);
  });

  it("applying a suggestion: the new grid", async () => {
    const { c, ann, watcher, org } = await venue();
    await pitch(c, ann, "Alpha");
    await pitch(c, ann, "Beta");
    const preview = await c.grid({ intent: "suggest" });
    expect(preview.status).toBe(200);
    const raw = await preview.text();
    const version = decodeHtml(raw.match(/name="version" value="([^"]*)"/)?.[1] ?? "");
    const cells = decodeHtml(raw.match(/name="cells" value="([^"]*)"/)?.[1] ?? "");
    const suggested = JSON.parse(cells) as Array<{ pitchId: string; roomId: string; slotId: string }>;
    expect(suggested.length).toBeGreaterThan(0);
    const [patch, orgPatch] = await onePush(c, [watcher, org], () =>
      ok(c.grid({ intent: "apply", version, cells }), "apply"),
    );
    expect(keysOf(patch as EventPatch)).toEqual(["conflicts", "placements"]);
    expect(byPitch(patch?.placements)).toEqual(byPitch(suggested.map((s) => ({ ...s, pinned: false, span: 1 }))));
    expect(orgPatch).toEqual(patch);
  });

  it("rooms added and removed: the room list, and the grid without what stood in a removed room", async () => {
    const { c, ann, hall, nook, s1, s2, watcher, org } = await venue();
    const a = await pitch(c, ann, "Alpha");
    const b = await pitch(c, ann, "Beta");
    await place(c, a, nook, s1);
    await place(c, b, hall, s2);
    let atrium = "";
    const [added, orgAdded] = await onePush(c, [watcher, org], async () => {
      atrium = await addRoom(c, "Atrium", 80);
    });
    expect(keysOf(added as EventPatch)).toEqual(["conflicts", "placements", "rooms"]);
    expect(added?.rooms).toEqual(
      expect.arrayContaining([
        { id: hall, name: "Hall", capacity: 50, features: [], remoteUrl: null },
        { id: nook, name: "Nook", capacity: 1, features: [], remoteUrl: null },
        { id: atrium, name: "Atrium", capacity: 80, features: [], remoteUrl: null },
      ]),
    );
    expect(added?.rooms).toHaveLength(3);
    expect(orgAdded).toEqual(added);
    await expectPatchMatchesSnapshot(c, added as EventPatch, watcher.who);

    const [removed, orgRemoved] = await onePush(c, [watcher, org], () =>
      ok(c.admin({ intent: "remove-room", roomId: nook }), "remove room"),
    );
    expect(keysOf(removed as EventPatch)).toEqual(["conflicts", "placements", "rooms"]);
    expect(removed?.rooms?.map((r) => r.id).sort()).toEqual([atrium, hall].sort());
    expect(removed?.placements).toEqual([{ pitchId: b, roomId: hall, slotId: s2, pinned: false, span: 1 }]);
    expect(orgRemoved).toEqual(removed);
  });

  it("time slots added and removed: the slot list, and the grid without what stood in a removed slot", async () => {
    const { c, ann, hall, s1, s2, watcher, org } = await venue();
    const a = await pitch(c, ann, "Alpha");
    const b = await pitch(c, ann, "Beta");
    await place(c, a, hall, s1);
    await place(c, b, hall, s2);
    let lunch = "";
    const [added, orgAdded] = await onePush(c, [watcher, org], async () => {
      await ok(c.admin({ intent: "add-slot", starts: "12:00", ends: "13:00", kind: "break", label: "Lunch" }), "slot");
      lunch = db.get<{ id: string }>("select id from time_slots where event_id = ? and label = 'Lunch'", c.eventId)
        ?.id as string;
    });
    expect(keysOf(added as EventPatch)).toEqual(["conflicts", "placements", "slots"]);
    expect(added?.slots).toEqual([
      { id: s1, localStart: "2026-12-01T09:00", localEnd: "2026-12-01T10:00", kind: "sessions", label: "" },
      { id: s2, localStart: "2026-12-01T10:30", localEnd: "2026-12-01T11:30", kind: "sessions", label: "" },
      { id: lunch, localStart: "2026-12-01T12:00", localEnd: "2026-12-01T13:00", kind: "break", label: "Lunch" },
    ]);
    expect(orgAdded).toEqual(added);

    const [removed, orgRemoved] = await onePush(c, [watcher, org], () =>
      ok(c.admin({ intent: "remove-slot", slotId: s1 }), "remove slot"),
    );
    expect(keysOf(removed as EventPatch)).toEqual(["conflicts", "placements", "slots"]);
    expect(removed?.slots?.map((s) => s.id)).toEqual([s2, lunch]);
    expect(removed?.placements).toEqual([{ pitchId: b, roomId: hall, slotId: s2, pinned: false, span: 1 }]);
    expect(orgRemoved).toEqual(removed);
    await expectPatchMatchesSnapshot(c, removed as EventPatch, watcher.who);
  });

  it("voting settings, opening and closing: the settings, with the counts the viewer may see", async () => {
    const { c, ann, bob, watcher, org } = await venue();
    const a = await pitch(c, ann, "Alpha");
    const base = watcher.state.facts.settings;

    const [opened, orgOpened] = await onePush(c, [watcher, org], () => ok(c.admin({ intent: "open-voting" }), "open"));
    expect(keysOf(opened as EventPatch)).toEqual(["conflicts", "placements", "settings", "tallies"]);
    expect(opened?.settings).toEqual({ ...base, votingOpen: true });
    expect(opened?.tallies).toEqual({});
    expect(orgOpened).toEqual(opened);

    await vote(c, bob, a);
    const [budget, orgBudget] = await onePush(c, [watcher, org], () =>
      ok(c.admin({ intent: "voting-settings", votesPerAttendee: "5", shufflePitches: "on" }), "settings"),
    );
    expect(budget?.settings).toEqual({ ...base, votingOpen: true, votesPerAttendee: 5, shufflePitches: true });
    expect(budget?.tallies).toEqual({ [a]: 1 });
    expect(orgBudget).toEqual(budget);

    const [closedPitching] = await onePush(c, [watcher], () => ok(c.admin({ intent: "close-pitching" }), "close"));
    expect(closedPitching?.settings).toMatchObject({ pitchingOpen: false, votingOpen: true });

    const [closed, orgClosed] = await onePush(c, [watcher, org], () =>
      ok(c.admin({ intent: "close-voting" }), "close voting"),
    );
    expect(closed?.settings).toMatchObject({ votingOpen: false });
    expect(closed?.tallies).toEqual({ [a]: 1 });
    expect(orgClosed).toEqual(closed);
    await expectPatchMatchesSnapshot(c, closed as EventPatch, watcher.who);
  });

  it("blind voting on and off: attendees get no counts while it hides them, and all of them when it ends", async () => {
    const { c, ann, bob, watcher, org } = await venue();
    const a = await pitch(c, ann, "Alpha");
    await ok(c.admin({ intent: "open-voting" }), "open");
    await vote(c, bob, a);
    const [blind, orgBlind] = await onePush(c, [watcher, org], () =>
      ok(c.admin({ intent: "voting-settings", votesPerAttendee: "3", blindVoting: "on" }), "blind"),
    );
    expect(keysOf(blind as EventPatch)).toEqual(["conflicts", "placements", "settings"]);
    expect(blind?.settings).toMatchObject({ blindVoting: true, votingOpen: true });
    expect(keysOf(orgBlind as EventPatch)).toEqual(["conflicts", "placements", "settings", "tallies"]);
    expect(orgBlind?.tallies).toEqual({ [a]: 1 });

    await vote(c, ann, a);
    const [ended, orgEnded] = await onePush(c, [watcher, org], () => ok(c.admin({ intent: "close-voting" }), "close"));
    expect(ended?.tallies).toEqual({ [a]: 2 });
    expect(orgEnded).toEqual(ended);
    expect(watcher.state.tallies).toEqual({ [a]: 2 });
  });

  it("an announcement and its clearing: the settings, with the announcement and when it was made", async () => {
    const { c, watcher, org } = await venue();
    const [made, orgMade] = await onePush(c, [watcher, org], () =>
      ok(c.admin({ intent: "announce", text: "Room B moved upstairs" }), "announce"),
    );
    expect(keysOf(made as EventPatch)).toEqual(["conflicts", "placements", "settings", "tallies"]);
    expect(made?.settings?.announcement).toEqual({ text: "Room B moved upstairs", at: expect.any(String) });
    expect(orgMade).toEqual(made);
    await expectPatchMatchesSnapshot(c, made as EventPatch, watcher.who);
    const [cleared] = await onePush(c, [watcher, org], () => ok(c.admin({ intent: "clear-announcement" }), "clear"));
    expect(cleared?.settings?.announcement).toBeNull();
  });

  it("an attendee's new name: every card they pitched (merged ones too), with the new pitcher name", async () => {
    const { c, ann, bob, watcher, org } = await venue();
    const a = await pitch(c, ann, "Alpha");
    const b = await pitch(c, ann, "Beta");
    const gone = await pitch(c, ann, "Gamma");
    await pitch(c, bob, "Not Ann's");
    await ok(c.admin({ intent: "merge-pitches", fromId: b, intoId: a }), "merge");
    await ok(ann.client.post(`/e/${c.slug}?index`, { intent: "withdraw", pitchId: gone }), "withdraw");
    const [patch, orgPatch] = await onePush(c, [watcher, org], () =>
      ok(ann.client.post(`/e/${c.slug}?index`, { intent: "join", name: "Annie" }), "rename", 302),
    );
    expect(patch).toEqual({
      pitches: [fact(a, "Alpha", "Annie"), fact(b, "Beta", "Annie", { status: "merged", mergedIntoId: a })],
    });
    expect(orgPatch).toEqual(patch);

    // The same name again changes nothing anyone sees: no push, no version.
    const before = versionOf(c);
    const seen = record(watcher.socket, "event:patch");
    await ok(
      ann.client.post(`/e/${c.slug}?index`, { intent: "join", name: "Annie", nameInWriteups: "on" }),
      "same",
      302,
    );
    await settle();
    expect(seen.seen).toEqual([]);
    expect(versionOf(c)).toBe(before);
  });
});

// ---------------------------------------------------------------- (b) blind voting

describe("blind voting", () => {
  it("never sends attendees a count or a conflict that reveals votes; organisers get both", async () => {
    const { c, ann, bob, cy, hall, nook, s1, s2 } = await venue();
    const a = await pitch(c, ann, "Alpha");
    const b = await pitch(c, bob, "Beta");
    const d = await pitch(c, cy, "Delta");
    const people = [await follow(c, bob.client), await follow(c)];
    const org = await follow(c, c.organiser);
    await ok(c.admin({ intent: "voting-settings", votesPerAttendee: "3", blindVoting: "on" }), "blind");
    for (const p of [...people, org]) await p.reach(versionOf(c));
    // From the moment voting opens, counts are secret (before, nobody had voted).
    const opened = people.map((p) => p.patches.length);
    await ok(c.admin({ intent: "open-voting" }), "open");
    // Two people want both Alpha and Beta: side by side that is a voter clash; Alpha in the Nook (1 seat) is over capacity.
    // Bob votes from his page (its acks are its own news of them), Cy from elsewhere.
    for (const id of [a, b]) {
      expect(await (people[0] as LiveClient).vote(id)).toMatchObject({ ok: true, voted: true, votes: null });
      await vote(c, cy, id);
    }
    await vote(c, ann, d);
    await place(c, a, nook, s1);
    await place(c, b, hall, s1);
    await place(c, d, hall, s2);
    await ok(c.admin({ intent: "voting-settings", votesPerAttendee: "4", blindVoting: "on" }), "settings again");
    await ok(c.admin({ intent: "merge-pitches", fromId: d, intoId: b }), "merge");
    await org.reach(versionOf(c));
    for (const p of people) await p.reach(versionOf(c));
    await settle();

    const revealing = new Set(["over-capacity", "voter-clash"]);
    for (const [i, p] of people.entries()) {
      expect(p.since(opened[i] as number).length).toBe(6);
      for (const push of p.since(opened[i] as number)) {
        expect(push.patch.tallies, `v${push.version} tallies`).toBeUndefined();
        for (const conflict of push.patch.conflicts ?? []) expect(revealing.has(conflict.kind)).toBe(false);
      }
      expect(p.tallies, "no votes:tallies to attendees during a blind vote").toEqual([]);
      const own = await stateJson(c, p.who);
      expect(own.tallies).toBeNull();
      expect(own.facts.conflicts.filter((x) => revealing.has(x.kind))).toEqual([]);
      expect(p.state.facts).toEqual(own.facts);
    }
    // A page that joins now is told no counts; an organiser's is.
    expect((await follow(c, cy.client)).joined.tallies).toBeNull();
    expect((await follow(c, c.organiser)).joined.tallies).toEqual({ [a]: 2, [b]: 3 });
    const orgKinds = org.patches.flatMap((p) => (p.patch.conflicts ?? []).map((x) => x.kind));
    expect(orgKinds).toEqual(expect.arrayContaining(["over-capacity", "voter-clash"]));
    expect(org.patches.some((p) => p.patch.tallies && Object.keys(p.patch.tallies).length > 0)).toBe(true);
    expect(org.tallies.length).toBeGreaterThan(0);
    const orgState = await stateJson(c, c.organiser);
    expect(orgState.tallies).toEqual({ [a]: 2, [b]: 3 });
    expect(orgState.facts.conflicts.map((x) => x.kind).sort()).toEqual(["over-capacity", "voter-clash"]);
    expect(org.state.facts).toEqual(orgState.facts);

    // The vote ends: everyone gets the counts and the conflicts they reveal.
    const marks = people.map((p) => p.patches.length);
    await ok(c.admin({ intent: "close-voting" }), "close");
    for (const [i, p] of people.entries()) {
      await p.reach(versionOf(c));
      const [push] = p.since(marks[i] as number);
      expect(push?.patch.tallies).toEqual({ [a]: 2, [b]: 3 });
      expect(push?.patch.conflicts?.map((x) => x.kind).sort()).toEqual(["over-capacity", "voter-clash"]);
      expect(comparable(p.state)).toEqual(comparable(await stateJson(c, p.who)));
    }
  });
});

// ---------------------------------------------------------------- (c) version rules

describe("versions", () => {
  it("go up by one per change, the same on every follower, and match the database and the join ack", async () => {
    const { c, ann, hall, s1, watcher, org } = await venue();
    const anonymous = await follow(c);
    const start = versionOf(c);
    expect(watcher.joined.version).toBe(start);
    expect(watcher.state.facts.version).toBe(start);
    const a = await pitch(c, ann, "Alpha");
    const b = await pitch(c, ann, "Beta");
    await ok(ann.client.post(`/e/${c.slug}/pitch/${a}`, { title: "Alpha!", description: "" }), "edit", 302);
    await place(c, a, hall, s1);
    await ok(c.admin({ intent: "open-voting" }), "open");
    await ok(c.admin({ intent: "merge-pitches", fromId: b, intoId: a }), "merge");
    await addRoom(c, "Annex", 10);
    const end = versionOf(c);
    expect(end).toBe(start + 7);
    for (const f of [watcher, org, anonymous]) {
      await f.reach(end);
      expect(f.patches.map((p) => p.version)).toEqual(Array.from({ length: 7 }, (_, i) => start + 1 + i));
      expect(f.steps.every((s) => s === "apply")).toBe(true);
      expect(f.snapshots).toBe(1);
    }
    // A socket that joins now is told the current version, and the counts it may see.
    const late = await follow(c);
    expect(late.joined).toMatchObject({ ok: true, eventId: c.eventId, version: end, tallies: {} });
  });

  it("are per event: another event's changes neither reach this event's followers nor move its version", async () => {
    const one = await camp();
    const two = await camp();
    const follower = await follow(one);
    const before = versionOf(one);
    await addRoom(two, "Elsewhere");
    await addRoom(one, "Here");
    await follower.reach(before + 1);
    await settle();
    expect(follower.patches.map((p) => [p.eventId, p.version])).toEqual([[one.eventId, before + 1]]);
  });

  it("refused commands push nothing and move nothing", async () => {
    const { c, ann, bob, hall, s1, watcher, org } = await venue();
    const a = await pitch(c, ann, "Alpha");
    const b = await pitch(c, ann, "Beta");
    const lunch = await addSlot(c, "12:00", "13:00", "break");
    await place(c, a, hall, s1);
    await ok(c.admin({ intent: "hide-pitch", pitchId: b, reason: "dup" }), "hide");
    await org.reach(versionOf(c));
    await watcher.reach(versionOf(c));
    const before = versionOf(c);
    const seen = [record(watcher.socket, "event:patch"), record(org.socket, "event:patch")];
    const refused: Array<[string, () => Promise<Response>, number]> = [
      [
        "vote while voting is closed",
        () => bob.client.post(`/e/${c.slug}?index`, { intent: "vote", pitchId: a, vote: "true" }),
        403,
      ],
      ["an empty room name", () => c.admin({ intent: "add-room", name: "", capacity: "5" }), 400],
      ["an attendee opening voting", () => bob.client.post(`/e/${c.slug}/admin`, { intent: "open-voting" }), 403],
      ["editing someone else's pitch", () => bob.client.post(`/e/${c.slug}/pitch/${a}`, { title: "Mine now" }), 403],
      [
        "withdrawing someone else's pitch",
        () => bob.client.post(`/e/${c.slug}?index`, { intent: "withdraw", pitchId: a }),
        403,
      ],
      ["placing into a break", () => c.grid({ intent: "place", pitchId: a, roomId: hall, slotId: lunch }), 409],
      ["placing a hidden pitch", () => c.grid({ intent: "place", pitchId: b, roomId: hall, slotId: lunch }), 409],
      [
        "an attendee placing",
        () => bob.client.post(`/e/${c.slug}/grid`, { intent: "place", pitchId: a, roomId: hall, slotId: s1 }),
        403,
      ],
      ["merging a hidden pitch", () => c.admin({ intent: "merge-pitches", fromId: b, intoId: a }), 409],
      ["hiding a hidden pitch", () => c.admin({ intent: "hide-pitch", pitchId: b, reason: "again" }), 409],
      ["unhiding an open pitch", () => c.admin({ intent: "unhide-pitch", pitchId: a }), 409],
      ["unscheduling what is not scheduled", () => c.grid({ intent: "unplace", pitchId: b }), 409],
      ["pinning what is not scheduled", () => c.grid({ intent: "pin", pitchId: b, pinned: "true" }), 409],
      ["a stale suggestion", () => c.grid({ intent: "apply", version: "stale-version", cells: "[]" }), 409],
      ["a budget of 0", () => c.admin({ intent: "voting-settings", votesPerAttendee: "0" }), 400],
      [
        "a pitch without a title",
        () => ann.client.post(`/e/${c.slug}/pitch?index`, { title: "", clientId: "no-title-123" }),
        400,
      ],
    ];
    for (const [what, send, status] of refused) {
      const response = await send();
      expect(response.status, what).toBe(status);
      expect(versionOf(c), what).toBe(before);
    }
    // Placing a session where it already is changes nothing either, though it is not refused.
    await place(c, a, hall, s1);
    // A refused vote over the socket too.
    expect(await watcher.vote(a)).toEqual({ ok: false, error: "Voting is closed." });
    await settle();
    for (const s of seen) expect(s.seen).toEqual([]);
    expect(versionOf(c)).toBe(before);
    expect(comparable(watcher.state)).toEqual(comparable(await stateJson(c, bob.client)));
  });

  it("a client that missed pushes sees a gap, refetches state.json once, and holds what applying every push gives", async () => {
    const { c, ann, bob, hall, nook, s1, s2, watcher } = await venue();
    // `lossy` loses every push whose version is a multiple of 3, as a phone on bad Wi-Fi might.
    const lossy = new LiveClient(server.url, c.slug, bob.client);
    lossy.drop = (push) => push.version % 3 === 0;
    await lossy.start();
    clients.push(lossy);
    const a = await pitch(c, ann, "Alpha");
    const b = await pitch(c, ann, "Beta");
    const d = await pitch(c, bob, "Delta");
    await ok(ann.client.post(`/e/${c.slug}/pitch/${b}`, { title: "Beta 2", description: "x" }), "edit", 302);
    await place(c, a, hall, s1);
    await place(c, b, nook, s1);
    await place(c, a, nook, s1, { swap: "true" });
    await ok(c.admin({ intent: "open-voting" }), "open");
    await ok(c.admin({ intent: "merge-pitches", fromId: d, intoId: a }), "merge");
    await place(c, a, hall, s2);
    const end = versionOf(c);
    await watcher.reach(end);
    await lossy.reach(end);
    expect(lossy.steps).toContain("gap");
    expect(lossy.snapshots).toBeGreaterThan(1);
    // At most one refetch per gap: never more than the pushes it lost.
    expect(lossy.snapshots - 1).toBeLessThanOrEqual(lossy.patches.filter((p) => p.version % 3 === 0).length);
    expect(watcher.snapshots).toBe(1);
    expect(lossy.state.facts).toEqual(watcher.state.facts);
    expect(comparable(lossy.state)).toEqual(comparable(watcher.state));
    expect(lossy.state.facts).toEqual((await stateJson(c, bob.client)).facts);
  });

  it("a snapshot fetched at a version equals the facts a client built by applying pushes up to it", async () => {
    const { c, ann, hall, s1, watcher } = await venue();
    const a = await pitch(c, ann, "Alpha");
    await place(c, a, hall, s1);
    await watcher.reach(versionOf(c));
    const mid = await stateJson(c, watcher.who);
    expect(mid.facts).toEqual(watcher.state.facts);
    await ok(c.admin({ intent: "merge-pitches", fromId: a, intoId: await pitch(c, ann, "Beta") }), "merge");
    await watcher.reach(versionOf(c));
    expect((await stateJson(c, watcher.who)).facts).toEqual(watcher.state.facts);
  });
});

// ---------------------------------------------------------------- (d) a live page equals a fresh load

describe("a page kept by pushes equals a fresh load", () => {
  it("after pitch, edit, vote, merge, hide, place, swap and settings, for an attendee, a visitor and an organiser", async () => {
    const c = await camp();
    const ann = await attendee(c, "Ann Live");
    const bob = await attendee(c, "Bob Live");
    const cy = await attendee(c, "Cy Live");
    // Ann's page votes over its socket, as the vote button does; her own votes come from the acks.
    const annPage = await follow(c, ann.client);
    const visitor = await follow(c);
    const orgPage = await follow(c, c.organiser);
    const pages: Array<[string, LiveClient, HttpClient | undefined]> = [
      ["attendee", annPage, ann.client],
      ["visitor", visitor, undefined],
      ["organiser", orgPage, c.organiser],
    ];

    const checkAll = async (step: string) => {
      // Votes may be followed, within a second, by a version of their own (conflicts that depend on votes).
      const version = await quiet(c);
      for (const [who, page, client] of pages) {
        await page.reach(version);
        const fresh = await stateJson(c, client);
        expect(fresh.facts.version, `${step}: ${who}`).toBe(version);
        // Counts travel on their own coalesced channel: give the last tick time to land.
        await expect
          .poll(() => comparable(page.state), { timeout: 10_000, message: `${step}: ${who}` })
          .toEqual(comparable(fresh));
        expect(page.state.facts, `${step}: ${who}`).toEqual(fresh.facts);
      }
    };

    const hall = await addRoom(c, "Hall", 3);
    const nook = await addRoom(c, "Nook", 1);
    const s1 = await addSlot(c, "09:00", "10:00");
    const s2 = await addSlot(c, "10:30", "11:30");
    await checkAll("venue");

    // Ann pitches from her page: after her own action the page's loader reloads (a fresh snapshot).
    const a = await pitch(c, ann, "Alpha", { description: "First *idea*", tags: "ops" });
    await annPage.revalidate();
    const b = await pitch(c, ann, "Beta");
    await annPage.revalidate();
    const g = await pitch(c, bob, "Gamma");
    const d = await pitch(c, cy, "Delta");
    await checkAll("pitch");

    await ok(
      ann.client.post(`/e/${c.slug}/pitch/${b}`, { title: "Beta, better", description: "**Now** with more" }),
      "edit",
      302,
    );
    await annPage.revalidate();
    await checkAll("edit");

    await ok(c.admin({ intent: "open-voting" }), "open");
    for (const id of [a, b, g]) expect(await annPage.vote(id)).toMatchObject({ ok: true, voted: true });
    await vote(c, bob, a);
    await vote(c, bob, d);
    await vote(c, cy, b);
    await vote(c, cy, g);
    expect(await annPage.vote(g, false)).toMatchObject({ ok: true, voted: false });
    await checkAll("vote");

    await ok(c.admin({ intent: "merge-pitches", fromId: b, intoId: a }), "merge");
    await checkAll("merge");

    await ok(c.admin({ intent: "hide-pitch", pitchId: g, reason: "Off topic" }), "hide");
    await checkAll("hide");

    await place(c, a, hall, s1);
    await place(c, d, nook, s2);
    await checkAll("place");

    await place(c, a, nook, s2, { swap: "true" });
    await checkAll("swap");

    await ok(c.admin({ intent: "voting-settings", votesPerAttendee: "4", shufflePitches: "on" }), "settings");
    expect(await annPage.vote(d)).toMatchObject({ ok: true, voted: true });
    await checkAll("settings");

    await ok(c.admin({ intent: "voting-settings", votesPerAttendee: "4", blindVoting: "on" }), "blind");
    expect(await annPage.vote(d, false)).toMatchObject({ ok: true, voted: false });
    await vote(c, cy, d);
    await checkAll("blind");

    await ok(c.admin({ intent: "close-voting" }), "close");
    await ok(c.admin({ intent: "close-pitching" }), "close pitching");
    await checkAll("closed");

    // Ann's own part, as her acks and the pushes built it: her votes moved with the merge, Gamma's was released.
    expect([...annPage.state.personal.myVotes].sort()).toEqual([a]);
    expect(annPage.state.personal.myPitches).toEqual([a]);
    // No page refetched anything for others' changes: the first load, and Ann's loader after her three actions.
    expect(annPage.snapshots).toBe(1 + 3);
    expect(visitor.snapshots).toBe(1);
    expect(orgPage.snapshots).toBe(1);
  });

  it("a page that loaded in the middle of the changes catches up the same way", async () => {
    const { c, ann, bob, hall, s1, s2 } = await venue();
    const a = await pitch(c, ann, "Alpha");
    await ok(c.admin({ intent: "open-voting" }), "open");
    await vote(c, bob, a);
    const late = await follow(c, bob.client);
    const b = await pitch(c, ann, "Beta");
    await vote(c, ann, b);
    await place(c, a, hall, s1);
    await place(c, b, hall, s2);
    await place(c, a, hall, s2, { swap: "true" });
    await ok(c.admin({ intent: "merge-pitches", fromId: b, intoId: a }), "merge");
    await late.reach(versionOf(c));
    const fresh = await stateJson(c, bob.client);
    await expect.poll(() => comparable(late.state), { timeout: 10_000 }).toEqual(comparable(fresh));
  });
});

// ---------------------------------------------------------------- (e) state.json

describe("GET /e/<slug>/state.json", () => {
  it("answers the snapshot as JSON, never cached, with the viewer's own part", async () => {
    const c = await camp();
    const ann = await attendee(c, "Ann Json");
    const a = await pitch(c, ann, "Alpha");
    const response = await ann.client.get(`/e/${c.slug}/state.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(eventSnapshot.parse(body)).toEqual(body);
    expect(body.personal).toEqual({
      isOrganiser: false,
      attendee: { id: ann.id, name: "Ann Json", nameInWriteups: false },
      myVotes: [],
      myPitches: [a],
      mentions: 0,
      coHosting: [],
      invitations: 0,
      myGoing: [],
    });
    expect((await stateJson(c, c.organiser)).personal).toEqual({
      isOrganiser: true,
      attendee: null,
      myVotes: [],
      myPitches: [],
      mentions: 0,
      coHosting: [],
      invitations: 0,
      myGoing: [],
    });
    expect((await stateJson(c)).personal.attendee).toBeNull();
  });

  it("refuses a private event without its passcode with a 403 in JSON, and serves it with the passcode", async () => {
    const c = await camp({ passcode: "secret-door" });
    const response = await fetch(new URL(`/e/${c.slug}/state.json`, server.url));
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: "This event is private: enter its passcode first." });
    const visitor = new HttpClient(server.url);
    expect((await visitor.post(`/e/${c.slug}/passcode`, { passcode: "secret-door" })).status).toBe(302);
    expect((await stateJson(c, visitor)).facts.eventId).toBe(c.eventId);
    expect((await stateJson(c, c.organiser)).facts.eventId).toBe(c.eventId);
  });

  it("answers 404 for an event that does not exist", async () => {
    const response = await fetch(new URL("/e/no-such-event-here/state.json", server.url));
    expect(response.status).toBe(404);
    await response.body?.cancel();
  });
});

// ---------------------------------------------------------------- (f) session:state

describe("session:state", () => {
  it("goes to the session's watchers after a Chatham House or lock change, and to nobody else", async () => {
    const c = await camp();
    const ann = await attendee(c, "Ann Session");
    const bob = await attendee(c, "Bob Session");
    const session = await pitch(c, ann, "Alpha");
    const other = await pitch(c, ann, "Beta");
    const connect = async (who?: HttpClient) => {
      const socket = await connectSocket(server.url, who);
      sockets.push(socket);
      expect(await socket.timeout(10_000).emitWithAck("event:join", { slug: c.slug })).toMatchObject({ ok: true });
      return socket;
    };
    const watchers = [await connect(bob.client), await connect()];
    for (const w of watchers) {
      expect(await w.timeout(10_000).emitWithAck("session:watch", { pitchId: session })).toMatchObject({ ok: true });
    }
    const elsewhere = await connect(bob.client);
    expect(await elsewhere.timeout(10_000).emitWithAck("session:watch", { pitchId: other })).toMatchObject({
      ok: true,
    });
    const eventOnly = await connect();
    const outsiders = [elsewhere, eventOnly].map((s) => record(s, "session:state"));
    const patches = [...watchers, elsewhere, eventOnly].map((s) => record(s, "event:patch"));
    const before = versionOf(c);
    const sessionPost = (who: HttpClient, fields: Record<string, string>) =>
      ok(who.post(`/e/${c.slug}/s/${session}`, fields), fields.intent as string);
    const item = await ann.client.post(`/e/${c.slug}/s/${session}`, {
      intent: "add",
      kind: "note",
      text: "A note",
      id: `item-${process.pid}-1`,
    });
    expect(item.status).toBe(200);

    const pushed = (s: TestSocket, match: (state: SessionState) => boolean) =>
      nextEvent(s, "session:state", (state) => state.pitchId === session && match(state), 10_000);

    // The pitcher turns the Chatham House rule on: the state with every item, names filtered.
    let arrivals = watchers.map((w) => pushed(w, (s) => s.chathamHouse));
    await sessionPost(ann.client, { intent: "chatham", on: "true" });
    for (const [state] of await Promise.all(arrivals)) {
      expect(state).toEqual({
        pitchId: session,
        chathamHouse: true,
        notesLocked: false,
        items: [expect.objectContaining({ id: `item-${process.pid}-1`, speaker: null })],
      });
    }

    // The organiser locks the notes: the state without items (no name changed).
    arrivals = watchers.map((w) => pushed(w, (s) => s.notesLocked));
    await sessionPost(c.organiser, { intent: "lock" });
    for (const [state] of await Promise.all(arrivals)) {
      expect(state).toEqual({ pitchId: session, chathamHouse: true, notesLocked: true });
    }

    arrivals = watchers.map((w) => pushed(w, (s) => !s.notesLocked));
    await sessionPost(c.organiser, { intent: "unlock" });
    await Promise.all(arrivals);
    arrivals = watchers.map((w) => pushed(w, (s) => !s.chathamHouse));
    await sessionPost(c.organiser, { intent: "chatham", on: "false" });
    await Promise.all(arrivals);

    await settle();
    for (const o of outsiders) expect(o.seen).toEqual([]);
    // A session's rule and lock are not event facts: no event:patch, no new version.
    for (const p of patches) expect(p.seen).toEqual([]);
    expect(versionOf(c)).toBe(before);
  });
});

// ---------------------------------------------------------------- gaps these tests found

describe("a page kept by pushes equals a fresh load, after changes that move votes or ownership", () => {
  it("a voted pitch hidden and shown again shows its real count (its votes were released)", async () => {
    const { c, ann, bob, cy } = await venue();
    const a = await pitch(c, ann, "Alpha");
    await ok(c.admin({ intent: "open-voting" }), "open");
    const page = await follow(c);
    await vote(c, bob, a);
    await vote(c, cy, a);
    await expect.poll(() => page.state.tallies?.[a], { timeout: 10_000 }).toBe(2);
    await ok(c.admin({ intent: "hide-pitch", pitchId: a, reason: "Off topic" }), "hide");
    await ok(c.admin({ intent: "unhide-pitch", pitchId: a }), "unhide");
    await page.reach(versionOf(c));
    await settle();
    const fresh = await stateJson(c);
    expect(fresh.tallies?.[a] ?? 0).toBe(0);
    // The page still shows "2 votes" on Alpha; a reload shows "0 votes".
    expect(comparable(page.state).board).toEqual(comparable(fresh).board);
  });

  it("my pitch hidden and shown again is still mine on my page", async () => {
    const { c, ann } = await venue();
    const page = await follow(c, ann.client);
    const a = await pitch(c, ann, "Alpha");
    await page.revalidate();
    expect(page.state.personal.myPitches).toEqual([a]);
    await ok(c.admin({ intent: "hide-pitch", pitchId: a, reason: "Check" }), "hide");
    await ok(c.admin({ intent: "unhide-pitch", pitchId: a }), "unhide");
    await page.reach(versionOf(c));
    const fresh = await stateJson(c, ann.client);
    expect(fresh.personal.myPitches).toEqual([a]);
    // The page no longer offers Ann "Edit" and "Withdraw" on her own pitch; a reload does.
    expect(page.state.personal.myPitches).toEqual(fresh.personal.myPitches);
  });

  it("votes cast after sessions were placed show in the conflicts: pushed, and in a fresh snapshot", async () => {
    const { c, ann, bob, cy, hall, nook, s1, watcher, org } = await venue();
    const a = await pitch(c, ann, "Alpha");
    const b = await pitch(c, ann, "Beta");
    await ok(c.admin({ intent: "open-voting" }), "open");
    await place(c, a, nook, s1);
    await place(c, b, hall, s1);
    const before = versionOf(c);
    // Placed first, voted after: two people want both, and Alpha's room seats one.
    for (const who of [bob, cy]) {
      await vote(c, who, a);
      await vote(c, who, b);
    }
    const all = ["over-capacity", "pitcher-clash", "voter-clash"];
    const kinds = async (who: HttpClient) => (await stateJson(c, who)).facts.conflicts.map((x) => x.kind).sort();
    await expect.poll(() => kinds(c.organiser), { timeout: 10_000 }).toEqual(all);
    expect(await kinds(bob.client)).toEqual(all);
    const version = await quiet(c);
    expect(version).toBeGreaterThan(before);
    for (const page of [watcher, org]) {
      await page.reach(version);
      expect(page.state.facts).toEqual((await stateJson(c, page.who)).facts);
      expect(page.snapshots).toBe(1);
    }
  });

  it("during a blind vote, votes alone send attendees no push (its timing would tell them a conflict changed)", async () => {
    const { c, ann, bob, cy, hall, nook, s1, watcher, org } = await venue();
    const a = await pitch(c, ann, "Alpha");
    const b = await pitch(c, ann, "Beta");
    await ok(c.admin({ intent: "voting-settings", votesPerAttendee: "3", blindVoting: "on" }), "blind");
    await ok(c.admin({ intent: "open-voting" }), "open");
    await place(c, a, nook, s1);
    await place(c, b, hall, s1);
    await watcher.reach(await quiet(c));
    const mark = watcher.patches.length;
    for (const who of [bob, cy]) {
      await vote(c, who, a);
      await vote(c, who, b);
    }
    // Organisers get the vote-dependent conflicts...
    await expect
      .poll(async () => (await stateJson(c, c.organiser)).facts.conflicts.map((x) => x.kind).sort(), {
        timeout: 10_000,
      })
      .toEqual(["over-capacity", "pitcher-clash", "voter-clash"]);
    await org.reach(await quiet(c));
    // ...while attendees, who may not see them, get nothing: a push right after votes, with a grid
    // they already hold, says that some over-capacity or voter clash appeared or went away.
    expect(watcher.since(mark).map((p) => ({ version: p.version, patch: p.patch }))).toEqual([]);
  });
});
