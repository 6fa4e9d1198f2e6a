import { createCookie } from "@remix-run/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";
import { htmlOf, identityCookieSet } from "./support";

/**
 * Events and identity over plain HTTP, the way a browser without JavaScript
 * uses the app: creating events, organiser links, the identity cookie,
 * joining, private events and missing pages.
 */

let server: TestServer;
let db: DbProbe;

beforeAll(async () => {
  server = await startServer();
  db = openDbProbe(server.dbPath);
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

afterEach(() => {
  expect(server.errors, "the server logged errors").toEqual([]);
});

const validEvent = { intent: "create", name: "Valid Camp", date: "2026-12-01", timeZone: "Europe/London" };

function postCreate(fields: Record<string, string>, client = new HttpClient(server.url)) {
  return client.post("/?index", { ...validEvent, ...fields });
}

describe("creating an event", () => {
  it("redirects to the new event's admin page with a signed identity cookie", async () => {
    const organiser = new HttpClient(server.url);
    const response = await postCreate({ name: "Spring Camp" }, organiser);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/e/spring-camp/admin?created=1");
    const cookie = identityCookieSet(response);
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//i);

    const admin = await organiser.get("/e/spring-camp/admin?created=1");
    expect(admin.status).toBe(200);
    const html = await htmlOf(admin);
    expect(html).toContain("Organiser console");
    expect(html).toContain("Your event is ready.");
    expect(html).toMatch(/id="organiser-link"/);
  });

  it("stores the event as typed, with pitching open and voting closed", async () => {
    await createEvent(server.url, { name: "  Stored Camp ", date: "2027-03-14", timeZone: "America/New_York" });
    const row = db.eventBySlug("stored-camp");
    expect(row).toMatchObject({
      name: "Stored Camp",
      date: "2027-03-14",
      time_zone: "America/New_York",
      pitching_open: 1,
      voting_open: 0,
      votes_per_attendee: 3,
      passcode_hash: null,
    });
    const audit = db.all("select actor, action from audit_log where event_id = ?", row.id);
    expect(audit).toEqual([{ actor: "organiser", action: "event.create" }]);
  });

  it("keeps only a hash of the organiser key", async () => {
    const { slug, organiserLink } = await createEvent(server.url, { name: "Hash Camp" });
    const key = new URL(organiserLink).searchParams.get("key") ?? "";
    expect(key.length).toBeGreaterThanOrEqual(20);
    const row = db.eventBySlug(slug);
    expect(row.organiser_key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(db.allText()).not.toContain(key);
  });

  it("gives duplicate names their own slugs", async () => {
    const slugs: string[] = [];
    for (let i = 0; i < 3; i++) slugs.push((await createEvent(server.url, { name: "Dup Camp" })).slug);
    expect(slugs).toEqual(["dup-camp", "dup-camp-2", "dup-camp-3"]);
    expect(db.all("select slug, name from events where name = 'Dup Camp' order by slug")).toEqual([
      { slug: "dup-camp", name: "Dup Camp" },
      { slug: "dup-camp-2", name: "Dup Camp" },
      { slug: "dup-camp-3", name: "Dup Camp" },
    ]);
  });

  it("folds accents and punctuation in the slug, and falls back to 'event'", async () => {
    expect((await createEvent(server.url, { name: "Çà & Là: Öpen Dåta!" })).slug).toBe("ca-la-open-data");
    const first = await createEvent(server.url, { name: "日本語" });
    const second = await createEvent(server.url, { name: "!!!" });
    expect([first.slug, second.slug]).toEqual(["event", "event-2"]);
  });

  it.each([
    ["an empty name", { name: "" }, "Give the event a name."],
    ["a blank name", { name: "    " }, "Give the event a name."],
    ["a name over 120 characters", { name: "n".repeat(121) }, "The event name can be at most 120 characters."],
    ["no date", { date: "" }, "Enter a date."],
    ["a date in the wrong format", { date: "01/12/2026" }, "Enter a date as YYYY-MM-DD."],
    ["a month that does not exist", { date: "2026-13-01" }, "That is not a real date."],
    ["a day that does not exist", { date: "2026-01-32" }, "That is not a real date."],
    ["an unknown time zone", { timeZone: "Mars/Olympus_Mons" }, "Choose a time zone from the list."],
    ["no time zone", { timeZone: "" }, "Choose a time zone."],
    ["a passcode that is too short", { passcode: "abc" }, "A passcode needs at least 4 characters."],
    ["a passcode that is too long", { passcode: "p".repeat(65) }, "A passcode can be at most 64 characters."],
  ])("answers %s with 400 and the field's message, and creates nothing", async (_what, change, message) => {
    const before = db.snapshot();
    const client = new HttpClient(server.url);
    const response = await postCreate({ name: "Refused Camp", ...change }, client);
    expect(response.status).toBe(400);
    expect(identityCookieSet(response)).toBeUndefined();
    const html = await htmlOf(response);
    expect(html).toMatch(/<p class="field-error" id="create-event-\w+-error">[^<]*<\/p>/);
    expect(html).toContain(message);
    expect(db.snapshot()).toEqual(before);
    expect((await client.get("/e/refused-camp")).status).toBe(404);
  });

  it("keeps what was typed when it refuses the form", async () => {
    const response = await postCreate({ name: "Kept Name Camp", timeZone: "Nowhere/Special" });
    expect(response.status).toBe(400);
    const html = await htmlOf(response);
    expect(html).toMatch(/<input[^>]*name="name"[^>]*value="Kept Name Camp"/);
    expect(html).toMatch(/<input[^>]*name="date"[^>]*value="2026-12-01"/);
  });

  it("accepts a name of exactly 120 characters and caps its slug at 60", async () => {
    const name = `${"Long ".repeat(23)}Camp!`.slice(0, 120);
    expect(name).toHaveLength(120);
    const { slug } = await createEvent(server.url, { name });
    expect(slug.length).toBeLessThanOrEqual(60);
    expect(db.eventBySlug(slug).name).toBe(name.trim());
  });
});

describe("opening an event from the start page", () => {
  it("goes to the event named in a pasted link, even an organiser link", async () => {
    const { slug, organiserLink } = await createEvent(server.url, { name: "Pasted Camp" });
    const response = await new HttpClient(server.url).post("/?index", { intent: "open", address: organiserLink });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/e/${slug}`);
  });

  it("says so when no event has that name", async () => {
    const response = await new HttpClient(server.url).post("/?index", { intent: "open", address: "no-such-camp" });
    expect(response.status).toBe(404);
    expect(await htmlOf(response)).toContain('No event found for "no-such-camp". Check the link you were given.');
  });
});

describe("the organiser link", () => {
  it("sets the organiser cookie and drops the key from the address", async () => {
    const { slug, organiserLink } = await createEvent(server.url, { name: "Link Camp" });
    const coOrganiser = new HttpClient(server.url);
    expect((await coOrganiser.get(`/e/${slug}/admin`)).status).toBe(403);

    const response = await coOrganiser.get(new URL(organiserLink).pathname + new URL(organiserLink).search);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/e/${slug}/admin`);
    expect(identityCookieSet(response)).toMatch(/HttpOnly/i);

    const admin = await coOrganiser.get(`/e/${slug}/admin`);
    expect(admin.status).toBe(200);
    const html = await htmlOf(admin);
    expect(html).toContain("Organiser console");
    // The console shows the organiser link again, so a co-organiser can pass it on.
    expect(html).toContain(organiserLink);
  });

  it("keeps the other query parameters when it drops the key", async () => {
    const { slug, organiserLink } = await createEvent(server.url, { name: "Query Camp" });
    const key = new URL(organiserLink).searchParams.get("key") ?? "";
    const response = await new HttpClient(server.url).get(`/e/${slug}/admin?created=1&key=${key}`);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/e/${slug}/admin?created=1`);
  });

  it.each([
    ["a wrong key", "not-the-key"],
    ["an empty key", ""],
    ["an absurdly long key", "k".repeat(500)],
  ])("answers %s with 403 and sets no cookie", async (_what, key) => {
    const { slug } = await createEvent(server.url, { name: "Wrong Key Camp" });
    const stranger = new HttpClient(server.url);
    const response = await stranger.get(`/e/${slug}/admin?key=${key}`);
    expect(response.status).toBe(403);
    expect(identityCookieSet(response)).toBeUndefined();
    const html = await htmlOf(response);
    expect(html).toContain("Not allowed");
    expect(html).toContain("That organiser link is not valid for this event.");
    expect((await stranger.get(`/e/${slug}/admin`)).status).toBe(403);
  });

  it("does not open another event's console with this event's key", async () => {
    const a = await createEvent(server.url, { name: "Key A Camp" });
    const b = await createEvent(server.url, { name: "Key B Camp" });
    const keyOfA = new URL(a.organiserLink).searchParams.get("key");
    const response = await new HttpClient(server.url).get(`/e/${b.slug}/admin?key=${keyOfA}`);
    expect(response.status).toBe(403);
  });

  it("answers 404 for an organiser link to an event that does not exist", async () => {
    const response = await new HttpClient(server.url).get("/e/never-created/admin?key=whatever");
    expect(response.status).toBe(404);
  });
});

describe("organiser powers need the organiser cookie", () => {
  it("refuses the console to a visitor without a cookie, saying what to do", async () => {
    const { slug } = await createEvent(server.url, { name: "No Cookie Camp" });
    const response = await new HttpClient(server.url).get(`/e/${slug}/admin`);
    expect(response.status).toBe(403);
    expect(await htmlOf(response)).toContain("Open the organiser link you were given");
  });

  it("refuses organiser actions without the cookie, and changes nothing", async () => {
    const { slug } = await createEvent(server.url, { name: "No Cookie Post Camp" });
    const before = db.snapshot();
    const stranger = new HttpClient(server.url);
    const attempts: Array<Record<string, string>> = [
      { intent: "add-room", name: "Hall", capacity: "10" },
      { intent: "open-voting" },
      { intent: "set-passcode", passcode: "sneaky-passcode" },
    ];
    for (const fields of attempts) {
      const response = await stranger.post(`/e/${slug}/admin`, fields);
      expect(response.status).toBe(403);
      expect(await htmlOf(response)).toContain("Only organisers can do this.");
    }
    expect(db.snapshot()).toEqual(before);
  });

  /** The organiser's identity cookie value, URL-decoded: `<base64 JSON>.<signature>`. */
  function organiserCookie(client: HttpClient): { payload: string; signature: string } {
    const raw = decodeURIComponent(client.cookies.get("unconf") ?? "");
    const dot = raw.lastIndexOf(".");
    expect(dot).toBeGreaterThan(0);
    return { payload: raw.slice(0, dot), signature: raw.slice(dot + 1) };
  }

  function withCookie(value: string): HttpClient {
    const client = new HttpClient(server.url);
    client.cookies.set("unconf", encodeURIComponent(value));
    return client;
  }

  it("reads a tampered or forged cookie as nobody", async () => {
    const { organiser, slug } = await createEvent(server.url, { name: "Forged Camp" });
    const eventId = db.eventBySlug(slug).id;
    const { payload, signature } = organiserCookie(organiser);
    const identity = JSON.parse(Buffer.from(payload, "base64").toString("utf8")) as { o: Record<string, string> };
    // The cookie really does carry the organiser key for this event: forging around it is the attack.
    expect(identity.o[eventId]).toBeTruthy();

    const flipped = signature.startsWith("A") ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    const otherPayload = Buffer.from(JSON.stringify({ ...identity, a: { [eventId]: "someone" } })).toString("base64");
    const wrongSecret = createCookie("unconf", { secrets: ["not-the-server-secret-not-the-server-secret"] });
    const resigned = decodeURIComponent(
      (await wrongSecret.serialize(identity)).split(";")[0]?.slice("unconf=".length) ?? "",
    );

    const forgeries = {
      "the signature removed": payload,
      "a changed signature": `${payload}.${flipped}`,
      "a changed payload with the old signature": `${otherPayload}.${signature}`,
      "a cookie signed with another secret": resigned,
    };
    for (const [what, value] of Object.entries(forgeries)) {
      const forger = withCookie(value);
      expect((await forger.get(`/e/${slug}/admin`)).status, what).toBe(403);
      expect((await forger.post(`/e/${slug}/admin`, { intent: "open-voting" })).status, what).toBe(403);
    }
    expect(db.eventBySlug(slug).voting_open).toBe(0);
    // The genuine cookie still works, so the 403s above came from the forgery.
    expect((await organiser.get(`/e/${slug}/admin`)).status).toBe(200);
  });

  it("treats a malformed cookie as nobody rather than failing", async () => {
    const { slug } = await createEvent(server.url, { name: "Garbage Cookie Camp" });
    for (const value of ["%%%", "not-base64.sig", "e30=", ""]) {
      const client = new HttpClient(server.url);
      client.cookies.set("unconf", value);
      const page = await client.get(`/e/${slug}`);
      expect(page.status, value).toBe(200);
      expect(await htmlOf(page)).toContain("Join this event");
      expect((await client.get(`/e/${slug}/admin`)).status, value).toBe(403);
    }
  });

  it("gives an organiser of one event no powers in another", async () => {
    const a = await createEvent(server.url, { name: "Powers A Camp" });
    const b = await createEvent(server.url, { name: "Powers B Camp" });
    const before = db.snapshot();
    expect((await a.organiser.get(`/e/${b.slug}/admin`)).status).toBe(403);
    expect(
      (await a.organiser.post(`/e/${b.slug}/admin`, { intent: "add-room", name: "Hall", capacity: "9" })).status,
    ).toBe(403);
    expect(db.snapshot()).toEqual(before);
  });

  it("gives an attendee of event A nothing in event B", async () => {
    const a = await createEvent(server.url, { name: "Attendee A Camp" });
    const b = await createEvent(server.url, { name: "Attendee B Camp" });
    const priya = await joinAs(server.url, a.slug, "Priya");
    expect(await htmlOf(await priya.get(`/e/${a.slug}`))).toContain("You joined as <strong>Priya</strong>");

    const inB = await priya.get(`/e/${b.slug}`);
    expect(inB.status).toBe(200);
    const html = await htmlOf(inB);
    expect(html).toContain("Join this event");
    expect(html).not.toContain("You joined as");
    expect((await priya.get(`/e/${b.slug}/admin`)).status).toBe(403);
    expect((await priya.get(`/e/${a.slug}/admin`)).status).toBe(403);
    expect(db.count("attendees", db.eventBySlug(b.slug).id)).toBe(0);
  });
});

describe("joining an event", () => {
  it("creates an attendee, sets the cookie and greets them", async () => {
    const { slug } = await createEvent(server.url, { name: "Join Camp" });
    const eventId = db.eventBySlug(slug).id;
    const client = new HttpClient(server.url);
    const response = await client.post(`/e/${slug}?index`, { intent: "join", name: "  Priya  " });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/e/${slug}`);
    expect(identityCookieSet(response)).toMatch(/HttpOnly/i);
    expect(db.all("select name, name_in_writeups from attendees where event_id = ?", eventId)).toEqual([
      { name: "Priya", name_in_writeups: 0 },
    ]);
    const page = await htmlOf(await client.get(`/e/${slug}`));
    expect(page).toContain("You joined as <strong>Priya</strong> (not named in write-ups)");
  });

  it("updates the same attendee when they join again", async () => {
    const { slug } = await createEvent(server.url, { name: "Rejoin Camp" });
    const eventId = db.eventBySlug(slug).id;
    const client = await joinAs(server.url, slug, "Sam");
    const [first] = db.all<{ id: string }>("select id from attendees where event_id = ?", eventId);

    const again = await client.post(`/e/${slug}?index`, { intent: "join", name: "Sam K", nameInWriteups: "on" });
    expect(again.status).toBe(302);
    expect(db.all("select id, name, name_in_writeups from attendees where event_id = ?", eventId)).toEqual([
      { id: first?.id, name: "Sam K", name_in_writeups: 1 },
    ]);
    expect(await htmlOf(await client.get(`/e/${slug}`))).toContain(
      "You joined as <strong>Sam K</strong> (named in write-ups)",
    );
  });

  it("makes a separate attendee for each browser", async () => {
    const { slug } = await createEvent(server.url, { name: "Two People Camp" });
    await joinAs(server.url, slug, "Ana");
    await joinAs(server.url, slug, "Ana");
    expect(db.count("attendees", db.eventBySlug(slug).id)).toBe(2);
  });

  it("lets people join anonymously with a blank name", async () => {
    const { slug } = await createEvent(server.url, { name: "Anon Camp" });
    const client = await joinAs(server.url, slug, "   ");
    expect(db.all("select name from attendees where event_id = ?", db.eventBySlug(slug).id)).toEqual([{ name: "" }]);
    expect(await htmlOf(await client.get(`/e/${slug}`))).toContain(
      "You joined as <strong>an anonymous attendee</strong>",
    );
    await joinAs(server.url, slug, "");
    expect(db.count("attendees", db.eventBySlug(slug).id)).toBe(2);
  });

  it("refuses a name over 60 characters with 400 and keeps it in the form", async () => {
    const { slug } = await createEvent(server.url, { name: "Long Name Camp" });
    const before = db.snapshot();
    const name = "N".repeat(61);
    const client = new HttpClient(server.url);
    const response = await client.post(`/e/${slug}?index`, { intent: "join", name });
    expect(response.status).toBe(400);
    expect(identityCookieSet(response)).toBeUndefined();
    const html = await htmlOf(response);
    expect(html).toContain("A name can be at most 60 characters.");
    expect(html).toContain(`value="${name}"`);
    expect(db.snapshot()).toEqual(before);

    expect((await client.post(`/e/${slug}?index`, { intent: "join", name: "N".repeat(60) })).status).toBe(302);
  });

  it("answers 404 when joining an event that does not exist", async () => {
    const before = db.count("attendees");
    const response = await new HttpClient(server.url).post("/e/no-such-camp?index", { intent: "join", name: "Lost" });
    expect(response.status).toBe(404);
    expect(db.count("attendees")).toBe(before);
  });
});

describe("private events", () => {
  const passcode = "open sesame";

  async function privateEvent(name: string) {
    const created = await createEvent(server.url, { name, passcode });
    return { ...created, eventId: db.eventBySlug(created.slug).id };
  }

  it("stores only a hash of the passcode", async () => {
    const { slug } = await privateEvent("Hashed Private Camp");
    expect(db.eventBySlug(slug).passcode_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(db.allText()).not.toContain(passcode);
  });

  it("answers a visitor with 403 and the passcode form", async () => {
    const { slug } = await privateEvent("Form Private Camp");
    const response = await new HttpClient(server.url).get(`/e/${slug}`);
    expect(response.status).toBe(403);
    const html = await htmlOf(response);
    expect(html).toContain("This event is private");
    expect(html).toContain(`action="/e/${slug}/passcode"`);
    expect(html).toContain('name="passcode"');
    expect(html).not.toContain("Join this event");
  });

  it("refuses a wrong passcode with 403 and a message, and remembers nothing", async () => {
    const { slug } = await privateEvent("Wrong Private Camp");
    const visitor = new HttpClient(server.url);
    const response = await visitor.post(`/e/${slug}/passcode`, { passcode: "open sesame?" });
    expect(response.status).toBe(403);
    expect(identityCookieSet(response)).toBeUndefined();
    expect(await htmlOf(response)).toContain("That passcode is not right. Ask an organiser for it.");
    expect((await visitor.get(`/e/${slug}`)).status).toBe(403);
  });

  it("lets a visitor in with the right passcode, then to join", async () => {
    const { slug, eventId } = await privateEvent("Right Private Camp");
    const visitor = new HttpClient(server.url);
    const response = await visitor.post(`/e/${slug}/passcode`, { passcode });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/e/${slug}`);
    expect(identityCookieSet(response)).toBeDefined();

    const page = await visitor.get(`/e/${slug}`);
    expect(page.status).toBe(200);
    expect(await htmlOf(page)).toContain("Join this event");
    expect((await visitor.get(`/e/${slug}/passcode`)).status).toBe(302);
    expect((await visitor.post(`/e/${slug}?index`, { intent: "join", name: "Insider" })).status).toBe(302);
    expect(db.all("select name from attendees where event_id = ?", eventId)).toEqual([{ name: "Insider" }]);
  });

  it("does not let a visitor without the passcode join", async () => {
    const { slug, eventId } = await privateEvent("Closed Door Camp");
    const response = await new HttpClient(server.url).post(`/e/${slug}?index`, { intent: "join", name: "Gatecrasher" });
    expect(response.status).toBe(403);
    expect(db.count("attendees", eventId)).toBe(0);
  });

  it("needs no passcode from the organiser", async () => {
    const { slug, organiser, organiserLink } = await privateEvent("Organiser Private Camp");
    expect((await organiser.get(`/e/${slug}`)).status).toBe(200);
    // A co-organiser arriving by the organiser link gets in too.
    const co = new HttpClient(server.url);
    const link = new URL(organiserLink);
    expect((await co.get(link.pathname + link.search)).status).toBe(302);
    expect((await co.get(`/e/${slug}`)).status).toBe(200);
    expect((await co.get(`/e/${slug}/admin`)).status).toBe(200);
  });

  it("does not carry a passcode over to another private event", async () => {
    const a = await privateEvent("Passcode A Camp");
    const b = await privateEvent("Passcode B Camp");
    const visitor = new HttpClient(server.url);
    expect((await visitor.post(`/e/${a.slug}/passcode`, { passcode })).status).toBe(302);
    expect((await visitor.get(`/e/${a.slug}`)).status).toBe(200);
    expect((await visitor.get(`/e/${b.slug}`)).status).toBe(403);
  });

  it("sends visitors back to the passcode form when the organiser changes it", async () => {
    const { slug, organiser } = await privateEvent("Rotated Private Camp");
    const visitor = new HttpClient(server.url);
    expect((await visitor.post(`/e/${slug}/passcode`, { passcode })).status).toBe(302);
    expect((await visitor.get(`/e/${slug}`)).status).toBe(200);

    expect((await organiser.post(`/e/${slug}/admin`, { intent: "set-passcode", passcode: "a new one" })).status).toBe(
      200,
    );
    expect((await visitor.get(`/e/${slug}`)).status).toBe(403);
    expect((await visitor.post(`/e/${slug}/passcode`, { passcode })).status).toBe(403);
    expect((await visitor.post(`/e/${slug}/passcode`, { passcode: "a new one" })).status).toBe(302);
    expect((await visitor.get(`/e/${slug}`)).status).toBe(200);
  });
});

describe("missing pages", () => {
  it("answers an unknown event with a 404 page that says what to do", async () => {
    const response = await new HttpClient(server.url).get("/e/does-not-exist");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    const html = await htmlOf(response);
    expect(html).toContain("<h1>Not found</h1>");
    expect(html).toContain("There is no event at this address.");
    expect(html).toMatch(/<a[^>]*href="\/"[^>]*>Go to the start page<\/a>/);
  });

  it("answers 404 for the console and passcode page of an unknown event", async () => {
    const client = new HttpClient(server.url);
    expect((await client.get("/e/does-not-exist/admin")).status).toBe(404);
    expect((await client.get("/e/does-not-exist/passcode")).status).toBe(404);
    expect((await client.post("/e/does-not-exist/passcode", { passcode: "guess" })).status).toBe(404);
  });

  it("answers an address that matches no page with a 404 page", async () => {
    const response = await new HttpClient(server.url).get("/no/such/page");
    expect(response.status).toBe(404);
    const html = await htmlOf(response);
    expect(html).toContain("<h1>Not found</h1>");
    expect(html).toContain("Go to the start page");
  });
});
