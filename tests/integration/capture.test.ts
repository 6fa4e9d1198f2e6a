import { setTimeout as sleep } from "node:timers/promises";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Ack, ItemView, JoinedEvent } from "../../app/realtime/contract";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";
import { type TestSocket, connectSocket, nextEvent, record } from "../helpers/socket";
import { decodeTurboStream } from "../helpers/singleFetch";

/**
 * Live capture against the real production build: the session page's HTTP
 * commands (the `.data` answers a browser with JavaScript reads, and plain
 * form posts), the socket commands "session:watch" and "item:add", the pushes
 * to a session's room, the attribution rule (consent, Chatham House), locking,
 * moderation, and what the database holds afterwards (read through a
 * read-only connection of our own).
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

/** HTML with React's entity escapes and text separators undone, to match text as people read it. */
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

interface Camp {
  organiser: HttpClient;
  slug: string;
  eventId: string;
}

let campCount = 0;
async function camp(): Promise<Camp> {
  campCount++;
  const { organiser, slug } = await createEvent(server.url, { name: `Capture Camp ${campCount}` });
  return { organiser, slug, eventId: db.eventBySlug(slug).id };
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

let pitchCount = 0;
/** Pitches a session and returns its id (the session page is /e/<slug>/s/<id>). */
async function pitch(c: Camp, who: Person, title = `Session ${++pitchCount}`): Promise<string> {
  const response = await who.client.post(`/e/${c.slug}/pitch?index`, {
    title,
    description: "",
    tags: "",
    clientId: `pitch-${process.pid}-${++pitchCount}`,
  });
  const id = response.headers.get("location")?.match(/#pitch-([\w-]+)$/)?.[1];
  if (response.status !== 302 || !id) throw new Error(`pitching answered ${response.status}`);
  return id;
}

let itemCount = 0;
/** A client-made item id, as the outbox makes them. */
const newItemId = () => `item-${process.pid}-${++itemCount}-${Math.random().toString(36).slice(2, 8)}`;

interface Answer {
  status: number;
  data: { intent: string; notice?: string; error?: string };
}

/** A session command the way the page's fetchers send it (single fetch): the action's data comes back. */
async function command(c: Camp, who: HttpClient, pitchId: string, fields: Record<string, string>): Promise<Answer> {
  const response = await who.post(`/e/${c.slug}/s/${pitchId}.data`, fields);
  const decoded = decodeTurboStream(await response.text()) as { data?: Answer["data"] };
  if (!decoded.data) throw new Error(`no action data in the answer: ${JSON.stringify(decoded)}`);
  // A refused "add" also echoes the typed fields (`values`) for pages without JavaScript;
  // that echo is asserted in the no-JavaScript test, so it is set aside here.
  const { values: _values, ...data } = decoded.data as Answer["data"] & { values?: unknown };
  return { status: response.status, data };
}

/** Adds an item over HTTP (a note unless `fields` says otherwise) and returns its id. */
async function add(c: Camp, who: Person, pitchId: string, fields: Record<string, string> = {}): Promise<string> {
  const id = fields.id ?? newItemId();
  const answer = await command(c, who.client, pitchId, { intent: "add", kind: "note", text: "A note", id, ...fields });
  expect(answer, "adding an item").toEqual({
    status: 200,
    data: { intent: "add", notice: "Added.", error: undefined },
  });
  return id;
}

interface ItemRow {
  id: string;
  event_id: string;
  pitch_id: string;
  author_id: string | null;
  kind: string;
  text: string;
  blocker: string | null;
  impact: string | null;
  helped: string | null;
  said_by: string | null;
  said_by_consent: number;
  hidden: number;
  updated_at: string | null;
}

function itemRow(id: string): ItemRow | undefined {
  return db.get<ItemRow>("select * from captured_items where id = ?", id);
}

function itemRows(pitchId: string): ItemRow[] {
  return db.all<ItemRow>("select * from captured_items where pitch_id = ? order by rowid", pitchId);
}

function pitchFlags(pitchId: string) {
  return db.get<{ chatham_house: number; notes_locked: number; status: string }>(
    "select chatham_house, notes_locked, status from pitches where id = ?",
    pitchId,
  );
}

/** The audit trail of an event after its creation. */
function auditOf(eventId: string) {
  return db.all<{ actor: string; action: string; target_id: string | null; detail: string | null }>(
    "select actor, action, target_id, detail from audit_log where event_id = ? and action not in ('event.create', 'attendee.join') order by id",
    eventId,
  );
}

async function sessionHtml(c: Camp, who: HttpClient, pitchId: string): Promise<string> {
  const response = await who.get(`/e/${c.slug}/s/${pitchId}`);
  expect(response.status, "session page").toBe(200);
  return response.text();
}

interface ShownItem {
  kind: string;
  /** The item's markup as served (not decoded). */
  html: string;
  /** What a person reads. */
  text: string;
}

/** The items in the "Captured notes" list of a session page, in order. */
function itemsOn(html: string): ShownItem[] {
  const list = html.match(/<ul class="items"[^>]*>(.*)<\/ul><\/section>/s)?.[1];
  if (list === undefined) throw new Error("no Captured notes list on the page");
  return [...list.matchAll(/<li class="item item-(\w+)[^"]*">(.*?)<\/li>/gs)].map((m) => ({
    kind: m[1] as string,
    html: m[2] as string,
    text: decode((m[2] as string).replaceAll("<!-- -->", "").replace(/<[^>]+>/g, " ")).replace(/\s+/g, " "),
  }));
}

