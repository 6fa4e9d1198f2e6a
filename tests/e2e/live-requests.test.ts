import type { BrowserContext, Page, Request, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Person, expectAccessible, openBrowser } from "../helpers/browser";
import { type HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";

/**
 * Two attendees' phones follow the event page and the grid page while others
 * pitch, vote, place a session and change settings: each change shows within
 * a second or so (measured and printed; the assertions wait up to 10 s so a
 * busy machine does not fail them) and the watching phones reload nothing (no
 * document, loader or state.json request); the closing test asks for no HTTP
 * request at all (Socket.IO's own transport aside). A phone whose connection
 * drops while something changes catches up with one state.json request.
 */

let server: TestServer;
let slug: string;
let organiser: HttpClient;
let pitcher: HttpClient;
let voters: HttpClient[];
const rooms: Record<string, string> = {};
const slots: Record<string, string> = {};
const pitchIds: Record<string, string> = {};
let eventPhone: Phone;
let gridPhone: Phone;

/** A phone, the requests its page makes, and a switch that cuts its live connection. */
interface Phone {
  person: Person;
  page: Page;
  /** Every HTTP request the page made since the last `reset`, Socket.IO's transport excluded. */
  requests: string[];
  /** Every such request since counting started (the first `reset`), for the closing check. */
  all: string[];
  reset(): void;
  /** Closes the live connection and refuses new ones until `restore`. */
  cut(): Promise<void>;
  restore(): void;
}

const SOCKET_IO = /\/socket\.io\//;

async function openPhone(name: string, path: string): Promise<Phone> {
  const person = await openBrowser("phone");
  const { context, page } = person;
  const requests: string[] = [];
  const all: string[] = [];
  let counting = false;
  let blocked = false;
  const open = new Set<WebSocketRoute>();
  await routeSocket(context, () => blocked, open);
  page.on("request", (request: Request) => {
    if (SOCKET_IO.test(request.url())) return;
    const line = `${request.method()} ${request.url().replace(server.url, "")}`;
    requests.push(line);
    if (counting) all.push(line);
  });
  await page.goto(`${server.url}/e/${slug}`);
  await page.getByRole("textbox", { name: "Your name" }).fill(name);
  await page.getByRole("button", { name: "Join" }).click();
  await expect.poll(() => page.getByText("You joined as").isVisible(), { timeout: 10_000 }).toBe(true);
  if (path) await page.goto(`${server.url}/e/${slug}${path}`);
  await expect.poll(() => page.getByText("Live", { exact: true }).isVisible(), { timeout: 10_000 }).toBe(true);
  return {
    person,
    page,
    requests,
    all,
    reset: () => {
      requests.length = 0;
      counting = true;
    },
    async cut() {
      blocked = true;
      for (const ws of open) {
        await ws.close({ code: 1001, reason: "test cut the connection" }).catch(() => {});
      }
      open.clear();
    },
    restore: () => {
      blocked = false;
    },
  };
}

/**
 * Passes the page's Socket.IO traffic through, so a test can cut it: while
 * `blocked`, the polling handshake fails and a new websocket is closed at once,
 * exactly what a phone losing the venue Wi-Fi sees.
 */
async function routeSocket(context: BrowserContext, blocked: () => boolean, open: Set<WebSocketRoute>) {
  await context.route(SOCKET_IO, (route) => (blocked() ? route.abort("internetdisconnected") : route.continue()));
  await context.routeWebSocket(SOCKET_IO, (ws) => {
    if (blocked()) {
      void ws.close({ code: 1001, reason: "offline" }).catch(() => {});
      return;
    }
    const upstream = ws.connectToServer();
    open.add(ws);
    ws.onClose(() => {
      open.delete(ws);
      void upstream.close().catch(() => {});
    });
    upstream.onClose(() => {
      open.delete(ws);
      void ws.close().catch(() => {});
    });
  });
}

async function post(who: HttpClient, path: string, fields: Record<string, string>, status = 200): Promise<void> {
  const response = await who.post(`/e/${slug}${path}`, fields);
  if (response.status !== status) throw new Error(`POST ${path} ${fields.intent}: ${response.status}`);
}

async function pitch(title: string): Promise<string> {
  const response = await pitcher.post(`/e/${slug}/pitch?index`, { title, description: "" });
  const id = response.headers.get("location")?.match(/#pitch-(.+)$/)?.[1];
  if (response.status !== 302 || !id) throw new Error(`pitch ${title}: ${response.status}`);
  pitchIds[title] = id;
  return id;
}

/** The id a room or slot got, read from the organiser's state.json. */
async function venueIds(): Promise<void> {
  const state = (await (await organiser.get(`/e/${slug}/state.json`)).json()) as {
    facts: { rooms: Array<{ id: string; name: string }>; slots: Array<{ id: string; localStart: string }> };
  };
  for (const room of state.facts.rooms) rooms[room.name] = room.id;
  for (const slot of state.facts.slots) slots[slot.localStart.slice(11)] = slot.id;
}

beforeAll(async () => {
  server = await startServer();
  const created = await createEvent(server.url, { name: "Hall Camp" });
  slug = created.slug;
  organiser = created.organiser;
  await post(organiser, "/admin", { intent: "add-room", name: "Hall", capacity: "100" });
  await post(organiser, "/admin", { intent: "add-room", name: "Nook", capacity: "10" });
  await post(organiser, "/admin", { intent: "add-slot", starts: "10:00", ends: "10:45" });
  await post(organiser, "/admin", { intent: "add-slot", starts: "11:00", ends: "11:45" });
  await venueIds();
  pitcher = await joinAs(server.url, slug, "Pia");
  await pitch("Alpha");
  await post(organiser, "/admin", { intent: "open-voting" });
  voters = [await joinAs(server.url, slug, "Vic"), await joinAs(server.url, slug, "Val")];
});

afterAll(async () => {
  for (const phone of [eventPhone, gridPhone]) await phone?.person.close();
  await server?.stop();
});

const article = (page: Page, title: string) => page.getByRole("article", { name: title });
const schedule = (page: Page) => page.getByRole("region", { name: "Schedule", exact: true });
const unplaced = (page: Page) => page.getByRole("region", { name: "Not scheduled yet" });

/** Sends one change and waits until every phone shows it; prints how long each took. */
async function change(what: string, send: () => Promise<unknown>, shows: Array<[Phone, () => Promise<boolean>]>) {
  const started = performance.now();
  await send();
  for (const [phone, visible] of shows) {
    await expect.poll(visible, { timeout: 10_000, interval: 25, message: `${what} on ${phone.page.url()}` }).toBe(true);
    const ms = Math.round(performance.now() - started);
    console.log(`live: "${what}" showed on ${new URL(phone.page.url()).pathname} after ${ms} ms`);
  }
}

/** A request that reloads data: everything under /e/ is a document, a loader (`.data`) or the snapshot (`state.json`). */
const reloadsData = (line: string) => /^[A-Z]+ \/e\//.test(line);

/**
 * The phones reloaded nothing: no document, loader or snapshot request. (The
 * closing test checks for any request at all.) Resets the counts for the next step.
 */
async function expectNoReloads(what: string) {
  // A request set off by the last push would show up within this moment.
  await eventPhone.page.waitForTimeout(500);
  try {
    expect(eventPhone.requests.filter(reloadsData), `${what}: reloads by the event page`).toEqual([]);
    expect(gridPhone.requests.filter(reloadsData), `${what}: reloads by the grid page`).toEqual([]);
  } finally {
    for (const phone of [eventPhone, gridPhone]) {
      if (phone.requests.length)
        console.log(`live: "${what}": ${new URL(phone.page.url()).pathname} requested ${phone.requests.join(", ")}`);
      phone.reset();
    }
  }
}

describe("phones following the event while others change it", () => {
  it("opens the event page and the grid page on two attendees' phones", async () => {
    eventPhone = await openPhone("Ezra", "");
    gridPhone = await openPhone("Gita", "/grid");
    await expect.poll(() => article(eventPhone.page, "Alpha").isVisible()).toBe(true);
    await expect.poll(() => schedule(gridPhone.page).isVisible()).toBe(true);
    await expect.poll(() => unplaced(gridPhone.page).getByText("Alpha").isVisible()).toBe(true);
    await expectAccessible(eventPhone.page);
    await expectAccessible(gridPhone.page);
    // From here on, every request counts.
    await eventPhone.page.waitForTimeout(500);
    eventPhone.reset();
    gridPhone.reset();
  });

  it("a new pitch shows on both phones, which reload nothing", async () => {
    await change("pitch", () => pitch("Beta"), [
      [eventPhone, () => article(eventPhone.page, "Beta").isVisible()],
      [gridPhone, () => unplaced(gridPhone.page).getByText("Beta").isVisible()],
    ]);
    await expectNoReloads("pitch");
  });

  it("a vote shows on both phones, which reload nothing", async () => {
    await change(
      "vote",
      () =>
        post(voters[0] as HttpClient, "?index", { intent: "vote", pitchId: pitchIds.Alpha as string, vote: "true" }),
      [
        [eventPhone, () => article(eventPhone.page, "Alpha").getByText("1 vote", { exact: true }).isVisible()],
        [
          gridPhone,
          () =>
            unplaced(gridPhone.page)
              .getByText(/Alpha\s*· 1 vote/)
              .isVisible(),
        ],
      ],
    );
    await expectNoReloads("vote");
  });

  it("a session placed shows on the grid phone; neither phone reloads anything", async () => {
    await change(
      "place",
      () =>
        post(organiser, "/grid", {
          intent: "place",
          pitchId: pitchIds.Alpha as string,
          roomId: rooms.Hall as string,
          slotId: slots["10:00"] as string,
        }),
      [[gridPhone, () => schedule(gridPhone.page).getByRole("link", { name: "Alpha" }).isVisible()]],
    );
    expect(await unplaced(gridPhone.page).getByText("Alpha").count()).toBe(0);
    await expectNoReloads("place");
  });

  it("settings changed (blind voting, pitching closed) show on both phones, which reload nothing", async () => {
    await change(
      "blind voting on",
      () => post(organiser, "/admin", { intent: "voting-settings", votesPerAttendee: "2", blindVoting: "on" }),
      [
        [eventPhone, () => article(eventPhone.page, "Alpha").getByText("Tally hidden").isVisible()],
        [eventPhone, () => eventPhone.page.getByText("2 votes left").isVisible()],
        [
          gridPhone,
          async () =>
            (await schedule(gridPhone.page).getByRole("link", { name: "Alpha" }).isVisible()) &&
            (await schedule(gridPhone.page).getByText("1 vote").count()) === 0,
        ],
      ],
    );
    await change("pitching closed", () => post(organiser, "/admin", { intent: "close-pitching" }), [
      [eventPhone, () => eventPhone.page.getByText("Pitching is closed.").isVisible()],
    ]);
    expect(await eventPhone.page.getByRole("link", { name: "Pitch a session" }).count()).toBe(0);
    await expectNoReloads("settings");
    await expectAccessible(eventPhone.page);
    await expectAccessible(gridPhone.page);
  });

  it("a phone whose connection dropped during a change catches up with one state.json request", async () => {
    await eventPhone.cut();
    await expect
      .poll(() => eventPhone.page.getByText("Reconnecting…", { exact: true }).isVisible(), { timeout: 10_000 })
      .toBe(true);
    eventPhone.reset();
    gridPhone.reset();

    // While the event phone is away: a pitch (pitching reopens for it) and a vote.
    await post(organiser, "/admin", { intent: "open-pitching" });
    await change("pitch while a phone is away", () => pitch("Gamma"), [
      [gridPhone, () => unplaced(gridPhone.page).getByText("Gamma").isVisible()],
    ]);
    expect(await article(eventPhone.page, "Gamma").count(), "the cut-off phone cannot know yet").toBe(0);

    const back = performance.now();
    eventPhone.restore();
    await expect
      .poll(() => article(eventPhone.page, "Gamma").isVisible(), { timeout: 30_000, interval: 50 })
      .toBe(true);
    console.log(
      `live: the reconnected phone showed the missed pitch ${Math.round(performance.now() - back)} ms after its network came back`,
    );
    await expect.poll(() => eventPhone.page.getByText("Live", { exact: true }).isVisible()).toBe(true);
    await eventPhone.page.waitForTimeout(500);
    expect(eventPhone.requests.filter(reloadsData)).toEqual([`GET /e/${slug}/state.json`]);
    expect(gridPhone.requests.filter(reloadsData)).toEqual([]);
    for (const phone of [eventPhone, gridPhone]) phone.reset();
    // Caught up, it follows pushes again without a request.
    eventPhone.reset();
    await change("pitch after the reconnect", () => pitch("Delta"), [
      [eventPhone, () => article(eventPhone.page, "Delta").isVisible()],
      [gridPhone, () => unplaced(gridPhone.page).getByText("Delta").isVisible()],
    ]);
    await expectNoReloads("after the reconnect");
    await expectAccessible(eventPhone.page);
  });

  it("the phones made no HTTP request at all while following, beyond the one snapshot after the reconnect", async () => {
    const expected = { event: [`GET /e/${slug}/state.json`], grid: [] as string[] };
    expect({ event: eventPhone.all, grid: gridPhone.all }).toEqual(expected);
  });
});
