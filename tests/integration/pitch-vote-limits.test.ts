import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Ack, JoinedEvent, VoteResult } from "../../app/realtime/contract";
import { type HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";
import { type TestSocket, connectSocket, nextEvent, record } from "../helpers/socket";

/**
 * Vote writes against a server that allows each attendee only 5 writes a
 * minute (the per-IP limit stays at its generous default, so attendees who
 * share an address do not limit each other). Each test uses fresh attendees:
 * the counters live for a minute, longer than this file runs.
 */

let server: TestServer;
let db: Database.Database;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  server = await startServer({ WRITES_PER_MINUTE_PER_ATTENDEE: "5" });
  db = new Database(server.dbPath, { readonly: true, fileMustExist: true });
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  expect(server.errors, "the server logged errors").toEqual([]);
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

/** Long enough for a tally tick (50 ms) that was going to go out to have arrived. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

const SLOW_DOWN = /^Slow down: too many changes in a short time\. Try again in \d+ seconds?\.$/;

function votesOf(attendeeId: string) {
  return db
    .prepare("select pitch_id as pitchId from votes where attendee_id = ? order by pitch_id")
    .all(attendeeId) as Array<{ pitchId: string }>;
}

interface Setup {
  slug: string;
  eventId: string;
  pitchId: string;
  join(name: string): Promise<{ client: HttpClient; id: string }>;
}

let camps = 0;
async function setup(): Promise<Setup> {
  camps++;
  const { organiser, slug } = await createEvent(server.url, { name: `Limit Camp ${camps}` });
  const eventId = (db.prepare("select id from events where slug = ?").get(slug) as { id: string }).id;
  const join = async (name: string) => {
    const client = await joinAs(server.url, slug, name);
    const row = db.prepare("select id from attendees where event_id = ? and name = ?").get(eventId, name) as
      | { id: string }
      | undefined;
    if (!row) throw new Error(`attendee ${name} not in the database`);
    return { client, id: row.id };
  };
  const pitcher = await join("Pitcher");
  const pitched = await pitcher.client.post(`/e/${slug}/pitch?index`, {
    title: "Rate limits",
    description: "",
    tags: "",
    clientId: `limits-${camps}-pitch`,
  });
  expect(pitched.status).toBe(302);
  const pitchId = pitched.headers.get("location")?.match(/#pitch-([\w-]+)$/)?.[1] ?? "";
  expect((await organiser.post(`/e/${slug}/admin`, { intent: "open-voting" })).status).toBe(200);
  return { slug, eventId, pitchId, join };
}

async function follow(s: Setup, client?: HttpClient): Promise<TestSocket> {
  const socket = await connectSocket(server.url, client);
  sockets.push(socket);
  const ack: Ack<JoinedEvent> = await socket.timeout(3000).emitWithAck("event:join", { slug: s.slug });
  expect(ack).toMatchObject({ ok: true, eventId: s.eventId });
  return socket;
}

describe("vote writes per attendee per minute", () => {
  it("refuses the 6th vote write over HTTP, writes nothing and sends no tally", async () => {
    const s = await setup();
    const vic = await s.join("Vic");
    // Five writes: vote, take back, vote, take back, vote.
    for (let i = 0; i < 5; i++) {
      const response = await vic.client.post(`/e/${s.slug}?index`, {
        intent: "vote",
        pitchId: s.pitchId,
        vote: String(i % 2 === 0),
      });
      expect(response.status, `write ${i + 1}`).toBe(200);
    }
    expect(votesOf(vic.id)).toEqual([{ pitchId: s.pitchId }]);

    const watcher = await follow(s);
    await settle(); // let the tick carrying the five writes above go out first
    const seen = record(watcher, "votes:tallies");
    const sixth = await vic.client.post(`/e/${s.slug}?index`, { intent: "vote", pitchId: s.pitchId, vote: "false" });
    expect(sixth.status).toBe(429);
    expect(await sixth.text()).toMatch(/Slow down: too many changes/);
    expect(votesOf(vic.id)).toEqual([{ pitchId: s.pitchId }]);
    await settle();
    seen.stop();
    expect(seen.seen).toEqual([]);
  });

  it("answers the 6th vote write over the socket with { ok: false, error: 'Slow down…' }", async () => {
    const s = await setup();
    const wes = await s.join("Wes");
    const socket = await follow(s, wes.client);
    const acks: Array<Ack<VoteResult>> = [];
    for (let i = 0; i < 5; i++) {
      acks.push(await socket.timeout(3000).emitWithAck("vote:set", { pitchId: s.pitchId, vote: i % 2 === 0 }));
    }
    expect(acks.map((a) => a.ok)).toEqual([true, true, true, true, true]);
    expect(acks.at(-1)).toEqual({ ok: true, pitchId: s.pitchId, voted: true, votes: 1, votesLeft: 2 });

    const sixth = await socket.timeout(3000).emitWithAck("vote:set", { pitchId: s.pitchId, vote: false });
    expect(sixth.ok).toBe(false);
    expect(sixth.ok ? "" : sixth.error).toMatch(SLOW_DOWN);
    expect(votesOf(wes.id)).toEqual([{ pitchId: s.pitchId }]);

    // The limit is the attendee's, not the address's: someone else on the same IP still votes, live.
    const xia = await s.join("Xia");
    const xiaSocket = await follow(s, xia.client);
    const tally = nextEvent(socket, "votes:tallies", (u) => u.tallies[s.pitchId] === 2);
    expect(await xiaSocket.timeout(3000).emitWithAck("vote:set", { pitchId: s.pitchId, vote: true })).toMatchObject({
      ok: true,
      votes: 2,
    });
    await tally;
  });

  it("counts HTTP and socket writes of one attendee against the same budget", async () => {
    const s = await setup();
    const yan = await s.join("Yan");
    const socket = await follow(s, yan.client);
    for (let i = 0; i < 3; i++) {
      const response = await yan.client.post(`/e/${s.slug}?index`, {
        intent: "vote",
        pitchId: s.pitchId,
        vote: String(i % 2 === 0),
      });
      expect(response.status).toBe(200);
    }
    expect(await socket.timeout(3000).emitWithAck("vote:set", { pitchId: s.pitchId, vote: false })).toMatchObject({
      ok: true,
    });
    expect(await socket.timeout(3000).emitWithAck("vote:set", { pitchId: s.pitchId, vote: true })).toMatchObject({
      ok: true,
    });
    const sixth = await socket.timeout(3000).emitWithAck("vote:set", { pitchId: s.pitchId, vote: false });
    expect(sixth.ok ? "" : sixth.error).toMatch(SLOW_DOWN);
    expect(votesOf(yan.id)).toEqual([{ pitchId: s.pitchId }]);
  });

  it("limits a burst: of 10 simultaneous socket votes from one attendee, 5 are processed", async () => {
    const s = await setup();
    const zoe = await s.join("Zoe");
    const socket = await follow(s, zoe.client);
    const acks = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        socket.timeout(3000).emitWithAck("vote:set", { pitchId: s.pitchId, vote: i % 2 === 0 }),
      ),
    );
    expect(acks.filter((a) => a.ok)).toHaveLength(5);
    expect(acks.filter((a) => !a.ok).every((a) => !a.ok && SLOW_DOWN.test(a.error))).toBe(true);
  });
});
