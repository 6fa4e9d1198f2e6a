import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Ack, JoinedEvent, VoteResult } from "../../app/realtime/contract";
import { HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";
import { type TestSocket, connectSocket, nextEvent, record } from "../helpers/socket";
import { decodeTurboStream } from "../helpers/singleFetch";

/**
 * Pitching and voting against the real production build: the HTTP actions a
 * browser without JavaScript sends, the single-fetch `.data` answers a
 * browser with JavaScript reads, the socket commands, and what the database
 * holds afterwards (read through a read-only connection of our own).
 */

let server: TestServer;
let db: Database.Database;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  server = await startServer();
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

// ---------------------------------------------------------------- helpers

function rows<T>(sql: string, ...params: unknown[]): T[] {
  return db.prepare(sql).all(...params) as T[];
}

function row<T>(sql: string, ...params: unknown[]): T | undefined {
  return db.prepare(sql).get(...params) as T | undefined;
}

function voteCount(pitchId: string): number {
  return row<{ n: number }>("select count(*) as n from votes where pitch_id = ?", pitchId)?.n ?? 0;
}

function votersOf(pitchId: string): string[] {
  return rows<{ a: string }>("select attendee_id as a from votes where pitch_id = ? order by attendee_id", pitchId).map(
    (r) => r.a,
  );
}

/** Votes an attendee has on open pitches (the ones that count against the budget). */
function openVotesOf(attendeeId: string): number {
  return (
    row<{ n: number }>(
      "select count(*) as n from votes join pitches on pitches.id = votes.pitch_id where votes.attendee_id = ? and pitches.status = 'open'",
      attendeeId,
    )?.n ?? 0
  );
}

function pitchRow(id: string) {
  return row<{
    id: string;
    event_id: string;
    attendee_id: string | null;
    client_id: string | null;
    title: string;
    description: string;
    tags: string;
    status: string;
    merged_into_id: string | null;
    hidden_reason: string | null;
  }>("select * from pitches where id = ?", id);
}

function pitchCount(eventId: string): number {
  return row<{ n: number }>("select count(*) as n from pitches where event_id = ?", eventId)?.n ?? 0;
}

function auditOf(eventId: string) {
  return rows<{ actor: string; action: string; target_id: string | null; detail: string | null }>(
    "select actor, action, target_id, detail from audit_log where event_id = ? order by id",
    eventId,
  );
}

/** Every row of the tables pitching and voting touch, to show a refused request wrote nothing. */
function snapshot(eventId: string) {
  return {
    pitches: rows("select * from pitches where event_id = ? order by rowid", eventId),
    votes: rows("select * from votes where event_id = ? order by rowid", eventId),
    audit: rows("select * from audit_log where event_id = ? order by id", eventId),
  };
}

/** HTML with React's entity escapes and text separators undone, to match messages as people read them. */
function decode(html: string): string {
  return html
    .replaceAll("<!-- -->", "")
    .replaceAll("&quot;", '"')
    .replaceAll("&#x27;", "'")
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

async function textOf(response: Response): Promise<string> {
  return decode(await response.text());
}

interface Camp {
  organiser: HttpClient;
  slug: string;
  eventId: string;
  admin(fields: Record<string, string>): Promise<Response>;
}

let campCount = 0;
async function camp(): Promise<Camp> {
  campCount++;
  const { organiser, slug } = await createEvent(server.url, { name: `Pitch Camp ${campCount}` });
  const eventId = row<{ id: string }>("select id from events where slug = ?", slug)?.id;
  if (!eventId) throw new Error(`event ${slug} not in the database`);
  return { organiser, slug, eventId, admin: (fields) => organiser.post(`/e/${slug}/admin`, fields) };
}

async function openVoting(c: Camp): Promise<void> {
  const response = await c.admin({ intent: "open-voting" });
  expect(response.status, "open-voting").toBe(200);
  expect(row<{ v: number }>("select voting_open as v from events where id = ?", c.eventId)?.v).toBe(1);
}

async function blindVoting(c: Camp, votesPerAttendee = 3): Promise<void> {
  const response = await c.admin({
    intent: "voting-settings",
    votesPerAttendee: String(votesPerAttendee),
    blindVoting: "on",
  });
  expect(response.status, "voting-settings").toBe(200);
  expect(row<{ b: number }>("select blind_voting as b from events where id = ?", c.eventId)?.b).toBe(1);
}

interface Person {
  client: HttpClient;
  id: string;
  name: string;
}

let personCount = 0;
async function attendee(c: Camp, name = `Person ${++personCount}`): Promise<Person> {
  const client = await joinAs(server.url, c.slug, name);
  const id = row<{ id: string }>(
    "select id from attendees where event_id = ? and name = ? order by created_at desc",
    c.eventId,
    name,
  )?.id;
  if (!id) throw new Error(`attendee ${name} not in the database`);
  return { client, id, name };
}

let clientIds = 0;
const freshClientId = () => `client-${process.pid}-${++clientIds}`;

function postPitch(c: Camp, who: HttpClient, fields: Record<string, string>): Promise<Response> {
  return who.post(`/e/${c.slug}/pitch?index`, { description: "", tags: "", clientId: freshClientId(), ...fields });
}

/** Pitches a session and returns its id, checking the redirect to its card on the event page. */
async function pitch(c: Camp, who: Person, title: string, fields: Record<string, string> = {}): Promise<string> {
  const response = await postPitch(c, who.client, { title, ...fields });
  expect(response.status, `pitching ${title}`).toBe(302);
  const id = response.headers.get("location")?.match(new RegExp(`^/e/${c.slug}#pitch-([\\w-]+)$`))?.[1];
  if (!id) throw new Error(`unexpected redirect ${response.headers.get("location")}`);
  return id;
}

/** A vote as a plain form post (a browser without JavaScript): the event page comes back. */
function vote(c: Camp, who: HttpClient, pitchId: string, on = true): Promise<Response> {
  return who.post(`/e/${c.slug}?index`, { intent: "vote", pitchId, vote: String(on) });
}

/** A vote the way the vote button's fetcher sends it: the action's data comes back. */
async function voteData(
  c: Camp,
  who: HttpClient,
  pitchId: string,
  on = true,
): Promise<{ status: number; data: Record<string, unknown> }> {
  const response = await who.post(`/e/${c.slug}.data?index`, { intent: "vote", pitchId, vote: String(on) });
  const decoded = decodeTurboStream(await response.text()) as { data?: Record<string, unknown> };
  if (!decoded.data) throw new Error(`no action data in the answer: ${JSON.stringify(decoded)}`);
  return { status: response.status, data: decoded.data };
}

async function eventPage(c: Camp, who: HttpClient): Promise<string> {
  const response = await who.get(`/e/${c.slug}`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The tally text shown on each pitch card, by pitch id. */
function talliesOnPage(html: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const m of html.matchAll(/<article[^>]*\bid="pitch-([\w-]+)"[^>]*>.*?<p class="tally"[^>]*>(.*?)<\/p>/gs)) {
    result[m[1] as string] = decode((m[2] as string).replace(/<[^>]+>/g, ""));
  }
  return result;
}

function votesLeftOnPage(html: string): number | null {
  const m = decode(html).match(/(\d+) votes? left/);
  return m ? Number(m[1]) : null;
}

async function connect(who?: HttpClient): Promise<TestSocket> {
  const socket = await connectSocket(server.url, who);
  sockets.push(socket);
  return socket;
}

/** A socket that has joined the event's room (as whoever `who`'s cookies say). */
async function follow(c: Camp, who?: HttpClient): Promise<TestSocket> {
  const socket = await connect(who);
  const ack: Ack<JoinedEvent> = await socket.timeout(3000).emitWithAck("event:join", { slug: c.slug });
  expect(ack).toMatchObject({ ok: true, eventId: c.eventId });
  return socket;
}

function socketVote(socket: TestSocket, pitchId: string, on = true): Promise<Ack<VoteResult>> {
  return socket.timeout(3000).emitWithAck("vote:set", { pitchId, vote: on });
}

/** Long enough for a tick's broadcast (50 ms) that was going to arrive to have arrived. */
const settle = () => sleep(300);

const BUDGET_MESSAGE = "You have used all 3 of your votes. Take one back to vote for something else.";

// ---------------------------------------------------------------- pitching

describe("pitching", () => {
  it("creates a pitch for an attendee and redirects to its card on the event page", async () => {
    const c = await camp();
    const ann = await attendee(c, "Ann");
    const clientId = freshClientId();
    const response = await postPitch(c, ann.client, {
      title: "  Testing in production  ",
      description: "Why *not*?",
      tags: "Ops, testing, ops",
      clientId,
    });
    expect(response.status).toBe(302);
    const id = response.headers.get("location")?.match(/#pitch-([\w-]+)$/)?.[1] ?? "";
    expect(response.headers.get("location")).toBe(`/e/${c.slug}#pitch-${id}`);
    expect(pitchRow(id)).toMatchObject({
      event_id: c.eventId,
      attendee_id: ann.id,
      client_id: clientId,
      title: "Testing in production",
      description: "Why *not*?",
      tags: JSON.stringify(["ops", "testing"]),
      status: "open",
    });
    const html = await eventPage(c, ann.client);
    expect(html).toMatch(new RegExp(`<article[^>]*id="pitch-${id}"`));
    expect(html).toContain("<em>not</em>");
    expect(decode(html)).toContain("Pitched by Ann");
  });

  it("accepts a title of exactly 120 characters and a description of exactly 2000", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const id = await pitch(c, ann, "T".repeat(120), { description: "d".repeat(2000) });
    expect(pitchRow(id)?.title).toHaveLength(120);
    expect(pitchRow(id)?.description).toHaveLength(2000);
  });

  it.each([
    ["an empty title", { title: "" }, "Give your session a title."],
    ["a blank title", { title: "    " }, "Give your session a title."],
    ["no title at all", {}, "Give your session a title."],
    ["a 121-character title", { title: "T".repeat(121) }, "A title can be at most 120 characters."],
    [
      "a 2001-character description",
      { title: "Fine", description: "d".repeat(2001) },
      "A description can be at most 2000 characters.",
    ],
    ["six tags", { title: "Fine", tags: "a,b,c,d,e,f" }, "At most 5 tags."],
  ])("refuses %s with 400 and the message, keeping what was typed", async (_label, fields, message) => {
    const c = await camp();
    const ann = await attendee(c);
    const before = snapshot(c.eventId);
    const response = await postPitch(c, ann.client, { description: "Kept words", ...fields });
    expect(response.status).toBe(400);
    const html = await textOf(response);
    expect(html).toContain(message);
    const kept = "description" in fields ? `value="${fields.title}"` : "Kept words";
    expect(html).toContain(kept);
    expect(snapshot(c.eventId)).toEqual(before);
  });

  it("refuses a visitor who has not joined: 403 with what to do, and the form redirects them to join", async () => {
    const c = await camp();
    const stranger = new HttpClient(server.url);
    const response = await postPitch(c, stranger, { title: "Sneaky" });
    expect(response.status).toBe(403);
    expect(await textOf(response)).toContain("Join the event first");
    expect(pitchCount(c.eventId)).toBe(0);

    const form = await stranger.get(`/e/${c.slug}/pitch`);
    expect(form.status).toBe(302);
    expect(form.headers.get("location")).toBe(`/e/${c.slug}`);
  });

  it("refuses an attendee of another event (their cookie means nothing here)", async () => {
    const c = await camp();
    const other = await camp();
    const outsider = await attendee(other);
    const response = await postPitch(c, outsider.client, { title: "Wrong camp" });
    expect(response.status).toBe(403);
    expect(pitchCount(c.eventId)).toBe(0);
  });

  it("refuses attendees with a clear message while the organiser has pitching closed, and reopens", async () => {
    const c = await camp();
    const ann = await attendee(c);
    expect((await c.admin({ intent: "close-pitching" })).status).toBe(200);
    expect(auditOf(c.eventId).map((a) => a.action)).toContain("pitching.close");

    const response = await postPitch(c, ann.client, { title: "Too late", description: "Keep me" });
    expect(response.status).toBe(403);
    const html = await textOf(response);
    expect(html).toContain("Pitching is closed for this event.");
    expect(html).toContain("Keep me");
    expect(pitchCount(c.eventId)).toBe(0);

    const page = await textOf(await ann.client.get(`/e/${c.slug}`));
    expect(page).toContain("Pitching is closed.");
    expect(page).not.toContain("Pitch a session");
    expect(await textOf(await ann.client.get(`/e/${c.slug}/pitch`))).toContain("Pitching is closed for this event.");

    expect((await c.admin({ intent: "open-pitching" })).status).toBe(200);
    await pitch(c, ann, "Just in time");
    expect(pitchCount(c.eventId)).toBe(1);
  });

  it("creates one pitch when the same form (clientId) is sent twice, one after the other or at once", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const clientId = freshClientId();
    const first = await postPitch(c, ann.client, { title: "Once", clientId });
    const second = await postPitch(c, ann.client, { title: "Once", clientId });
    expect(first.status).toBe(302);
    expect(second.status).toBe(302);
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
    expect(pitchCount(c.eventId)).toBe(1);

    const racingId = freshClientId();
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => postPitch(c, ann.client, { title: "Double tap", clientId: racingId })),
    );
    expect(racing.map((r) => r.status)).toEqual([302, 302, 302, 302, 302]);
    expect(new Set(racing.map((r) => r.headers.get("location"))).size).toBe(1);
    expect(pitchCount(c.eventId)).toBe(2);
  });

  it("does not let someone else's form (clientId) create or reveal a pitch", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const clientId = freshClientId();
    await pitch(c, ann, "Ann's", { clientId });
    const response = await postPitch(c, bob.client, { title: "Bob's", clientId });
    expect(response.status).toBe(409);
    expect(await textOf(response)).toContain("That form was already used.");
    expect(pitchCount(c.eventId)).toBe(1);
  });
});

