import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Person, expectAccessible, openBrowser } from "../helpers/browser";
import { type HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";

/**
 * A note-taker on a phone never loses a word: notes typed offline go out by
 * themselves when the network returns (no reload), the header counts what
 * waits on every page, a draft survives a reload and a lock, and a note just
 * added can be edited at once.
 */

let server: TestServer;
let organiser: HttpClient;
let sessionUrl: string;
const people: Person[] = [];

beforeAll(async () => {
  server = await startServer();
  const created = await createEvent(server.url, { name: "Outbox Camp" });
  organiser = created.organiser;
  const pitcher = await joinAs(server.url, created.slug, "Pat");
  const response = await pitcher.post(`/e/${created.slug}/pitch?index`, { title: "Wi-Fi that works" });
  const pitchId = response.headers.get("location")?.match(/#pitch-(.+)$/)?.[1];
  if (!pitchId) throw new Error("no pitch");
  sessionUrl = `${server.url}/e/${created.slug}/s/${pitchId}`;
});

afterAll(async () => {
  for (const person of people) await person.close();
  await server?.stop();
});

async function joinAndOpen(name: string): Promise<Person> {
  const person = await openBrowser("phone");
  people.push(person);
  await person.page.goto(sessionUrl.replace(/\/s\/.+$/, ""));
  await person.page.getByRole("textbox", { name: "Your name" }).fill(name);
  await person.page.getByRole("button", { name: "Join" }).click();
  await expect.poll(() => person.page.getByText("You joined as").isVisible()).toBe(true);
  await person.page.goto(sessionUrl);
  await waitLive(person.page);
  return person;
}

const waitLive = (page: Page) =>
  expect.poll(() => page.getByText("Live", { exact: true }).isVisible(), { timeout: 15_000 }).toBe(true);
const notes = (page: Page) => page.getByRole("list", { name: "Captured notes" });
const textBox = (page: Page) => page.getByRole("textbox", { name: "Text", exact: true });

async function capture(page: Page, text: string) {
  await textBox(page).fill(text);
  await page.keyboard.press("Control+Enter");
}

describe("a note-taker's outbox on a phone", () => {
  let ada: Person;
  let viewer: Person;

  it("sends notes typed offline once the network is back, without a reload, and counts them in the header", async () => {
    ada = await joinAndOpen("Ada");
    viewer = await joinAndOpen("Vic");
    await ada.context.setOffline(true);
    await capture(ada.page, "Typed offline, first");
    await capture(ada.page, "Typed offline, second");
    const header = ada.page.getByRole("banner");
    // In the sticky header (the layout of every event page), in sight at the bottom of a long page.
    await ada.page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await expect.poll(() => header.getByText("2 notes not sent yet").isVisible()).toBe(true);
    await expectAccessible(ada.page);

    const back = Date.now();
    await ada.context.setOffline(false);
    for (const text of ["Typed offline, first", "Typed offline, second"]) {
      await expect.poll(() => notes(viewer.page).getByText(text, { exact: true }).count(), { timeout: 10_000 }).toBe(1);
    }
    await expect.poll(() => header.getByText(/not sent yet/).count(), { timeout: 10_000 }).toBe(0);
    console.info(`offline notes delivered ${Date.now() - back} ms after the network came back`);
    await ada.page.goto(sessionUrl);
    await waitLive(ada.page);
    for (const text of ["Typed offline, first", "Typed offline, second"])
      expect(await notes(ada.page).getByText(text, { exact: true }).count()).toBe(1);
  });

  it("lets the author edit a note the moment it is added", async () => {
    await capture(ada.page, "Just added, with a tpyo");
    const item = notes(ada.page).getByRole("listitem").filter({ hasText: "Just added, with a tpyo" });
    await item.getByRole("button", { name: "Edit this note" }).click();
    await ada.page.getByRole("textbox", { name: "Edit text" }).fill("Just added, typo fixed");
    await ada.page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => notes(viewer.page).getByText("Just added, typo fixed").isVisible(), { timeout: 10_000 })
      .toBe(true);
    expect(await notes(viewer.page).getByText("Just added, with a tpyo").count()).toBe(0);
  });

  it("keeps a draft across a reload, and through a lock and unlock", async () => {
    await textBox(ada.page).fill("Half a thought about captive portals");
    await ada.page.reload();
    await waitLive(ada.page);
    await expect.poll(() => textBox(ada.page).inputValue()).toBe("Half a thought about captive portals");

    await textBox(ada.page).fill("Half a thought about captive portals, and more");
    expect((await organiser.post(sessionUrl.replace(server.url, ""), { intent: "lock" })).status).toBe(200);
    const kept = ada.page.getByRole("textbox", { name: "Notes are locked: your draft is kept and can be copied." });
    await expect.poll(() => kept.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await kept.inputValue()).toContain("Half a thought about captive portals, and more");
    await expectAccessible(ada.page);

    expect((await organiser.post(sessionUrl.replace(server.url, ""), { intent: "unlock" })).status).toBe(200);
    await expect.poll(() => textBox(ada.page).isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => textBox(ada.page).inputValue()).toBe("Half a thought about captive portals, and more");
    await ada.page.screenshot({ path: "test-results/capture-outbox-phone.png", fullPage: true });
  });

  it("warns when a name is given without consent, and moves focus to Blocker for a story", async () => {
    await textBox(ada.page).fill("Captive portals break laptops");
    await ada.page.getByRole("textbox", { name: "Said by" }).fill("Jo");
    await ada.page.getByRole("button", { name: "Add", exact: true }).click();
    await expect
      .poll(() => ada.page.getByText("Jo will not be named: ask them, or tick").isVisible(), { timeout: 5000 })
      .toBe(true);
    await ada.page.getByRole("radio", { name: "Blocker story" }).check();
    await ada.page.getByRole("textbox", { name: "Blocker" }).fill("Portal timeouts");
    await ada.page.getByRole("button", { name: "Add", exact: true }).click();
    await expect.poll(() => ada.page.evaluate(() => document.activeElement?.id)).toBe("capture-blocker");
  });
});
