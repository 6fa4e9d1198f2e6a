import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Person, expectAccessible, openBrowser } from "../helpers/browser";
import { createEvent } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";

/**
 * The organiser tells everyone something from the console: it shows at once
 * on phones and on the projector view (which has no site menu), an attendee
 * may dismiss it on their phone, someone joining later still sees it, and the
 * organiser clears it.
 */

let server: TestServer;
let slug: string;
let organiserLink: string;
const people: Person[] = [];

beforeAll(async () => {
  server = await startServer();
  ({ slug, organiserLink } = await createEvent(server.url, { name: "Announcement Camp" }));
});

afterAll(async () => {
  for (const person of people) await person.close();
  await server?.stop();
});

async function open(url: string, size: "phone" | "desktop", viewport?: { width: number; height: number }) {
  const person = await openBrowser(size);
  people.push(person);
  if (viewport) await person.page.setViewportSize(viewport);
  await person.page.goto(url);
  await expect.poll(() => live(person.page), { timeout: 15_000 }).toBe(true);
  return person.page;
}

/** The projector has no status line: it is live once its socket joined, which the region shows by being there. */
const live = async (page: Page) =>
  (await page.getByText("Live", { exact: true }).isVisible()) ||
  (await page.getByRole("heading", { name: "Now", exact: true }).isVisible());

const region = (page: Page) => page.getByRole("region", { name: "Announcement" });

describe("announcements", () => {
  let organiser: Page;
  let phoneA: Page;
  let phoneB: Page;
  let projector: Page;

  it("reaches two phones and the projector at once", async () => {
    organiser = await open(organiserLink.replace(/^http:\/\/[^/]+/, server.url), "desktop");
    phoneA = await open(`${server.url}/e/${slug}`, "phone");
    phoneB = await open(`${server.url}/e/${slug}/grid`, "phone");
    projector = await open(`${server.url}/e/${slug}/display`, "desktop", { width: 1920, height: 1080 });
    // The projector is for a wall: no site menu, and the join QR code.
    expect(await projector.getByRole("navigation", { name: "Event" }).count()).toBe(0);
    expect(await projector.getByRole("img", { name: "QR code for the attendee link" }).isVisible()).toBe(true);

    await organiser.getByRole("textbox", { name: "Announcement" }).fill("Lunch is ready in the atrium");
    const sent = Date.now();
    await organiser.getByRole("button", { name: "Announce" }).click();
    for (const page of [phoneA, phoneB, projector]) {
      await expect
        .poll(() => region(page).getByText("Lunch is ready in the atrium").isVisible(), { timeout: 10_000 })
        .toBe(true);
    }
    console.info(`announcement shown on two phones and the projector ${Date.now() - sent} ms after Announce`);
    await projector.screenshot({ path: "test-results/display-1920.png" });
    await expectAccessible(projector);
    await expectAccessible(phoneA);
    await expectAccessible(organiser);
  });

  it("lets an attendee dismiss it on their phone, and shows it to someone who opens the event later", async () => {
    await region(phoneA).getByRole("button", { name: "Dismiss" }).click();
    await expect.poll(() => region(phoneA).getByText("Lunch is ready").count()).toBe(0);
    expect(await region(phoneB).getByText("Lunch is ready").isVisible()).toBe(true);
    const later = await open(`${server.url}/e/${slug}`, "phone");
    expect(await region(later).getByText("Lunch is ready in the atrium").isVisible()).toBe(true);
  });

  it("is cleared everywhere by an organiser", async () => {
    await region(organiser).getByRole("button", { name: "Clear announcement" }).click();
    for (const page of [phoneB, projector]) {
      await expect.poll(() => region(page).getByText("Lunch is ready").count(), { timeout: 10_000 }).toBe(0);
    }
  });
});