describe("editing and withdrawing", () => {
  it("lets only the pitcher edit: another attendee gets 403 and changes nothing", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const id = await pitch(c, ann, "Original", { description: "First words" });

    const edited = await ann.client.post(`/e/${c.slug}/pitch/${id}`, {
      title: "Better title",
      description: "Second words",
      tags: "x",
    });
    expect(edited.status).toBe(302);
    expect(edited.headers.get("location")).toBe(`/e/${c.slug}#pitch-${id}`);
    expect(pitchRow(id)).toMatchObject({ title: "Better title", description: "Second words", tags: '["x"]' });

    const before = snapshot(c.eventId);
    const hijack = await bob.client.post(`/e/${c.slug}/pitch/${id}`, { title: "Hijacked", description: "", tags: "" });
    expect(hijack.status).toBe(403);
    expect(await textOf(hijack)).toContain("Only the person who pitched this session can");
    expect((await bob.client.get(`/e/${c.slug}/pitch/${id}`)).status).toBe(403);
    const stranger = new HttpClient(server.url);
    expect((await stranger.post(`/e/${c.slug}/pitch/${id}`, { title: "Nope", tags: "" })).status).toBe(403);
    expect(snapshot(c.eventId)).toEqual(before);
  });

  it("validates an edit like a new pitch, keeping what was typed", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const id = await pitch(c, ann, "Original");
    const response = await ann.client.post(`/e/${c.slug}/pitch/${id}`, {
      title: "T".repeat(121),
      description: "Kept",
      tags: "",
    });
    expect(response.status).toBe(400);
    expect(await textOf(response)).toContain("A title can be at most 120 characters.");
    expect(pitchRow(id)?.title).toBe("Original");
  });

  it("lets only the pitcher withdraw, and a withdrawn pitch frees its voters' votes", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const vic = await attendee(c);
    const [x, y, z, w] = [
      await pitch(c, ann, "X"),
      await pitch(c, ann, "Y"),
      await pitch(c, ann, "Z"),
      await pitch(c, ann, "W"),
    ] as [string, string, string, string];
    await openVoting(c);
    for (const id of [x, y, z]) expect((await vote(c, vic.client, id)).status).toBe(200);
    expect((await voteData(c, vic.client, w)).status).toBe(409);
    expect(votesLeftOnPage(await eventPage(c, vic.client))).toBe(0);

    const before = snapshot(c.eventId);
    const notTheirs = await vic.client.post(`/e/${c.slug}?index`, { intent: "withdraw", pitchId: x });
    expect(notTheirs.status).toBe(403);
    expect(await textOf(notTheirs)).toContain("Only the person who pitched this session can withdraw it.");
    const stranger = new HttpClient(server.url);
    expect((await stranger.post(`/e/${c.slug}?index`, { intent: "withdraw", pitchId: x })).status).toBe(403);
    expect(snapshot(c.eventId)).toEqual(before);

    const withdrawn = await ann.client.post(`/e/${c.slug}?index`, { intent: "withdraw", pitchId: x });
    expect(withdrawn.status).toBe(200);
    expect(await textOf(withdrawn)).toContain("Your pitch was withdrawn.");
    expect(pitchRow(x)?.status).toBe("withdrawn");

    const page = await eventPage(c, vic.client);
    expect(page).not.toMatch(new RegExp(`id="pitch-${x}"`));
    expect(votesLeftOnPage(page)).toBe(1);
    expect(openVotesOf(vic.id)).toBe(2);
    const next = await voteData(c, vic.client, w);
    expect(next).toEqual({
      status: 200,
      data: { intent: "vote", pitchId: w, voted: true, votes: 1, votesLeft: 0 },
    });
    expect(openVotesOf(vic.id)).toBe(3);

    const again = await ann.client.post(`/e/${c.slug}?index`, { intent: "withdraw", pitchId: x });
    expect(again.status).toBe(409);
    expect(await voteData(c, ann.client, x)).toEqual({
      status: 403,
      data: { intent: "vote", error: "This pitch is no longer open for votes." },
    });
    // A withdrawn pitch can no longer be edited, and the pitcher is told so (not that it is someone else's).
    const edit = await ann.client.post(`/e/${c.slug}/pitch/${x}`, { title: "Back", tags: "" });
    expect(edit.status).toBe(409);
    expect(pitchRow(x)?.title).toBe("X");
  });
});

