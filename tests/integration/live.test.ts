import { setTimeout as sleep } from "node:timers/promises";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Ack, JoinedEvent } from "../../app/realtime/contract";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";
import { type TestSocket, connectSocket, nextEvent, record } from "../helpers/socket";

/**
 * The live channel: following an event over Socket.IO ("event:join"), who may
 * follow it, and the "event:changed" pushes that organiser actions cause.
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

async function connect(client?: HttpClient, origin?: string): Promise<TestSocket> {
  const socket = await connectSocket(server.url, client, origin);
  sockets.push(socket);
  return socket;
}

/** Sends "event:join" with any payload (valid or not) and resolves with the ack; rejects if none comes in 3 s. */
function join(socket: TestSocket, payload: unknown): Promise<Ack<JoinedEvent>> {
  return (socket as unknown as Socket).timeout(3000).emitWithAck("event:join", payload) as Promise<Ack<JoinedEvent>>;
}

/** Waits long enough for a broadcast that was going to arrive to have arrived. */
const settle = () => sleep(300);

let campCount = 0;
async function camp(fields: Partial<Record<"passcode", string>> = {}) {
  campCount++;
  const created = await createEvent(server.url, { name: `Live Camp ${campCount}`, ...fields });
  return { ...created, eventId: db.eventBySlug(created.slug).id };
}

describe("event:join", () => {
  it("acks a visitor with the event id and no roles", async () => {
    const { slug, eventId } = await camp();
    const socket = await connect();
    expect(await join(socket, { slug })).toMatchObject({ ok: true, eventId, isOrganiser: false, attendeeId: null });
  });

  it("recognises the organiser from the cookie", async () => {
    const { slug, eventId, organiser } = await camp();
    const socket = await connect(organiser);
    expect(await join(socket, { slug })).toMatchObject({ ok: true, eventId, isOrganiser: true, attendeeId: null });
  });

  it("recognises an attendee from the cookie", async () => {
    const { slug, eventId } = await camp();
    const priya = await joinAs(server.url, slug, "Priya");
    const attendee = db.get<{ id: string }>("select id from attendees where event_id = ? and name = 'Priya'", eventId);
    expect(attendee?.id).toBeTruthy();
    const socket = await connect(priya);
    expect(await join(socket, { slug })).toMatchObject({
      ok: true,
      eventId,
      isOrganiser: false,
      attendeeId: attendee?.id,
    });
  });

  it("gives an attendee of one event no identity in another", async () => {
    const a = await camp();
    const b = await camp();
    const priya = await joinAs(server.url, a.slug, "Priya");
    const socket = await connect(priya);
    expect(await join(socket, { slug: b.slug })).toMatchObject({
      ok: true,
      eventId: b.eventId,
      isOrganiser: false,
      attendeeId: null,
    });
  });

  it("does not make a forged cookie an organiser", async () => {
    const { slug, eventId, organiser } = await camp();
    const forger = new HttpClient(server.url);
    const [payload] = decodeURIComponent(organiser.cookies.get("unconf") ?? "").split(".");
    forger.cookies.set("unconf", encodeURIComponent(`${payload}.forgedsignature`));
    const socket = await connect(forger);
    expect(await join(socket, { slug })).toMatchObject({ ok: true, eventId, isOrganiser: false, attendeeId: null });
  });

  it("answers an unknown slug with ok:false and a message", async () => {
    const socket = await connect();
    expect(await join(socket, { slug: "no-such-event" })).toEqual({
      ok: false,
      error: "There is no event at this address.",
    });
  });

  it.each([
    ["a number for the slug", { slug: 5 }],
    ["an empty slug", { slug: "" }],
    ["a slug too long to be one", { slug: "s".repeat(81) }],
    ["no slug", {}],
    ["no payload", null],
    ["a string payload", "live-camp-1"],
  ])("answers %s with ok:false", async (_what, payload) => {
    const socket = await connect();
    expect(await join(socket, payload)).toEqual({ ok: false, error: "That request is not valid." });
    // The socket stays usable.
    const { slug } = await camp();
    expect(await join(socket, { slug })).toMatchObject({ ok: true });
  });

  it("refuses a private event to a socket without the passcode", async () => {
    const { slug } = await camp({ passcode: "secret-door" });
    const socket = await connect(new HttpClient(server.url));
    expect(await join(socket, { slug })).toEqual({
      ok: false,
      error: "This event is private: enter its passcode first.",
    });
  });

  it("lets a socket with the passcode cookie, or the organiser, follow a private event", async () => {
    const { slug, eventId, organiser } = await camp({ passcode: "secret-door" });
    const visitor = new HttpClient(server.url);
    expect((await visitor.post(`/e/${slug}/passcode`, { passcode: "secret-door" })).status).toBe(302);
    expect(await join(await connect(visitor), { slug })).toMatchObject({
      ok: true,
      eventId,
      isOrganiser: false,
      attendeeId: null,
    });
    expect(await join(await connect(organiser), { slug })).toMatchObject({
      ok: true,
      eventId,
      isOrganiser: true,
      attendeeId: null,
    });
  });
});

