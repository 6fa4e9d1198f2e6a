import { setTimeout as sleep } from "node:timers/promises";
import { strFromU8, unzipSync } from "fflate";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Ack, ItemView, JoinedEvent } from "../../app/realtime/contract";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";
import { decodeTurboStream } from "../helpers/singleFetch";
import { type TestSocket, connectSocket, nextEvent, record } from "../helpers/socket";
import { decodeHtml } from "./support";

/**
 * Consent by the speaker (DESIGN.md section 3, "Attribution"; issue 11),
 * against the real production build. A captured item names its speaker only
 * when consent was given and the session is not under the Chatham House rule:
 * for a note linked to someone who joined ("Said by" picked from the
 * suggestions), consent is that person's own "Name me" on /e/<slug>/me; for a
 * name of someone not on Unconf, the note-taker's "They agreed to be named".
 *
 * Every path is checked on every surface that carries notes: the session
 * page, the item pushes, the stories page, the session's Markdown and HTML
 * exports and preview, the event's Markdown, zip, WXR and (for organisers)
 * JSON files. Then changing one's mind, who may decide (every role), bad
 * input, and the "Your mentions (N)" count pushed to the named person only.
 * What the database holds is read through a read-only connection of our own.
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

let campCount = 0;
async function camp(fields: { passcode?: string } = {}): Promise<Camp> {
  campCount++;
  const { organiser, slug } = await createEvent(server.url, { name: `Consent Camp ${campCount}`, ...fields });
  return { organiser, slug, eventId: db.eventBySlug(slug).id };
}

interface Person {
  client: HttpClient;
  id: string;
  name: string;
}

/** Joins as `name` (a fresh cookie jar); `client` may bring cookies already held (a passcode). */
async function attendee(c: Camp, name: string, client?: HttpClient): Promise<Person> {
  let who = client;
  if (who) {
    const response = await who.post(`/e/${c.slug}?index`, { intent: "join", name });
    if (response.status !== 302) throw new Error(`join answered ${response.status}`);
  } else {
    who = await joinAs(server.url, c.slug, name);
  }
  const id = db.get<{ id: string }>(
    "select id from attendees where event_id = ? and name = ? order by created_at desc",
    c.eventId,
    name,
  )?.id;
  if (!id) throw new Error(`attendee ${name} not in the database`);
  return { client: who, id, name };
}

let pitchCount = 0;
async function pitch(c: Camp, who: Person, title: string): Promise<string> {
  const response = await who.client.post(`/e/${c.slug}/pitch?index`, {
    title,
    description: "",
    tags: "",
    clientId: `consent-pitch-${process.pid}-${++pitchCount}`,
  });
  const id = response.headers.get("location")?.match(/#pitch-([\w-]+)$/)?.[1];
  if (response.status !== 302 || !id) throw new Error(`pitching answered ${response.status}`);
  return id;
}

let itemCount = 0;
/** A client-made item id, as the outbox makes them. */
const newItemId = () => `consent-${process.pid}-${++itemCount}-${Math.random().toString(36).slice(2, 8)}`;

interface Answer {
  status: number;
  data: { intent: string; notice?: string; error?: string };
}

/** A session command the way the page's fetchers send it (single fetch): the action's data comes back. */
async function command(c: Camp, who: HttpClient, pitchId: string, fields: Record<string, string>): Promise<Answer> {
  const response = await who.post(`/e/${c.slug}/s/${pitchId}.data`, fields);
  const decoded = decodeTurboStream(await response.text()) as { data?: Answer["data"] };
  if (!decoded.data) throw new Error(`no action data in the answer: ${JSON.stringify(decoded)}`);
  const { values: _values, ...data } = decoded.data as Answer["data"] & { values?: unknown };
  return { status: response.status, data };
}

/** Adds an item over HTTP (a tip unless `fields` says otherwise) and returns its id. */
async function add(c: Camp, who: Person, pitchId: string, fields: Record<string, string> = {}): Promise<string> {
  const id = fields.id ?? newItemId();
  const answer = await command(c, who.client, pitchId, { intent: "add", kind: "tip", text: "A tip", id, ...fields });
  expect(answer, "adding an item").toEqual({
    status: 200,
    data: { intent: "add", notice: "Added.", error: undefined },
  });
  return id;
}

/** Edits an item the way the item's edit form posts it (every field, mentionId included). */
async function edit(c: Camp, who: Person, pitchId: string, fields: Record<string, string>): Promise<Answer> {
  return command(c, who.client, pitchId, { intent: "edit", kind: "tip", ...fields });
}

interface ConsentAnswer {
  status: number;
  error: string | undefined;
}

/** "Name me" / "Keep me anonymous" the way the /me page's fetcher posts it. */
async function choose(c: Camp, who: HttpClient, id: string, choice: string, slug = c.slug): Promise<ConsentAnswer> {
  const response = await who.post(`/e/${slug}/me.data`, { id, choice });
  const body = await response.text();
  let decoded: { data?: { error?: string } } | undefined;
  try {
    decoded = decodeTurboStream(body) as { data?: { error?: string } };
  } catch {
    return { status: response.status, error: body };
  }
  return { status: response.status, error: decoded.data?.error };
}

interface ItemRow {
  id: string;
  event_id: string;
  pitch_id: string;
  author_id: string | null;
  text: string;
  said_by: string | null;
  said_by_consent: number;
  mention_id: string | null;
  mention_consent: string;
  hidden: number;
  updated_at: string | null;
}

function itemRow(id: string): ItemRow | undefined {
  return db.get<ItemRow>("select * from captured_items where id = ?", id);
}

async function page(who: HttpClient, path: string): Promise<string> {
  const response = await who.get(path);
  expect(response.status, path).toBe(200);
  return response.text();
}

/** The items in the "Captured notes" list of a session page: their markup and what a person reads. */
function itemsOn(html: string): Array<{ html: string; text: string }> {
  const list = html.match(/<ul class="items"[^>]*>(.*)<\/ul><\/section>/s)?.[1];
  if (list === undefined) throw new Error("no Captured notes list on the page");
  return [...list.matchAll(/<li class="item item-(\w+)[^"]*">(.*?)<\/li>/gs)].map((m) => ({
    html: m[2] as string,
    text: decodeHtml((m[2] as string).replace(/<[^>]+>/g, " ")).replace(/\s+/g, " "),
  }));
}

/** The "Said by" of the item whose text contains `text` on a session page, or null when it shows none. */
function saidByOn(html: string, text: string): string | null {
  const item = itemsOn(html).find((i) => i.text.includes(text));
  if (!item) throw new Error(`no item "${text}" on the page`);
  const line = item.html.match(/<p class="muted said-by">(.*?)<\/p>/s)?.[1] ?? "";
  const said = decodeHtml(line.replace(/<span>.*?<\/span>/gs, "").replace(/<[^>]+>/g, "")).trim();
  return said.startsWith("Said by ") ? said.slice("Said by ".length) : said === "" ? null : `?${said}`;
}