async function itemsShown(c: Camp, who: HttpClient, pitchId: string): Promise<ShownItem[]> {
  return itemsOn(await sessionHtml(c, who, pitchId));
}

interface StorySection {
  pitchId: string;
  html: string;
  text: string;
}

/** The sections of /e/<slug>/stories, one per session, in order. */
async function storiesShown(c: Camp, who: HttpClient): Promise<StorySection[]> {
  const response = await who.get(`/e/${c.slug}/stories`);
  expect(response.status, "stories page").toBe(200);
  const html = await response.text();
  return [...html.matchAll(/<section[^>]*aria-labelledby="stories-([\w-]+)"[^>]*>(.*?)<\/section>/gs)].map((m) => ({
    pitchId: m[1] as string,
    html: m[2] as string,
    text: decode((m[2] as string).replaceAll("<!-- -->", "").replace(/<[^>]+>/g, " ")).replace(/\s+/g, " "),
  }));
}

async function connect(who?: HttpClient): Promise<TestSocket> {
  const socket = await connectSocket(server.url, who);
  sockets.push(socket);
  return socket;
}

/** A socket that joined the event (as whoever `who`'s cookies say). */
async function follow(c: Camp, who?: HttpClient): Promise<TestSocket> {
  const socket = await connect(who);
  const ack: Ack<JoinedEvent> = await socket.timeout(3000).emitWithAck("event:join", { slug: c.slug });
  expect(ack).toMatchObject({ ok: true, eventId: c.eventId });
  return socket;
}

function watch(socket: TestSocket, pitchId: string): Promise<Ack<{ viewers: number }>> {
  return socket.timeout(3000).emitWithAck("session:watch", { pitchId });
}

/** A socket that joined the event and watches one session. */
async function watcher(c: Camp, pitchId: string, who?: HttpClient): Promise<TestSocket> {
  const socket = await follow(c, who);
  expect(await watch(socket, pitchId)).toMatchObject({ ok: true });
  return socket;
}

function socketAdd(socket: TestSocket, payload: unknown): Promise<Ack<{ item: ItemView; duplicate: boolean }>> {
  return (socket as unknown as Socket).timeout(3000).emitWithAck("item:add", payload) as Promise<
    Ack<{ item: ItemView; duplicate: boolean }>
  >;
}

/** Long enough for a push that was going to arrive to have arrived. */
const settle = () => sleep(300);

const LOCKED = "The notes of this session are locked. Ask an organiser to unlock them.";
const TAKEN = "That item id is already taken. Reload the page and add it again.";
const NO_SESSION = "There is no such session in this event.";
const ORGANISERS_ONLY = "Only organisers can do this. Open the organiser link to become one.";

// ---------------------------------------------------------------- idempotent retries

describe("retries", () => {
  it("stores an item sent twice over the socket once; the second ack says duplicate and nothing is pushed again", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);
    const viewer = await watcher(c, session);
    const pushes = record(viewer, "item:upserted");
    const socket = await follow(c, ann.client);
    const id = newItemId();
    const payload = { id, pitchId: session, kind: "note", text: "Ship *small* changes" };

    const first = await socketAdd(socket, payload);
    expect(first).toMatchObject({ ok: true, duplicate: false, item: { id, kind: "note", edited: false } });
    // A retry after a lost ack, even with other text, returns what was stored.
    const second = await socketAdd(socket, { ...payload, text: "Changed on retry" });
    expect(second).toEqual({ ...first, duplicate: true });

    expect(itemRows(session)).toHaveLength(1);
    expect(itemRow(id)).toMatchObject({ pitch_id: session, author_id: ann.id, text: "Ship *small* changes" });
    await settle();
    pushes.stop();
    expect(pushes.seen.map(([update]) => update.item.id)).toEqual([id]);
  });

  it("stores an item posted twice over HTTP once", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);
    const id = await add(c, ann, session, { text: "First try" });
    await add(c, ann, session, { id, text: "First try" });
    expect(itemRows(session).map((r) => [r.id, r.text])).toEqual([[id, "First try"]]);
    expect(itemsOn(await sessionHtml(c, ann.client, session))).toHaveLength(1);
  });

  it("stores five identical adds sent at once one time, over HTTP and over the socket", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);

    const overHttp = newItemId();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        command(c, ann.client, session, { intent: "add", id: overHttp, kind: "tip", text: "Pair on it" }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);

    const socket = await follow(c, ann.client);
    const overSocket = newItemId();
    const acks = await Promise.all(
      Array.from({ length: 5 }, () =>
        socketAdd(socket, { id: overSocket, pitchId: session, kind: "tip", text: "Write it down" }),
      ),
    );
    expect(acks.every((a) => a.ok)).toBe(true);
    expect(acks.filter((a) => a.ok && !a.duplicate)).toHaveLength(1);

    expect(itemRows(session).map((r) => r.id)).toEqual([overHttp, overSocket]);
  });

  it("refuses another attendee's item id (409) and changes nothing, over HTTP and over the socket", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const session = await pitch(c, ann);
    const other = await pitch(c, ann);
    const id = await add(c, ann, session, { text: "Ann's words" });
    const viewer = await watcher(c, session);
    const pushes = record(viewer, "item:upserted");
    const socket = await follow(c, bob.client);
    const before = db.snapshot();

    expect(await command(c, bob.client, session, { intent: "add", id, kind: "note", text: "Bob's words" })).toEqual({
      status: 409,
      data: { intent: "add", notice: undefined, error: TAKEN },
    });
    expect(await socketAdd(socket, { id, pitchId: session, kind: "note", text: "Bob's words" })).toEqual({
      ok: false,
      error: TAKEN,
    });
    // Ann's own id cannot move her item to another session either.
    expect((await command(c, ann.client, other, { intent: "add", id, kind: "note", text: "Moved" })).status).toBe(409);

    expect(db.snapshot()).toEqual(before);
    expect(itemRow(id)).toMatchObject({ author_id: ann.id, text: "Ann's words", pitch_id: session });
    await settle();
    expect(pushes.seen).toEqual([]);
  });
  it("after a merge, answers a retry of a stored item with a conflict (known bug, see the comment)", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const from = await pitch(c, ann);
    const into = await pitch(c, ann);
    const socket = await follow(c, ann.client);
    const payload = { id: newItemId(), pitchId: from, kind: "note", text: "Sent before the merge" };
    expect(await socketAdd(socket, payload)).toMatchObject({ ok: true, duplicate: false });
    const merged = await c.organiser.post(`/e/${c.slug}/admin`, {
      intent: "merge-pitches",
      fromId: from,
      intoId: into,
    });
    expect(merged.status).toBe(200);
    expect(itemRow(payload.id)?.pitch_id).toBe(into);

    // The ack of the first send was lost; the outbox sends the same item again.
    // The item moved into the merged session: the retry is recognised, not refused.
    expect(await socketAdd(socket, payload)).toMatchObject({ ok: true, duplicate: true });
    expect(itemRows(into).map((r) => r.id)).toEqual([payload.id]);
  });
});

