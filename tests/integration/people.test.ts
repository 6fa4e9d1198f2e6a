import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Ack, JoinedEvent } from "../../app/realtime/contract";
import type { EventSnapshot } from "../../app/realtime/facts";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { type HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";
import { type TestSocket, connectSocket, nextEvent } from "../helpers/socket";
import { decodeHtml, htmlOf } from "./support";

/**
 * The people side of a schedule (issue 13, items 1, 6 and 7) against the real
 * production build: co-hosts (invite, answer on one's own phone, clashes,
 * editing, exports), "I'm going" (one per slot, caps, the waiting list, live
 * counts, capacity, My sessions) and subscribable calendars (tokens, ETag,
 * renewal, private events). Each refusal is checked to have written nothing.
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

interface Camp {
  organiser: HttpClient;
  slug: string;
  eventId: string;
}

interface Person {
  client: HttpClient;
  id: string;
  name: string;
}

let count = 0;
const uid = () => `${process.pid}-${++count}`;

async function camp(fields: Record<string, string> = {}): Promise<Camp> {
  const { organiser, slug } = await createEvent(server.url, { name: `People Camp ${uid()}`, ...fields });
  return { organiser, slug, eventId: db.eventBySlug(slug).id };
}

async function person(c: Camp, name: string, nameInWriteups = false): Promise<Person> {
  const client = await joinAs(server.url, c.slug, name, nameInWriteups);
  const row = db.get<{ id: string }>(
    "select id from attendees where event_id = ? and name = ? order by created_at desc",
    c.eventId,
    name,
  );
  if (!row) throw new Error(`no attendee ${name}`);
  return { client, id: row.id, name };
}

async function admin(c: Camp, fields: Record<string, string>): Promise<void> {
  const response = await c.organiser.post(`/e/${c.slug}/admin`, fields);
  expect(response.status, `admin ${fields.intent}`).toBe(200);
}

async function room(c: Camp, name: string, capacity = 50): Promise<string> {
  await admin(c, { intent: "add-room", name, capacity: String(capacity) });
  return (
    db.get<{ id: string }>("select id from rooms where event_id = ? and name = ?", c.eventId, name) as {
      id: string;
    }
  ).id;
}

async function slot(c: Camp, starts: string, ends: string): Promise<string> {
  await admin(c, { intent: "add-slot", starts, ends });
  return (
    db.get<{ id: string }>(
      "select id from time_slots where event_id = ? and substr(local_start, 12) = ?",
      c.eventId,
      starts,
    ) as { id: string }
  ).id;
}

async function pitch(c: Camp, who: Person, title: string): Promise<string> {
  const response = await who.client.post(`/e/${c.slug}/pitch?index`, {
    title,
    description: "",
    tags: "",
    clientId: `people-${uid()}`,
  });
  expect(response.status, `pitching ${title}`).toBe(302);
  return response.headers.get("location")?.match(/#pitch-([\w-]+)$/)?.[1] as string;
}

async function place(c: Camp, pitchId: string, roomId: string, slotId: string): Promise<void> {
  const response = await c.organiser.post(`/e/${c.slug}/grid`, { intent: "place", pitchId, roomId, slotId });
  expect(response.status, "placing").toBe(200);
}

async function state(who: HttpClient, c: Camp): Promise<EventSnapshot> {
  const response = await who.get(`/e/${c.slug}/state.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as EventSnapshot;
}

async function joinedSocket(c: Camp, who: HttpClient): Promise<TestSocket> {
  const socket = await connectSocket(server.url, who);
  sockets.push(socket);
  const ack = (await socket.timeout(5000).emitWithAck("event:join", { slug: c.slug })) as Ack<JoinedEvent>;
  expect(ack.ok).toBe(true);
  return socket;
}

function alertOf(html: string): string | undefined {
  return html.match(/role="alert">(.*?)<\/p>/s)?.[1];
}

/** Posts as a browser without JavaScript would and answers the status and the page's alert. */
async function post(who: HttpClient, path: string, fields: Record<string, string>) {
  const response = await who.post(path, fields);
  const html = decodeHtml(await response.text());
  return { status: response.status, alert: alertOf(html), html };
}

const invite = (c: Camp, pitcher: Person, pitchId: string, attendeeId: string) =>
  post(pitcher.client, `/e/${c.slug}/pitch/${pitchId}`, { intent: "invite-cohost", attendeeId });
const answer = (c: Camp, who: Person, pitchId: string, choice: "accept" | "decline") =>
  post(who.client, `/e/${c.slug}/me`, { intent: "cohost", pitchId, choice });
const going = (c: Camp, who: Person, pitchId: string, wanted: boolean) =>
  post(who.client, `/e/${c.slug}/s/${pitchId}`, { intent: "going", going: String(wanted) });
const cap = (c: Camp, who: HttpClient, pitchId: string, value: string) =>
  post(who, `/e/${c.slug}/s/${pitchId}`, { intent: "going-cap", cap: value });

function marks(pitchId: string): Array<{ attendee_id: string; status: string }> {
  return db.all("select attendee_id, status from going where pitch_id = ? order by created_at", pitchId);
}

// ---------------------------------------------------------------- co-hosts

describe("co-hosts", () => {
  it("are invited by the pitcher, confirmed by themselves, then shown, pushed and allowed to edit", async () => {
    const c = await camp();
    const asha = await person(c, "Asha");
    const ben = await person(c, "Ben");
    const cai = await person(c, "Cai");
    const p = await pitch(c, asha, "Open data");
    const benSocket = await joinedSocket(c, ben.client);
    const watcher = await joinedSocket(c, cai.client);

    const invited = nextEvent(benSocket, "cohost:invitations", (u) => u.count === 1);
    const sent = await invite(c, asha, p, ben.id);
    expect(sent.status).toBe(200);
    await invited;
    // Nothing public before the answer: no fact, no name, the version did not move.
    const before = await state(cai.client, c);
    expect(before.facts.pitches.find((x) => x.id === p)?.coHostNames).toEqual([]);
    expect((await state(ben.client, c)).personal.invitations).toBe(1);
    expect(await (await ben.client.get(`/e/${c.slug}/pitch/${p}`)).text()).not.toContain("Save changes");
    const meHtml = await htmlOf(await ben.client.get(`/e/${c.slug}/me`));
    expect(meHtml).toContain("Co-host invitations");
    expect(meHtml).toContain("Accept co-hosting Open data");

    const patched = nextEvent(watcher, "event:patch", (push) =>
      Boolean(push.patch.pitches?.some((x) => x.id === p && x.coHostNames.includes("Ben"))),
    );
    const accepted = await answer(c, ben, p, "accept");
    expect(accepted.status).toBe(200);
    await patched;
    const after = await state(cai.client, c);
    expect(after.facts.pitches.find((x) => x.id === p)?.coHostNames).toEqual(["Ben"]);
    expect(after.facts.version).toBe(before.facts.version + 1);
    expect((await state(ben.client, c)).personal).toMatchObject({ invitations: 0, coHosting: [p] });
    expect(await htmlOf(await cai.client.get(`/e/${c.slug}`))).toContain("Pitched by Asha, with Ben");

    // The co-host edits the pitch; a stranger may not.
    const edit = await ben.client.post(`/e/${c.slug}/pitch/${p}`, { title: "Open data, together", tags: "" });
    expect(edit.status).toBe(302);
    expect(db.get<{ title: string }>("select title from pitches where id = ?", p)?.title).toBe("Open data, together");
    expect((await cai.client.get(`/e/${c.slug}/pitch/${p}`)).status).toBe(403);
    const refused = await cai.client.post(`/e/${c.slug}/pitch/${p}`, { title: "Hijacked", tags: "" });
    expect(refused.status).toBe(403);
    expect(db.get<{ title: string }>("select title from pitches where id = ?", p)?.title).toBe("Open data, together");

    // Only the pitcher picks co-hosts; the co-host steps down with Decline, which leaves every page.
    expect((await invite(c, ben, p, cai.id)).status).toBe(403);
    const stepDown = nextEvent(watcher, "event:patch", (push) =>
      Boolean(push.patch.pitches?.some((x) => x.id === p && x.coHostNames.length === 0)),
    );
    expect((await answer(c, ben, p, "decline")).status).toBe(200);
    await stepDown;
    expect((await ben.client.post(`/e/${c.slug}/pitch/${p}`, { title: "Again", tags: "" })).status).toBe(403);
  });

  it("refuses a forged id, another event's attendee, the pitcher and a repeat, writing nothing", async () => {
    const c = await camp();
    const other = await camp();
    const asha = await person(c, "Asha");
    const ben = await person(c, "Ben");
    const stranger = await person(other, "Stranger");
    const p = await pitch(c, asha, "Consent by design");
    await invite(c, asha, p, ben.id);
    const before = db.snapshot();
    for (const attendeeId of ["forged-id-123456", stranger.id]) {
      const refused = await invite(c, asha, p, attendeeId);
      expect(refused.status).toBe(400);
      expect(refused.alert).toContain("has not joined this event");
    }
    expect((await invite(c, asha, p, asha.id)).alert).toContain("you host it already");
    expect((await invite(c, asha, p, ben.id)).alert).toContain("invited already");
    // Nobody answers an invitation that is not theirs.
    const notMine = await answer(c, asha, p, "accept");
    expect(notMine.status).toBe(404);
    expect(db.snapshot()).toEqual(before);
  });

  it("count for host clashes in the grid, and exports name each by their own choice", async () => {
    const c = await camp();
    const asha = await person(c, "Asha", true);
    const ben = await person(c, "Ben", false);
    const dee = await person(c, "Dee", true);
    const a = await pitch(c, asha, "Alpha");
    const b = await pitch(c, ben, "Beta");
    const r1 = await room(c, "Main");
    const r2 = await room(c, "Side");
    const s1 = await slot(c, "10:00", "11:00");
    await place(c, a, r1, s1);
    await place(c, b, r2, s1);
    expect((await state(c.organiser, c)).facts.conflicts.map((x) => x.kind)).not.toContain("pitcher-clash");
    await invite(c, asha, a, ben.id);
    await invite(c, asha, a, dee.id);
    // Invited is not a host yet.
    expect((await state(c.organiser, c)).facts.conflicts.map((x) => x.kind)).not.toContain("pitcher-clash");
    await answer(c, ben, a, "accept");
    await answer(c, dee, a, "accept");
    const conflicts = (await state(c.organiser, c)).facts.conflicts;
    expect(conflicts).toContainEqual(expect.objectContaining({ kind: "pitcher-clash", pitchIds: [a, b] }));

    const xml = await (await c.organiser.get(`/e/${c.slug}/schedule.xml`)).text();
    expect(xml).toContain("<person>Asha</person>");
    expect(xml).toContain("<person>Dee</person>");
    // Ben did not choose "Name me in write-ups": no export names him, though he co-hosts.
    for (const file of ["schedule.xml", "schedule.json", "schedule.ics", "export.md"]) {
      expect(await (await c.organiser.get(`/e/${c.slug}/${file}`)).text(), file).not.toContain("Ben");
    }
    const json = JSON.parse(await (await c.organiser.get(`/e/${c.slug}/schedule.json`)).text());
    const talks = JSON.stringify(json);
    expect(talks).toContain('"name":"Dee"');
  });
});

// ---------------------------------------------------------------- I'm going

describe("I'm going", () => {
  async function grid() {
    const c = await camp();
    const host = await person(c, "Host");
    const r1 = await room(c, "Main", 2);
    const r2 = await room(c, "Side", 50);
    const s1 = await slot(c, "10:00", "11:00");
    const s2 = await slot(c, "11:00", "12:00");
    const a = await pitch(c, host, "Alpha");
    const b = await pitch(c, host, "Beta");
    const d = await pitch(c, host, "Delta");
    const unplaced = await pitch(c, host, "Later");
    await place(c, a, r1, s1);
    await place(c, b, r2, s1);
    await place(c, d, r2, s2);
    return { c, host, a, b, d, unplaced, r1, r2, s1, s2 };
  }

  it("keeps one session per slot and sends counts live to everyone", async () => {
    const { c, a, b, d } = await grid();
    const ann = await person(c, "Ann");
    const watcher = await joinedSocket(c, (await person(c, "Watcher")).client);
    const counted = nextEvent(watcher, "going:counts", (u) => u.counts[a]?.going === 1);
    const first = await going(c, ann, a, true);
    expect(first.status).toBe(200);
    await counted;
    await going(c, ann, d, true);
    // Beta is at the same time as Alpha: the mark moves there, and both counts go out.
    const moved = nextEvent(watcher, "going:counts", (u) => u.counts[a]?.going === 0 || u.counts[b]?.going === 1);
    await going(c, ann, b, true);
    await moved;
    expect(marks(a)).toEqual([]);
    expect(marks(b)).toEqual([{ attendee_id: ann.id, status: "going" }]);
    expect(marks(d)).toEqual([{ attendee_id: ann.id, status: "going" }]);
    const snap = await state(ann.client, c);
    expect(snap.going[b]).toEqual({ going: 1, waiting: 0 });
    expect(snap.personal.myGoing.map((m) => m.pitchId).sort()).toEqual([b, d].sort());
    // Marking again changes nothing; unmarking removes.
    await going(c, ann, b, true);
    expect(marks(b)).toHaveLength(1);
    await going(c, ann, b, false);
    expect(marks(b)).toEqual([]);
  });

  it("caps a session, queues the rest and moves the first waiting up by push when someone leaves", async () => {
    const { c, a } = await grid();
    const ann = await person(c, "Ann");
    const bob = await person(c, "Bob");
    const cy = await person(c, "Cy");
    expect((await cap(c, c.organiser, a, "1")).status).toBe(200);
    expect(db.get<{ going_cap: number }>("select going_cap from pitches where id = ?", a)?.going_cap).toBe(1);
    await going(c, ann, a, true);
    await going(c, bob, a, true);
    await going(c, cy, a, true);
    expect(marks(a).map((m) => m.status)).toEqual(["going", "waiting", "waiting"]);
    const bobSocket = await joinedSocket(c, bob.client);
    const promoted = nextEvent(bobSocket, "going:mine", (u) =>
      u.marks.some((m) => m.pitchId === a && m.status === "going"),
    );
    await going(c, ann, a, false);
    await promoted;
    expect(marks(a)).toEqual([
      { attendee_id: bob.id, status: "going" },
      { attendee_id: cy.id, status: "waiting" },
    ]);
    // A higher cap (or none) moves people up too.
    await cap(c, c.organiser, a, "");
    expect(marks(a).map((m) => m.status)).toEqual(["going", "going"]);
  });

  it("refuses a cap under the going-count, unplaced sessions, strangers and non-organisers, writing nothing", async () => {
    const { c, a, unplaced } = await grid();
    const ann = await person(c, "Ann");
    const bob = await person(c, "Bob");
    await going(c, ann, a, true);
    await going(c, bob, a, true);
    const other = await camp();
    const outsider = await person(other, "Outsider");
    const before = db.snapshot();
    const low = await cap(c, c.organiser, a, "1");
    expect(low.status).toBe(409);
    expect(low.alert).toContain("2 people are already going, so the cap cannot be below 2");
    expect((await cap(c, c.organiser, a, "0")).status).toBe(400);
    expect((await cap(c, c.organiser, a, "lots")).status).toBe(400);
    expect((await cap(c, ann.client, a, "5")).status).toBe(403);
    const notPlaced = await going(c, ann, unplaced, true);
    expect(notPlaced.status).toBe(409);
    expect(notPlaced.alert).toContain("is not scheduled yet");
    expect((await going(c, outsider, a, true)).status).toBe(403);
    expect((await going(c, ann, "no-such-pitch", true)).status).toBe(404);
    expect(db.snapshot()).toEqual(before);
  });

  it("works over the socket too, and capacity conflicts follow going-counts once any exist", async () => {
    const { c, a, host } = await grid();
    // Main seats 2; three votes for Alpha make it over capacity by votes.
    await admin(c, { intent: "open-voting" });
    const voters = [await person(c, "V1"), await person(c, "V2"), await person(c, "V3")];
    for (const v of voters) await v.client.post(`/e/${c.slug}?index`, { intent: "vote", pitchId: a, vote: "true" });
    await expect
      .poll(async () => (await state(c.organiser, c)).facts.conflicts.map((x) => x.kind))
      .toContain("over-capacity");
    expect((await state(c.organiser, c)).facts.conflicts.find((x) => x.kind === "over-capacity")?.message).toContain(
      "3 votes",
    );
    // One person going: 1 fits in 2 seats, so the conflict goes (checked again within about a second).
    const socket = await joinedSocket(c, host.client);
    const ack = (await socket.timeout(5000).emitWithAck("going:set", { pitchId: a, going: true })) as Ack<{
      status: string;
    }>;
    expect(ack).toMatchObject({ ok: true, status: "going" });
    await expect
      .poll(async () => (await state(c.organiser, c)).facts.conflicts.map((x) => x.kind), { timeout: 10_000 })
      .not.toContain("over-capacity");
    const bad = (await socket.timeout(5000).emitWithAck("going:set", { pitchId: a } as never)) as Ack;
    expect(bad.ok).toBe(false);
  });

  it("drives My sessions and my-sessions.ics, falling back to votes while nothing is marked", async () => {
    const { c, a, d } = await grid();
    await admin(c, { intent: "open-voting" });
    const ann = await person(c, "Ann");
    await ann.client.post(`/e/${c.slug}?index`, { intent: "vote", pitchId: a, vote: "true" });
    const byVotes = await (await ann.client.get(`/e/${c.slug}/my-sessions.ics`)).text();
    expect(byVotes).toContain("SUMMARY:Alpha");
    await going(c, ann, d, true);
    const byGoing = await (await ann.client.get(`/e/${c.slug}/my-sessions.ics`)).text();
    expect(byGoing).toContain("SUMMARY:Delta");
    expect(byGoing).not.toContain("SUMMARY:Alpha");
  });
});

// ---------------------------------------------------------------- calendars

describe("subscribable calendars", () => {
  async function linkOf(c: Camp, who: HttpClient, scope: "mine" | "event", intent = "make"): Promise<string> {
    const made = await who.post(`/e/${c.slug}/calendar?index`, { intent, scope });
    expect(made.status).toBe(200);
    const html = decodeHtml(await (await who.get(`/e/${c.slug}/calendar`)).text());
    const id = scope === "mine" ? "feed-mine-url" : "feed-event-url";
    const url = html.match(new RegExp(`id="${id}"[^>]*value="([^"]+)"`))?.[1];
    if (!url) throw new Error(`no ${scope} link on the page`);
    expect(html).toContain(url.replace(/^http:/, "webcal:"));
    return new URL(url).pathname;
  }

  it("serves my sessions from current data with an ETag, and a renewed link answers 410", async () => {
    const c = await camp();
    const host = await person(c, "Host");
    const ann = await person(c, "Ann");
    const r = await room(c, "Main");
    const s1 = await slot(c, "10:00", "11:00");
    const s2 = await slot(c, "11:00", "12:00");
    const a = await pitch(c, host, "Alpha");
    const b = await pitch(c, host, "Beta");
    await place(c, a, r, s1);
    await place(c, b, r, s2);
    await going(c, ann, a, true);
    const path = await linkOf(c, ann.client, "mine");
    expect(path).toMatch(/^\/e\/[^/]+\/calendar\/[A-Za-z0-9_-]{59}\.ics$/);

    // No cookie: the token is the key.
    const first = await fetch(new URL(path, server.url));
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toContain("text/calendar");
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^W\/"/);
    const body = await first.text();
    expect(body).toContain("SUMMARY:Alpha");
    expect(body).not.toContain("SUMMARY:Beta");
    const unchanged = await fetch(new URL(path, server.url), { headers: { "If-None-Match": etag } });
    expect(unchanged.status).toBe(304);

    // It follows every change.
    await going(c, ann, b, true);
    const changed = await fetch(new URL(path, server.url), { headers: { "If-None-Match": etag } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain("SUMMARY:Beta");

    const renewed = await linkOf(c, ann.client, "mine", "renew");
    expect(renewed).not.toBe(path);
    const old = await fetch(new URL(path, server.url));
    expect(old.status).toBe(410);
    expect(await old.text()).toContain("was renewed");
    expect((await fetch(new URL(renewed, server.url))).status).toBe(200);
  });

  it("refuses forged, damaged and other events' tokens with 404", async () => {
    const c = await camp();
    const other = await camp();
    const ann = await person(c, "Ann");
    const path = await linkOf(c, ann.client, "mine");
    const token = path.split("/").pop()?.replace(".ics", "") as string;
    const flipped = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    const forged = `${"x".repeat(16)}${token.slice(16)}`;
    for (const bad of [
      `/e/${c.slug}/calendar/${flipped}.ics`,
      `/e/${c.slug}/calendar/${forged}.ics`,
      `/e/${c.slug}/calendar/${token.slice(0, 30)}.ics`,
      `/e/${c.slug}/calendar/${token}.txt`,
      `/e/${other.slug}/calendar/${token}.ics`,
    ]) {
      const response = await fetch(new URL(bad, server.url));
      expect(response.status, bad).toBe(404);
      expect(await response.text()).toContain("There is no calendar at this link");
    }
    // Strangers cannot make links; the page asks them to join.
    const stranger = await createEvent(server.url);
    const refused = await stranger.organiser.post(`/e/${c.slug}/calendar?index`, { intent: "make", scope: "mine" });
    expect(refused.status).toBe(403);
    expect((await ann.client.post(`/e/${c.slug}/calendar?index`, { intent: "make", scope: "all" })).status).toBe(400);
  });

  it("opens a private event's schedule by its token alone", async () => {
    const c = await camp({ passcode: "letmein-please" });
    const member = c.organiser;
    // The organiser joins too, as an attendee, to own a link.
    const joined = await member.post(`/e/${c.slug}?index`, { intent: "join", name: "Org" });
    expect(joined.status).toBe(302);
    const r = await room(c, "Main");
    const s = await slot(c, "10:00", "11:00");
    const org = db.get<{ id: string }>("select id from attendees where event_id = ?", c.eventId) as { id: string };
    const p = await pitch(c, { client: member, id: org.id, name: "Org" }, "Secret session");
    await place(c, p, r, s);
    expect((await fetch(new URL(`/e/${c.slug}/schedule.ics`, server.url))).status).toBe(403);
    const path = await linkOf(c, member, "event");
    const feed = await fetch(new URL(path, server.url));
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain("SUMMARY:Secret session");
  });
});