/** The mentions listed on /e/<slug>/me: item id and what the person reads. */
function mentionsOn(html: string): Array<{ id: string; text: string }> {
  return [...html.matchAll(/<article[^>]*aria-labelledby="mention-([\w-]+)"[^>]*>(.*?)<\/article>/gs)].map((m) => ({
    id: m[1] as string,
    text: decodeHtml((m[2] as string).replace(/<[^>]+>/g, " ")).replace(/\s+/g, " "),
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

async function watchStamp(socket: TestSocket, pitchId: string): Promise<string> {
  const ack = await socket.timeout(3000).emitWithAck("session:watch", { pitchId });
  if (!ack.ok) throw new Error(`session:watch refused: ${ack.error}`);
  return ack.stamp;
}

/** A socket that joined the event and watches one session. */
async function watcher(c: Camp, pitchId: string, who?: HttpClient): Promise<TestSocket> {
  const socket = await follow(c, who);
  await watchStamp(socket, pitchId);
  return socket;
}

function socketAdd(socket: TestSocket, payload: unknown): Promise<Ack<{ item: ItemView; duplicate: boolean }>> {
  return (socket as unknown as Socket).timeout(3000).emitWithAck("item:add", payload) as Promise<
    Ack<{ item: ItemView; duplicate: boolean }>
  >;
}

/** Long enough for a push that was going to arrive to have arrived. */
const settle = () => sleep(300);

/** Waits until `done()` holds, or fails after `ms`. */
async function until(done: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`still waiting after ${ms} ms`);
    await sleep(20);
  }
}

/** The mentions count a page of this person loads (the snapshot's personal part). */
async function mentionsInSnapshot(c: Camp, who: HttpClient): Promise<number> {
  const response = await who.get(`/e/${c.slug}/state.json`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { personal: { mentions: number } }).personal.mentions;
}

/**
 * Every public file and page that carries a session's notes, as text: the
 * session page, its Markdown and HTML exports and the preview page for each
 * session, the stories page, the event's Markdown and WXR, and every file of
 * the zip. Keys name the surface.
 */
async function publicSurfaces(c: Camp, as: HttpClient, pitchIds: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of pitchIds) {
    out[`session page ${id}`] = await page(as, `/e/${c.slug}/s/${id}`);
    out[`s/${id}/export.md`] = await page(as, `/e/${c.slug}/s/${id}/export.md`);
    out[`s/${id}/export.html`] = await page(as, `/e/${c.slug}/s/${id}/export.html`);
    out[`preview ${id}`] = await page(as, `/e/${c.slug}/s/${id}/export`);
  }
  out.stories = await page(as, `/e/${c.slug}/stories`);
  out["export.md"] = await page(as, `/e/${c.slug}/export.md`);
  out["export.wxr"] = await page(as, `/e/${c.slug}/export.wxr`);
  const zip = await as.get(`/e/${c.slug}/export.zip`);
  expect(zip.status).toBe(200);
  for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(await zip.arrayBuffer())))) {
    out[`export.zip/${name}`] = strFromU8(bytes);
  }
  return out;
}

/** The organiser's whole-event file. */
async function eventFile(c: Camp): Promise<{
  text: string;
  json: { sessions: Array<{ title: string; notes: Array<Record<string, unknown>> }> };
}> {
  const text = await page(c.organiser, `/e/${c.slug}/export.json`);
  return { text, json: JSON.parse(text) };
}

/** The names of the surfaces (of `surfaces`) whose text, raw or decoded, contains `needle`. */
function surfacesWith(surfaces: Record<string, string>, needle: string): string[] {
  return Object.entries(surfaces)
    .filter(([, text]) => text.includes(needle) || decodeHtml(text).includes(needle))
    .map(([name]) => name);
}

const NOT_YOURS = "Only the person named in a note can decide this.";
const JOIN_FIRST = "Join the event first: enter your name (or leave it blank).";
const GONE = "That note is not here any more.";
const NOT_IN_EVENT =
  "That person is not part of this event. Pick a name from the suggestions, or type a name without picking.";

// ---------------------------------------------------------------- every path, every surface

