import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import exifr from "exifr";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Ack, FeedbackSummary, JoinedEvent, PhotoView, WatchedSession } from "../../app/realtime/contract";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";
import { buildWithHugo, unzip } from "../consumers";
import { decodeHtml } from "./support";
import { type TestSocket, connectSocket, nextEvent, record } from "../helpers/socket";

/**
 * Session photos and feedback against the real production build: what the
 * stored files hold (no metadata at all, turned upright, bounded sizes), the
 * uploads that are refused (not an image, a decompression bomb, a 50 MB body,
 * another event's session, a locked session, an outsider) while /healthz
 * keeps answering, the live pushes, and who may read feedback (per role).
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

const photosDir = () => join(dirname(server.dbPath), "photos");

/** YYYY-MM-DD in London, `days` from today. */
function londonDay(days: number): string {
  const at = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(at);
}

interface Camp {
  organiser: HttpClient;
  slug: string;
  eventId: string;
  pitcher: HttpClient;
  pitchId: string;
}

let camps = 0;
/** An event with one room, one slot and one placed session by a pitcher; `started` puts it yesterday, else tomorrow. */
async function camp(started = true): Promise<Camp> {
  camps++;
  const { organiser, slug } = await createEvent(server.url, {
    name: `Photo Camp ${camps}`,
    date: londonDay(started ? -1 : 2),
  });
  const eventId = db.eventBySlug(slug).id;
  await organiser.post(`/e/${slug}/admin`, { intent: "add-room", name: "Hall", capacity: "50" });
  await organiser.post(`/e/${slug}/admin`, { intent: "add-slot", starts: "10:00", ends: "11:00" });
  const pitcher = await joinAs(server.url, slug, `Pitcher ${camps}`);
  const pitched = await pitcher.post(`/e/${slug}/pitch?index`, { title: `Flipcharts ${camps}`, description: "" });
  const pitchId = pitched.headers.get("location")?.match(/#pitch-(.+)$/)?.[1] ?? "";
  const roomId = db.get<{ id: string }>("select id from rooms where event_id = ?", eventId)?.id ?? "";
  const slotId = db.get<{ id: string }>("select id from time_slots where event_id = ?", eventId)?.id ?? "";
  const placed = await organiser.post(`/e/${slug}/grid`, { intent: "place", pitchId, roomId, slotId });
  expect(placed.status).toBe(200);
  return { organiser, slug, eventId, pitcher, pitchId };
}

let photoCount = 0;
const newPhotoId = () => `photo-test-${++photoCount}-${Math.random().toString(36).slice(2, 10)}`;

/** A phone photo: 1200x800 pixels stored sideways (EXIF orientation 6), with GPS, camera and copyright fields. */
async function phonePhoto(width = 1200, height = 800): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: "#d44" } })
    .composite([
      {
        input: await sharp({ create: { width: 100, height: 100, channels: 3, background: "#00f" } })
          .png()
          .toBuffer(),
        top: 0,
        left: 0,
      },
    ])
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: "PhoneMaker", Model: "Phone 12", Copyright: "Someone", Artist: "Someone" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" },
    })
    .toBuffer();
}

async function upload(
  client: HttpClient,
  slug: string,
  pitchId: string,
  body: Blob | Buffer,
  fields: Partial<Record<"id" | "alt", string>> = {},
): Promise<{ status: number; json: { ok: boolean; error?: string; photo?: PhotoView } }> {
  const form = new FormData();
  form.set("intent", "add");
  form.set("id", fields.id ?? newPhotoId());
  form.set("alt", fields.alt ?? "The flipchart with sticky notes");
  form.set("photo", body instanceof Blob ? body : new Blob([new Uint8Array(body)], { type: "image/jpeg" }), "p.jpg");
  const response = await client.request(`/e/${slug}/s/${pitchId}/photos`, {
    method: "POST",
    body: form,
    headers: { Accept: "application/json" },
  });
  const text = await response.text();
  let json: { ok: boolean; error?: string; photo?: PhotoView } = { ok: false, error: text };
  try {
    json = JSON.parse(text);
  } catch {
    // a plain-text refusal (413)
  }
  return { status: response.status, json };
}