// ---------------------------------------------------------------- live

describe("live items", () => {
  it("pushes a new item to another client watching the session within a second", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const session = await pitch(c, ann);
    const bobs = await watcher(c, session, bob.client);

    // Over the socket.
    const annSocket = await follow(c, ann.client);
    const id = newItemId();
    const arrived = nextEvent(bobs, "item:upserted", (u) => u.item.id === id, 1000);
    const sent = performance.now();
    const ack = await socketAdd(annSocket, {
      id,
      pitchId: session,
      kind: "quote",
      text: "Done is better than perfect",
      saidBy: "Dana",
      saidByConsent: true,
    });
    const [update] = await arrived;
    expect(performance.now() - sent).toBeLessThan(1000);
    expect(ack).toMatchObject({ ok: true, duplicate: false });
    expect(update).toEqual({ pitchId: session, item: ack.ok ? ack.item : null });
    expect(update.item).toMatchObject({
      id,
      kind: "quote",
      textHtml: "<p>Done is better than perfect</p>",
      speaker: "Dana",
      edited: false,
    });

    // Over HTTP (a form post from a browser without JavaScript) too.
    const second = newItemId();
    const alsoArrived = nextEvent(bobs, "item:upserted", (u) => u.item.id === second, 1000);
    await add(c, ann, session, { id: second, kind: "action", text: "Book a room" });
    expect((await alsoArrived)[0].item).toMatchObject({ id: second, kind: "action", speaker: null });
  });

  it("pushes nothing to a socket watching another session, or only following the event", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);
    const other = await pitch(c, ann);
    const elsewhere = await watcher(c, other);
    const eventOnly = await follow(c);
    const seen = [
      record(elsewhere, "item:upserted"),
      record(elsewhere, "item:removed"),
      record(eventOnly, "item:upserted"),
      record(eventOnly, "item:removed"),
    ];
    const here = await watcher(c, session);
    const id = newItemId();
    const arrived = nextEvent(here, "item:upserted", (u) => u.item.id === id);
    await add(c, ann, session, { id });
    await arrived;
    const removed = nextEvent(here, "item:removed", (u) => u.itemId === id);
    expect((await command(c, ann.client, session, { intent: "delete", id })).status).toBe(200);
    await removed;
    await settle();
    for (const r of seen) r.stop();
    expect(seen.map((r) => r.seen)).toEqual([[], [], [], []]);
  });

  it("refuses session:watch to a socket that has not joined the event, or joined another one", async () => {
    const c = await camp();
    const other = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);

    const stranger = await connect(ann.client);
    expect(await watch(stranger, session)).toEqual({ ok: false, error: "Join the event (event:join) first." });
    const outsider = await follow(other);
    expect(await watch(outsider, session)).toEqual({ ok: false, error: NO_SESSION });

    // Neither was let into the room: an item pushed now reaches neither.
    const pushes = [record(stranger, "item:upserted"), record(outsider, "item:upserted")];
    await add(c, ann, session);
    await settle();
    expect(pushes.map((r) => r.seen)).toEqual([[], []]);
  });

  it("counts the viewers of a session up and down as sockets watch, move and disconnect", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);
    const other = await pitch(c, ann);
    const presence = (socket: TestSocket, viewers: number, pitchId = session) =>
      nextEvent(socket, "session:presence", (u) => u.pitchId === pitchId && u.viewers === viewers);

    const first = await follow(c, ann.client);
    expect(await watch(first, session)).toEqual({
      ok: true,
      viewers: 1,
      chathamHouse: false,
      notesLocked: false,
      stamp: "0:811c9dc5",
      photoStamp: "0:811c9dc5",
    });
    const second = await follow(c);
    const two = presence(first, 2);
    expect(await watch(second, session)).toMatchObject({ ok: true, viewers: 2 });
    await two;
    const third = await follow(c);
    const three = presence(first, 3);
    expect(await watch(third, session)).toMatchObject({ ok: true, viewers: 3 });
    await three;

    // Watching another session leaves this one.
    const backToTwo = presence(first, 2);
    expect(await watch(third, other)).toMatchObject({ ok: true, viewers: 1 });
    await backToTwo;

    // Joining the event again (what a reconnecting page does) leaves the session until it watches again.
    const observer = await follow(c);
    expect(await watch(observer, other)).toMatchObject({ ok: true, viewers: 2 });
    const otherDown = presence(observer, 1, other);
    expect(await third.timeout(3000).emitWithAck("event:join", { slug: c.slug })).toMatchObject({ ok: true });
    await otherDown;

    // A disconnect counts too.
    const one = presence(first, 1);
    second.disconnect();
    await one;
    // The count a newcomer gets reflects all of that.
    const newcomer = await follow(c);
    expect(await watch(newcomer, session)).toMatchObject({ ok: true, viewers: 2 });
  });
});