describe("every attribution path on every surface", () => {
  /**
   * Two sessions, one open and one under the Chatham House rule from the
   * start, each with five tips: (a) linked and confirmed, (b) linked and not
   * chosen yet, (c) linked and refused, (d) an unlinked name with the tick,
   * (e) an unlinked name without it. The note-taker ticks "They agreed to be
   * named" on (b) and (c): for a linked person that tick must count for nothing.
   */
  const NAMES = {
    open: {
      a: "Lina Confirmedspeaker",
      b: "Arlo Stillasked",
      c: "Rhea Refusedname",
      d: "Tomas Tickedbynotetaker",
      e: "Ulla Untickedname",
    },
    chatham: {
      a: "Cleo Chathamconfirmed",
      b: "Abe Chathamasked",
      c: "Ruth Chathamrefused",
      d: "Theo Chathamticked",
      e: "Una Chathamunticked",
    },
  } as const;
  type Path = keyof typeof NAMES.open;
  const PATHS: Path[] = ["a", "b", "c", "d", "e"];
  const textOf = (session: "open" | "chatham", path: Path) => `Tip ${session} path ${path.toUpperCase()} zq`;
  /** The only names any public surface may show. */
  const SHOWN = [NAMES.open.a, NAMES.open.d];
  const WITHHELD = [
    NAMES.open.b,
    NAMES.open.c,
    NAMES.open.e,
    ...Object.values(NAMES.chatham),
    // A linked item's name is the joined name; the labels the note-taker typed must not leak either.
    "lina-typed-label",
    "cleo-typed-label",
  ];

  let c: Camp;
  let nora: Person;
  let wanda: Person;
  let linked: Record<string, Person>;
  let sessions: { open: string; chatham: string };
  const itemIds: Record<string, string> = {};
  let pushes: Array<{ pitchId: string; item: ItemView }>;

  beforeAll(async () => {
    c = await camp();
    nora = await attendee(c, "Nora Notetaker");
    wanda = await attendee(c, "Wanda Watcher");
    linked = {};
    for (const session of ["open", "chatham"] as const) {
      for (const path of ["a", "b", "c"] as const) {
        const name = NAMES[session][path];
        linked[name] = await attendee(c, name);
      }
    }
    sessions = { open: await pitch(c, nora, "Open session zq"), chatham: await pitch(c, nora, "Off the record zq") };
    expect((await command(c, c.organiser, sessions.chatham, { intent: "chatham", on: "true" })).status).toBe(200);

    const watchOpen = await watcher(c, sessions.open, wanda.client);
    const watchChatham = await watcher(c, sessions.chatham, wanda.client);
    const seen = [record(watchOpen, "item:upserted"), record(watchChatham, "item:upserted")];

    for (const session of ["open", "chatham"] as const) {
      const pitchId = sessions[session];
      const names = NAMES[session];
      const person = (path: Path) => linked[names[path]] as Person;
      // (a) picked from the suggestions under a label the note-taker typed; no tick.
      itemIds[`${session}.a`] = await add(c, nora, pitchId, {
        text: textOf(session, "a"),
        saidBy: session === "open" ? "lina-typed-label" : "cleo-typed-label",
        mentionId: person("a").id,
      });
      // (b) and (c) linked, and ticked by the note-taker.
      for (const path of ["b", "c"] as const) {
        itemIds[`${session}.${path}`] = await add(c, nora, pitchId, {
          text: textOf(session, path),
          saidBy: names[path],
          saidByConsent: "on",
          mentionId: person(path).id,
        });
      }
      itemIds[`${session}.d`] = await add(c, nora, pitchId, {
        text: textOf(session, "d"),
        saidBy: names.d,
        saidByConsent: "on",
      });
      itemIds[`${session}.e`] = await add(c, nora, pitchId, { text: textOf(session, "e"), saidBy: names.e });

      // The linked people decide: (a) names themselves, (c) refuses, (b) does nothing.
      expect(await choose(c, person("a").client, itemIds[`${session}.a`] as string, "named")).toEqual({
        status: 200,
        error: undefined,
      });
      expect(await choose(c, person("c").client, itemIds[`${session}.c`] as string, "anonymous")).toEqual({
        status: 200,
        error: undefined,
      });
    }
    // 10 adds and 4 choices: wait for the last push (the refusal of (c) in the Chatham House session).
    await until(() => seen.flatMap((r) => r.seen).length >= 14);
    await settle();
    for (const r of seen) r.stop();
    pushes = seen.flatMap((r) => r.seen.map(([update]) => update));
  });

  it("stores the link, the joined name and each person's own choice", () => {
    const expected = {
      a: { consent: 0, mention: "named" },
      b: { consent: 1, mention: "asked" },
      c: { consent: 1, mention: "anonymous" },
    };
    for (const session of ["open", "chatham"] as const) {
      for (const path of ["a", "b", "c"] as const) {
        const name = NAMES[session][path];
        expect(itemRow(itemIds[`${session}.${path}`] as string), `${session} ${path}`).toMatchObject({
          said_by: name,
          said_by_consent: expected[path].consent,
          mention_id: linked[name]?.id,
          mention_consent: expected[path].mention,
        });
      }
      expect(itemRow(itemIds[`${session}.d`] as string)).toMatchObject({
        said_by: NAMES[session].d,
        said_by_consent: 1,
        mention_id: null,
        mention_consent: "asked",
      });
      expect(itemRow(itemIds[`${session}.e`] as string)).toMatchObject({
        said_by: NAMES[session].e,
        said_by_consent: 0,
        mention_id: null,
      });
    }
  });

  it("shows on the session page only the confirmed and the ticked unlinked name, to everyone", async () => {
    for (const [who, client] of [
      ["another attendee", wanda.client],
      ["the organiser", c.organiser],
      ["a visitor", new HttpClient(server.url)],
      ["the person who refused", linked[NAMES.open.c]?.client as HttpClient],
    ] as const) {
      const open = await page(client, `/e/${c.slug}/s/${sessions.open}`);
      expect(
        PATHS.map((path) => saidByOn(open, textOf("open", path))),
        who,
      ).toEqual([NAMES.open.a, null, null, NAMES.open.d, null]);
      const chatham = await page(client, `/e/${c.slug}/s/${sessions.chatham}`);
      expect(
        PATHS.map((path) => saidByOn(chatham, textOf("chatham", path))),
        who,
      ).toEqual([null, null, null, null, null]);
      // (Someone's own name may show in the page's header.)
      for (const name of WITHHELD.filter((n) => n !== NAMES.open.c || who !== "the person who refused")) {
        expect(decodeHtml(open), `${who}: ${name}`).not.toContain(name);
        expect(decodeHtml(chatham), `${who}: ${name}`).not.toContain(name);
      }
    }
  });

  it("pushes each item with its speaker only when named, and never a withheld name or a person's id", () => {
    const last = (id: string | undefined) => pushes.filter((u) => u.item.id === id).at(-1)?.item;
    expect(PATHS.map((path) => last(itemIds[`open.${path}`])?.speaker)).toEqual([
      NAMES.open.a,
      null,
      null,
      NAMES.open.d,
      null,
    ]);
    expect(PATHS.map((path) => last(itemIds[`chatham.${path}`])?.speaker)).toEqual([null, null, null, null, null]);
    // The add of (a) went out anonymous; the person's own "Name me" then pushed the name.
    expect(pushes.filter((u) => u.item.id === itemIds["open.a"]).map((u) => u.item.speaker)).toEqual([
      null,
      NAMES.open.a,
    ]);
    // The refusal was pushed too (anonymous before and after).
    expect(pushes.filter((u) => u.item.id === itemIds["open.c"]).map((u) => u.item.speaker)).toEqual([null, null]);
    const all = JSON.stringify(pushes);
    for (const name of WITHHELD) expect(all, name).not.toContain(name);
    for (const person of Object.values(linked)) expect(all, person.name).not.toContain(person.id);
  });

  it("shows on the stories page only the confirmed and the ticked unlinked name", async () => {
    for (const client of [wanda.client, new HttpClient(server.url)]) {
      const stories = decodeHtml(await page(client, `/e/${c.slug}/stories`));
      expect(stories).toContain(`(${NAMES.open.a})`);
      expect(stories).toContain(`(${NAMES.open.d})`);
      for (const path of PATHS) {
        expect(stories).toContain(textOf("open", path));
        expect(stories).toContain(textOf("chatham", path));
      }
      for (const name of WITHHELD) expect(stories, name).not.toContain(name);
    }
  });

  it("exports, previews and zips only the confirmed and the ticked unlinked name, next to their words", async () => {
    const surfaces = await publicSurfaces(c, new HttpClient(server.url), [sessions.open, sessions.chatham]);
    const zipPosts = Object.keys(surfaces).filter((k) => k.startsWith("export.zip/content/posts/"));
    expect(zipPosts).toHaveLength(2);
    const openPost = zipPosts.find((k) => surfaces[k]?.includes("Open session zq")) as string;
    const openFiles = [
      `session page ${sessions.open}`,
      `s/${sessions.open}/export.md`,
      `s/${sessions.open}/export.html`,
      `preview ${sessions.open}`,
      "stories",
      "export.md",
      "export.wxr",
      openPost,
    ].sort();
    for (const name of SHOWN) expect(surfacesWith(surfaces, name).sort(), name).toEqual(openFiles);
    for (const name of WITHHELD) expect(surfacesWith(surfaces, name), name).toEqual([]);
    for (const person of Object.values(linked)) expect(surfacesWith(surfaces, person.id), person.name).toEqual([]);

    // In Markdown the name follows the words it belongs to.
    for (const md of [surfaces[`s/${sessions.open}/export.md`], surfaces["export.md"], surfaces[openPost]]) {
      expect(md).toContain(`${textOf("open", "a")} — ${NAMES.open.a}`);
      expect(md).toContain(`${textOf("open", "d")} — ${NAMES.open.d}`);
      for (const path of ["b", "c", "e"] as const) expect(md).toMatch(new RegExp(`${textOf("open", path)}\\s*\\n`));
    }
    // Every item is still exported, without a name.
    for (const path of PATHS) {
      expect(surfaces["export.md"]).toContain(textOf("open", path));
      expect(surfaces["export.md"]).toContain(textOf("chatham", path));
    }
  });

  it("export.json (organisers' backup) carries only the names the rule shows, not the raw fields", async () => {
    const { text, json } = await eventFile(c);
    const notes = (title: string) =>
      (json.sessions.find((s) => s.title === title)?.notes ?? []).map((n) => [n.text, n.saidBy]);
    expect(notes("Open session zq")).toEqual(
      PATHS.map((path) => [textOf("open", path), path === "a" || path === "d" ? NAMES.open[path] : null]),
    );
    expect(notes("Off the record zq")).toEqual(PATHS.map((path) => [textOf("chatham", path), null]));
    for (const name of WITHHELD) expect(text, name).not.toContain(name);
    for (const person of Object.values(linked)) expect(text, person.name).not.toContain(person.id);
    for (const field of ["mentionId", "mentionConsent", "saidByConsent", "mention_id"]) {
      expect(text, field).not.toContain(field);
    }
  });

  it("the preview lists every person the post will name, with the basis", async () => {
    // Issue 11, item 5: a blogger checks who the post names, and on which basis, before downloading.
    const read = async (pitchId: string) => {
      const html = await page(new HttpClient(server.url), `/e/${c.slug}/s/${pitchId}/export`);
      const main = html.match(/<main[^>]*>(.*)<\/main>/s)?.[1] ?? "";
      return decodeHtml(main.replace(/<[^>]+>/g, " ")).replace(/\s+/g, " ");
    };
    const open = await read(sessions.open);
    expect(open).toMatch(new RegExp(`${NAMES.open.a}.{0,80}confirmed by the person`));
    expect(open).toMatch(new RegExp(`${NAMES.open.d}.{0,80}ticked by the note-taker`));
    const chatham = await read(sessions.chatham);
    expect(chatham).not.toContain("confirmed by the person");
    expect(chatham).not.toContain("ticked by the note-taker");
  });

  it("withdraws every name once the open session goes under the Chatham House rule, and restores them after", async () => {
    const socket = await watcher(c, sessions.open, wanda.client);
    const on = nextEvent(socket, "session:state", (s) => s.pitchId === sessions.open && s.chathamHouse);
    expect((await command(c, c.organiser, sessions.open, { intent: "chatham", on: "true" })).status).toBe(200);
    const [state] = await on;
    expect((state.items ?? []).map((i) => i.speaker)).toEqual([null, null, null, null, null]);
    expect(JSON.stringify(state)).not.toContain(NAMES.open.a);

    const visitor = new HttpClient(server.url);
    const surfaces = await publicSurfaces(c, visitor, [sessions.open, sessions.chatham]);
    for (const name of [...SHOWN, ...WITHHELD]) expect(surfacesWith(surfaces, name), name).toEqual([]);
    const { text } = await eventFile(c);
    for (const name of [...SHOWN, ...WITHHELD]) expect(text, name).not.toContain(name);
    // The person who confirmed is told why no name shows.
    const me = mentionsOn(await page(linked[NAMES.open.a]?.client as HttpClient, `/e/${c.slug}/me`));
    expect(me.map((m) => m.text)).toEqual([expect.stringContaining("under the Chatham House rule: no one is named")]);

    const off = nextEvent(socket, "session:state", (s) => s.pitchId === sessions.open && !s.chathamHouse);
    expect((await command(c, c.organiser, sessions.open, { intent: "chatham", on: "false" })).status).toBe(200);
    expect((await off)[0].items?.map((i) => i.speaker)).toEqual([NAMES.open.a, null, null, NAMES.open.d, null]);
    const back = await publicSurfaces(c, visitor, [sessions.open]);
    expect(surfacesWith(back, NAMES.open.a)).toContain(`s/${sessions.open}/export.md`);
    expect(surfacesWith(back, NAMES.open.a)).toContain("export.md");
  });
});

