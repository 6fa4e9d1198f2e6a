import type { Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Person, expectAccessible, openBrowser } from "../helpers/browser";
import { openDbProbe } from "../helpers/db";
import { createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";

/**
 * Photos of the flipchart at phone size: one phone adds a photo (online,
 * then offline through the outbox) and a second phone sees each appear live;
 * feedback from a phone once the session has started.
 */

let server: TestServer;
let sessionUrl: string;
let eventUrl: string;
const people: Person[] = [];

/** Yesterday in London, so the session has started. */
function yesterday(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London" }).format(new Date(Date.now() - 86_400_000));
}

beforeAll(async () => {
  server = await startServer();
  const { organiser, slug } = await createEvent(server.url, { name: "Photo Camp", date: yesterday() });
  await organiser.post(`/e/${slug}/admin`, { intent: "add-room", name: "Hall", capacity: "50" });
  await organiser.post(`/e/${slug}/admin`, { intent: "add-slot", starts: "10:00", ends: "11:00" });
  await organiser.post(`/e/${slug}/admin`, { intent: "feedback-setting", on: "true" });
  const pitcher = await joinAs(server.url, slug, "Pat");
  const created = await pitcher.post(`/e/${slug}/pitch?index`, { title: "Sticky notes", description: "" });
  const pitchId = created.headers.get("location")?.match(/#pitch-(.+)$/)?.[1] ?? "";
  const probe = openDbProbe(server.dbPath);
  const roomId = probe.get<{ id: string }>("select id from rooms")?.id ?? "";
  const slotId = probe.get<{ id: string }>("select id from time_slots")?.id ?? "";
  probe.close();
  await organiser.post(`/e/${slug}/grid`, { intent: "place", pitchId, roomId, slotId });
  eventUrl = `${server.url}/e/${slug}`;
  sessionUrl = `${eventUrl}/s/${pitchId}`;
});

afterAll(async () => {
  for (const person of people) await person.close();
  await server?.stop();
});

async function phone(name: string): Promise<{ person: Person; page: Page }> {
  const person = await openBrowser("phone");
  people.push(person);
  const { page } = person;
  await page.goto(eventUrl);
  await page.getByRole("textbox", { name: "Your name" }).fill(name);
  await page.getByRole("button", { name: "Join" }).click();
  await expect.poll(() => page.getByText("You joined as").isVisible()).toBe(true);
  await page.goto(sessionUrl);
  await expect.poll(() => page.getByText("Live", { exact: true }).isVisible()).toBe(true);
  return { person, page };
}

async function jpeg(colour: string): Promise<Buffer> {
  return sharp({ create: { width: 1200, height: 900, channels: 3, background: colour } })
    .jpeg()
    .withExif({ IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" } })
    .toBuffer();
}

async function addPhoto(page: Page, alt: string, colour: string) {
  await page
    .getByLabel("Photo", { exact: true })
    .setInputFiles({ name: "flipchart.jpg", mimeType: "image/jpeg", buffer: await jpeg(colour) });
  await page.getByRole("textbox", { name: "Describe the photo" }).fill(alt);
  await page.getByRole("button", { name: "Add photo" }).click();
}

describe("photos on two phones", () => {
  it("adds a photo on one phone and shows it live on the other, also after being offline", async () => {
    const ann = await phone("Ann");
    const ben = await phone("Ben");
    const photo = (page: Page, alt: string) => page.getByRole("img", { name: alt });

    await addPhoto(ann.page, "Flipchart with the team's three blockers", "#c33");
    await expect
      .poll(() => photo(ben.page, "Flipchart with the team's three blockers").isVisible(), { timeout: 30_000 })
      .toBe(true);
    await expect
      .poll(() => photo(ann.page, "Flipchart with the team's three blockers").first().isVisible(), { timeout: 30_000 })
      .toBe(true);
    // The thumbnail really loaded (a broken image has no natural width).
    await expect
      .poll(() =>
        photo(ben.page, "Flipchart with the team's three blockers").evaluate(
          (img: HTMLImageElement) => img.naturalWidth,
        ),
      )
      .toBeGreaterThan(0);
    await expectAccessible(ben.page);
    await ann.page.screenshot({ path: "test-results/photos-phone.png", fullPage: true });

    // Offline: the photo waits in the outbox, said so on the page, and goes when the connection is back.
    await ann.person.context.setOffline(true);
    await addPhoto(ann.page, "Sticky notes sorted by theme", "#3a3");
    await expect.poll(() => ann.page.getByText("1 photo not sent yet").isVisible(), { timeout: 30_000 }).toBe(true);
    await ann.person.context.setOffline(false);
    await ann.page.evaluate(() => window.dispatchEvent(new Event("online")));
    await expect
      .poll(() => photo(ben.page, "Sticky notes sorted by theme").isVisible(), { timeout: 60_000 })
      .toBe(true);
    await expect.poll(() => ann.page.getByText("1 photo not sent yet").isVisible(), { timeout: 30_000 }).toBe(false);
  });

  it("gives feedback from a phone once the session has started", async () => {
    const cleo = await phone("Cleo");
    await expect
      .poll(() => cleo.page.getByRole("heading", { name: "Give feedback" }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    // The form loads once the page is hydrated.
    await expect.poll(() => cleo.page.getByRole("radio", { name: "4" }).isVisible(), { timeout: 30_000 }).toBe(true);
    await cleo.page.getByRole("radio", { name: "4" }).check();
    await cleo.page.getByRole("textbox", { name: "Comment" }).fill("Useful, more time next time");
    await cleo.page.getByRole("button", { name: "Send feedback" }).click();
    await expect.poll(() => cleo.page.getByText("your feedback was saved").isVisible(), { timeout: 30_000 }).toBe(true);
    await expectAccessible(cleo.page);
  });
});