// ---------------------------------------------------------------- attribution

describe("consent and the Chatham House rule", () => {
  const SPEAKER = "Zelda Quux-Unlikely";

  it("never shows or pushes a speaker who did not agree to be named; the raw name reaches no other viewer", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const session = await pitch(c, ann);
    const bobs = await watcher(c, session, bob.client);
    const annSocket = await follow(c, ann.client);

    const overSocket = newItemId();
    const pushed = nextEvent(bobs, "item:upserted", (u) => u.item.id === overSocket, 1000);
    const ack = await socketAdd(annSocket, {
      id: overSocket,
      pitchId: session,
      kind: "quote",
      text: "Measure first",
      saidBy: SPEAKER,
      saidByConsent: false,
    });
    expect(ack).toMatchObject({ ok: true, item: { speaker: null } });
    const [update] = await pushed;
    expect(update.item.speaker).toBeNull();
    expect(JSON.stringify(update)).not.toContain(SPEAKER);

    // A form post without the checkbox: no consent either.
    const overHttp = await add(c, ann, session, { kind: "tip", text: "Ask early", saidBy: SPEAKER });
    expect(itemRow(overHttp)).toMatchObject({ said_by: SPEAKER, said_by_consent: 0 });

    for (const [who, client] of [
      ["another attendee", bob.client],
      ["the organiser", c.organiser],
      ["a visitor", new HttpClient(server.url)],
    ] as const) {
      const html = await sessionHtml(c, client, session);
      expect(html, who).not.toContain(SPEAKER);
      expect(decode(html), who).not.toContain(SPEAKER);
      expect(
        itemsOn(html).map((i) => i.text.includes("Said by")),
        who,
      ).toEqual([false, false]);
    }
    // The note-taker's own page shows no speaker either (the name only sits in her edit form's data).
    expect(itemsOn(await sessionHtml(c, ann.client, session)).map((i) => i.text.includes("Said by"))).toEqual([
      false,
      false,
    ]);
    const stories = await storiesShown(c, bob.client);
    expect(stories.map((s) => s.html).join("")).not.toContain(SPEAKER);
  });

  it("shows and pushes the speaker who agreed to be named", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const session = await pitch(c, ann);
    const bobs = await watcher(c, session, bob.client);
    const id = newItemId();
    const pushed = nextEvent(bobs, "item:upserted", (u) => u.item.id === id, 1000);
    await add(c, ann, session, { id, kind: "quote", text: "Measure first", saidBy: SPEAKER, saidByConsent: "on" });
    expect((await pushed)[0].item.speaker).toBe(SPEAKER);
    expect(itemRow(id)).toMatchObject({ said_by: SPEAKER, said_by_consent: 1 });
    const [shown] = await itemsShown(c, bob.client, session);
    expect(shown?.text).toContain(`Said by ${SPEAKER}`);
  });

  it("hides every speaker on the session page, in pushes and on the stories page once the organiser turns it on", async () => {
    const c = await camp();
    const ann = await attendee(c, "Ann Pitcher");
    const bob = await attendee(c);
    const session = await pitch(c, ann);
    await add(c, ann, session, { kind: "tip", text: "Timebox it", saidBy: SPEAKER, saidByConsent: "on" });
    await add(c, ann, session, {
      kind: "blocker",
      text: "",
      blocker: "Flaky CI",
      impact: "Lost days",
      helped: "Quarantine",
      saidBy: "Yuri Consenting",
      saidByConsent: "on",
    });
    expect((await itemsShown(c, bob.client, session)).map((i) => i.text.includes("Said by"))).toEqual([true, true]);
    let story = (await storiesShown(c, bob.client)).find((s) => s.pitchId === session);
    expect(story?.text).toContain(`(${SPEAKER})`);
    expect(story?.text).toContain("Told by Yuri Consenting");

    const follower = await watcher(c, session, bob.client);
    const changed = nextEvent(follower, "session:state", (e) => e.pitchId === session && e.chathamHouse);
    expect(await command(c, c.organiser, session, { intent: "chatham", on: "true" })).toMatchObject({ status: 200 });
    await changed;
    expect(pitchFlags(session)?.chatham_house).toBe(1);
    expect(auditOf(c.eventId).filter((a) => a.action.startsWith("chatham"))).toEqual([
      { actor: "organiser", action: "chatham.on", target_id: session, detail: null },
    ]);

    for (const client of [bob.client, c.organiser, ann.client, new HttpClient(server.url)]) {
      const html = await sessionHtml(c, client, session);
      expect(itemsOn(html).map((i) => i.text.includes("Said by"))).toEqual([false, false]);
      if (client !== ann.client) {
        expect(html).not.toContain(SPEAKER);
        expect(html).not.toContain("Yuri Consenting");
      }
      const stories = (await storiesShown(c, client)).map((s) => s.html).join("");
      expect(stories).not.toContain(SPEAKER);
      expect(stories).not.toContain("Yuri Consenting");
      expect(stories).toContain("Timebox it");
    }
    expect(decode(await sessionHtml(c, bob.client, session))).toContain("Chatham House rule: no names");

    // A new item with consent is pushed without its speaker.
    const bobs = await watcher(c, session, bob.client);
    const id = newItemId();
    const pushed = nextEvent(bobs, "item:upserted", (u) => u.item.id === id, 1000);
    await add(c, ann, session, { id, kind: "quote", text: "Quiet please", saidBy: SPEAKER, saidByConsent: "on" });
    expect((await pushed)[0].item.speaker).toBeNull();

    // Turned off again, the consented names come back.
    expect((await command(c, c.organiser, session, { intent: "chatham", on: "false" })).status).toBe(200);
    expect(pitchFlags(session)?.chatham_house).toBe(0);
    story = (await storiesShown(c, bob.client)).find((s) => s.pitchId === session);
    expect(story?.text).toContain(`(${SPEAKER})`);
  });

  it("lets the pitcher turn it on, but not another attendee or a visitor (403, nothing changes)", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const session = await pitch(c, ann);

    const before = db.snapshot();
    for (const client of [bob.client, new HttpClient(server.url)]) {
      expect(await command(c, client, session, { intent: "chatham", on: "true" })).toEqual({
        status: 403,
        data: {
          intent: "chatham",
          notice: undefined,
          error: "Only organisers and the person who pitched this session can change this.",
        },
      });
    }
    expect(db.snapshot()).toEqual(before);
    expect(pitchFlags(session)?.chatham_house).toBe(0);
    // Only those who may change it get the checkbox.
    expect(decode(await sessionHtml(c, bob.client, session))).not.toContain("Chatham House rule");
    expect(decode(await sessionHtml(c, ann.client, session))).toContain("Chatham House rule");

    expect((await command(c, ann.client, session, { intent: "chatham", on: "true" })).status).toBe(200);
    expect(pitchFlags(session)?.chatham_house).toBe(1);
    expect(auditOf(c.eventId).filter((a) => a.action.startsWith("chatham"))).toEqual([
      { actor: "attendee", action: "chatham.on", target_id: session, detail: null },
    ]);
  });
});