// ---------------------------------------------------------------- changing one's mind

describe("changing one's mind", () => {
  it("named, anonymous, named again: each reflected at once in pushes, pages and a fresh export", async () => {
    const c = await camp();
    const nora = await attendee(c, "Nora Notetaker");
    const jo = await attendee(c, "Jo Mindchanger");
    const wanda = await attendee(c, "Wanda Watcher");
    const session = await pitch(c, nora, "Mind session zq");
    const text = "Procurement rules are older than the web";
    const id = await add(c, nora, session, { text, saidBy: "Jo", saidByConsent: "on", mentionId: jo.id });
    const watching = await watcher(c, session, wanda.client);
    const visitor = new HttpClient(server.url);

    const expectEverywhere = async (named: boolean) => {
      const surfaces = await publicSurfaces(c, visitor, [session]);
      const where = surfacesWith(surfaces, jo.name).filter((k) => !k.startsWith("export.zip/README"));
      if (named) {
        expect(where.length).toBe(Object.keys(surfaces).length - 1);
        expect(surfaces[`s/${session}/export.md`]).toContain(`${text} — ${jo.name}`);
      } else {
        expect(where).toEqual([]);
      }
      expect(saidByOn(surfaces[`session page ${session}`] as string, text)).toBe(named ? jo.name : null);
      const { json } = await eventFile(c);
      expect(json.sessions[0]?.notes[0]?.saidBy).toBe(named ? jo.name : null);
      const mine = mentionsOn(await page(jo.client, `/e/${c.slug}/me`));
      expect(mine.map((m) => m.id)).toEqual([id]);
      expect(mine[0]?.text).toContain(
        named ? "You are named with this note" : "You are not named with this note: it shows without a name.",
      );
    };
    await expectEverywhere(false);

    for (const [choice, named] of [
      ["named", true],
      ["anonymous", false],
      ["named", true],
    ] as const) {
      const pushed = nextEvent(watching, "item:upserted", (u) => u.item.id === id, 1000);
      expect(await choose(c, jo.client, id, choice), choice).toEqual({ status: 200, error: undefined });
      const [update] = await pushed;
      expect(update.pitchId).toBe(session);
      expect(update.item.speaker, choice).toBe(named ? jo.name : null);
      if (!named) expect(JSON.stringify(update)).not.toContain(jo.name);
      expect(itemRow(id)?.mention_consent).toBe(choice);
      await expectEverywhere(named);
    }
    // Choosing the same twice is harmless.
    expect(await choose(c, jo.client, id, "named")).toEqual({ status: 200, error: undefined });
    expect(itemRow(id)?.mention_consent).toBe("named");
  });

  it("a plain form post (no JavaScript) on /me records the choice too", async () => {
    const c = await camp();
    const nora = await attendee(c, "Nora Notetaker");
    const jo = await attendee(c, "Jo Nojavascript");
    const session = await pitch(c, nora, "Plain session zq");
    const id = await add(c, nora, session, { text: "Plain words", saidBy: jo.name, mentionId: jo.id });
    const html = await page(jo.client, `/e/${c.slug}/me`);
    expect(decodeHtml(html)).toContain("Your mentions");
    expect(html).toMatch(/<button[^>]*name="choice"[^>]*value="named"[^>]*>Name me<\/button>/);
    expect(html).toMatch(/<button[^>]*name="choice"[^>]*value="anonymous"[^>]*>Keep me anonymous<\/button>/);
    const response = await jo.client.post(`/e/${c.slug}/me`, { id, choice: "named" });
    expect(response.status).toBe(200);
    expect(mentionsOn(await response.text())[0]?.text).toContain("You are named with this note");
    expect(itemRow(id)?.mention_consent).toBe("named");
  });

  it("a page that missed a consent push sees another items stamp when it watches again", async () => {
    // The stamp is made of what the items show (names included), so a page that was away while the
    // person chose reloads when it watches again; one whose names are still right does not.
    const c = await camp();
    const nora = await attendee(c, "Nora Notetaker");
    const jo = await attendee(c, "Jo Stampchecker");
    const session = await pitch(c, nora, "Stamp session zq");
    const id = await add(c, nora, session, { text: "Stamped words", saidBy: jo.name, mentionId: jo.id });
    const socket = await follow(c);
    const stamps = [await watchStamp(socket, session)];
    for (const choice of ["named", "anonymous"]) {
      expect(await choose(c, jo.client, id, choice)).toEqual({ status: 200, error: undefined });
      stamps.push(await watchStamp(socket, session));
    }
    const [asked, named, withdrawn] = stamps;
    expect(named, "named after asked").not.toBe(asked);
    expect(withdrawn, "withdrawn after named").not.toBe(named);
    // Asked and withdrawn show the same (no name): a page holding either needs nothing.
    expect(withdrawn).toBe(asked);
  });
});