async function healthy(): Promise<void> {
  const started = Date.now();
  const response = await fetch(`${server.url}/healthz`);
  expect(response.status).toBe(200);
  // Generous: only a stalled event loop takes this long.
  expect(Date.now() - started).toBeLessThan(10_000);
}

async function watcher(c: Camp, client: HttpClient): Promise<TestSocket> {
  const socket = await connectSocket(server.url, client);
  sockets.push(socket);
  const joined = (await socket.emitWithAck("event:join", { slug: c.slug })) as Ack<JoinedEvent>;
  expect(joined.ok).toBe(true);
  const watched = (await socket.emitWithAck("session:watch", { pitchId: c.pitchId })) as Ack<WatchedSession>;
  expect(watched.ok).toBe(true);
  return socket;
}

describe("session photos", () => {
  it("stores an upright web size and thumbnail without any metadata, and pushes it live", async () => {
    const c = await camp();
    const taker = await joinAs(server.url, c.slug, "Taker");
    const viewer = await joinAs(server.url, c.slug, "Viewer");
    const socket = await watcher(c, viewer);
    const pushed = nextEvent(socket, "photo:added", () => true, 15_000);
    const original = await phonePhoto();
    expect((await exifr.gps(original))?.latitude).toBe(51.5);

    const id = newPhotoId();
    const { status, json } = await upload(taker, c.slug, c.pitchId, original, { id });
    expect(status, json.error).toBe(200);
    // Orientation 6 stores the picture sideways: upright it is 800 wide, 1200 high.
    expect(json.photo).toMatchObject({ id, alt: "The flipchart with sticky notes", width: 800, height: 1200 });
    expect(json.photo?.thumbWidth).toBeLessThanOrEqual(400);
    expect(json.photo?.thumbHeight).toBe(400);
    expect((await pushed)[0].photo.id).toBe(id);

    const files = readdirSync(join(photosDir(), c.eventId)).sort();
    expect(files).toEqual([`${id}.jpg`, `${id}.thumb.jpg`]);
    for (const file of files) {
      const bytes = readFileSync(join(photosDir(), c.eventId, file));
      expect(await exifr.parse(bytes, true)).toBeUndefined();
      expect(await exifr.gps(bytes)).toBeUndefined();
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe("jpeg");
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(file.includes("thumb") ? 400 : 1600);
      expect((meta.height ?? 0) > (meta.width ?? 0)).toBe(true);
    }
    // The blue corner (top-left as stored) is at the top-right once turned 90° clockwise.
    const { data, info } = await sharp(readFileSync(join(photosDir(), c.eventId, `${id}.jpg`)))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
    expect(pixel(info.width - 10, 10)[2]).toBeGreaterThan(200);
    expect(pixel(10, 10)[0]).toBeGreaterThan(200);

    // Served to people who may see the event, with long private caching and nosniff.
    const served = await viewer.get(`/e/${c.slug}/photos/${id}.jpg`);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/jpeg");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(served.headers.get("cache-control")).toContain("max-age=31536000");
    expect((await served.arrayBuffer()).byteLength).toBe(
      db.get<{ bytes: number }>("select bytes from photos where id = ?", id)?.bytes,
    );
    expect((await viewer.get(`/e/${c.slug}/photos/${id}.thumb.jpg`)).status).toBe(200);
    // The session page lists it with its description.
    expect(await (await viewer.get(`/e/${c.slug}/s/${c.pitchId}`)).text()).toContain("The flipchart with sticky notes");

    // A retry with the same id stores it once.
    const again = await upload(taker, c.slug, c.pitchId, original, { id });
    expect(again.status).toBe(200);
    expect(db.count("photos", c.eventId)).toBe(1);
  });

  it("refuses what is not a photo, bombs, huge bodies, other events, locked sessions and outsiders, storing nothing", async () => {
    const c = await camp();
    const other = await camp();
    const taker = await joinAs(server.url, c.slug, "Taker");
    const before = db.count("photos");
    const filesBefore = existsSync(join(photosDir(), c.eventId)) ? readdirSync(join(photosDir(), c.eventId)).length : 0;

    const text = await upload(
      taker,
      c.slug,
      c.pitchId,
      new Blob(["just some text, not an image"], { type: "image/jpeg" }),
    );
    expect(text.status).toBe(400);
    expect(text.json.error).toMatch(/not a photo/);
    await healthy();

    // A PNG whose header declares 30000 x 30000 pixels (900 megapixels): refused before decoding.
    const small = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#fff" } })
      .png()
      .toBuffer();
    const bomb = Buffer.from(small);
    bomb.writeUInt32BE(30000, 16);
    bomb.writeUInt32BE(30000, 20);
    const bombed = await upload(taker, c.slug, c.pitchId, bomb);
    expect(bombed.status).toBe(400);
    expect(bombed.json.error).toMatch(/too large to process|not a photo/);
    await healthy();

    // Just over the 15 MB cap: read to the end and refused with a message.
    const over = await upload(
      taker,
      c.slug,
      c.pitchId,
      new Blob([new Uint8Array(16 * 1024 * 1024)], { type: "image/jpeg" }),
    );
    expect(over.status).toBe(413);
    expect(over.json.error).toMatch(/too large: at most 15 MB/);
    // 50 MB streamed: cut off as it arrives (a 413, or the connection closed early), never buffered whole.
    const huge = await upload(
      taker,
      c.slug,
      c.pitchId,
      new Blob([new Uint8Array(50 * 1024 * 1024)], { type: "image/jpeg" }),
    ).then(
      (answer) => answer.status,
      () => "connection closed",
    );
    expect([413, "connection closed"]).toContain(huge);
    await healthy();

    // Without a description.
    const noAlt = await upload(taker, c.slug, c.pitchId, await phonePhoto(), { alt: "  " });
    expect(noAlt.status).toBe(400);
    expect(noAlt.json.error).toMatch(/Describe the photo/);

    // Another event's session, through this event's address.
    const cross = await upload(taker, c.slug, other.pitchId, await phonePhoto());
    expect(cross.status).toBe(404);

    // An outsider: no cookie at all.
    const outsider = await upload(new HttpClient(server.url), c.slug, c.pitchId, await phonePhoto());
    expect(outsider.status).toBe(403);

    // A locked session.
    expect((await c.organiser.post(`/e/${c.slug}/s/${c.pitchId}`, { intent: "lock" })).status).toBe(200);
    const locked = await upload(taker, c.slug, c.pitchId, await phonePhoto());
    expect(locked.status).toBe(403);
    expect(locked.json.error).toMatch(/locked/);

    expect(db.count("photos")).toBe(before);
    const filesAfter = existsSync(join(photosDir(), c.eventId)) ? readdirSync(join(photosDir(), c.eventId)).length : 0;
    expect(filesAfter).toBe(filesBefore);
    await healthy();
  });

  it("keeps photos of private events behind the passcode, and lets only the uploader and organisers remove them", async () => {
    const c = await camp();
    const taker = await joinAs(server.url, c.slug, "Taker");
    const someone = await joinAs(server.url, c.slug, "Someone");
    const first = await upload(taker, c.slug, c.pitchId, await phonePhoto(), { alt: "First" });
    const second = await upload(taker, c.slug, c.pitchId, await phonePhoto(), { alt: "Second" });
    const [a, b] = [first.json.photo?.id ?? "", second.json.photo?.id ?? ""];

    const remove = (client: HttpClient, id: string) =>
      client.request(`/e/${c.slug}/s/${c.pitchId}/photos`, {
        method: "POST",
        body: new URLSearchParams({ intent: "remove", id }),
        headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      });
    expect((await remove(someone, a)).status).toBe(403);
    const socket = await watcher(c, someone);
    const gone = nextEvent(socket, "photo:removed", () => true, 15_000);
    expect((await remove(taker, a)).status).toBe(200);
    expect((await gone)[0].photoId).toBe(a);
    expect((await remove(c.organiser, b)).status).toBe(200);
    expect(db.count("photos", c.eventId)).toBe(0);
    expect(existsSync(join(photosDir(), c.eventId, `${a}.jpg`))).toBe(false);
    expect((await someone.get(`/e/${c.slug}/photos/${a}.jpg`)).status).toBe(404);

    // A private event: its photos need the passcode.
    const third = await upload(taker, c.slug, c.pitchId, await phonePhoto(), { alt: "Third" });
    const id = third.json.photo?.id ?? "";
    expect((await new HttpClient(server.url).get(`/e/${c.slug}/photos/${id}.jpg`)).status).toBe(200);
    await c.organiser.post(`/e/${c.slug}/admin`, { intent: "set-passcode", passcode: "sesame-42" });
    expect((await new HttpClient(server.url).get(`/e/${c.slug}/photos/${id}.jpg`)).status).toBe(403);
    expect((await new HttpClient(server.url).get(`/e/${c.slug}/photos/../../healthz`)).status).not.toBe(200);
  });
});