// ---------------------------------------------------------------- locking

describe("locking", () => {
  it("refuses add, edit and delete with a clear message while locked, and adds again once unlocked", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);
    const mine = await add(c, ann, session, { text: "Before the lock" });
    const socket = await follow(c, ann.client);
    expect(await sessionHtml(c, ann.client, session)).toMatch(/name="intent" value="add"/);

    expect(await command(c, c.organiser, session, { intent: "lock" })).toMatchObject({ status: 200 });
    expect(pitchFlags(session)?.notes_locked).toBe(1);
    expect(auditOf(c.eventId).map((a) => [a.action, a.target_id])).toEqual([["notes.lock", session]]);
    const page = decode(await sessionHtml(c, ann.client, session));
    expect(page).toContain("The notes of this session are locked: they can be read but not changed.");
    expect(page).not.toMatch(/name="intent" value="add"/);

    const before = db.snapshot();
    const refused = { status: 403, data: { notice: undefined, error: LOCKED } };
    expect(await command(c, ann.client, session, { intent: "add", id: newItemId(), kind: "note", text: "x" })).toEqual({
      ...refused,
      data: { intent: "add", ...refused.data },
    });
    expect(
      await command(c, ann.client, session, { intent: "edit", id: mine, kind: "note", text: "Rewritten" }),
    ).toEqual({ ...refused, data: { intent: "edit", ...refused.data } });
    expect(await command(c, ann.client, session, { intent: "delete", id: mine })).toEqual({
      ...refused,
      data: { intent: "delete", ...refused.data },
    });
    expect(await socketAdd(socket, { id: newItemId(), pitchId: session, kind: "note", text: "x" })).toEqual({
      ok: false,
      error: LOCKED,
    });
    // A form post without JavaScript shows the message on the page.
    const form = await ann.client.post(`/e/${c.slug}/s/${session}`, {
      intent: "add",
      id: newItemId(),
      kind: "note",
      text: "x",
    });
    expect(form.status).toBe(403);
    expect(decode(await form.text())).toContain(LOCKED);
    expect(db.snapshot()).toEqual(before);
    // A retry of an item stored before the lock is still acknowledged (its ack was lost, not the item).
    expect(
      await socketAdd(socket, { id: mine, pitchId: session, kind: "note", text: "Before the lock" }),
    ).toMatchObject({ ok: true, duplicate: true });

    expect(await command(c, c.organiser, session, { intent: "unlock" })).toMatchObject({ status: 200 });
    expect(pitchFlags(session)?.notes_locked).toBe(0);
    const after = await add(c, ann, session, { text: "After the lock" });
    expect(itemRows(session).map((r) => r.id)).toEqual([mine, after]);
  });

  it("does not let attendees or visitors lock or unlock (403)", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);
    const before = db.snapshot();
    for (const client of [ann.client, new HttpClient(server.url)]) {
      for (const intent of ["lock", "unlock"]) {
        expect(await command(c, client, session, { intent })).toEqual({
          status: 403,
          data: { intent, notice: undefined, error: ORGANISERS_ONLY },
        });
      }
    }
    expect(db.snapshot()).toEqual(before);
  });
});

