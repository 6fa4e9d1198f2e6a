import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BURST_MIN_ATTENDEES } from "../../app/domain/bursts";
import { NAVIGATIONS_PER_WINDOW } from "../../app/realtime/hub.server";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestSocket, connectSocket, nextEvent, record } from "../helpers/socket";
import { type TestServer, startServer } from "../helpers/server";
import { decodeHtml } from "./support";

/**
 * Issue 10: the rate limit on session:watch (hole 10), "__proto__" keys in
 * socket payloads, and the organiser's view of a suspicious burst of votes
 * with "Remove these votes" (hole 3, second half).
 */

let server: TestServer;
let db: DbProbe;

beforeAll(async () => {
  server = await startServer();
  db = openDbProbe(server.dbPath);
}, 60_000);

afterAll(async () => {
  db?.close();
  await server?.stop();
});

type Ack = { ok: boolean; error?: string; viewers?: number };
const send = (socket: TestSocket, event: string, payload: unknown) =>
  (socket as unknown as { timeout(ms: number): { emitWithAck(e: string, p: unknown): Promise<Ack> } })
    .timeout(15_000)
    .emitWithAck(event, payload);

async function pitch(client: HttpClient, slug: string, title: string): Promise<string> {
  const response = await client.post(`/e/${slug}/pitch?index`, { title, description: "", tags: "" });
  expect(response.status).toBe(302);
  const row = db.get<{ id: string }>("select id from pitches where title = ?", title);
  return row?.id ?? "";
}

describe("session:watch is rate limited per connection (hole 10)", () => {
  it(`answers ${NAVIGATIONS_PER_WINDOW} joins and watches in a burst, then refuses with "Slow down"; watchers hear no storm`, async () => {
    const { slug } = await createEvent(server.url, { name: "Watch Camp" });
    const ann = await joinAs(server.url, slug, "Ann");
    const talk = await pitch(ann, slug, "Watched talk");
    const other = await pitch(ann, slug, "Other talk");
    const watcher = await connectSocket(server.url, ann);
    expect(await send(watcher, "event:join", { slug })).toMatchObject({ ok: true });
    expect(await send(watcher, "session:watch", { pitchId: talk })).toMatchObject({ ok: true });
    const heard = record(watcher, "session:presence");

    const storm = await connectSocket(server.url);
    const answers: Ack[] = [];
    answers.push(await send(storm, "event:join", { slug }));
    for (let i = 0; i < 3 * NAVIGATIONS_PER_WINDOW; i++) {
      answers.push(await send(storm, "session:watch", { pitchId: i % 2 ? talk : other }));
    }
    const accepted = answers.filter((a) => a.ok).length;
    const refused = answers.filter((a) => !a.ok);
    console.info(
      `session:watch storm: ${accepted} accepted, ${refused.length} refused, the watcher heard ${heard.seen.length} presence messages`,
    );
    expect(accepted).toBeLessThanOrEqual(NAVIGATIONS_PER_WINDOW);
    expect(refused.length).toBeGreaterThanOrEqual(2 * NAVIGATIONS_PER_WINDOW);
    expect(refused[0]?.error).toMatch(/^Slow down: too many page changes on this connection\. Try again in \d+ s\.$/);
    // Each accepted watch moves the storm socket in or out of the watched session: at most one message each.
    expect(heard.seen.length).toBeLessThanOrEqual(NAVIGATIONS_PER_WINDOW + 1);
    // Another connection is not affected.
    const fresh = await connectSocket(server.url);
    expect(await send(fresh, "event:join", { slug })).toMatchObject({ ok: true });
    expect(await send(fresh, "session:watch", { pitchId: talk })).toMatchObject({ ok: true });
    for (const s of [watcher, storm, fresh]) s.disconnect();
    expect(server.errors).toEqual([]);
  });
});

describe("__proto__ keys in socket payloads", () => {
  it("item:add with its fields hidden under __proto__ is refused and writes nothing", async () => {
    const { slug } = await createEvent(server.url, { name: "Proto Camp" });
    const ann = await joinAs(server.url, slug, "Ann");
    const talk = await pitch(ann, slug, "Proto talk");
    const socket = await connectSocket(server.url, ann);
    expect(await send(socket, "event:join", { slug })).toMatchObject({ ok: true });
    const eventId = db.eventBySlug(slug).id;
    const before = db.count("captured_items", eventId);
    const hidden = JSON.parse(
      `{"__proto__": {"id": "proto-note-0001", "pitchId": "${talk}", "kind": "note", "text": "Hidden"}}`,
    );
    expect(await send(socket, "item:add", hidden)).toMatchObject({ ok: false });
    const beside = JSON.parse(
      `{"id": "proto-note-0002", "pitchId": "${talk}", "kind": "note", "text": "Beside", "__proto__": {"isOrganiser": true}}`,
    );
    expect(await send(socket, "item:add", beside)).toEqual({
      ok: false,
      error: "That request is not valid: a field may not be called __proto__.",
    });
    expect(db.count("captured_items", eventId)).toBe(before);
    // The same socket still works.
    expect(
      await send(socket, "item:add", { id: "proto-note-0003", pitchId: talk, kind: "note", text: "Plain" }),
    ).toMatchObject({ ok: true });
    socket.disconnect();
    expect(server.errors).toEqual([]);
  });
});

