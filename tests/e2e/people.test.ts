import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Person, expectAccessible, openBrowser } from "../helpers/browser";
import { type HttpClient, createEvent } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";

/**
 * The people side of a schedule on phones (390x844): one attendee marks
 * "I'm going" and a second phone sees the count move live; a pitcher invites
 * a co-host, who accepts on their own phone, and the pitch then shows both
 * hosts on every open page.
 */

let server: TestServer;
let eventUrl: string;
let slug: string;
let organiser: HttpClient;
let pitchId: string;
const people: Person[] = [];

beforeAll(async () => {
  server = await startServer();
  const made = await createEvent(server.url, { name: "People Camp" });
  slug = made.slug;
  organiser = made.organiser;
  eventUrl = `${server.url}/e/${slug}`;
  await organiser.post(`/e/${slug}/admin`, { intent: "add-room", name: "Main hall", capacity: "40" });
  await organiser.post(`/e/${slug}/admin`, { intent: "add-slot", starts: "10:00", ends: "11:00" });
});

afterAll(async () => {
  for (const person of people) await person.close();
  await server?.stop();
});

async function joinAndOpen(name: string, url: string): Promise<Page> {
  const person = await openBrowser("phone");
  people.push(person);
  await person.page.goto(eventUrl);
  await person.page.getByRole("textbox", { name: "Your name" }).fill(name);
  await person.page.getByRole("button", { name: "Join" }).click();
  await expect.poll(() => person.page.getByText("You joined as").isVisible()).toBe(true);
  await person.page.goto(url);
  await expect.poll(() => person.page.getByText("Live", { exact: true }).isVisible(), { timeout: 15_000 }).toBe(true);
  return person.page;
}

describe("people on phones", () => {
  let asha: Page;
  let ben: Page;

  it("a co-host accepts on their own phone and the pitch shows both hosts", async () => {
    asha = await joinAndOpen("Asha", eventUrl);
    ben = await joinAndOpen("Ben", eventUrl);
    await asha.getByRole("link", { name: "Pitch a session" }).click();
    await asha.getByRole("textbox", { name: "Title" }).fill("Open data together");
    await asha.getByRole("button", { name: "Submit pitch" }).click();
    await expect.poll(() => asha.getByRole("link", { name: "Edit Open data together" }).isVisible()).toBe(true);
    pitchId = (await asha.getByRole("article", { name: "Open data together" }).getAttribute("id"))?.replace(
      "pitch-",
      "",
    ) as string;
    await asha.getByRole("link", { name: "Edit Open data together" }).click();
    const coHost = asha.getByRole("textbox", { name: "Co-host" });
    await coHost.focus();
    await coHost.pressSequentially("Be");
    const suggestions = asha.getByRole("list", { name: "People who joined" });
    await expect.poll(() => suggestions.getByRole("button", { name: "Ben" }).isVisible()).toBe(true);
    await suggestions.getByRole("button", { name: "Ben" }).click();
    await expectAccessible(asha);
    await asha.getByRole("button", { name: "Invite co-host" }).click();
    await expect.poll(() => asha.getByText("Ben is invited").isVisible()).toBe(true);

    // Ben hears of it on his own phone, live; nobody else sees anything yet.
    const link = ben.getByRole("link", { name: "Co-host invitations (1)" });
    await expect.poll(() => link.isVisible(), { timeout: 10_000 }).toBe(true);
    await asha.goto(eventUrl);
    await expect.poll(() => asha.getByText("Pitched by Asha").first().isVisible()).toBe(true);
    expect(await asha.getByText("with Ben").count()).toBe(0);
    await link.click();
    await expect.poll(() => ben.getByRole("heading", { name: "Co-host invitations" }).isVisible()).toBe(true);
    await expectAccessible(ben);
    await ben.getByRole("button", { name: "Accept co-hosting Open data together" }).click();
    await expect.poll(() => ben.getByText("You co-host this session").isVisible()).toBe(true);

    // Asha's open page learns it by push.
    await expect.poll(() => asha.getByText("Pitched by Asha, with Ben").isVisible(), { timeout: 10_000 }).toBe(true);
    await ben.goto(eventUrl);
    await expect.poll(() => ben.getByRole("link", { name: "Edit Open data together" }).isVisible()).toBe(true);
    await expectAccessible(ben);
  });

  it("an attendee marks I'm going and a second phone sees the count change live", async () => {
    const rooms = await organiser.get(`/e/${slug}/state.json`);
    const facts = ((await rooms.json()) as { facts: { rooms: { id: string }[]; slots: { id: string }[] } }).facts;
    const placed = await organiser.post(`/e/${slug}/grid`, {
      intent: "place",
      pitchId,
      roomId: facts.rooms[0]?.id ?? "",
      slotId: facts.slots[0]?.id ?? "",
    });
    expect(placed.status).toBe(200);
    const cy = await joinAndOpen("Cy", `${eventUrl}/grid`);
    await ben.goto(`${eventUrl}/s/${pitchId}`);
    await expect.poll(() => ben.getByText("Live", { exact: true }).isVisible(), { timeout: 15_000 }).toBe(true);
    // On a phone the grid is a list per time slot, in the region "Schedule".
    const list = cy.getByRole("region", { name: "Schedule" });
    await expect.poll(() => list.getByText("0 going").isVisible(), { timeout: 10_000 }).toBe(true);

    const button = ben.getByRole("button", { name: "I'm going to Open data together" });
    await expect.poll(() => button.getAttribute("aria-pressed")).toBe("false");
    await button.click();
    await expect.poll(() => button.getAttribute("aria-pressed")).toBe("true");
    await expect.poll(() => ben.getByText("1 going").isVisible()).toBe(true);
    await expectAccessible(ben);
    // The second phone, on the grid, sees it without reloading.
    await expect.poll(() => list.getByText("1 going").isVisible(), { timeout: 10_000 }).toBe(true);
    await expectAccessible(cy);
    // And "My sessions" follows Ben's mark.
    await ben.goto(`${eventUrl}/grid`);
    const mine = ben.getByRole("region", { name: "My sessions" });
    await expect.poll(() => mine.getByRole("link", { name: "Open data together" }).isVisible()).toBe(true);
    await expect.poll(() => mine.getByText("The sessions you marked").isVisible()).toBe(true);
  });
});