// ---------------------------------------------------------------- authorisation and validation

describe("authorisation and validation", () => {
  it("lets authors edit and delete their own items, pushing the change", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);
    const id = await add(c, ann, session, { text: "Frist draft" });
    const viewer = await watcher(c, session);

    const edited = nextEvent(viewer, "item:upserted", (u) => u.item.id === id);
    expect(await command(c, ann.client, session, { intent: "edit", id, kind: "note", text: "First draft" })).toEqual({
      status: 200,
      data: { intent: "edit", notice: undefined, error: undefined },
    });
    expect((await edited)[0].item).toMatchObject({ textHtml: "<p>First draft</p>", edited: true });
    expect(itemRow(id)).toMatchObject({ text: "First draft" });
    expect(itemRow(id)?.updated_at).not.toBeNull();

    const removed = nextEvent(viewer, "item:removed", (u) => u.itemId === id);
    expect((await command(c, ann.client, session, { intent: "delete", id })).status).toBe(200);
    expect((await removed)[0]).toEqual({ pitchId: session, itemId: id });
    expect(itemRow(id)).toBeUndefined();
  });

  it("refuses to edit or delete another attendee's item, and hiding by anyone but an organiser (403)", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const session = await pitch(c, ann);
    const id = await add(c, ann, session, { text: "Ann's note" });
    const before = db.snapshot();

    const notYours = "Only the person who wrote an item can change it.";
    expect(await command(c, bob.client, session, { intent: "edit", id, kind: "note", text: "Bob was here" })).toEqual({
      status: 403,
      data: { intent: "edit", notice: undefined, error: notYours },
    });
    expect(await command(c, bob.client, session, { intent: "delete", id })).toEqual({
      status: 403,
      data: { intent: "delete", notice: undefined, error: notYours },
    });
    for (const client of [bob.client, ann.client, new HttpClient(server.url)]) {
      expect(await command(c, client, session, { intent: "hide", id })).toEqual({
        status: 403,
        data: { intent: "hide", notice: undefined, error: ORGANISERS_ONLY },
      });
    }
    // A visitor who has not joined cannot add.
    expect(
      await command(c, new HttpClient(server.url), session, {
        intent: "add",
        id: newItemId(),
        kind: "note",
        text: "x",
      }),
    ).toMatchObject({ status: 403, data: { error: "Join the event first: enter your name (or leave it blank)." } });
    expect(db.snapshot()).toEqual(before);
  });

  it("answers 404 for a session of another event, and for a hidden or withdrawn session", async () => {
    const c = await camp();
    const other = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);
    const foreign = await pitch(other, await attendee(other));
    const hidden = await pitch(c, ann, "Hidden one");
    const withdrawn = await pitch(c, ann, "Withdrawn one");
    const mine = await add(c, ann, hidden, { text: "Before hiding" });
    expect(
      (await c.organiser.post(`/e/${c.slug}/admin`, { intent: "hide-pitch", pitchId: hidden, reason: "Spam" })).status,
    ).toBe(200);
    expect((await ann.client.post(`/e/${c.slug}?index`, { intent: "withdraw", pitchId: withdrawn })).status).toBe(200);
    expect(pitchFlags(hidden)?.status).toBe("hidden");
    expect(pitchFlags(withdrawn)?.status).toBe("withdrawn");
    const socket = await follow(c, ann.client);

    const before = db.snapshot();
    for (const pitchId of [foreign, hidden, withdrawn]) {
      expect(
        await command(c, ann.client, pitchId, { intent: "add", id: newItemId(), kind: "note", text: "x" }),
        pitchId,
      ).toEqual({ status: 404, data: { intent: "add", notice: undefined, error: NO_SESSION } });
      expect(await socketAdd(socket, { id: newItemId(), pitchId, kind: "note", text: "x" })).toEqual({
        ok: false,
        error: NO_SESSION,
      });
      expect(await watch(socket, pitchId)).toEqual({ ok: false, error: NO_SESSION });
      expect((await ann.client.get(`/e/${c.slug}/s/${pitchId}`)).status).toBe(404);
    }
    for (const intent of ["chatham", "lock"]) {
      const who = intent === "lock" ? c.organiser : ann.client;
      expect((await command(c, who, hidden, { intent, on: "true" })).status).toBe(404);
    }
    // An item of a hidden session cannot be edited any more either.
    expect((await command(c, ann.client, session, { intent: "edit", id: mine, kind: "note", text: "y" })).status).toBe(
      404,
    );
    expect(db.snapshot()).toEqual(before);
  });

  it.each([
    ["an unknown kind", { kind: "rant", text: "x" }, "Choose a kind: Note, Tip, Blocker story, Quote or Action."],
    ["no kind", { text: "x" }, "Choose a kind: Note, Tip, Blocker story, Quote or Action."],
    ["text over 4,000 characters", { kind: "note", text: "t".repeat(4001) }, "Text can be at most 4000 characters."],
    ["an empty note", { kind: "note", text: "" }, "Type the text first."],
    ["a blank note", { kind: "note", text: "   \n " }, "Type the text first."],
    [
      "a blocker story without its blocker",
      { kind: "blocker", text: "Context", blocker: " " },
      "Say what the blocker was.",
    ],
    [
      "a 2,001-character blocker",
      { kind: "blocker", blocker: "b".repeat(2001) },
      "Blocker can be at most 2000 characters.",
    ],
    [
      "an 81-character speaker",
      { kind: "note", text: "x", saidBy: "s".repeat(81) },
      "Said by can be at most 80 characters.",
    ],
    ["a short id", { id: "abc", kind: "note", text: "x" }, "The item id is not valid."],
    ["an id with odd characters", { id: "item id with spaces", kind: "note", text: "x" }, "The item id is not valid."],
    ["a 65-character id", { id: "i".repeat(65), kind: "note", text: "x" }, "The item id is not valid."],
    ["an unknown intent", { intent: "explode", kind: "note", text: "x" }, "Unknown action."],
  ])("refuses %s with 400 and its message, changing nothing", async (_label, fields, message) => {
    const c = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);
    const before = db.snapshot();
    const answer = await command(c, ann.client, session, { intent: "add", id: newItemId(), ...fields });
    expect(answer).toEqual({
      status: 400,
      data: { intent: (fields as Record<string, string>).intent ?? "add", notice: undefined, error: message },
    });
    expect(db.snapshot()).toEqual(before);
  });

  it("refuses the same mistakes in an edit and over the socket", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);
    const id = await add(c, ann, session, { text: "Kept" });
    const socket = await follow(c, ann.client);
    const before = db.snapshot();
    expect(await command(c, ann.client, session, { intent: "edit", id, kind: "note", text: "" })).toMatchObject({
      status: 400,
      data: { error: "Type the text first." },
    });
    expect(await command(c, ann.client, session, { intent: "edit", id, kind: "rant", text: "x" })).toMatchObject({
      status: 400,
    });
    expect(await command(c, ann.client, session, { intent: "delete", id: "../../etc" })).toMatchObject({
      status: 400,
      data: { error: "The item id is not valid." },
    });
    expect(await socketAdd(socket, { id: "bad id!", pitchId: session, kind: "note", text: "x" })).toEqual({
      ok: false,
      error: "The item id is not valid.",
    });
    expect(await socketAdd(socket, { id: newItemId(), pitchId: session, kind: "note", text: "" })).toEqual({
      ok: false,
      error: "Type the text first.",
    });
    expect(
      await socketAdd(socket, { id: newItemId(), pitchId: session, kind: "note", text: "t".repeat(4001) }),
    ).toEqual({ ok: false, error: "Text can be at most 4000 characters." });
    expect(await socketAdd(socket, "not an object")).toMatchObject({ ok: false });
    expect(db.snapshot()).toEqual(before);
  });

  it("accepts exactly 4,000 characters of text, and a blocker story with only its blocker", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);
    const long = await add(c, ann, session, { text: "t".repeat(4000) });
    const story = await add(c, ann, session, { kind: "blocker", text: "", blocker: "No test data" });
    expect(itemRow(long)?.text).toHaveLength(4000);
    expect(itemRow(story)).toMatchObject({ kind: "blocker", text: "", blocker: "No test data", impact: "" });
  });
});

