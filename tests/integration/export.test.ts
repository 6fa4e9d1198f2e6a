import Database from "better-sqlite3";
import type { Root } from "mdast";
import { parse as parseHtml } from "parse5";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { unified } from "unified";
import { visit } from "unist-util-visit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  buildWithHugo,
  calendarLineProblems,
  frontMatterOf,
  htmlText,
  parseCalendar,
  parseXml,
  unzip,
  validateScheduleJson,
  validateScheduleXml,
  wellFormedXml,
} from "../consumers";
import { HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";

/**
 * Every export of a seeded event, fetched from the real production build and
 * read by its real consumer: xmllint with the c3voc XSD, ajv with the c3voc
 * JSON Schema, ical.js, xmllint + xmldom with the WordPress namespaces, Hugo
 * building the zipped posts, the yaml parser for front matter, parse5 for the
 * standalone HTML. Captured notes are written straight into the server's
 * SQLite file (the capture UI has its own tests), with every kind, consent on
 * and off, a Chatham House session and awkward text. Then the attribution
 * rule is checked across every file at once, and the whole-event file goes
 * through /import and comes back the same.
 */

interface HtmlNode {
  nodeName: string;
  tagName?: string;
  value?: string;
  childNodes?: HtmlNode[];
}

function elementsOf(node: HtmlNode, out: HtmlNode[] = []): HtmlNode[] {
  if (node.tagName) out.push(node);
  for (const child of node.childNodes ?? []) elementsOf(child, out);
  return out;
}

function textOfNode(node: HtmlNode): string {
  return node.nodeName === "#text" ? (node.value ?? "") : (node.childNodes ?? []).map(textOfNode).join("");
}

let server: TestServer;
let db: Database.Database;

const TZ = "Europe/Berlin";
const EVENT_NAME = `Camp "Ω" & <Co> 🎉`;
const TITLES = {
  rich: `**Rust** & <script>alert("t")</script> 'quotes' שלום 🎉 Donaudampfschifffahrtsgesellschaftskapitänsmütze`,
  shy: "Shy pitcher's session: yes",
  chatham: "Chatham House session",
  unplaced: "# Not placed, <i>still</i> written up",
  hidden: "HIDDEN PITCH TITLE",
  withdrawn: "WITHDRAWN PITCH TITLE",
};
/** Names the rule withholds: none may appear in any export. */
const WITHHELD = {
  shyPitcher: "Quentin Shypitcher",
  chathamPitcher: "Rosalind Chathampitcher",
  shyNoteTaker: "Sven Shynotetaker",
  speakerNoConsent: "Ulrike Noconsent",
  chathamSpeaker: "Viktor Chathamspeaker",
  hiddenSpeaker: "Xaver Hiddenitem",
};

interface Seeded {
  slug: string;
  eventId: string;
  organiser: HttpClient;
  organiserLink: string;
  clients: HttpClient[];
  pitchIds: Record<keyof typeof TITLES, string>;
  ada: HttpClient;
  stranger: HttpClient;
}
let seeded: Seeded;

function row<T>(sql: string, ...params: unknown[]): T {
  const found = db.prepare(sql).get(...params) as T | undefined;
  if (!found) throw new Error(`no row for ${sql}`);
  return found;
}

async function ok(response: Response, what: string): Promise<Response> {
  if (response.status >= 400) throw new Error(`${what} answered ${response.status}: ${await response.text()}`);
  return response;
}

async function pitch(client: HttpClient, slug: string, title: string, description: string, tags = ""): Promise<string> {
  await ok(
    await client.post(`/e/${slug}/pitch`, { title, description, tags, clientId: `c${Math.random()}`.slice(0, 20) }),
    "pitch",
  );
  return row<{ id: string }>("select id from pitches where title = ? order by created_at desc", title).id;
}

async function seedEvent(): Promise<Seeded> {
  const { organiser, slug, organiserLink } = await createEvent(server.url, {
    name: EVENT_NAME,
    date: "2026-12-01",
    timeZone: TZ,
  });
  const eventId = row<{ id: string }>("select id from events where slug = ?", slug).id;
  const admin = (fields: Record<string, string>) => organiser.post(`/e/${slug}/admin`, fields);
  await ok(await admin({ intent: "add-room", name: "Room A", capacity: "30" }), "room");
  await ok(await admin({ intent: "add-room", name: "Hall ✨ & <B>", capacity: "200" }), "room");
  await ok(await admin({ intent: "add-slot", starts: "10:00", ends: "11:00", kind: "sessions" }), "slot");
  await ok(await admin({ intent: "add-slot", starts: "11:00", ends: "11:30", kind: "break", label: "Coffee" }), "slot");
  await ok(
    await admin({ intent: "add-slot", starts: "11:30", ends: "12:30", kind: "plenary", label: "Closing" }),
    "slot",
  );

  const ada = await joinAs(server.url, slug, "Ada Lovelace", true);
  const shy = await joinAs(server.url, slug, WITHHELD.shyPitcher, false);
  const carol = await joinAs(server.url, slug, WITHHELD.chathamPitcher, true);
  const noter = await joinAs(server.url, slug, WITHHELD.shyNoteTaker, false);
  const grace = await joinAs(server.url, slug, "Grace Hopper", true);
  const stranger = new HttpClient(server.url);

  const pitchIds = {
    rich: await pitch(
      ada,
      slug,
      TITLES.rich,
      "We talked about <b>HTML</b> & [a link](javascript:alert(1)) and [docs](https://example.org/?a=1&b=2).",
      "rust, מבחן",
    ),
    shy: await pitch(shy, slug, TITLES.shy, "", "ops"),
    chatham: await pitch(carol, slug, TITLES.chatham, "Off the record."),
    unplaced: await pitch(ada, slug, TITLES.unplaced, ""),
    hidden: await pitch(ada, slug, TITLES.hidden, ""),
    withdrawn: await pitch(ada, slug, TITLES.withdrawn, ""),
  };
  await ok(await admin({ intent: "hide-pitch", pitchId: pitchIds.hidden, reason: "Test" }), "hide");
  await ok(await ada.post(`/e/${slug}?index`, { intent: "withdraw", pitchId: pitchIds.withdrawn }), "withdraw");
  await ok(await admin({ intent: "open-voting" }), "open voting");
  for (const [who, id] of [
    [grace, pitchIds.rich],
    [grace, pitchIds.chatham],
    [shy, pitchIds.rich],
  ] as const) {
    await ok(await who.post(`/e/${slug}?index`, { intent: "vote", pitchId: id, vote: "true" }), "vote");
  }

  const roomId = (name: string) =>
    row<{ id: string }>("select id from rooms where event_id = ? and name = ?", eventId, name).id;
  const slotId = (start: string) =>
    row<{ id: string }>("select id from time_slots where event_id = ? and local_start = ?", eventId, start).id;
  const place = (pitchId: string, room: string, start: string) =>
    organiser.post(`/e/${slug}/grid`, { intent: "place", pitchId, roomId: roomId(room), slotId: slotId(start) });
  await ok(await place(pitchIds.rich, "Room A", "2026-12-01T10:00"), "place");
  await ok(await place(pitchIds.chatham, "Hall ✨ & <B>", "2026-12-01T10:00"), "place");
  await ok(await place(pitchIds.shy, "Room A", "2026-12-01T11:30"), "place");

  // Notes, written straight into the server's database.
  const writer = new Database(server.dbPath);
  try {
    writer.pragma("busy_timeout = 5000");
    writer.prepare("update pitches set chatham_house = 1 where id = ?").run(pitchIds.chatham);
    const attendee = (name: string) =>
      row<{ id: string }>("select id from attendees where event_id = ? and name = ?", eventId, name).id;
    const insert = writer.prepare(
      `insert into captured_items (id, event_id, pitch_id, author_id, kind, text, blocker, impact, helped, said_by, said_by_consent, hidden, created_at)
       values (@id, @eventId, @pitchId, @authorId, @kind, @text, @blocker, @impact, @helped, @saidBy, @consent, @hidden, @createdAt)`,
    );
    let n = 0;
    const note = (
      pitchId: string,
      author: string | null,
      kind: string,
      text: string,
      more: Record<string, unknown> = {},
    ) => {
      n++;
      insert.run({
        id: `seeditem${String(n).padStart(4, "0")}`,
        eventId,
        pitchId,
        authorId: author ? attendee(author) : null,
        kind,
        text,
        blocker: null,
        impact: null,
        helped: null,
        saidBy: null,
        consent: 0,
        hidden: 0,
        createdAt: `2026-12-01T09:${String(10 + n).padStart(2, "0")}:00.000Z`,
        ...more,
      });
    };
    note(pitchIds.rich, "Grace Hopper", "note", "First note with `code`, **bold** and <u>raw html</u> 🎉");
    note(pitchIds.rich, WITHHELD.shyNoteTaker, "tip", "Use `cargo clippy` & read the output", {
      saidBy: "Linus Named",
      consent: 1,
    });
    note(pitchIds.rich, "Ada Lovelace", "tip", "שלום: טיפ מימין לשמאל");
    note(pitchIds.rich, null, "blocker", "", {
      blocker: "Builds took **40 minutes**",
      impact: "No tests",
      helped: "sccache",
    });
    note(pitchIds.rich, "Grace Hopper", "quote", 'Ship it "when it\'s ready" ]]> & <done>', {
      saidBy: WITHHELD.speakerNoConsent,
      consent: 0,
    });
    note(pitchIds.rich, "Grace Hopper", "quote", "Named and agreed", { saidBy: "Margaret Named", consent: 1 });
    note(pitchIds.rich, null, "action", `Write the RFC ✍️ ${"x".repeat(200)}`);
    note(pitchIds.rich, "Ada Lovelace", "note", "HIDDEN ITEM TEXT", {
      hidden: 1,
      saidBy: WITHHELD.hiddenSpeaker,
      consent: 1,
    });
    note(pitchIds.chatham, WITHHELD.chathamPitcher, "quote", "Said under the rule", {
      saidBy: WITHHELD.chathamSpeaker,
      consent: 1,
    });
    note(pitchIds.chatham, "Grace Hopper", "action", "Follow up, quietly");
    note(pitchIds.hidden, "Ada Lovelace", "note", "Note on a hidden pitch");
  } finally {
    writer.close();
  }
  return {
    slug,
    eventId,
    organiser,
    organiserLink,
    clients: [organiser, ada, shy, carol, noter, grace],
    pitchIds,
    ada,
    stranger,
  };
}

beforeAll(async () => {
  server = await startServer();
  db = new Database(server.dbPath, { readonly: true, fileMustExist: true });
  seeded = await seedEvent();
});

afterEach(() => {
  expect(server.errors, "the server logged errors").toEqual([]);
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

const visibleTitles = () => [TITLES.rich, TITLES.chatham, TITLES.shy, TITLES.unplaced];
const scheduledTitles = () => [TITLES.rich, TITLES.chatham, TITLES.shy];

async function fetchFile(
  client: HttpClient,
  path: string,
  type: string,
): Promise<{ text: string; bytes: Uint8Array; response: Response }> {
  const response = await client.get(path);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  expect(response.status, `${path}: ${text.slice(0, 300)}`).toBe(200);
  expect(response.headers.get("content-type")).toContain(type);
  return { text, bytes, response };
}

describe("schedules", () => {
  it("schedule.xml validates against the c3voc XSD (xmllint) and holds every scheduled session", async () => {
    const { text } = await fetchFile(seeded.ada, `/e/${seeded.slug}/schedule.xml`, "application/xml");
    const result = validateScheduleXml(text);
    expect(result.output).toContain("validates");
    expect(result.ok).toBe(true);
    const doc = parseXml(text);
    const titles = Array.from(doc.getElementsByTagName("event")).map(
      (e) => e.getElementsByTagName("title")[0]?.textContent,
    );
    expect(titles.sort()).toEqual(scheduledTitles().sort());
    const dates = Array.from(doc.getElementsByTagName("event")).map(
      (e) => e.getElementsByTagName("date")[0]?.textContent,
    );
    expect(dates).toContain("2026-12-01T10:00:00+01:00");
  });

  it("schedule.json validates against the c3voc JSON Schema (ajv)", async () => {
    const { text } = await fetchFile(seeded.ada, `/e/${seeded.slug}/schedule.json`, "application/json");
    const doc = JSON.parse(text);
    const result = validateScheduleJson(doc);
    expect(result.errors).toBe("[]");
    const rooms = doc.schedule.conference.days[0].rooms as Record<string, { title: string }[]>;
    expect(
      Object.values(rooms)
        .flat()
        .map((e) => e.title)
        .sort(),
    ).toEqual(scheduledTitles().sort());
  });

  it("schedule.ics parses with ical.js: stable UIDs, DTSTAMP, the event's zone, rooms as LOCATION", async () => {
    const { text } = await fetchFile(seeded.ada, `/e/${seeded.slug}/schedule.ics`, "text/calendar");
    expect(calendarLineProblems(text)).toEqual([]);
    const { events } = parseCalendar(text);
    const host = new URL(server.url).host;
    const byUid = new Map(events.map((e) => [e.uid, e]));
    const rich = byUid.get(`${seeded.pitchIds.rich}@${host}`);
    expect(rich).toMatchObject({ summary: TITLES.rich, location: "Room A", startTzid: TZ });
    expect(rich?.start.toISOString()).toBe("2026-12-01T09:00:00.000Z");
    expect(byUid.get(`${seeded.pitchIds.chatham}@${host}`)?.location).toBe("Hall ✨ & <B>");
    expect(byUid.get(`${seeded.pitchIds.shy}@${host}`)?.location).toBe("All rooms");
    expect(events.map((e) => e.summary).sort()).toEqual(scheduledTitles().sort());
    for (const e of events) expect(e.dtstamp).toMatch(/^\d{8}T\d{6}Z$/);
    // The same request again gives the same UIDs.
    const again = parseCalendar((await fetchFile(seeded.ada, `/e/${seeded.slug}/schedule.ics`, "text/calendar")).text);
    expect(again.events.map((e) => e.uid).sort()).toEqual(events.map((e) => e.uid).sort());
  });

  it("my-sessions.ics still works, in the event's zone, with the same UIDs", async () => {
    const grace = seeded.clients[5] as HttpClient;
    const { text } = await fetchFile(grace, `/e/${seeded.slug}/my-sessions.ics`, "text/calendar");
    const { events } = parseCalendar(text);
    const host = new URL(server.url).host;
    expect(events.map((e) => e.uid).sort()).toEqual(
      [`${seeded.pitchIds.rich}@${host}`, `${seeded.pitchIds.chatham}@${host}`].sort(),
    );
    expect(events.every((e) => e.startTzid === TZ)).toBe(true);
  });
});

describe("write-ups", () => {
  it("export.md is one post with YAML front matter and a section per session", async () => {
    const { text } = await fetchFile(seeded.ada, `/e/${seeded.slug}/export.md`, "text/markdown");
    const { data, body } = frontMatterOf(text);
    expect(data).toMatchObject({ title: EVENT_NAME, date: "2026-12-01", event: EVENT_NAME });
    expect(data.authors).toEqual(["Ada Lovelace", "Grace Hopper"]);
    // Read as CommonMark + GFM, each session is a second-level heading whose text is its exact title.
    const processor = unified().use(remarkParse).use(remarkGfm);
    const tree = processor.runSync(processor.parse(body)) as Root;
    const headings: string[] = [];
    visit(tree, "heading", (node) => {
      if (node.depth !== 2) return;
      let text = "";
      visit(node, (n) => {
        if ((n.type === "text" || n.type === "inlineCode") && "value" in n) text += n.value;
      });
      headings.push(text);
    });
    expect(headings.sort()).toEqual(visibleTitles().sort());
    expect(body).not.toContain(TITLES.hidden);
  });

  it("each session exports as Markdown and as standalone HTML", async () => {
    for (const key of ["rich", "shy", "chatham", "unplaced"] as const) {
      const base = `/e/${seeded.slug}/s/${seeded.pitchIds[key]}`;
      const md = await fetchFile(seeded.ada, `${base}/export.md`, "text/markdown");
      expect(md.response.headers.get("content-disposition")).toMatch(
        /^attachment; filename="2026-12-01-[a-z0-9-]+\.md"$/,
      );
      expect(frontMatterOf(md.text).data.title).toBe(TITLES[key]);
      const html = await fetchFile(seeded.ada, `${base}/export.html`, "text/html");
      // An HTML5 parser finds one h1 with the exact title, and nothing that runs or loads.
      const found = elementsOf(parseHtml(html.text) as unknown as HtmlNode);
      expect(found.filter((e) => e.tagName === "h1").map(textOfNode)).toEqual([TITLES[key]]);
      expect(found.filter((e) => ["script", "img", "link", "iframe", "object"].includes(e.tagName ?? ""))).toEqual([]);
    }
    const rich = frontMatterOf(
      (await fetchFile(seeded.ada, `/e/${seeded.slug}/s/${seeded.pitchIds.rich}/export.md`, "text/markdown")).text,
    );
    expect(rich.data).toMatchObject({
      date: "2026-12-01T10:00:00+01:00",
      room: "Room A",
      time: "10:00–11:00",
      tags: ["rust", "מבחן"],
      authors: ["Ada Lovelace", "Grace Hopper"],
    });
    expect(rich.body).toContain("## Blocker stories");
    expect(rich.body).toContain("> Named and agreed — Margaret Named");
  });

  it("export.zip builds with Hugo into pages that show every session title", async () => {
    const { bytes, response } = await fetchFile(seeded.ada, `/e/${seeded.slug}/export.zip`, "application/zip");
    expect(response.headers.get("content-disposition")).toContain(".zip");
    const names = Object.keys(unzip(bytes)).filter((n) => n.startsWith("content/posts/"));
    expect(names).toHaveLength(4);
    for (const name of names) expect(name).toMatch(/^content\/posts\/\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.md$/);
    const site = buildWithHugo(bytes);
    expect(site.ok, site.output).toBe(true);
    expect(site.posts.map((p) => p.title).sort()).toEqual(visibleTitles().sort());
    const pageText = Object.values(site.pages).map(htmlText).join("\n");
    for (const title of visibleTitles()) expect(pageText).toContain(title);
    const rich = site.posts.find((p) => p.title === TITLES.rich);
    expect(rich).toMatchObject({
      date: "2026-12-01T10:00:00+01:00",
      room: "Room A",
      authors: ["Ada Lovelace", "Grace Hopper"],
    });
    expect(site.posts.find((p) => p.title === TITLES.chatham)?.authors).toEqual([]);
  });

  it("export.wxr is well-formed XML with the WordPress namespaces and a post per session", async () => {
    const { text } = await fetchFile(seeded.ada, `/e/${seeded.slug}/export.wxr`, "application/rss+xml");
    const lint = wellFormedXml(text);
    expect(lint.output).toBe("");
    expect(lint.ok).toBe(true);
    const doc = parseXml(text);
    const wp = "http://wordpress.org/export/1.2/";
    expect(doc.documentElement.getAttribute("xmlns:wp")).toBe(wp);
    expect(doc.documentElement.getAttribute("xmlns:content")).toBe("http://purl.org/rss/1.0/modules/content/");
    expect(doc.documentElement.getAttribute("xmlns:dc")).toBe("http://purl.org/dc/elements/1.1/");
    expect(doc.documentElement.getAttribute("xmlns:excerpt")).toBe("http://wordpress.org/export/1.2/excerpt/");
    expect(doc.getElementsByTagNameNS(wp, "wxr_version")[0]?.textContent).toBe("1.2");
    const items = Array.from(doc.getElementsByTagName("item"));
    expect(items.map((i) => i.getElementsByTagName("title")[0]?.textContent).sort()).toEqual(visibleTitles().sort());
    for (const item of items) expect(item.getElementsByTagNameNS(wp, "post_type")[0]?.textContent).toBe("post");
  });
});

describe("the preview page", () => {
  it("shows the form and the post, and downloads Markdown and HTML with the edits", async () => {
    const base = `/e/${seeded.slug}/s/${seeded.pitchIds.rich}`;
    const page = await seeded.ada.get(`${base}/export`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Preview and edit before export");
    expect(html).toMatch(/<label[^>]*>Title<\/label>/);
    expect(html).toMatch(/<label[^>]*>Introduction<\/label>/);
    expect(html).toContain(`formAction="${base}/export.md"`.replace("formAction", "formaction"));
    const fields = { title: "A better title: yes", introduction: "New *intro* 🎉" };
    const md = await seeded.ada.post(`${base}/export.md`, fields);
    expect(md.status).toBe(200);
    const { data, body } = frontMatterOf(await md.text());
    expect(data.title).toBe("A better title: yes");
    expect(body.trimStart().startsWith("New _intro_ 🎉")).toBe(true);
    const page2 = await seeded.ada.post(`${base}/export.html`, fields);
    expect(page2.status).toBe(200);
    expect(await page2.text()).toContain('<h1 dir="auto">A better title: yes</h1>');
  });

  it("refuses an empty title with a message and downloads nothing", async () => {
    const response = await seeded.ada.post(`/e/${seeded.slug}/s/${seeded.pitchIds.rich}/export.md`, {
      title: "  ",
      introduction: "x",
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Title: Give the post a title.");
  });
});

describe("who may export what", () => {
  it("anyone who can see the event gets posts and schedules; export.json is for organisers", async () => {
    const base = `/e/${seeded.slug}`;
    expect((await seeded.stranger.get(`${base}/schedule.xml`)).status).toBe(200);
    expect((await seeded.stranger.get(`${base}/export.md`)).status).toBe(200);
    expect((await seeded.ada.get(`${base}/export.json`)).status).toBe(403);
    expect((await seeded.stranger.get(`${base}/export.json`)).status).toBe(403);
    expect((await seeded.organiser.get(`${base}/export.json`)).status).toBe(200);
  });

  it("answers 404 for hidden, withdrawn and unknown sessions, and for unknown events", async () => {
    for (const id of [seeded.pitchIds.hidden, seeded.pitchIds.withdrawn, "nope"]) {
      expect((await seeded.ada.get(`/e/${seeded.slug}/s/${id}/export.md`)).status).toBe(404);
    }
    expect((await seeded.ada.get("/e/no-such-event/schedule.ics")).status).toBe(404);
  });

  it("keeps a private event's exports behind its passcode", async () => {
    const { slug } = await createEvent(server.url, { name: "Private camp", passcode: "letmein" });
    const response = await new HttpClient(server.url).get(`/e/${slug}/schedule.xml`);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("passcode");
  });
});

describe("the attribution rule across every export", () => {
  it("no withheld name, hidden text, attendee id, cookie or secret appears in any file", async () => {
    const base = `/e/${seeded.slug}`;
    const files: Record<string, string> = {};
    for (const path of [
      "export.md",
      "export.wxr",
      "export.json",
      "schedule.ics",
      "schedule.xml",
      "schedule.json",
      ...Object.values(seeded.pitchIds).flatMap((id) => [`s/${id}/export.md`, `s/${id}/export.html`]),
    ]) {
      const response = await seeded.organiser.get(`${base}/${path}`);
      if (response.status === 200) files[path] = await response.text();
    }
    const zip = await seeded.organiser.get(`${base}/export.zip`);
    for (const [name, body] of Object.entries(unzip(new Uint8Array(await zip.arrayBuffer())))) {
      files[`export.zip/${name}`] = body;
    }
    // 6 event files, Markdown and HTML for each of the 4 visible sessions, 4 posts and a README in the zip.
    expect(Object.keys(files).length).toBe(19);

    const attendeeIds = (db.prepare("select id from attendees").all() as { id: string }[]).map((r) => r.id);
    const cookies = seeded.clients.flatMap((c) => [...c.cookies.values()]).filter((v) => v.length > 8);
    const organiserKey = new URL(seeded.organiserLink).searchParams.get("key") ?? "";
    const hashes = (db.prepare("select organiser_key_hash as h from events").all() as { h: string }[]).map((r) => r.h);
    expect(attendeeIds.length).toBeGreaterThanOrEqual(5);
    expect(cookies.length).toBeGreaterThanOrEqual(5);
    expect(organiserKey.length).toBeGreaterThan(10);
    const forbidden: Record<string, string> = {
      ...Object.fromEntries(Object.entries(WITHHELD).map(([k, v]) => [`name ${k}`, v])),
      "hidden pitch": TITLES.hidden,
      "withdrawn pitch": TITLES.withdrawn,
      "hidden item": "HIDDEN ITEM TEXT",
      "note on a hidden pitch": "Note on a hidden pitch",
      "organiser key": organiserKey,
      "session secret": "test-secret-test-secret-test-secret-0123",
      ...Object.fromEntries(attendeeIds.map((id) => [`attendee id ${id}`, id])),
      ...Object.fromEntries(cookies.map((c, i) => [`cookie ${i}`, c])),
      ...Object.fromEntries(hashes.map((h, i) => [`key hash ${i}`, h])),
    };
    for (const [file, body] of Object.entries(files)) {
      for (const [what, secret] of Object.entries(forbidden)) {
        expect(body.includes(secret), `${what} in ${file}`).toBe(false);
      }
    }
    expect(files["export.md"]).toContain("Margaret Named");
    expect(files["export.md"]).toContain("Linus Named");
  });
});

describe("export.json and /import", () => {
  it("round-trips: the imported event exports the same file, and its organiser link is shown", async () => {
    const original = JSON.parse(
      (await fetchFile(seeded.organiser, `/e/${seeded.slug}/export.json`, "application/json")).text,
    );
    expect(original.sessions.map((s: { title: string }) => s.title).sort()).toEqual(visibleTitles().sort());
    expect(original.ballots).toHaveLength(2);

    const importer = new HttpClient(server.url);
    const form = new FormData();
    form.append("file", new Blob([JSON.stringify(original)], { type: "application/json" }), "camp.unconf.json");
    form.append("json", "");
    form.append("passcode", "");
    const response = await importer.request("/import", { method: "POST", body: form });
    expect(response.status, await response.clone().text()).toBe(302);
    const location = response.headers.get("location") ?? "";
    const slug = location.match(/^\/e\/([^/]+)\/admin\?created=1$/)?.[1];
    expect(slug).toBeTruthy();
    expect(slug).not.toBe(seeded.slug);
    const adminPage = await importer.get(location);
    expect(adminPage.status).toBe(200);
    expect(await adminPage.text()).toMatch(/id="organiser-link"/);

    const copy = JSON.parse((await fetchFile(importer, `/e/${slug}/export.json`, "application/json")).text);
    const strip = ({ exportedAt, source, ...rest }: Record<string, unknown>) => rest;
    expect(strip(copy)).toEqual(strip(original));
    expect(copy.source).toBe(`${server.url}/e/${slug}`);
  });

  it("accepts pasted JSON too, and asks a private event for a new passcode", async () => {
    const original = JSON.parse(
      (await fetchFile(seeded.organiser, `/e/${seeded.slug}/export.json`, "application/json")).text,
    );
    const privateFile = JSON.stringify({ ...original, event: { ...original.event, private: true } });
    const importer = new HttpClient(server.url);
    const refused = await importer.post("/import", { json: privateFile });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("This event was private: give it a passcode");
    const accepted = await importer.post("/import", { json: privateFile, passcode: "new-passcode" });
    expect(accepted.status).toBe(302);
    const slug = accepted.headers.get("location")?.match(/^\/e\/([^/]+)\//)?.[1];
    const row2 = db.prepare("select passcode_hash from events where slug = ?").get(slug) as {
      passcode_hash: string | null;
    };
    expect(row2.passcode_hash).toBeTruthy();
  });

  it("refuses broken files clearly and creates nothing", async () => {
    const before = (db.prepare("select count(*) as n from events").get() as { n: number }).n;
    const importer = new HttpClient(server.url);
    const cases: Array<[string, string]> = [
      ["{not json", "That is not a JSON file"],
      ['{"format":"frab"}', "not an Unconf event file"],
      [
        JSON.stringify({
          format: "unconf-event",
          version: 1,
          event: {
            name: "X",
            date: "2026-12-01",
            timeZone: "Europe/Berlin",
            private: false,
            pitchingOpen: true,
            votingOpen: false,
            votesPerAttendee: 3,
            blindVoting: false,
            shufflePitches: true,
          },
          rooms: [],
          timeSlots: [],
          sessions: [
            {
              title: "",
              description: "",
              tags: [],
              chathamHouse: false,
              notesLocked: false,
              pitcher: null,
              createdAt: "2026-12-01T09:00:00.000Z",
              placement: { room: "Ghost room", start: "2026-12-01T10:00", pinned: false },
              notes: [],
            },
          ],
          ballots: [[3]],
        }),
        "sessions[0].title: Every session needs a title.",
      ],
      ["", "Choose the export file"],
    ];
    for (const [json, message] of cases) {
      const response = await importer.post("/import", { json });
      expect(response.status, json.slice(0, 40)).toBe(400);
      const text = htmlText(await response.text());
      expect(text, json.slice(0, 40)).toContain(message);
    }
    expect((db.prepare("select count(*) as n from events").get() as { n: number }).n).toBe(before);
  });
});

describe("an empty event", () => {
  it("still gives a valid file in every format", async () => {
    const { organiser, slug } = await createEvent(server.url, { name: "Empty camp" });
    const base = `/e/${slug}`;
    const xml = await fetchFile(organiser, `${base}/schedule.xml`, "application/xml");
    expect(validateScheduleXml(xml.text).ok, validateScheduleXml(xml.text).output).toBe(true);
    const json = await fetchFile(organiser, `${base}/schedule.json`, "application/json");
    expect(validateScheduleJson(JSON.parse(json.text)).errors).toBe("[]");
    const ics = await fetchFile(organiser, `${base}/schedule.ics`, "text/calendar");
    expect(parseCalendar(ics.text).events).toEqual([]);
    const wxr = await fetchFile(organiser, `${base}/export.wxr`, "application/rss+xml");
    expect(wellFormedXml(wxr.text).ok).toBe(true);
    const md = await fetchFile(organiser, `${base}/export.md`, "text/markdown");
    expect(frontMatterOf(md.text).data.title).toBe("Empty camp");
    const zip = await fetchFile(organiser, `${base}/export.zip`, "application/zip");
    const site = buildWithHugo(zip.bytes);
    expect(site.ok, site.output).toBe(true);
    expect(site.posts).toEqual([]);
    const file = await fetchFile(organiser, `${base}/export.json`, "application/json");
    expect(JSON.parse(file.text)).toMatchObject({ sessions: [], rooms: [], timeSlots: [], ballots: [] });
  });
});
