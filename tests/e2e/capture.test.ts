import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Person, expectAccessible, openBrowser } from "../helpers/browser";
import { createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";

let server: TestServer;
let sessionUrl: string;
let pitcherCookie: string;
const people: Person[] = [];
const dialogs: string[] = [];

beforeAll(async () => {
  server = await startServer();
  const { slug } = await createEvent(server.url, { name: "Capture Camp" });
  const pitcher = await joinAs(server.url, slug, "Pat");
  const created = await pitcher.post(`/e/${slug}/pitch?index`, {
    title: "Fixing procurement",
    description: "Stories welcome",
  });
  const pitchId = created.headers.get("location")?.match(/#pitch-(.+)$/)?.[1];
  if (!pitchId) throw new Error("no pitch");
  sessionUrl = `${server.url}/e/${slug}/s/${pitchId}`;
  pitcherCookie = pitcher.cookies.get("unconf") ?? "";
});

afterAll(async () => {
  for (const person of people) await person.close();
  await server?.stop();
});

async function joinAndOpen(name: string, size: "phone" | "desktop"): Promise<Page> {
  const person = await openBrowser(size);
  people.push(person);
  person.page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const eventUrl = sessionUrl.replace(/\/s\/.+$/, "");
  await person.page.goto(eventUrl);
  await person.page.getByRole("textbox", { name: "Your name" }).fill(name);
  await person.page.getByRole("button", { name: "Join" }).click();
  await expect.poll(() => person.page.getByText("You joined as").isVisible()).toBe(true);
  await person.page.goto(sessionUrl);
  await expect.poll(() => person.page.getByText("Live", { exact: true }).isVisible()).toBe(true);
  return person.page;
}

const notes = (page: Page) => page.getByRole("list", { name: "Captured notes" });

async function capture(page: Page, text: string, kind = "Note") {
  await page.getByRole("radio", { name: kind }).check();
  await page.getByRole("textbox", { name: "Text", exact: true }).fill(text);
  await page.keyboard.press("Control+Enter");
}

describe("two note-takers capture one session while a third person watches", () => {
  let ann: Page;
  let ben: Page;
  let viewer: Page;

  it("shows every item live on every copy of the page", async () => {
    ann = await joinAndOpen("Ann", "desktop");
    ben = await joinAndOpen("Ben", "phone");
    viewer = await joinAndOpen("Vic", "phone");
    await expectAccessible(ann);
    await expectAccessible(ben);

    await capture(ann, "Contracts are signed before research");
    // Keyboard first: focus returns to Text and the kind stays.
    expect(await ann.evaluate(() => document.activeElement?.id)).toBe("capture-text");
    await capture(ben, "Ask for an outcome-based contract", "Tip");
    expect(await ben.getByRole("radio", { name: "Tip" }).isChecked()).toBe(true);

    await ann.getByRole("radio", { name: "Blocker story" }).check();
    await ann.getByRole("textbox", { name: "Blocker" }).fill("Fixed-scope contracts");
    await ann.getByRole("textbox", { name: "Impact" }).fill("Built the wrong thing");
    await ann.getByRole("textbox", { name: "What helped" }).fill("A discovery phase");
    await ann.getByRole("textbox", { name: "Said by" }).fill("Priya");
    await ann.getByRole("checkbox", { name: "They agreed to be named" }).check();
    await ann.getByRole("button", { name: "Add", exact: true }).click();

    await capture(ben, "Nobody reads the contract <script>window.__x=1</script>", "Quote");
    await ben.getByRole("textbox", { name: "Said by" }).fill("Secret Person");

    for (const page of [ann, ben, viewer]) {
      for (const text of [
        "Contracts are signed before research",
        "Ask for an outcome-based contract",
        "Fixed-scope contracts",
        "Nobody reads the contract",
      ]) {
        await expect.poll(() => notes(page).getByText(text).first().isVisible(), { timeout: 5000 }).toBe(true);
      }
      await expect.poll(() => notes(page).getByText("Said by Priya").isVisible()).toBe(true);
    }
    expect(await viewer.evaluate(() => (window as unknown as { __x?: number }).__x)).toBeUndefined();
    await expect.poll(() => viewer.getByText(/3 people viewing/).isVisible()).toBe(true);
    await expectAccessible(viewer);
  });

  it("hides every name once the pitcher marks the session Chatham House", async () => {
    // Ann is neither the pitcher nor an organiser, so she has no toggle.
    expect(await ann.getByRole("checkbox", { name: "Chatham House rule" }).count()).toBe(0);
    const pat = await openBrowser("desktop");
    people.push(pat);
    await pat.context.addCookies([{ name: "unconf", value: pitcherCookie, url: server.url }]);
    await pat.page.goto(sessionUrl);
    await expect.poll(() => pat.page.getByText("Live", { exact: true }).isVisible()).toBe(true);
    const toggle = pat.page.getByRole("checkbox", { name: "Chatham House rule" });
    await toggle.check();
    // Takes effect as soon as it changes: the name goes on every open copy.
    await expect.poll(() => notes(viewer).getByText("Said by Priya").count(), { timeout: 5000 }).toBe(0);
    await expect.poll(() => notes(ann).getByText("Said by Priya").count(), { timeout: 5000 }).toBe(0);
    await pat.page.reload();
    expect(await pat.page.getByRole("checkbox", { name: "Chatham House rule" }).isChecked()).toBe(true);
    await expectAccessible(pat.page);
  });

  it("keeps items typed offline as 'Not sent yet' and delivers each exactly once when back", async () => {
    const context = people[1]?.context;
    if (!context) throw new Error("no phone");
    await context.setOffline(true);
    const offline = ["Offline one", "Offline two", "Offline three"];
    for (const text of offline) await capture(ben, text);
    for (const text of offline) {
      const item = notes(ben).getByRole("listitem").filter({ hasText: text });
      await expect.poll(() => item.getByText("Not sent yet").isVisible()).toBe(true);
    }
    // A reload while offline would lose nothing either: the outbox is in localStorage.
    expect(await ben.evaluate(() => Object.keys(localStorage).some((k) => k.startsWith("unconf:outbox:")))).toBe(true);

    await context.setOffline(false);
    for (const page of [ann, ben, viewer]) {
      for (const text of offline) {
        await expect.poll(() => notes(page).getByText(text, { exact: true }).count(), { timeout: 20_000 }).toBe(1);
      }
    }
    await expect.poll(() => notes(ben).getByText("Not sent yet").count(), { timeout: 10_000 }).toBe(0);
    // Reloading shows the server's copy: still exactly once each.
    await viewer.reload();
    for (const text of offline) expect(await notes(viewer).getByText(text, { exact: true }).count()).toBe(1);
    await ben.screenshot({ path: "test-results/capture-phone.png", fullPage: true });
    expect(dialogs).toEqual([]);
  });
});