// ---------------------------------------------------------------- moderation

describe("hiding an item", () => {
  it("removes it from the page, the stories and every watcher's list, and records it in the audit log", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const session = await pitch(c, ann);
    await add(c, ann, session, { kind: "tip", text: "Keep this tip" });
    const id = await add(c, ann, session, { kind: "tip", text: "Rude remark" });
    const bobs = await watcher(c, session, bob.client);
    expect((await storiesShown(c, bob.client))[0]?.text).toContain("Rude remark");

    const removed = nextEvent(bobs, "item:removed", (u) => u.itemId === id, 1000);
    expect(await command(c, c.organiser, session, { intent: "hide", id })).toEqual({
      status: 200,
      data: { intent: "hide", notice: undefined, error: undefined },
    });
    expect((await removed)[0]).toEqual({ pitchId: session, itemId: id });
    expect(itemRow(id)).toMatchObject({ hidden: 1, text: "Rude remark" });
    expect(auditOf(c.eventId)).toEqual([
      { actor: "organiser", action: "item.hide", target_id: id, detail: JSON.stringify({ kind: "tip" }) },
    ]);

    for (const client of [bob.client, ann.client, c.organiser]) {
      const shown = await itemsShown(c, client, session);
      expect(shown.map((i) => i.text)).toEqual([expect.stringContaining("Keep this tip")]);
      const stories = (await storiesShown(c, client)).map((s) => s.text).join(" ");
      expect(stories).toContain("Keep this tip");
      expect(stories).not.toContain("Rude remark");
    }

    // Gone for its author too, and hiding twice finds nothing.
    const before = db.snapshot();
    expect((await command(c, ann.client, session, { intent: "edit", id, kind: "tip", text: "Sorry" })).status).toBe(
      404,
    );
    expect((await command(c, c.organiser, session, { intent: "hide", id })).status).toBe(404);
    expect(db.snapshot()).toEqual(before);
  });
  it("does not bring back a hidden item when its author's outbox retries it", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);
    const socket = await follow(c, ann.client);
    const payload = { id: newItemId(), pitchId: session, kind: "note", text: "Rude remark" };
    expect(await socketAdd(socket, payload)).toMatchObject({ ok: true, duplicate: false });
    expect((await command(c, c.organiser, session, { intent: "hide", id: payload.id })).status).toBe(200);
    const viewer = await watcher(c, session);
    const pushes = record(viewer, "item:upserted");
    const before = db.snapshot();

    expect(await socketAdd(socket, payload)).toMatchObject({ ok: true, duplicate: true });
    await add(c, ann, session, { id: payload.id, text: "Rude remark" });
    expect(db.snapshot()).toEqual(before);
    expect(itemRow(payload.id)?.hidden).toBe(1);
    expect(await itemsShown(c, ann.client, session)).toEqual([]);
    await settle();
    expect(pushes.seen).toEqual([]);
  });
});