describe("session feedback", () => {
  async function give(client: HttpClient, c: Camp, fields: Record<string, string>) {
    return client.post(`/e/${c.slug}/s/${c.pitchId}`, { intent: "feedback", ...fields });
  }

  it("is refused while switched off, before the start, and outside 1-5; one per attendee, replaced when given again", async () => {
    const c = await camp();
    const ann = await joinAs(server.url, c.slug, "Ann");
    const off = await give(ann, c, { rating: "4" });
    expect(off.status).toBe(403);
    expect(await off.text()).toContain("Feedback is switched off");
    await c.organiser.post(`/e/${c.slug}/admin`, { intent: "feedback-setting", on: "true" });
    for (const rating of ["0", "6", "3.5", "", "five"]) {
      const bad = await give(ann, c, { rating });
      expect(bad.status, rating).toBe(400);
      expect(await bad.text()).toContain("Choose a rating from 1 to 5");
    }
    const long = await give(ann, c, { rating: "3", comment: "x".repeat(1001) });
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("at most 1000 characters");
    expect(db.count("feedback", c.eventId)).toBe(0);

    expect((await give(ann, c, { rating: "2", comment: "Too short" })).status).toBe(200);
    expect((await give(ann, c, { rating: "5", comment: "Changed my mind" })).status).toBe(200);
    const rows = db.all<{ rating: number; comment: string }>(
      "select rating, comment from feedback where event_id = ?",
      c.eventId,
    );
    expect(rows).toEqual([{ rating: 5, comment: "Changed my mind" }]);

    const future = await camp(false);
    await future.organiser.post(`/e/${future.slug}/admin`, { intent: "feedback-setting", on: "true" });
    const early = await give(await joinAs(server.url, future.slug, "Early"), future, { rating: "4" });
    expect(early.status).toBe(403);
    expect(await early.text()).toContain("Feedback opens when the session starts");
    expect(db.count("feedback", future.eventId)).toBe(0);
  });

  it("shows count, average and comments to the host and organisers only (per role), in no push to others and no public export", async () => {
    const c = await camp();
    const elsewhere = await camp();
    await c.organiser.post(`/e/${c.slug}/admin`, { intent: "feedback-setting", on: "true" });
    const attendee = await joinAs(server.url, c.slug, "Attendee");
    const secret = "A-secret-comment-only-hosts-read";

    const attendeeSocket = await watcher(c, attendee);
    const hostSocket = await watcher(c, c.pitcher);
    const attendeeHeard = record(attendeeSocket, "feedback:summary");
    const hostHears = nextEvent(hostSocket, "feedback:summary", (u) => u.summary.count === 2, 15_000);
    // Someone else's comment: an attendee's own form shows them their own answer, never another's.
    expect((await give(attendee, c, { rating: "4" })).status).toBe(200);
    expect((await give(await joinAs(server.url, c.slug, "B"), c, { rating: "2", comment: secret })).status).toBe(200);
    const summary: FeedbackSummary = (await hostHears)[0].summary;
    expect(summary.comments).toContain(secret);

    const page = async (client: HttpClient) =>
      decodeHtml(await (await client.get(`/e/${c.slug}/s/${c.pitchId}`)).text());
    const roles: Array<[string, HttpClient, boolean]> = [
      ["outsider", new HttpClient(server.url), false],
      ["attendee", attendee, false],
      ["pitcher", c.pitcher, true],
      ["other event's organiser", elsewhere.organiser, false],
      ["organiser", c.organiser, true],
    ];
    for (const [role, client, sees] of roles) {
      const html = await page(client);
      expect(html.includes(secret), role).toBe(sees);
      if (sees) expect(html, role).toMatch(/2 responses, average 3\.0 out of 5/);
    }
    const admin = await (await c.organiser.get(`/e/${c.slug}/admin`)).text();
    expect(admin).toContain(secret);
    expect((await elsewhere.organiser.get(`/e/${c.slug}/admin`)).status).toBe(403);

    for (const path of [
      "state.json",
      "export.md",
      "export.wxr",
      "export.zip",
      `s/${c.pitchId}/export.md`,
      `s/${c.pitchId}/export.html`,
    ]) {
      const body = Buffer.from(await (await attendee.get(`/e/${c.slug}/${path}`)).arrayBuffer()).toString("latin1");
      expect(body.includes(secret), path).toBe(false);
    }
    const organiserFile = await (await c.organiser.get(`/e/${c.slug}/export.json`)).text();
    expect(organiserFile).toContain(secret);
    attendeeHeard.stop();
    expect(attendeeHeard.seen).toEqual([]);
  });
});

