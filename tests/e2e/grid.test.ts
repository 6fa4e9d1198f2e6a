import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Person, expectAccessible, openBrowser } from "../helpers/browser";
import { type HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";

let server: TestServer;
let slug: string;
let organiserLink: string;
let organiser: Person;
let phone: Person;

/** Pitches with votes made over HTTP, so the browser test starts from a real marketplace. */
async function seed(organiserClient: HttpClient) {
  for (const [name, capacity] of [
    ["Hall", "100"],
    ["Nook", "2"],
  ]) {
    await organiserClient.post(`/e/${slug}/admin`, {
      intent: "add-room",
      name: name as string,
      capacity: capacity as string,
    });
  }
  for (const [starts, ends] of [
    ["10:00", "10:45"],
    ["11:00", "11:45"],
  ]) {
    await organiserClient.post(`/e/${slug}/admin`, {
      intent: "add-slot",
      starts: starts as string,
      ends: ends as string,
    });
  }
  await organiserClient.post(`/e/${slug}/admin`, {
    intent: "add-slot",
    starts: "12:00",
    ends: "12:30",
    kind: "break",
    label: "Lunch",
  });
  const pitcher = await joinAs(server.url, slug, "Pia");
  for (const title of ["Alpha", "Beta", "Gamma"]) {
    const response = await pitcher.post(`/e/${slug}/pitch?index`, { title, description: "" });
    if (response.status !== 302) throw new Error(`pitch ${title}: ${response.status}`);
  }
  await organiserClient.post(`/e/${slug}/admin`, { intent: "open-voting" });
  const html = await (await pitcher.get(`/e/${slug}`)).text();
  const id = (title: string) => html.match(new RegExp(`id="pitch-([^"]+)-title">${title}<`))?.[1] ?? "";
  // Three voters want both Alpha and Beta: placing them side by side is a clash.
  for (const name of ["V1", "V2", "V3"]) {
    const voter = await joinAs(server.url, slug, name);
    for (const title of ["Alpha", "Beta"]) {
      await voter.post(`/e/${slug}?index`, { intent: "vote", pitchId: id(title), vote: "true" });
    }
  }
}

beforeAll(async () => {
  server = await startServer();
  const created = await createEvent(server.url, { name: "Grid Camp" });
  slug = created.slug;
  organiserLink = created.organiserLink;
  await seed(created.organiser);
});

afterAll(async () => {
  await phone?.close();
  await organiser?.close();
  await server?.stop();
});

const table = (page: Page) => page.getByRole("table", { name: "Schedule" });
const phoneSchedule = (page: Page) => page.getByRole("region", { name: "Schedule", exact: true });

async function dragTo(page: Page, title: string, rowName: RegExp, column: number) {
  const handle = page.getByRole("button", { name: `Drag ${title}` }).first();
  const cell = table(page).getByRole("row", { name: rowName }).getByRole("cell").nth(column);
  const from = await handle.boundingBox();
  const to = await cell.boundingBox();
  if (!from || !to) throw new Error("nothing to drag or nowhere to drop");
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 12; i++) {
    await page.mouse.move(
      from.x + ((to.x + to.width / 2 - from.x) * i) / 12,
      from.y + ((to.y + to.height / 2 - from.y) * i) / 12,
    );
  }
  await page.mouse.up();
}