// ---------------------------------------------------------------- voting

describe("voting", () => {
  it("refuses votes while voting is closed (as new events start)", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const id = await pitch(c, ann, "Early");
    const response = await vote(c, ann.client, id);
    expect(response.status).toBe(403);
    expect(await textOf(response)).toContain("Voting is closed.");
    expect(await voteData(c, ann.client, id)).toEqual({
      status: 403,
      data: { intent: "vote", error: "Voting is closed." },
    });
    expect(voteCount(id)).toBe(0);
  });

  it("casts a vote and answers with the tally and the votes left; the same vote twice is one row", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const id = await pitch(c, ann, "Popular");
    await openVoting(c);

    expect(await voteData(c, bob.client, id)).toEqual({
      status: 200,
      data: { intent: "vote", pitchId: id, voted: true, votes: 1, votesLeft: 2 },
    });
    expect(await voteData(c, bob.client, id)).toEqual({
      status: 200,
      data: { intent: "vote", pitchId: id, voted: true, votes: 1, votesLeft: 2 },
    });
    expect(votersOf(id)).toEqual([bob.id]);

    const doc = await vote(c, ann.client, id);
    expect(doc.status).toBe(200);
    const html = await doc.text();
    expect(talliesOnPage(html)[id]).toBe("2 votes");
    expect(votesLeftOnPage(html)).toBe(2);
    expect(html).toContain(`aria-pressed="true" aria-label="Vote for Popular"`);

    const retries = await Promise.all(Array.from({ length: 5 }, () => vote(c, ann.client, id)));
    expect(retries.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(voteCount(id)).toBe(2);

    expect(await voteData(c, bob.client, id, false)).toEqual({
      status: 200,
      data: { intent: "vote", pitchId: id, voted: false, votes: 1, votesLeft: 3 },
    });
    expect(votersOf(id)).toEqual([ann.id]);
  });

  it("refuses the 4th vote of a 3-vote budget with a clear message, and the tally does not move", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const vic = await attendee(c);
    const ids = [
      await pitch(c, ann, "A"),
      await pitch(c, ann, "B"),
      await pitch(c, ann, "C"),
      await pitch(c, ann, "D"),
    ];
    const fourth = ids[3] as string;
    await openVoting(c);
    expect((await vote(c, ann.client, fourth)).status).toBe(200);
    for (const [i, id] of ids.slice(0, 3).entries()) {
      expect((await voteData(c, vic.client, id)).data.votesLeft).toBe(2 - i);
    }
    const watcher = await follow(c);
    await settle(); // the tick carrying the votes above has gone out
    const seen = record(watcher, "votes:tallies");

    const before = snapshot(c.eventId);
    const refused = await vote(c, vic.client, fourth);
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(decode(html)).toContain(BUDGET_MESSAGE);
    expect(talliesOnPage(html)[fourth]).toBe("1 vote");
    expect(await voteData(c, vic.client, fourth)).toEqual({
      status: 409,
      data: { intent: "vote", error: BUDGET_MESSAGE },
    });
    expect(snapshot(c.eventId)).toEqual(before);
    expect(voteCount(fourth)).toBe(1);
    await settle();
    seen.stop();
    expect(seen.seen).toEqual([]);

    // Taking one back makes room again.
    expect((await voteData(c, vic.client, ids[0] as string, false)).data.votesLeft).toBe(1);
    expect((await voteData(c, vic.client, fourth)).data).toMatchObject({ voted: true, votes: 2, votesLeft: 0 });
  });

  it("follows the budget the organiser sets", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const ids = [await pitch(c, ann, "A"), await pitch(c, ann, "B")];
    expect((await c.admin({ intent: "voting-settings", votesPerAttendee: "1" })).status).toBe(200);
    await openVoting(c);
    expect((await voteData(c, ann.client, ids[0] as string)).data.votesLeft).toBe(0);
    expect(await voteData(c, ann.client, ids[1] as string)).toEqual({
      status: 409,
      data: {
        intent: "vote",
        error: "You have used all 1 of your votes. Take one back to vote for something else.",
      },
    });
  });

  it("refuses votes once the organiser closes voting, and taking a vote back too", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const [a, b] = [await pitch(c, ann, "A"), await pitch(c, ann, "B")];
    await openVoting(c);
    expect((await vote(c, ann.client, a)).status).toBe(200);
    expect((await c.admin({ intent: "close-voting" })).status).toBe(200);

    const before = snapshot(c.eventId);
    const response = await vote(c, ann.client, b);
    expect(response.status).toBe(403);
    expect(await textOf(response)).toContain("Voting is closed.");
    expect((await voteData(c, ann.client, a, false)).data).toEqual({ intent: "vote", error: "Voting is closed." });
    expect(snapshot(c.eventId)).toEqual(before);
  });

  it("refuses a vote for a pitch of another event, without touching either event", async () => {
    const c = await camp();
    const other = await camp();
    const ann = await attendee(c);
    const olga = await attendee(other);
    const foreign = await pitch(other, olga, "Elsewhere");
    await openVoting(c);
    await openVoting(other);

    const response = await vote(c, ann.client, foreign);
    expect(response.status).toBe(404);
    expect(await textOf(response)).toContain("That pitch is not part of this event.");
    expect(voteCount(foreign)).toBe(0);
    const socket = await follow(c, ann.client);
    expect(await socketVote(socket, foreign)).toEqual({ ok: false, error: "That pitch is not part of this event." });
    expect(voteCount(foreign)).toBe(0);
  });

  it("refuses a vote sent with an attendee cookie of another event", async () => {
    const c = await camp();
    const other = await camp();
    const ann = await attendee(c);
    const olga = await attendee(other);
    const id = await pitch(c, ann, "Here");
    await openVoting(c);
    await openVoting(other);

    const response = await vote(c, olga.client, id);
    expect(response.status).toBe(403);
    expect(await textOf(response)).toContain("Join the event first");
    const socket = await connect(olga.client);
    const joined: Ack<JoinedEvent> = await socket.timeout(3000).emitWithAck("event:join", { slug: c.slug });
    expect(joined).toMatchObject({ ok: true, eventId: c.eventId, isOrganiser: false, attendeeId: null });
    expect(await socketVote(socket, id)).toEqual({
      ok: false,
      error: "Join the event first: enter your name (or leave it blank).",
    });
    expect(voteCount(id)).toBe(0);
  });

  it("refuses a vote over the socket before event:join", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const id = await pitch(c, ann, "Here");
    await openVoting(c);
    const socket = await connect(ann.client);
    expect(await socketVote(socket, id)).toEqual({
      ok: false,
      error: "Join the event (event:join) before voting.",
    });
    expect(voteCount(id)).toBe(0);
  });

  it("refuses malformed votes with 400 and writes nothing", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const id = await pitch(c, ann, "Here");
    await openVoting(c);
    const bad = await ann.client.post(`/e/${c.slug}?index`, { intent: "vote", pitchId: id, vote: "maybe" });
    expect(bad.status).toBe(400);
    const socket = await follow(c, ann.client);
    expect(await socketVote(socket, id, "yes" as unknown as boolean)).toEqual({
      ok: false,
      error: "That request is not valid.",
    });
    expect(voteCount(id)).toBe(0);
  });

  it("ends with exactly 3 votes when one attendee fires 10 votes at once over HTTP", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const vic = await attendee(c);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await pitch(c, ann, `Race ${i}`));
    await openVoting(c);

    const answers = await Promise.all(ids.map((id) => voteData(c, vic.client, id)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 409, 409, 409, 409, 409, 409, 409]);
    expect(
      answers
        .filter((a) => a.status === 200)
        .map((a) => a.data.votesLeft as number)
        .sort(),
    ).toEqual([0, 1, 2]);
    expect(answers.filter((a) => a.status === 409).every((a) => a.data.error === BUDGET_MESSAGE)).toBe(true);
    expect(row<{ n: number }>("select count(*) as n from votes where attendee_id = ?", vic.id)?.n).toBe(3);
    const won = answers.filter((a) => a.status === 200).map((a) => a.data.pitchId as string);
    expect(
      rows<{ p: string }>("select pitch_id as p from votes where attendee_id = ?", vic.id)
        .map((r) => r.p)
        .sort(),
    ).toEqual(won.sort());
  });

  it("ends with exactly 3 votes when one attendee fires 10 votes at once over the socket", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const vic = await attendee(c);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await pitch(c, ann, `Race ${i}`));
    await openVoting(c);
    const socket = await follow(c, vic.client);

    const acks = await Promise.all(ids.map((id) => socketVote(socket, id)));
    const ok = acks.filter((a): a is Extract<Ack<VoteResult>, { ok: true }> => a.ok);
    expect(ok).toHaveLength(3);
    expect(ok.map((a) => a.votesLeft).sort()).toEqual([0, 1, 2]);
    expect(acks.filter((a) => !a.ok)).toEqual(Array.from({ length: 7 }, () => ({ ok: false, error: BUDGET_MESSAGE })));
    expect(row<{ n: number }>("select count(*) as n from votes where attendee_id = ?", vic.id)?.n).toBe(3);
  });

  it("ends with exactly 3 votes when HTTP and two sockets of one attendee race each other", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const vic = await attendee(c);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await pitch(c, ann, `Race ${i}`));
    await openVoting(c);
    const [s1, s2] = [await follow(c, vic.client), await follow(c, vic.client)];

    const results = await Promise.all(
      ids.map((id, i) =>
        i % 3 === 0
          ? voteData(c, vic.client, id).then((a) => a.status === 200)
          : socketVote(i % 3 === 1 ? s1 : s2, id).then((a) => a.ok),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(3);
    expect(row<{ n: number }>("select count(*) as n from votes where attendee_id = ?", vic.id)?.n).toBe(3);
  });
});

