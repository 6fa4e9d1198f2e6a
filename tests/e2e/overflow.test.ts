import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbProbe, openDbProbe } from "../helpers/db";
import { type Person, openBrowser } from "../helpers/browser";
import { type HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";

/**
 * Issue 10: one attendee typing a 120-character word (no spaces) must not make
 * every phone page scroll sideways. Each field is filled to its maximum with
 * one unbroken word, then every page of the event is measured at 390 px.
 */

let server: TestServer;
let db: DbProbe;
let phone: Person;
let organiser: HttpClient;
let slug = "";
let sessionId = "";

const word = (n: number, letter = "W") => letter.repeat(n);

beforeAll(async () => {
  server = await startServer();
  db = openDbProbe(server.dbPath);
  const created = await createEvent(server.url, { name: word(120, "E") });
  organiser = created.organiser;
  slug = created.slug;
  const admin = `/e/${slug}/admin`;
  expect((await organiser.post(admin, { intent: "add-room", name: word(60, "R"), capacity: "30" })).status).toBe(200);
  expect((await organiser.post(admin, { intent: "add-slot", starts: "10:00", ends: "10:45" })).status).toBe(200);
  const pitcher = await joinAs(server.url, slug, word(60, "N"), true);
  const pitched = await pitcher.post(`/e/${slug}/pitch?index`, {
    title: word(120, "T"),
    description: `${word(2000, "D").slice(0, 1990)} end`,
    tags: word(30, "G"),
    clientId: "overflow-1",
  });
  expect(pitched.status).toBe(302);
  const event = db.eventBySlug(slug);
  const pitch = db.get<{ id: string }>("select id from pitches where event_id = ?", event.id);
  const room = db.get<{ id: string }>("select id from rooms where event_id = ?", event.id);
  const slot = db.get<{ id: string }>("select id from time_slots where event_id = ?", event.id);
  sessionId = pitch?.id ?? "";
  const placed = await organiser.post(`/e/${slug}/grid`, {
    intent: "place",
    pitchId: sessionId,
    roomId: room?.id ?? "",
    slotId: slot?.id ?? "",
  });
  expect(placed.status).toBe(200);
  expect((await organiser.post(admin, { intent: "announce", text: word(280, "A") })).status).toBe(200);
  phone = await openBrowser("phone");
  // The phone is the organiser, so the admin page can be measured too.
  await phone.context.addCookies([...organiser.cookies].map(([name, value]) => ({ name, value, url: server.url })));
});

afterAll(async () => {
  await phone?.close();
  db?.close();
  await server?.stop();
});

describe("a page full of unbroken words on a 390 px phone", () => {
  it.each(["", "/grid", "/admin", "/display", "/signs", "/stories", "/s/:session"])(
    "/e/:slug%s does not scroll sideways",
    async (path) => {
      const { page } = phone;
      await page.goto(`${server.url}/e/${slug}${path.replace(":session", sessionId)}`);
      await page.waitForLoadState("networkidle");
      const overflow = await page.evaluate(() => {
        // Measure with every <details> open (edit-in-place forms, more options), as a person may open them.
        for (const details of document.querySelectorAll("details")) details.open = true;
        const width = document.documentElement.clientWidth;
        const wide = [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > width + 1)
          // Not shown: visually hidden text, the closed part of a <details>, and tables (they scroll in their own box).
          .filter(
            (el) => !el.closest(".visually-hidden, [aria-hidden='true'], table, details:not([open]) > :not(summary)"),
          )
          .slice(0, 12)
          .map(
            (el) =>
              `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} (right edge ${Math.round(el.getBoundingClientRect().right)} px: ${(el.textContent ?? (el as HTMLInputElement).name ?? "").slice(0, 30)})`,
          );
        return { scrollWidth: document.documentElement.scrollWidth, width, wide };
      });
      if (process.env.OVERFLOW_SCREENSHOTS) {
        await page.screenshot({
          path: `test-results/overflow${path.replace(/[/:]/g, "-") || "-event"}.png`,
          fullPage: true,
        });
      }
      expect(overflow.wide, `elements past the right edge on ${path || "/"}`).toEqual([]);
      expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.width);
    },
  );
});
