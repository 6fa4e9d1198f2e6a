import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Person, expectAccessible, openBrowser } from "../helpers/browser";
import { type TestServer, startServer } from "../helpers/server";

let server: TestServer;
const people: Person[] = [];

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const person of people) await person.close();
  await server?.stop();
});

async function person(size: "phone" | "desktop") {
  const p = await openBrowser(size);
  people.push(p);
  return p;
}

describe("an organiser sets up an event while an attendee watches", () => {
  it("creates an event, adds rooms and time slots, and a phone sees them appear live", async () => {
    const organiser = await person("desktop");
    const { page } = organiser;
    await page.goto(server.url);
    await expectAccessible(page);
    await page.getByRole("textbox", { name: "Event name" }).fill("Browser Camp");
    await page.getByLabel("Date").fill("2026-12-05");
    await page.getByRole("button", { name: "Create event" }).click();
    await page.waitForURL(/\/e\/browser-camp\/admin/);
    await expect.poll(() => page.getByText("Live", { exact: true }).isVisible()).toBe(true);

    const attendeeLink = await page.getByRole("textbox", { name: "Attendee link", exact: true }).inputValue();
    expect(attendeeLink).toMatch(/\/e\/browser-camp$/);
    expect(await page.getByRole("textbox", { name: "Organiser link", exact: true }).inputValue()).toMatch(
      /\/e\/browser-camp\/admin\?key=[\w-]{20,}$/,
    );
    await expect.poll(() => page.getByRole("img", { name: "QR code for the attendee link" }).isVisible()).toBe(true);
    await expectAccessible(page);

    const attendee = await person("phone");
    await attendee.page.goto(attendeeLink);
    await attendee.page.getByRole("textbox", { name: "Your name" }).fill("Priya");
    await attendee.page.getByRole("button", { name: "Join" }).click();
    await expect.poll(() => attendee.page.getByText("You joined as").isVisible()).toBe(true);
    await expect.poll(() => attendee.page.getByText("Live", { exact: true }).isVisible()).toBe(true);
    await expectAccessible(attendee.page);

    await page.getByRole("textbox", { name: "Room name" }).fill("Atrium");
    await page.getByRole("spinbutton", { name: "Capacity" }).fill("80");
    await page.getByRole("button", { name: "Add room" }).click();
    await expect.poll(() => page.getByRole("list", { name: "Rooms" }).getByText("Atrium").isVisible()).toBe(true);
    // The form resets after success, ready for the next room.
    await expect.poll(() => page.getByRole("textbox", { name: "Room name" }).inputValue()).toBe("");

    await page.getByLabel("Starts").fill("10:00");
    await page.getByLabel("Ends").fill("10:45");
    await page.getByRole("button", { name: "Add time slot" }).click();
    await expect
      .poll(() => page.getByRole("list", { name: "Time slots" }).getByText("10:00–10:45").isVisible())
      .toBe(true);

    // The phone never reloaded: the new room and slot arrive over the live channel.
    const rooms = attendee.page.getByRole("list", { name: "Rooms" });
    await expect.poll(() => rooms.getByText("Atrium").isVisible(), { timeout: 5000 }).toBe(true);
    await expect.poll(() => attendee.page.getByText("10:00–10:45").isVisible(), { timeout: 5000 }).toBe(true);
    await attendee.page.screenshot({ path: "test-results/foundation-phone.png", fullPage: true });
    await page.screenshot({ path: "test-results/foundation-admin.png", fullPage: true });
  });

  it("shows an overlapping time slot's error beside the form and keeps what was typed", async () => {
    const { page } = people[0] as Person;
    await page.getByLabel("Starts").fill("10:30");
    await page.getByLabel("Ends").fill("11:15");
    await page.getByRole("button", { name: "Add time slot" }).click();
    await expect.poll(() => page.getByText(/overlaps the slot 10:00–10:45/).isVisible()).toBe(true);
    expect(await page.getByLabel("Starts").inputValue()).toBe("10:30");
    expect(await page.getByLabel("Ends").inputValue()).toBe("11:15");
    await expectAccessible(page);
  });

  it("answers a wrong organiser link with a 403 page that says what to do", async () => {
    const stranger = await person("phone");
    const response = await stranger.page.goto(`${server.url}/e/browser-camp/admin?key=not-the-key`);
    expect(response?.status()).toBe(403);
    await expect.poll(() => stranger.page.getByRole("heading", { name: "Not allowed" }).isVisible()).toBe(true);
    await expectAccessible(stranger.page);
    const missing = await stranger.page.goto(`${server.url}/e/no-such-event`);
    expect(missing?.status()).toBe(404);
    await expectAccessible(stranger.page);
  });
});