describe("event:patch", () => {
  it("pushes the change itself, versioned: a room added over HTTP arrives as the new room list", async () => {
    const { slug, eventId, organiser } = await camp();
    const socket = await connect();
    const joined = await join(socket, { slug });
    expect(joined).toMatchObject({ ok: true, version: 0, tallies: {} });
    const pushed = nextEvent(socket, "event:patch");
    expect(
      (await organiser.post(`/e/${slug}/admin`, { intent: "add-room", name: "Atrium", capacity: "80" })).status,
    ).toBe(200);
    const [push] = await pushed;
    expect(push).toMatchObject({ eventId, version: 1 });
    expect(push.patch.rooms).toEqual([
      { id: expect.any(String), name: "Atrium", capacity: 80, features: [], remoteUrl: null },
    ]);
    expect(push.patch.pitches).toBeUndefined();
  });

  it("carries each kind of change as data, one version at a time", async () => {
    const { slug, eventId, organiser } = await camp();
    const socket = await connect();
    await join(socket, { slug });
    const cases: Array<[Record<string, string>, (patch: Record<string, unknown>) => void]> = [
      [
        { intent: "add-slot", starts: "10:00", ends: "10:45" },
        (patch) => expect(patch.slots).toEqual([expect.objectContaining({ kind: "sessions", label: "" })]),
      ],
      [{ intent: "open-voting" }, (patch) => expect(patch.settings).toMatchObject({ votingOpen: true })],
      [
        { intent: "voting-settings", votesPerAttendee: "4" },
        (patch) => expect(patch.settings).toMatchObject({ votesPerAttendee: 4 }),
      ],
      [{ intent: "close-pitching" }, (patch) => expect(patch.settings).toMatchObject({ pitchingOpen: false })],
    ];
    let version = 0;
    for (const [fields, check] of cases) {
      const pushed = nextEvent(socket, "event:patch");
      expect((await organiser.post(`/e/${slug}/admin`, fields)).status, fields.intent).toBe(200);
      const [push] = await pushed;
      version++;
      expect(push, fields.intent).toMatchObject({ eventId, version });
      check(push.patch as Record<string, unknown>);
    }
    expect(db.eventBySlug(slug)).toMatchObject({ version });
  });

  it("reaches every follower of the event, organiser included", async () => {
    const { slug, eventId, organiser } = await camp();
    const followers = [await connect(organiser), await connect(), await connect()];
    for (const socket of followers) await join(socket, { slug });
    const arrivals = followers.map((socket) => record(socket, "event:patch"));
    await organiser.post(`/e/${slug}/admin`, { intent: "add-room", name: "Hall", capacity: "20" });
    await settle();
    for (const arrival of arrivals) {
      expect(arrival.seen).toHaveLength(1);
      expect(arrival.seen[0]?.[0]).toMatchObject({ eventId, version: 1, patch: { rooms: [{ name: "Hall" }] } });
    }
  });

  it("sends nothing to a socket that did not join, or joined another event", async () => {
    const { slug, organiser } = await camp();
    const other = await camp();
    const follower = await connect();
    await join(follower, { slug });
    const bystander = await connect();
    const elsewhere = await connect();
    await join(elsewhere, { slug: other.slug });
    const seenByBystander = record(bystander, "event:patch");
    const seenElsewhere = record(elsewhere, "event:patch");

    const delivered = nextEvent(follower, "event:patch");
    await organiser.post(`/e/${slug}/admin`, { intent: "add-room", name: "Atrium", capacity: "80" });
    await delivered;
    await settle();
    expect(seenByBystander.seen).toEqual([]);
    expect(seenElsewhere.seen).toEqual([]);
  });

  it("sends nothing, and keeps the version, after a refused action", async () => {
    const { slug, organiser } = await camp();
    const socket = await connect();
    await join(socket, { slug });
    const seen = record(socket, "event:patch");
    expect((await organiser.post(`/e/${slug}/admin`, { intent: "add-room", name: "", capacity: "0" })).status).toBe(
      400,
    );
    expect((await new HttpClient(server.url).post(`/e/${slug}/admin`, { intent: "open-voting" })).status).toBe(403);
    await settle();
    expect(seen.seen).toEqual([]);
    expect(db.eventBySlug(slug)).toMatchObject({ version: 0 });
  });

  it("follows only the last event a socket joined", async () => {
    const a = await camp();
    const b = await camp();
    const socket = await connect();
    expect(await join(socket, { slug: a.slug })).toMatchObject({ ok: true, eventId: a.eventId });
    expect(await join(socket, { slug: b.slug })).toMatchObject({ ok: true, eventId: b.eventId });
    const seen = record(socket, "event:patch");

    const fromB = nextEvent(socket, "event:patch");
    await a.organiser.post(`/e/${a.slug}/admin`, { intent: "add-room", name: "A room", capacity: "5" });
    await b.organiser.post(`/e/${b.slug}/admin`, { intent: "add-room", name: "B room", capacity: "5" });
    expect((await fromB)[0]).toMatchObject({ eventId: b.eventId, version: 1 });
    await settle();
    expect(seen.seen.map(([push]) => push.eventId)).toEqual([b.eventId]);
  });

  it("keeps a refused private join out of the event's room", async () => {
    const { slug, organiser } = await camp({ passcode: "secret-door" });
    const outsider = await connect();
    expect(await join(outsider, { slug })).toMatchObject({ ok: false });
    const seen = record(outsider, "event:patch");
    const insider = await connect(organiser);
    await join(insider, { slug });
    const delivered = nextEvent(insider, "event:patch");
    await organiser.post(`/e/${slug}/admin`, { intent: "add-room", name: "Vault", capacity: "3" });
    await delivered;
    await settle();
    expect(seen.seen).toEqual([]);
  });
});

describe("the handshake", () => {
  it("accepts a socket from the app's own origin", async () => {
    const socket = await connect(undefined, server.url);
    expect(socket.connected).toBe(true);
  });

  it("refuses a socket opened by another site", async () => {
    await expect(connectSocket(server.url, undefined, "http://evil.example")).rejects.toThrow();
  });

  it("refuses another site even with the organiser's cookie", async () => {
    const { organiser } = await camp();
    await expect(connectSocket(server.url, organiser, "http://evil.example")).rejects.toThrow();
  });
});