// ---------------------------------------------------------------- live

describe("live tallies", () => {
  it("sends another client's socket the new count after an HTTP vote, and after a socket vote", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const id = await pitch(c, ann, "Live one");
    await openVoting(c);
    const watcher = await follow(c, ann.client);

    const first = nextEvent(watcher, "votes:tallies", (u) => u.tallies[id] === 1);
    expect((await vote(c, bob.client, id)).status).toBe(200);
    expect(await first).toEqual([{ eventId: c.eventId, tallies: { [id]: 1 } }]);

    const bobSocket = await follow(c, bob.client);
    const visitor = await follow(c);
    const second = nextEvent(watcher, "votes:tallies", (u) => u.tallies[id] === 2);
    const alsoVisitor = nextEvent(visitor, "votes:tallies", (u) => u.tallies[id] === 2);
    expect(await socketVote(await follow(c, ann.client), id)).toEqual({
      ok: true,
      pitchId: id,
      voted: true,
      votes: 2,
      votesLeft: 2,
    });
    await Promise.all([second, alsoVisitor]);

    const back = nextEvent(watcher, "votes:tallies", (u) => u.tallies[id] === 1);
    expect(await socketVote(bobSocket, id, false)).toMatchObject({ ok: true, voted: false, votes: 1, votesLeft: 3 });
    await back;
  });

  it("coalesces a burst of votes into few messages that end on the latest count", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const id = await pitch(c, ann, "Busy");
    await openVoting(c);
    const voters = await Promise.all(Array.from({ length: 12 }, (_, i) => attendee(c, `Burst ${i}`)));
    const watcher = await follow(c);
    const seen = record(watcher, "votes:tallies");
    const last = nextEvent(watcher, "votes:tallies", (u) => u.tallies[id] === 12);
    await Promise.all(voters.map((v) => vote(c, v.client, id)));
    await last;
    await settle();
    seen.stop();
    const counts = seen.seen.map(([u]) => u.tallies[id] as number);
    expect(counts.at(-1)).toBe(12);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
    expect(counts.length).toBeLessThan(12);
  });

  it("keeps tallies from attendees during a blind vote, sends them to organisers, and shows them at close", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const id = await pitch(c, ann, "Secret ballot");
    await blindVoting(c);
    await openVoting(c);

    const attendeeSocket = await follow(c, ann.client);
    const visitorSocket = await follow(c);
    const organiserSocket = await follow(c, c.organiser);
    const attendeeSeen = record(attendeeSocket, "votes:tallies");
    const visitorSeen = record(visitorSocket, "votes:tallies");
    const toOrganiser = nextEvent(organiserSocket, "votes:tallies", (u) => u.tallies[id] === 1);

    expect(await voteData(c, bob.client, id)).toEqual({
      status: 200,
      data: { intent: "vote", pitchId: id, voted: true, votes: null, votesLeft: 2 },
    });
    expect(await toOrganiser).toEqual([{ eventId: c.eventId, tallies: { [id]: 1 } }]);
    const bobSocket = await follow(c, bob.client);
    const another = await pitch(c, ann, "Another");
    const toOrganiserAgain = nextEvent(organiserSocket, "votes:tallies", (u) => u.tallies[another] === 1);
    expect(await socketVote(bobSocket, another)).toEqual({
      ok: true,
      pitchId: another,
      voted: true,
      votes: null,
      votesLeft: 1,
    });
    await toOrganiserAgain;
    await settle();
    attendeeSeen.stop();
    visitorSeen.stop();
    expect(attendeeSeen.seen).toEqual([]);
    expect(visitorSeen.seen).toEqual([]);

    const attendeePage = await eventPage(c, ann.client);
    expect(Object.values(talliesOnPage(attendeePage))).toEqual(["Tally hidden", "Tally hidden"]);
    expect(decode(attendeePage)).toContain("Tallies stay hidden until voting closes.");
    const visitorPage = await eventPage(c, new HttpClient(server.url));
    expect(Object.values(talliesOnPage(visitorPage))).toEqual(["Tally hidden", "Tally hidden"]);
    const organiserPage = await eventPage(c, c.organiser);
    expect(talliesOnPage(organiserPage)).toEqual({ [id]: "1 vote", [another]: "1 vote" });
    expect(organiserPage).not.toContain("Tally hidden");

    const changed = nextEvent(attendeeSocket, "event:patch", (e) => e.patch.settings !== undefined);
    expect((await c.admin({ intent: "close-voting" })).status).toBe(200);
    // The blind vote ended: the push itself reveals the counts to attendees.
    expect((await changed)[0].patch.tallies).toEqual({ [id]: 1, [another]: 1 });
    const after = await eventPage(c, ann.client);
    expect(talliesOnPage(after)).toEqual({ [id]: "1 vote", [another]: "1 vote" });
    expect(after).not.toContain("Tally hidden");
  });

  it("pushes new pitches, edits and withdrawals to other sockets as versioned patches carrying the pitch", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const watcher = await follow(c, bob.client);
    const visitor = await follow(c);

    const created = nextEvent(watcher, "event:patch", (e) => e.patch.pitches !== undefined);
    const visitorCreated = nextEvent(visitor, "event:patch", (e) => e.patch.pitches !== undefined);
    const id = await pitch(c, ann, "Fresh");
    const fresh = {
      id,
      title: "Fresh",
      tags: [],
      pitcherName: expect.any(String),
      coHostNames: [],
      goingCap: null,
      status: "open",
      mergedIntoId: null,
      createdAt: expect.any(String),
      descriptionHtml: expect.any(String),
      span: 1,
      needs: [],
      remoteUrl: null,
    };
    const [createdPush] = await created;
    expect(createdPush).toMatchObject({ eventId: c.eventId, patch: { pitches: [fresh] } });
    expect((await visitorCreated)[0]).toEqual(createdPush);

    const edited = nextEvent(watcher, "event:patch", (e) => e.version === createdPush.version + 1);
    expect((await ann.client.post(`/e/${c.slug}/pitch/${id}`, { title: "Fresher", tags: "" })).status).toBe(302);
    expect((await edited)[0].patch.pitches).toEqual([{ ...fresh, title: "Fresher" }]);

    const withdrawn = nextEvent(watcher, "event:patch", (e) => e.version === createdPush.version + 2);
    expect((await ann.client.post(`/e/${c.slug}?index`, { intent: "withdraw", pitchId: id })).status).toBe(200);
    expect((await withdrawn)[0].patch).toMatchObject({ removedPitchIds: [id], placements: [] });
  });

  it("announces nothing for a refused pitch or a resubmitted form", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const watcher = await follow(c);
    const clientId = freshClientId();
    await pitch(c, ann, "Once", { clientId });
    await settle();
    const seen = record(watcher, "event:patch");
    expect((await postPitch(c, ann.client, { title: "Once", clientId })).status).toBe(302);
    expect((await postPitch(c, ann.client, { title: "" })).status).toBe(400);
    await settle();
    seen.stop();
    expect(seen.seen).toEqual([]);
  });

  it("sends nothing of one event to sockets following another", async () => {
    const c = await camp();
    const other = await camp();
    const ann = await attendee(c);
    const elsewhere = await follow(other);
    const changes = record(elsewhere, "event:patch");
    const tallies = record(elsewhere, "votes:tallies");
    const id = await pitch(c, ann, "Mine");
    await openVoting(c);
    expect((await vote(c, ann.client, id)).status).toBe(200);
    await settle();
    changes.stop();
    tallies.stop();
    expect(changes.seen).toEqual([]);
    expect(tallies.seen).toEqual([]);
  });
});

