import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Person, expectAccessible, openBrowser } from "../helpers/browser";
import { createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";

/**
 * Consent by the speaker: a note-taker picks "Jo" from the people who joined;
 * the note stays anonymous until Jo, on her own phone, chooses "Name me", and
 * the name leaves every page and the export again when she withdraws it.
 */

let server: TestServer;
let eventUrl: string;
let sessionUrl: string;
const people: Person[] = [];

beforeAll(async () => {
  server = await startServer();
  const { slug } = await createEvent(server.url, { name: "Consent Camp" });
  eventUrl = `${server.url}/e/${slug}`;
  const pitcher = await joinAs(server.url, slug, "Pat");
  const response = await pitcher.post(`/e/${slug}/pitch?index`, { title: "Quoting people fairly" });
  const pitchId = response.headers.get("location")?.match(/#pitch-(.+)$/)?.[1];
  if (!pitchId) throw new Error("no pitch");
  sessionUrl = `${eventUrl}/s/${pitchId}`;
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

const notes = (page: Page) => page.getByRole("list", { name: "Captured notes" });
const exportText = async () => (await fetch(`${sessionUrl}/export.md`)).text();

describe("the person quoted decides whether to be named", () => {
  let ann: Page;
  let jo: Page;

  it("links a note to someone who joined and keeps it anonymous until they choose", async () => {
    jo = await joinAndOpen("Jo", sessionUrl);
    ann = await joinAndOpen("Ann", sessionUrl);
    await ann.getByRole("textbox", { name: "Text", exact: true }).fill("Procurement rules are older than the web");
    const saidBy = ann.getByRole("textbox", { name: "Said by" });
    // The names of people who joined arrive once, when a note-taker first goes to "Said by".
    await saidBy.focus();
    await saidBy.pressSequentially("J");
    const suggestions = ann.getByRole("list", { name: "People who joined" });
    await expect.poll(() => suggestions.getByRole("button", { name: "Jo" }).isVisible()).toBe(true);
    await suggestions.getByRole("button", { name: "Jo" }).click();
    await expect.poll(() => ann.getByText("Linked to Jo, who joined").isVisible()).toBe(true);
    await expectAccessible(ann);
    await ann.getByRole("button", { name: "Add", exact: true }).click();
    await expect.poll(() => ann.getByText("Jo decides whether to be named").isVisible()).toBe(true);
    await expect.poll(() => notes(jo).getByText("Procurement rules are older than the web").isVisible()).toBe(true);
    expect(await notes(jo).getByText("Said by Jo").count()).toBe(0);
    expect(await exportText()).not.toContain("Jo");

    // Jo sees the mention live, on every page of the event.
    const link = jo.getByRole("link", { name: "Your mentions (1)" });
    await expect.poll(() => link.isVisible(), { timeout: 10_000 }).toBe(true);
    await link.click();
    await expect.poll(() => jo.getByRole("heading", { name: "Your mentions", level: 1 }).isVisible()).toBe(true);
    await expectAccessible(jo);
  });

  it("names Jo everywhere once she chooses Name me, and not once she withdraws", async () => {
    const mention = jo.getByRole("article").filter({ hasText: "Procurement rules are older than the web" });
    await mention.getByRole("button", { name: "Name me" }).click();
    await expect.poll(() => notes(ann).getByText("Said by Jo").isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(exportText).toContain("Jo");
    await jo.screenshot({ path: "test-results/mentions-phone.png", fullPage: true });

    await mention.getByRole("button", { name: "Keep me anonymous" }).click();
    await expect.poll(() => notes(ann).getByText("Said by Jo").count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(exportText).not.toContain("Jo");
  });
});