// ---------------------------------------------------------------- markup

describe("markup in items", () => {
  it("renders a hostile note as inert text on the session page and in the push", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const session = await pitch(c, ann);
    const bobs = await watcher(c, session, bob.client);
    const hostile = "<script>window.x=1</script> [a](javascript:alert(1)) <img src=x onerror=alert(1)>";
    const id = newItemId();
    const pushed = nextEvent(bobs, "item:upserted", (u) => u.item.id === id);
    await add(c, ann, session, { id, text: hostile, saidBy: '<b onmouseover="alert(3)">Eve</b>', saidByConsent: "on" });
    expect(itemRow(id)?.text).toBe(hostile);

    const [update] = await pushed;
    expect(update.item.textHtml).not.toMatch(/<script|javascript:|onerror|<img/i);

    for (const [who, client] of [
      ["another attendee", bob.client],
      ["the author", ann.client],
      ["a visitor", new HttpClient(server.url)],
    ] as const) {
      const html = await sessionHtml(c, client, session);
      expect(html, who).not.toMatch(/<script[^>]*>\s*window\.x/i);
      expect(html, who).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
      expect(html, who).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
      expect(html, who).not.toMatch(/<img/i);
      const [shown] = itemsOn(html);
      expect(shown?.html, who).not.toMatch(/onerror|javascript:|<script/i);
      // The speaker's name is text, not markup.
      expect(shown?.html, who).toContain("&lt;b onmouseover=");
      if (client !== ann.client) expect(html, who).not.toContain("onerror");
    }
  });
});

// ---------------------------------------------------------------- stories

describe("the stories page", () => {
  it("lists tips and blocker stories grouped by session, and nothing else", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const bob = await attendee(c);
    const zeta = await pitch(c, ann, "Zeta session");
    const alpha = await pitch(c, ann, "Alpha session");
    const quiet = await pitch(c, ann, "Only notes");
    await add(c, ann, zeta, { kind: "tip", text: "Zeta tip" });
    await add(c, bob, alpha, {
      kind: "blocker",
      text: "",
      blocker: "Alpha blocker",
      impact: "Alpha impact",
      helped: "Alpha helped",
    });
    await add(c, ann, alpha, { kind: "tip", text: "Alpha tip" });
    await add(c, ann, alpha, { kind: "note", text: "Alpha note" });
    await add(c, ann, alpha, { kind: "quote", text: "Alpha quote" });
    await add(c, ann, alpha, { kind: "action", text: "Alpha action" });
    await add(c, ann, quiet, { kind: "note", text: "Quiet note" });

    for (const client of [bob.client, new HttpClient(server.url)]) {
      const sections = await storiesShown(c, client);
      expect(sections.map((s) => s.pitchId)).toEqual([alpha, zeta]);
      const [a, z] = sections;
      expect(a?.html).toContain(`href="/e/${c.slug}/s/${alpha}"`);
      expect(a?.text).toContain("Alpha session");
      expect(a?.text).toMatch(/Blocker stories Blocker Alpha blocker Impact Alpha impact What helped Alpha helped/);
      expect(a?.text).toMatch(/Tips Alpha tip/);
      for (const absent of ["Alpha note", "Alpha quote", "Alpha action", "Zeta tip"]) {
        expect(a?.text).not.toContain(absent);
      }
      expect(z?.text).toContain("Zeta session");
      expect(z?.text).toContain("Zeta tip");
      expect(z?.text).not.toContain("Blocker stories");
    }
  });
});

// ---------------------------------------------------------------- without JavaScript

describe("the capture form without JavaScript", () => {
  it("adds a note from a plain form post and shows it on the page that comes back", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);
    const html = await sessionHtml(c, ann.client, session);
    const fallbackId = html.match(/<input type="hidden" name="id" value="([\w-]+)"/)?.[1];
    expect(fallbackId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    const fields = { intent: "add", id: fallbackId ?? "", pitchId: session, kind: "note", text: "Posted *plainly*" };
    const response = await ann.client.post(`/e/${c.slug}/s/${session}`, fields);
    expect(response.status).toBe(200);
    expect(itemsOn(await response.text()).map((i) => i.html)).toEqual([
      expect.stringContaining("<p>Posted <em>plainly</em></p>"),
    ]);
    // The browser's "resend the form" stores nothing twice.
    expect((await ann.client.post(`/e/${c.slug}/s/${session}`, fields)).status).toBe(200);
    expect(itemRows(session)).toHaveLength(1);
  });

  it("has gaps a note-taker without JavaScript runs into (known bugs, see the comments)", async () => {
    const c = await camp();
    const ann = await attendee(c);
    const session = await pitch(c, ann);
    const html = await sessionHtml(c, ann.client, session);
    expect(html).toContain('name="kind" value="blocker"');
    // The blocker story fields are in the server-rendered form (CSS shows them for that kind).
    expect(html).toContain('name="blocker"');

    // A refused post comes back with the message and what was typed (DESIGN.md section 4).
    const refused = await ann.client.post(`/e/${c.slug}/s/${session}`, {
      intent: "add",
      id: newItemId(),
      kind: "note",
      text: "Three paragraphs of careful notes",
      saidBy: "s".repeat(81),
    });
    expect(refused.status).toBe(400);
    const page = decode(await refused.text());
    expect(page).toContain("Said by can be at most 80 characters.");
    expect(page).toContain("Three paragraphs of careful notes");
  });
});