describe("an organiser builds the grid while an attendee's phone follows", () => {
  it("shows the empty grid on the phone as per-slot lists and on the desktop as a table", async () => {
    organiser = await openBrowser("desktop");
    await organiser.page.goto(organiserLink);
    await organiser.page.waitForURL(/\/admin$/);
    await organiser.page.goto(`${server.url}/e/${slug}/grid`);
    await expect.poll(() => table(organiser.page).isVisible()).toBe(true);
    await expect.poll(() => organiser.page.getByRole("button", { name: "Drag Alpha" }).isVisible()).toBe(true);
    await expectAccessible(organiser.page);

    phone = await openBrowser("phone");
    await phone.page.goto(`${server.url}/e/${slug}`);
    await phone.page.getByRole("textbox", { name: "Your name" }).fill("Phil");
    await phone.page.getByRole("button", { name: "Join" }).click();
    await expect.poll(() => phone.page.getByText("You joined as").isVisible()).toBe(true);
    await phone.page.goto(`${server.url}/e/${slug}/grid`);
    await expect.poll(() => phoneSchedule(phone.page).isVisible()).toBe(true);
    expect(await table(phone.page).isVisible()).toBe(false);
    await expect.poll(() => phone.page.getByText("Live", { exact: true }).isVisible()).toBe(true);
    await expectAccessible(phone.page);
  });

  it("places a session with the Schedule dialog and the phone shows it without a reload", async () => {
    const page = organiser.page;
    await page.getByRole("button", { name: "Schedule Alpha" }).click();
    const dialog = page.getByRole("dialog", { name: "Schedule Alpha" });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel("Room").selectOption({ label: "Hall (100 seats)" });
    await dialog.getByLabel("Time slot").selectOption({ label: "10:00–10:45" });
    await dialog.getByRole("button", { name: "Place" }).click();
    await expect.poll(() => table(page).getByRole("link", { name: "Alpha" }).isVisible()).toBe(true);
    await expect
      .poll(() => phoneSchedule(phone.page).getByRole("link", { name: "Alpha" }).isVisible(), { timeout: 5000 })
      .toBe(true);
  });

  it("places a session by drag and drop, and the clash with Alpha shows as a conflict", async () => {
    const page = organiser.page;
    await dragTo(page, "Beta", /^10:00–10:45/, 1);
    await expect.poll(() => table(page).getByRole("link", { name: "Beta" }).isVisible(), { timeout: 5000 }).toBe(true);
    await expect.poll(() => page.getByText(/3 attendees voted for both “Alpha” and “Beta”/).isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/“Beta” has 3 votes but Nook seats 2/).isVisible()).toBe(true);
    await expect
      .poll(() => phoneSchedule(phone.page).getByRole("link", { name: "Beta" }).isVisible(), { timeout: 5000 })
      .toBe(true);
    await expectAccessible(page);
  });

  it("refuses a taken cell with a message and keeps the grid as it was", async () => {
    const page = organiser.page;
    await page.getByRole("button", { name: "Schedule Gamma" }).click();
    const dialog = page.getByRole("dialog", { name: "Schedule Gamma" });
    await dialog.getByLabel("Room").selectOption({ label: "Hall (100 seats)" });
    await dialog.getByLabel("Time slot").selectOption({ label: "10:00–10:45" });
    await dialog.getByRole("button", { name: "Place" }).click();
    await expect.poll(() => page.getByRole("alert").first().textContent()).toMatch(/Hall already holds “Alpha”/);
    expect(await table(page).getByRole("link", { name: "Gamma" }).count()).toBe(0);
  });

  it("suggests a better grid with its score, and applies it", async () => {
    const page = organiser.page;
    await page.getByRole("button", { name: "Suggest a grid" }).click();
    const scores = page.getByRole("table", { name: "Suggestion compared with the current grid" });
    await expect.poll(() => scores.isVisible()).toBe(true);
    const lost = async (row: string) =>
      (
        await scores
          .getByRole("row", { name: new RegExp(`^${row}`) })
          .getByRole("cell")
          .nth(1)
          .textContent()
      )?.trim();
    expect(await lost("Suggestion")).toBe("0");
    expect(await lost("Current grid")).toBe("3");
    await expectAccessible(page);
    await page.getByRole("button", { name: "Apply suggestion" }).click();
    await expect.poll(() => page.getByText(/Suggestion applied/).isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/voted for both/).count()).toBe(0);
    // Alpha and Beta now run at different times; Gamma waits, because its pitcher (who pitched all three)
    // cannot run two sessions at once and there are only two session slots.
    const alphaRow = table(page)
      .getByRole("row")
      .filter({ has: page.getByRole("link", { name: "Alpha" }) });
    expect(await alphaRow.getByRole("link", { name: "Beta" }).count()).toBe(0);
    expect(await page.getByRole("region", { name: "Not scheduled yet" }).getByText("Gamma").isVisible()).toBe(true);
    const phoneSlot = (time: string) => phoneSchedule(phone.page).locator(".slot-block").filter({ hasText: time });
    await expect
      .poll(
        async () =>
          (await phoneSlot("10:00–10:45").getByRole("link").count()) === 1 &&
          (await phoneSlot("11:00–11:45").getByRole("link").count()) === 1,
        { timeout: 5000 },
      )
      .toBe(true);
    await phone.page.screenshot({ path: "test-results/grid-phone.png", fullPage: true });
    await page.screenshot({ path: "test-results/grid-desktop.png", fullPage: true });
  });
});