// ---------------------------------------------------------------- moderation

describe("merging", () => {
  it("merges A into B without counting anyone twice, frees the double voter's vote, and logs it", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const [v1, v2, v3] = [await attendee(c, "V1"), await attendee(c, "V2"), await attendee(c, "V3")];
    const a = await pitch(c, ann, "Testing tips");
    const b = await pitch(c, ann, "Testing in anger");
    await openVoting(c);
    for (const [who, id] of [
      [v1, a],
      [v2, a],
      [v2, b],
      [v3, b],
    ] as const) {
      expect((await vote(c, who.client, id)).status).toBe(200);
    }
    expect(votesLeftOnPage(await eventPage(c, v2.client))).toBe(1);
    const watcher = await follow(c);
    const changed = nextEvent(watcher, "event:patch", (e) => e.patch.pitches !== undefined);

    const response = await c.admin({ intent: "merge-pitches", fromId: a, intoId: b });
    expect(response.status).toBe(200);
    expect(await textOf(response)).toContain("Merged. The kept pitch now has 3 votes.");
    const [merged] = await changed;
    expect(merged.patch.pitches?.find((p) => p.id === a)).toMatchObject({ status: "merged", mergedIntoId: b });
    expect(merged.patch.tallies?.[b]).toBe(3);

    expect(votersOf(b)).toEqual([v1.id, v2.id, v3.id].sort());
    expect(voteCount(a)).toBe(0);
    expect(pitchRow(a)).toMatchObject({ status: "merged", merged_into_id: b });
    expect(pitchRow(b)?.status).toBe("open");

    const page = await eventPage(c, v1.client);
    expect(decode(page)).toContain("“Testing tips” was merged into");
    expect(page).toMatch(new RegExp(`was merged into <a href="#pitch-${b}">Testing in anger</a>`));
    expect(page).not.toMatch(new RegExp(`<article[^>]*id="pitch-${a}"`));
    expect(talliesOnPage(page)).toEqual({ [b]: "3 votes" });

    expect(votesLeftOnPage(await eventPage(c, v2.client))).toBe(2);
    expect(votesLeftOnPage(await eventPage(c, v1.client))).toBe(2);
    expect(openVotesOf(v2.id)).toBe(1);

    const log = auditOf(c.eventId).filter((e) => e.action === "pitch.merge");
    expect(log).toEqual([
      {
        actor: "organiser",
        action: "pitch.merge",
        target_id: b,
        detail: JSON.stringify({ from: "Testing tips", into: "Testing in anger", votesMoved: 1 }),
      },
    ]);

    // The merged-away pitch takes no more votes and cannot be merged again.
    expect((await voteData(c, v3.client, a)).status).toBe(403);
    const before = snapshot(c.eventId);
    const again = await c.admin({ intent: "merge-pitches", fromId: a, intoId: b });
    expect(again.status).toBe(409);
    expect(await textOf(again)).toContain("Both pitches must be open to merge them.");
    expect(snapshot(c.eventId)).toEqual(before);
  });

  it("refuses to merge a pitch into itself or across events", async () => {
    const c = await camp();
    const other = await camp();
    const ann = await attendee(c);
    const a = await pitch(c, ann, "A");
    const foreign = await pitch(other, await attendee(other), "Foreign");
    const before = snapshot(c.eventId);
    const self = await c.admin({ intent: "merge-pitches", fromId: a, intoId: a });
    expect(self.status).toBe(400);
    expect(await textOf(self)).toContain("Choose two different pitches to merge.");
    const across = await c.admin({ intent: "merge-pitches", fromId: foreign, intoId: a });
    expect(across.status).toBe(404);
    expect(snapshot(c.eventId)).toEqual(before);
    expect(pitchRow(foreign)?.status).toBe("open");
  });
});