// ---------------------------------------------------------------- authorisation

describe("who may decide", () => {
  it("refuses everyone but the named person, with a clear message, changing nothing", async () => {
    const c = await camp();
    const other = await camp();
    const nora = await attendee(c, "Nora Notetaker");
    const jo = await attendee(c, "Jo Namedperson");
    const bob = await attendee(c, "Bob Bystander");
    const outsider = await attendee(other, "Olga Outsider");
    const otherNoter = await attendee(other, "Otto Othernoter");
    const session = await pitch(c, nora, "Auth session zq");
    const otherSession = await pitch(other, otherNoter, "Elsewhere zq");
    const id = await add(c, nora, session, { text: "Guarded words", saidBy: jo.name, mentionId: jo.id });
    // An item of another event that names that event's attendee.
    const foreignItem = await add(other, otherNoter, otherSession, {
      text: "Foreign words",
      saidBy: outsider.name,
      mentionId: outsider.id,
    });
    const organiserJoined = c.organiser.clone();
    await attendee(c, "Orla Organiser", organiserJoined);
    const watching = await watcher(c, session, bob.client);
    const pushes = record(watching, "item:upserted");
    const before = db.snapshot();

    const refusals: Array<[string, HttpClient, string, string, ConsentAnswer]> = [
      ["the note-taker", nora.client, id, c.slug, { status: 403, error: NOT_YOURS }],
      ["another attendee", bob.client, id, c.slug, { status: 403, error: NOT_YOURS }],
      ["the organiser", c.organiser, id, c.slug, { status: 403, error: JOIN_FIRST }],
      ["the organiser who also joined", organiserJoined, id, c.slug, { status: 403, error: NOT_YOURS }],
      ["a visitor with no cookie", new HttpClient(server.url), id, c.slug, { status: 403, error: JOIN_FIRST }],
      ["an attendee of another event, here", outsider.client, id, c.slug, { status: 403, error: JOIN_FIRST }],
      [
        "an attendee of another event, through their event",
        outsider.client,
        id,
        other.slug,
        { status: 404, error: GONE },
      ],
      [
        "the named person, with a forged item id",
        jo.client,
        "forged-item-id-0000",
        c.slug,
        { status: 404, error: GONE },
      ],
      ["the named person, with another event's item id", jo.client, foreignItem, c.slug, { status: 404, error: GONE }],
      [
        "the other event's named person, through this event",
        outsider.client,
        foreignItem,
        c.slug,
        { status: 403, error: JOIN_FIRST },
      ],
    ];
    for (const [who, client, itemId, slug, expected] of refusals) {
      for (const choice of ["named", "anonymous"]) {
        expect(await choose(c, client, itemId, choice, slug), `${who} (${choice})`).toEqual(expected);
      }
    }
    // Bad input from the named person.
    expect(await choose(c, jo.client, id, "maybe")).toMatchObject({ status: 400 });
    expect(await choose(c, jo.client, "x".repeat(65), "named")).toEqual({
      status: 400,
      error: "The item id is not valid.",
    });
    expect(await choose(c, jo.client, "../../etc", "named")).toEqual({
      status: 400,
      error: "The item id is not valid.",
    });
    expect(db.snapshot()).toEqual(before);
    await settle();
    expect(pushes.seen).toEqual([]);

    // The named person may.
    expect(await choose(c, jo.client, id, "named")).toEqual({ status: 200, error: undefined });
    expect(itemRow(id)?.mention_consent).toBe("named");
    // The other event's person decides for their own item, through their own event.
    expect(await choose(other, outsider.client, foreignItem, "named")).toEqual({ status: 200, error: undefined });
  });

  it("refuses the named person once the organiser hid the item, and a private event without its passcode", async () => {
    const c = await camp();
    const nora = await attendee(c, "Nora Notetaker");
    const jo = await attendee(c, "Jo Hiddenitem");
    const session = await pitch(c, nora, "Hidden item session zq");
    const id = await add(c, nora, session, { text: "Hidden words", saidBy: jo.name, mentionId: jo.id });
    expect((await command(c, c.organiser, session, { intent: "hide", id })).status).toBe(200);
    const before = db.snapshot();
    expect(await choose(c, jo.client, id, "named")).toEqual({ status: 404, error: GONE });
    expect(mentionsOn(await page(jo.client, `/e/${c.slug}/me`))).toEqual([]);
    expect(db.snapshot()).toEqual(before);

    // The organiser makes the event private after Jo joined: Jo needs the passcode first.
    const open = await add(c, nora, session, { text: "Open words", saidBy: jo.name, mentionId: jo.id });
    const passcode = "consent-passcode";
    expect((await c.organiser.post(`/e/${c.slug}/admin`, { intent: "set-passcode", passcode })).status).toBe(200);
    const locked = db.snapshot();
    expect((await choose(c, jo.client, open, "named")).status).toBe(403);
    expect(db.snapshot()).toEqual(locked);
    expect((await jo.client.post(`/e/${c.slug}/passcode`, { passcode })).status).toBe(302);
    expect(await choose(c, jo.client, open, "named")).toEqual({ status: 200, error: undefined });
  });

  it("lets the named person change their mind while an organiser has hidden the session (known bug, see the comment)", async () => {
    // Bug: myMentions (app/services/capture.server.ts:186) lists the items of hidden sessions, with
    // their buttons, but setMentionConsent (line 231) calls findSession, which refuses a hidden
    // session ("There is no such session in this event."). So while a session is hidden the person
    // cannot withdraw, and when the organiser shows it again the name they wanted gone is back.
    const c = await camp();
    const nora = await attendee(c, "Nora Notetaker");
    const jo = await attendee(c, "Jo Hiddensession");
    const session = await pitch(c, nora, "Hidden session zq");
    const id = await add(c, nora, session, { text: "Said before hiding", saidBy: jo.name, mentionId: jo.id });
    expect(await choose(c, jo.client, id, "named")).toEqual({ status: 200, error: undefined });
    const admin = (intent: string) =>
      c.organiser.post(`/e/${c.slug}/admin`, { intent, pitchId: session, reason: "Checking" });
    expect((await admin("hide-pitch")).status).toBe(200);
    expect(mentionsOn(await page(jo.client, `/e/${c.slug}/me`)).map((m) => m.id)).toEqual([id]);

    expect(await choose(c, jo.client, id, "anonymous")).toEqual({ status: 200, error: undefined });
    expect((await admin("unhide-pitch")).status).toBe(200);
    expect(itemRow(id)?.mention_consent).toBe("anonymous");
    expect(await page(new HttpClient(server.url), `/e/${c.slug}/s/${session}/export.md`)).not.toContain(jo.name);
  });

  it("lists on /me only the caller's own mentions", async () => {
    const c = await camp();
    const other = await camp();
    const nora = await attendee(c, "Nora Notetaker");
    const jo = await attendee(c, "Jo Listed");
    const kim = await attendee(c, "Kim Alsolisted");
    const first = await pitch(c, nora, "First session zq");
    const second = await pitch(c, nora, "Second session zq");
    const joFirst = await add(c, nora, first, {
      kind: "quote",
      text: "Jo in the first",
      saidBy: "Jo",
      mentionId: jo.id,
    });
    const kimFirst = await add(c, nora, first, { text: "Kim in the first", saidBy: "Kim", mentionId: kim.id });
    const joSecond = await add(c, nora, second, {
      kind: "blocker",
      text: "",
      blocker: "Jo's blocker",
      saidBy: "Jo",
      mentionId: jo.id,
    });
    // Typed names that match Jo's without picking are not Jo's mentions.
    await add(c, nora, first, { text: "Typed, not picked", saidBy: jo.name, saidByConsent: "on" });
    const outsider = await attendee(other, jo.name);

    const joPage = await page(jo.client, `/e/${c.slug}/me`);
    expect(mentionsOn(joPage).map((m) => m.id)).toEqual([joFirst, joSecond]);
    const [a, b] = mentionsOn(joPage);
    expect(a?.text).toContain("Quote in First session zq");
    expect(a?.text).toContain("Jo in the first");
    expect(a?.text).toContain("Noted by Nora Notetaker");
    expect(b?.text).toContain("Second session zq");
    expect(b?.text).toContain("Jo's blocker");
    expect(decodeHtml(joPage)).not.toContain("Kim in the first");
    expect(decodeHtml(joPage)).not.toContain("Typed, not picked");

    expect(mentionsOn(await page(kim.client, `/e/${c.slug}/me`)).map((m) => m.id)).toEqual([kimFirst]);
    const noraPage = decodeHtml(await page(nora.client, `/e/${c.slug}/me`));
    expect(mentionsOn(noraPage)).toEqual([]);
    expect(noraPage).toContain("No note names you yet.");
    const visitorPage = decodeHtml(await page(new HttpClient(server.url), `/e/${c.slug}/me`));
    expect(mentionsOn(visitorPage)).toEqual([]);
    expect(visitorPage).toContain("Join the event");
    // Someone of another event with the same name sees nothing of this one, here or there.
    expect(mentionsOn(await page(outsider.client, `/e/${c.slug}/me`))).toEqual([]);
    expect(mentionsOn(await page(outsider.client, `/e/${other.slug}/me`))).toEqual([]);
    expect(mentionsOn(await page(c.organiser, `/e/${c.slug}/me`))).toEqual([]);
  });

  it("people.json refuses visitors without a name cookie and private events without the passcode", async () => {
    const c = await camp();
    const other = await camp();
    const jo = await attendee(c, "Jo Suggested");
    await attendee(c, ""); // anonymous: never suggested
    await attendee(other, "Olga Otherevent");

    const people = async (who: HttpClient, slug = c.slug) => {
      const response = await who.get(`/e/${slug}/people.json`);
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const refused = { status: 403, body: { error: "Join the event first." } };
    expect(await people(new HttpClient(server.url))).toEqual(refused);
    expect(await people(c.organiser)).toEqual(refused);
    const outsider = await joinAs(server.url, other.slug, "Olga Two");
    expect(await people(outsider)).toEqual(refused);
    const answer = await people(jo.client);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([{ id: jo.id, name: "Jo Suggested" }]);

    // A private event: without the passcode nobody gets the names, not even someone who joined before.
    const passcode = "people-passcode";
    expect((await c.organiser.post(`/e/${c.slug}/admin`, { intent: "set-passcode", passcode })).status).toBe(200);
    expect((await people(jo.client)).status).toBe(403);
    expect(JSON.stringify((await people(jo.client)).body)).not.toContain("Jo Suggested");
    const guest = new HttpClient(server.url);
    expect((await guest.post(`/e/${c.slug}/passcode`, { passcode })).status).toBe(302);
    expect(await people(guest)).toEqual(refused);
    expect((await jo.client.post(`/e/${c.slug}/passcode`, { passcode })).status).toBe(302);
    expect((await people(jo.client)).status).toBe(200);

    const secret = await camp({ passcode: "born-private" });
    const insider = new HttpClient(server.url);
    expect((await insider.post(`/e/${secret.slug}/passcode`, { passcode: "born-private" })).status).toBe(302);
    const kim = await attendee(secret, "Kim Private", insider);
    expect((await people(new HttpClient(server.url), secret.slug)).status).toBe(403);
    expect(await people(kim.client, secret.slug)).toEqual({ status: 200, body: [{ id: kim.id, name: kim.name }] });
  });
});

// ---------------------------------------------------------------- bad input

describe("bad input", () => {
  it("refuses a mention of another event's attendee, a forged id and a too-long id, storing nothing", async () => {
    const c = await camp();
    const other = await camp();
    const nora = await attendee(c, "Nora Notetaker");
    const outsider = await attendee(other, "Olga Outsider");
    const session = await pitch(c, nora, "Bad input session zq");
    const kept = await add(c, nora, session, { text: "Kept as it was", saidBy: "Someone" });
    const socket = await follow(c, nora.client);
    const before = db.snapshot();
    const cases: Array<[string, string, string]> = [
      ["another event's attendee", outsider.id, NOT_IN_EVENT],
      ["a forged id", "forged-attendee-id", NOT_IN_EVENT],
      ["a too-long id", "a".repeat(65), "That person is not part of this event."],
    ];
    for (const [label, mentionId, message] of cases) {
      const fields = { text: `Mentioning ${label}`, saidBy: "Olga", saidByConsent: "on", mentionId };
      expect(
        await command(c, nora.client, session, { intent: "add", kind: "tip", id: newItemId(), ...fields }),
        label,
      ).toEqual({ status: 400, data: { intent: "add", notice: undefined, error: message } });
      expect(await socketAdd(socket, { id: newItemId(), pitchId: session, kind: "tip", ...fields }), label).toEqual({
        ok: false,
        error: message,
      });
      expect(await edit(c, nora, session, { id: kept, ...fields }), label).toEqual({
        status: 400,
        data: { intent: "edit", notice: undefined, error: message },
      });
    }
    expect(db.snapshot()).toEqual(before);
    expect(itemRow(kept)).toMatchObject({ text: "Kept as it was", mention_id: null, updated_at: null });
  });

  it("keeps the edit when an add is retried with the same client id afterwards", async () => {
    const c = await camp();
    const nora = await attendee(c, "Nora Notetaker");
    const jo = await attendee(c, "Jo Firstlink");
    const kim = await attendee(c, "Kim Secondlink");
    const session = await pitch(c, nora, "Retry session zq");
    const socket = await follow(c, nora.client);
    const payload = {
      id: newItemId(),
      pitchId: session,
      kind: "tip",
      text: "First words",
      saidBy: "Jo",
      mentionId: jo.id,
    };
    expect(await socketAdd(socket, payload)).toMatchObject({ ok: true, duplicate: false });
    expect(
      await edit(c, nora, session, { id: payload.id, text: "Edited words", saidBy: "Kim", mentionId: kim.id }),
    ).toMatchObject({ status: 200 });
    const edited = itemRow(payload.id);
    expect(edited).toMatchObject({ text: "Edited words", said_by: kim.name, mention_id: kim.id });

    const viewer = await watcher(c, session);
    const pushes = record(viewer, "item:upserted");
    const counts = [
      record(await follow(c, jo.client), "mentions:count"),
      record(await follow(c, kim.client), "mentions:count"),
    ];
    const retried = await socketAdd(socket, payload);
    expect(retried).toMatchObject({
      ok: true,
      duplicate: true,
      item: { textHtml: "<p>Edited words</p>", edited: true },
    });
    const { pitchId: _pitchId, ...fields } = payload;
    await add(c, nora, session, fields);
    expect(itemRow(payload.id)).toEqual(edited);
    await settle();
    expect(pushes.seen).toEqual([]);
    expect(counts.map((r) => r.seen)).toEqual([[], []]);
  });

  it("resets consent to asked when an edit names someone else, and keeps it when the same person stays", async () => {
    const c = await camp();
    const nora = await attendee(c, "Nora Notetaker");
    const jo = await attendee(c, "Jo Originallynamed");
    const kim = await attendee(c, "Kim Newlynamed");
    const session = await pitch(c, nora, "Relink session zq");
    const id = await add(c, nora, session, { text: "Relinked words", saidBy: "Jo", mentionId: jo.id });
    expect(await choose(c, jo.client, id, "named")).toEqual({ status: 200, error: undefined });
    const viewer = await watcher(c, session);

    // An edit of the words only keeps Jo's choice.
    let pushed = nextEvent(viewer, "item:upserted", (u) => u.item.id === id);
    expect(
      await edit(c, nora, session, { id, text: "Relinked words, tidied", saidBy: jo.name, mentionId: jo.id }),
    ).toMatchObject({ status: 200 });
    expect((await pushed)[0].item.speaker).toBe(jo.name);
    expect(itemRow(id)).toMatchObject({ mention_id: jo.id, mention_consent: "named" });

    // Naming Kim instead: Kim has not chosen, so no one is named, whatever the tick says.
    pushed = nextEvent(viewer, "item:upserted", (u) => u.item.id === id);
    expect(
      await edit(c, nora, session, {
        id,
        text: "Relinked words, tidied",
        saidBy: "Kim",
        saidByConsent: "on",
        mentionId: kim.id,
      }),
    ).toMatchObject({ status: 200 });
    const [update] = await pushed;
    expect(update.item.speaker).toBeNull();
    expect(JSON.stringify(update)).not.toContain(jo.name);
    expect(JSON.stringify(update)).not.toContain(kim.name);
    expect(itemRow(id)).toMatchObject({ said_by: kim.name, mention_id: kim.id, mention_consent: "asked" });
    expect(saidByOn(await page(new HttpClient(server.url), `/e/${c.slug}/s/${session}`), "Relinked words")).toBeNull();
    const md = await page(new HttpClient(server.url), `/e/${c.slug}/s/${session}/export.md`);
    expect(md).not.toContain(jo.name);
    expect(md).not.toContain(kim.name);
    // The mention moved: Jo can no longer decide, Kim can.
    expect(mentionsOn(await page(jo.client, `/e/${c.slug}/me`))).toEqual([]);
    expect(mentionsOn(await page(kim.client, `/e/${c.slug}/me`)).map((m) => m.id)).toEqual([id]);
    expect(await choose(c, jo.client, id, "named")).toEqual({ status: 403, error: NOT_YOURS });
    expect(await choose(c, kim.client, id, "named")).toEqual({ status: 200, error: undefined });
  });

  it('names no one from a picked id sent with an empty "Said by", even with the tick (known bug, see the comment)', async () => {
    // Bug: addItem (app/services/capture.server.ts:279) checks and applies data.mentionId, the raw
    // field, while itemColumns() has already dropped the link because "Said by" is empty. The row gets
    // said_by = the person's joined name, mention_id = null and the note-taker's tick: an unlinked,
    // ticked name, shown and exported, that the person never confirmed and cannot see under "Your
    // mentions". editItem (line 326) uses columns.mentionId and does not have the bug.
    // The capture form sends a mentionId only with a picked name, but any client can send both
    // fields: an id without a name must link no one, and must not become a name nobody confirmed.
    const c = await camp();
    const nora = await attendee(c, "Nora Notetaker");
    const jo = await attendee(c, "Jo Barelypicked");
    const session = await pitch(c, nora, "Bare id session zq");
    const socket = await follow(c, nora.client);
    const viewer = await watcher(c, session);
    const pushes = record(viewer, "item:upserted");

    const overSocket = newItemId();
    const ack = await socketAdd(socket, {
      id: overSocket,
      pitchId: session,
      kind: "tip",
      text: "Bare id over the socket",
      saidBy: "",
      saidByConsent: true,
      mentionId: jo.id,
    });
    expect(ack).toMatchObject({ ok: true, item: { speaker: null } });
    const overHttp = await add(c, nora, session, {
      text: "Bare id over HTTP",
      saidBy: "",
      saidByConsent: "on",
      mentionId: jo.id,
    });
    await until(() => pushes.seen.length >= 2);
    expect(pushes.seen.map(([u]) => u.item.speaker)).toEqual([null, null]);
    const surfaces = await publicSurfaces(c, new HttpClient(server.url), [session]);
    expect(surfacesWith(surfaces, jo.name)).toEqual([]);
    const { text } = await eventFile(c);
    expect(text).not.toContain(jo.name);
    for (const id of [overSocket, overHttp]) {
      expect(itemRow(id), id).toMatchObject({ said_by: null, mention_id: null });
    }
  });

  it("clears the link when the name is removed", async () => {
    const c = await camp();
    const nora = await attendee(c, "Nora Notetaker");
    const jo = await attendee(c, "Jo Unlinked");
    const session = await pitch(c, nora, "Unlink session zq");
    const id = await add(c, nora, session, { text: "Soon anonymous", saidBy: "Jo", mentionId: jo.id });
    expect(await choose(c, jo.client, id, "named")).toEqual({ status: 200, error: undefined });
    const joSocket = await follow(c, jo.client);
    const count = nextEvent(joSocket, "mentions:count");

    // The edit form still carries the mentionId; an empty "Said by" is what counts.
    expect(await edit(c, nora, session, { id, text: "Soon anonymous", saidBy: "", mentionId: jo.id })).toMatchObject({
      status: 200,
    });
    expect(itemRow(id)).toMatchObject({ said_by: null, mention_id: null, mention_consent: "asked" });
    expect((await count)[0]).toEqual({ count: 0 });
    expect(mentionsOn(await page(jo.client, `/e/${c.slug}/me`))).toEqual([]);
    expect(await choose(c, jo.client, id, "named")).toEqual({ status: 403, error: NOT_YOURS });
    expect(await page(new HttpClient(server.url), `/e/${c.slug}/s/${session}/export.md`)).not.toContain(jo.name);
  });
});

// ---------------------------------------------------------------- mentions:count

describe("mentions:count", () => {
  interface Scene {
    c: Camp;
    nora: Person;
    jo: Person;
    kim: Person;
    session: string;
    /** mentions:count as received by each socket. */
    seen: Record<string, Array<[{ count: number }]>>;
    joSocket: TestSocket;
    kimSocket: TestSocket;
  }

  async function scene(): Promise<Scene> {
    const c = await camp();
    const other = await camp();
    const nora = await attendee(c, "Nora Notetaker");
    const jo = await attendee(c, "Jo Counted");
    const kim = await attendee(c, "Kim Counted");
    const bob = await attendee(c, "Bob Uncounted");
    const session = await pitch(c, nora, "Count session zq");
    const joSocket = await follow(c, jo.client);
    const kimSocket = await follow(c, kim.client);
    const listeners: Record<string, TestSocket> = {
      jo: joSocket,
      "jo's second tab": await follow(c, jo.client),
      kim: kimSocket,
      nora: await follow(c, nora.client),
      bob: await follow(c, bob.client),
      organiser: await follow(c, c.organiser),
      visitor: await follow(c),
      "watching the session": await watcher(c, session),
      "another event": await follow(other, (await attendee(other, "Jo Counted")).client),
    };
    const seen: Scene["seen"] = {};
    for (const [name, socket] of Object.entries(listeners)) seen[name] = record(socket, "mentions:count").seen;
    return { c, nora, jo, kim, session, seen, joSocket, kimSocket };
  }

  /** Who received which counts since the last call; then forgets them. */
  async function received(s: Scene): Promise<Record<string, number[]>> {
    await settle();
    const out: Record<string, number[]> = {};
    for (const [name, list] of Object.entries(s.seen)) {
      if (list.length) out[name] = list.map(([u]) => u.count);
      list.length = 0;
    }
    return out;
  }

  it("reaches only the named attendee's sockets, with the right count after add, edit and delete", async () => {
    const s = await scene();
    const { c, nora, jo, kim, session } = s;

    let arrived = nextEvent(s.joSocket, "mentions:count", (u) => u.count === 1);
    const first = await add(c, nora, session, { text: "First mention", saidBy: "Jo", mentionId: jo.id });
    await arrived;
    expect(await received(s)).toEqual({ jo: [1], "jo's second tab": [1] });
    expect(await mentionsInSnapshot(c, jo.client)).toBe(1);
    // Every page of the event links to the mentions, for Jo only.
    for (const path of [`/e/${c.slug}`, `/e/${c.slug}/s/${session}`, `/e/${c.slug}/stories`]) {
      expect(decodeHtml(await page(jo.client, path)), path).toMatch(
        /<a[^>]*href="\/e\/[^"]+\/me"[^>]*>Your mentions \(1\)<\/a>/,
      );
      expect(decodeHtml(await page(nora.client, path)), path).not.toContain("Your mentions");
    }

    arrived = nextEvent(s.joSocket, "mentions:count", (u) => u.count === 2);
    const second = await add(c, nora, session, {
      kind: "quote",
      text: "Second mention",
      saidBy: "Jo",
      mentionId: jo.id,
    });
    await arrived;
    expect(await received(s)).toEqual({ jo: [2], "jo's second tab": [2] });

    // An unlinked name, an edit of the words and a consent choice change no count.
    await add(c, nora, session, { text: "Typed name", saidBy: jo.name, saidByConsent: "on" });
    expect(
      await edit(c, nora, session, { id: first, text: "First mention, tidied", saidBy: "Jo", mentionId: jo.id }),
    ).toMatchObject({ status: 200 });
    expect(await choose(c, jo.client, first, "named")).toEqual({ status: 200, error: undefined });
    expect(await received(s)).toEqual({});

    // Re-linked to Kim: both hear.
    arrived = nextEvent(s.kimSocket, "mentions:count", (u) => u.count === 1);
    expect(
      await edit(c, nora, session, { id: first, text: "First mention, tidied", saidBy: "Kim", mentionId: kim.id }),
    ).toMatchObject({ status: 200 });
    await arrived;
    expect(await received(s)).toEqual({ jo: [1], "jo's second tab": [1], kim: [1] });
    expect(await mentionsInSnapshot(c, jo.client)).toBe(1);
    expect(await mentionsInSnapshot(c, kim.client)).toBe(1);

    // Deleted by its author.
    arrived = nextEvent(s.joSocket, "mentions:count", (u) => u.count === 0);
    expect((await command(c, nora.client, session, { intent: "delete", id: second })).status).toBe(200);
    await arrived;
    expect(await received(s)).toEqual({ jo: [0], "jo's second tab": [0] });
    expect(await mentionsInSnapshot(c, jo.client)).toBe(0);
    // The snapshot never tells anyone else about mentions.
    expect(await mentionsInSnapshot(c, nora.client)).toBe(0);
  });

  it("tells the named attendee when an organiser hides an item that names them (known bug, see the comment)", async () => {
    // Bug: hideItem (app/services/capture.server.ts:361-378) never calls announceMentions, unlike
    // addItem, editItem and deleteItem: open pages keep "Your mentions (2)" until they reload.
    const s = await scene();
    const { c, nora, jo, session } = s;
    const keep = nextEvent(s.joSocket, "mentions:count", (u) => u.count === 2);
    await add(c, nora, session, { text: "Kept mention", saidBy: "Jo", mentionId: jo.id });
    const id = await add(c, nora, session, { text: "Rude mention", saidBy: "Jo", mentionId: jo.id });
    await keep;
    await received(s);

    expect((await command(c, c.organiser, session, { intent: "hide", id })).status).toBe(200);
    // What a page loads afterwards is right ...
    expect(await mentionsInSnapshot(c, jo.client)).toBe(1);
    expect(mentionsOn(await page(jo.client, `/e/${c.slug}/me`))).toHaveLength(1);
    // ... and an open page hears it, as after a delete.
    expect(await received(s)).toEqual({ jo: [1], "jo's second tab": [1] });
  });
});