describe("photos in every write-up", () => {
  it("links, bundles, embeds and carries the photos, and Hugo builds a page that shows them", async () => {
    const c = await camp();
    const taker = await joinAs(server.url, c.slug, "Taker");
    const alt = "Flipchart: five stickies about CI";
    const { json } = await upload(taker, c.slug, c.pitchId, await phonePhoto(), { alt });
    const id = json.photo?.id ?? "";
    const url = `${server.url}/e/${c.slug}/photos/${id}.jpg`;
    const get = async (path: string, client: HttpClient = taker) => {
      const response = await client.get(`/e/${c.slug}/${path}`);
      expect(response.status, path).toBe(200);
      return new Uint8Array(await response.arrayBuffer());
    };
    const text = async (path: string, client?: HttpClient) => new TextDecoder().decode(await get(path, client));

    // Markdown posts (session and event) link the photo on this site.
    expect(await text(`s/${c.pitchId}/export.md`)).toContain(`![${alt}](${url})`);
    expect(await text("export.md")).toContain(`![${alt}](${url})`);

    // The standalone HTML embeds it: no request leaves the file, and its CSP allows data: images only.
    const html = await text(`s/${c.pitchId}/export.html`);
    expect(html).toMatch(new RegExp(`<img src="data:image/jpeg;base64,[A-Za-z0-9+/=]+" alt="${alt}"`));
    expect(html).toContain("img-src data:");
    expect(html).not.toContain(url);
    expect(html).not.toMatch(/src="https?:/);

    // The static-site zip: a page bundle with the photo beside index.md, linked relatively; Hugo publishes both.
    const zip = await get("export.zip");
    const entries = Object.keys(unzip(zip));
    const bundle = entries.find((name) => name.endsWith("/index.md"));
    expect(bundle).toMatch(/^content\/posts\/\d{4}-\d{2}-\d{2}-flipcharts-\d+\/index\.md$/);
    const folder = (bundle as string).replace(/index\.md$/, "");
    expect(entries).toContain(`${folder}photo-1.jpg`);
    expect(unzip(zip)[bundle as string]).toContain(`![${alt}](photo-1.jpg)`);
    const site = buildWithHugo(zip);
    expect(site.ok, site.output).toBe(true);
    const [pagePath, page] = Object.entries(site.pages).find(([, body]) => body.includes("photo-1.jpg")) ?? [];
    expect(page).toMatch(new RegExp(`<img src="photo-1.jpg" alt="${alt}"`));
    // The image resolves beside the page, where Hugo put it.
    const published = `${dirname(pagePath as string)}/photo-1.jpg`;
    expect(site.assets[published]).toBeGreaterThan(1000);

    // The WordPress file: an attachment with its alt text, at the photo's address, whose parent is the post.
    const wxrText = await text("export.wxr");
    expect(wxrText).toContain("<wp:post_type><![CDATA[attachment]]></wp:post_type>");
    expect(wxrText).toContain(`<wp:attachment_url><![CDATA[${url}]]></wp:attachment_url>`);
    expect(wxrText).toMatch(
      /_wp_attachment_image_alt\]\]><\/wp:meta_key>\s*<wp:meta_value><!\[CDATA\[Flipchart: five stickies about CI\]\]>/,
    );

    // The organiser's export.json carries the bytes; /import makes a new event that shows the photo.
    const file = JSON.parse(await text("export.json", c.organiser));
    const carried = file.sessions.find((s: { photos?: unknown[] }) => s.photos?.length).photos[0];
    expect(carried.alt).toBe(alt);
    const carriedBytes = Buffer.from(carried.jpeg, "base64");
    expect(await exifr.gps(carriedBytes)).toBeUndefined();
    const importer = new HttpClient(server.url);
    const imported = await importer.post("/import", { json: JSON.stringify(file) });
    expect(imported.status, await imported.clone().text()).toBe(302);
    const newSlug = imported.headers.get("location")?.match(/^\/e\/([^/]+)\/admin/)?.[1] ?? "";
    const newId = db.get<{ id: string }>(
      "select photos.id from photos join events on events.id = photos.event_id where events.slug = ?",
      newSlug,
    )?.id;
    expect(newId).toBeTruthy();
    const copy = await importer.get(`/e/${newSlug}/photos/${newId}.jpg`);
    expect(copy.status).toBe(200);
    expect((await sharp(Buffer.from(await copy.arrayBuffer())).metadata()).width).toBe(800);

    // A file with a photo that is not an image is refused as a whole.
    const broken = structuredClone(file);
    broken.sessions.find((s: { photos?: unknown[] }) => s.photos?.length).photos[0].jpeg =
      Buffer.from("nope").toString("base64");
    const refused = await new HttpClient(server.url).post("/import", { json: JSON.stringify(broken) });
    expect(refused.status).toBe(400);
    expect(decodeHtml(await refused.text())).toMatch(/photos\[0\]: That file is not a photo/);
  });
});

describe("npm run backup", () => {
  it("copies every stored photo's files beside the database copy", async () => {
    const c = await camp();
    const taker = await joinAs(server.url, c.slug, "Backer");
    await upload(taker, c.slug, c.pitchId, await phonePhoto(), { alt: "Backed up" });
    const destination = join(mkdtempSync(join(tmpdir(), "unconf-photo-backup-")), "copy.sqlite");
    const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/backup.ts", destination], {
      cwd: resolve(import.meta.dirname, "../.."),
      env: { ...process.env, DATABASE_URL: server.dbPath },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/Copied \d+ photo files to .*copy\.sqlite\.photos/);
    const rows = db.all<{ id: string; event_id: string }>("select id, event_id from photos");
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      for (const name of [`${row.id}.jpg`, `${row.id}.thumb.jpg`]) {
        const copied = join(`${destination}.photos`, row.event_id, name);
        expect(readFileSync(copied)).toEqual(readFileSync(join(photosDir(), row.event_id, name)));
      }
    }
  });
});