describe("hiding", () => {
  it("hides a pitch with a reason kept in the audit log; attendees no longer see it or can vote for it", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const spam = await pitch(c, ann, "Buy my crypto");
    const fine = await pitch(c, ann, "Fine session");
    await openVoting(c);
    expect((await vote(c, bob.client, spam)).status).toBe(200);
    const watcher = await follow(c, bob.client);
    const changed = nextEvent(watcher, "event:patch", (e) => e.patch.removedPitchIds?.includes(spam) ?? false);

    const response = await c.admin({ intent: "hide-pitch", pitchId: spam, reason: "  Advertising  " });
    expect(response.status).toBe(200);
    expect(await textOf(response)).toContain("The pitch is hidden.");
    await changed;
    expect(pitchRow(spam)).toMatchObject({ status: "hidden", hidden_reason: "Advertising" });
    expect(auditOf(c.eventId).filter((e) => e.action === "pitch.hide")).toEqual([
      {
        actor: "organiser",
        action: "pitch.hide",
        target_id: spam,
        detail: JSON.stringify({ title: "Buy my crypto", reason: "Advertising", released: 1 }),
      },
    ]);

    for (const who of [bob.client, ann.client, new HttpClient(server.url)]) {
      const page = await eventPage(c, who);
      expect(page).not.toContain("Buy my crypto");
      expect(page).toMatch(new RegExp(`<article[^>]*id="pitch-${fine}"`));
    }
    expect(votesLeftOnPage(await eventPage(c, bob.client))).toBe(3);

    const before = snapshot(c.eventId);
    const refused = await vote(c, ann.client, spam);
    expect(refused.status).toBe(403);
    expect(await textOf(refused)).toContain("This pitch is no longer open for votes.");
    expect(await socketVote(await follow(c, ann.client), spam)).toEqual({
      ok: false,
      error: "This pitch is no longer open for votes.",
    });
    expect(snapshot(c.eventId)).toEqual(before);

    // The organiser still sees it, with its reason, and can bring it back.
    expect(decode(await (await c.organiser.get(`/e/${c.slug}/admin`)).text())).toContain("Buy my crypto");
    expect((await c.admin({ intent: "unhide-pitch", pitchId: spam })).status).toBe(200);
    expect(pitchRow(spam)).toMatchObject({ status: "open", hidden_reason: null });
    expect(await eventPage(c, bob.client)).toContain("Buy my crypto");
  });

  it("requires a reason to hide", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const id = await pitch(c, ann, "Borderline");
    const before = snapshot(c.eventId);
    const response = await c.admin({ intent: "hide-pitch", pitchId: id, reason: "   " });
    expect(response.status).toBe(400);
    expect(await textOf(response)).toContain("Say why the pitch is hidden (kept in the audit log).");
    expect(snapshot(c.eventId)).toEqual(before);
  });

  it("does not let attendees or visitors hide, unhide or merge (403, nothing changes)", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const a = await pitch(c, ann, "A");
    const b = await pitch(c, ann, "B");
    const before = snapshot(c.eventId);
    const attempts: Array<Record<string, string>> = [
      { intent: "hide-pitch", pitchId: a, reason: "mine" },
      { intent: "unhide-pitch", pitchId: a },
      { intent: "merge-pitches", fromId: a, intoId: b },
    ];
    for (const who of [ann.client, new HttpClient(server.url)]) {
      for (const fields of attempts) {
        const response = await who.post(`/e/${c.slug}/admin`, fields);
        expect(response.status, fields.intent).toBe(403);
        expect(await textOf(response)).toContain("Only organisers can do this.");
      }
    }
    expect(snapshot(c.eventId)).toEqual(before);
  });
});