describe("suspicious bursts of votes (hole 3)", () => {
  it("shows organisers a burst of new attendees from one network and their votes; Remove these votes takes them away, audited and pushed", async () => {
    const { organiser, slug } = await createEvent(server.url, { name: "Burst Camp" });
    const eventId = db.eventBySlug(slug).id;
    const admin = (fields: Record<string, string>) => organiser.post(`/e/${slug}/admin`, fields);
    expect((await admin({ intent: "open-voting" })).status).toBe(200);
    const ann = await joinAs(server.url, slug, "Ann");
    const stuffed = await pitch(ann, slug, "Stuffed talk");
    const honest = await pitch(ann, slug, "Honest talk");
    // Ann's vote is hers, made before the burst: it stays.
    expect((await ann.post(`/e/${slug}?index`, { intent: "vote", pitchId: honest, vote: "true" })).status).toBe(200);

    // Nothing yet: one attendee is no burst.
    expect(decodeHtml(await (await organiser.get(`/e/${slug}/admin`)).text())).toContain("No bursts seen.");

    const count = BURST_MIN_ATTENDEES + 2;
    for (let i = 0; i < count; i++) {
      const bot = new HttpClient(server.url);
      expect((await bot.post(`/e/${slug}?index`, { intent: "join", name: "" })).status).toBe(302);
      expect((await bot.post(`/e/${slug}?index`, { intent: "vote", pitchId: stuffed, vote: "true" })).status).toBe(200);
      if (i % 3 === 0) {
        expect((await bot.post(`/e/${slug}?index`, { intent: "vote", pitchId: honest, vote: "true" })).status).toBe(
          200,
        );
      }
    }
    const votesOf = (pitchId: string) =>
      db.get<{ n: number }>("select count(*) as n from votes where pitch_id = ?", pitchId)?.n ?? -1;
    expect(votesOf(stuffed)).toBe(count);
    const honestBefore = votesOf(honest);

    // Only organisers see the panel.
    expect((await ann.get(`/e/${slug}/admin`)).status).toBe(403);
    const page = decodeHtml(await (await organiser.get(`/e/${slug}/admin`)).text());
    expect(page).toContain("Suspicious bursts of votes");
    expect(page).toContain(`${count + 1} attendees joined from one network`);
    expect(page).toMatch(/Stuffed talk <span class="muted">\(12 votes\)<\/span>/);
    const burstId = page.match(/name="burstId" value="([^"]+)"/)?.[1] ?? "";
    expect(burstId).not.toBe("");

    // An attendee cannot remove votes, even with the burst's id.
    expect((await ann.post(`/e/${slug}/admin`, { intent: "remove-burst", burstId })).status).toBe(403);
    expect(votesOf(stuffed)).toBe(count);

    // The organiser removes them: the event's pages hear the new tallies as a patch.
    const watcher = await connectSocket(server.url, organiser);
    expect(await send(watcher, "event:join", { slug })).toMatchObject({ ok: true });
    const patched = nextEvent(watcher, "event:patch", (p) => p.patch.tallies !== undefined, 10_000);
    const removed = await admin({ intent: "remove-burst", burstId });
    expect(removed.status).toBe(200);
    const [{ patch }] = await patched;
    expect(patch.tallies?.[stuffed] ?? 0).toBe(0);
    watcher.disconnect();
    // Ann joined from the same address just before the burst, so she is part of it: her vote goes too.
    expect(votesOf(stuffed)).toBe(0);
    expect(votesOf(honest)).toBe(honestBefore - Math.ceil(count / 3) - 1);
    const audit = db.get<{ detail: string }>(
      "select detail from audit_log where event_id = ? and action = 'votes.remove-burst'",
      eventId,
    );
    expect(JSON.parse(audit?.detail ?? "{}")).toMatchObject({
      attendees: count + 1,
      votes: count + Math.ceil(count / 3) + 1,
    });
    // The address itself is stored nowhere.
    const joins = db.all<{ detail: string }>(
      "select detail from audit_log where action = 'attendee.join' and event_id = ?",
      eventId,
    );
    expect(joins).toHaveLength(count + 1);
    for (const row of joins) expect(row.detail).not.toContain("127.0.0.1");

    // Gone from the panel.
    expect(decodeHtml(await (await organiser.get(`/e/${slug}/admin`)).text())).toContain("No bursts seen.");
    expect(server.errors).toEqual([]);
  });
});