// ---------------------------------------------------------------- XSS

describe("markup in pitches", () => {
  it("shows a script title and hostile Markdown as inert text on every page", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const id = await pitch(c, ann, "<script>alert(1)</script>", {
      description: [
        "[x](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(2)">raw link</a>',
        "[safe](https://example.org)",
      ].join("\n\n"),
    });
    const pages = {
      attendee: await eventPage(c, ann.client),
      visitor: await eventPage(c, new HttpClient(server.url)),
      organiser: await eventPage(c, c.organiser),
      admin: await (await c.organiser.get(`/e/${c.slug}/admin`)).text(),
      edit: await (await ann.client.get(`/e/${c.slug}/pitch/${id}`)).text(),
    };
    for (const [name, html] of Object.entries(pages)) {
      expect(html, name).not.toMatch(/<script[^>]*>\s*alert/i);
      expect(html, name).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
      expect(html, name).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
      expect(html, name).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
    const prose = pages.attendee.match(/<div class="prose">(.*?)<\/div>/s)?.[1] ?? "";
    expect(prose).not.toContain("<img");
    expect(prose).toContain('<a href="https://example.org">safe</a>');
    expect(pages.attendee).toMatch(
      new RegExp(`<h3 id="pitch-${id}-title">&lt;script&gt;alert\\(1\\)&lt;/script&gt;</h3>`),
    );
    expect(pitchRow(id)?.title).toBe("<script>alert(1)</script>");
  });
});
