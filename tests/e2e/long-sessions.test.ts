import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Person, expectAccessible, openBrowser } from "../helpers/browser";
import { createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";

/**
 * A long session on a phone (390x844): the organiser places a two-slot
 * workshop with the placing dialog, and the per-slot list shows it in both
 * slots, the second as "continues from 10:00"; an attendee's phone follows
 * live. Room features show in the dialog.
 */

let server: TestServer;
let slug: string;
let organiserLink: string;
let organiser: Person;
let attendee: Person;

beforeAll(async () => {
  server = await startServer();
  const created = await createEvent(server.url, { name: "Workshop Camp" });
  slug = created.slug;
  organiserLink = created.organiserLink;
  const admin = (fields: Record<string, string | string[]>) => created.organiser.post(`/e/${slug}/admin`, fields);
  await admin({ intent: "add-room", name: "Hall", capacity: "100" });
  await admin({ intent: "add-room", name: "Nook", capacity: "10" });
  for (const [starts, ends, kind] of [
    ["10:00", "11:00", "sessions"],
    ["11:00", "12:00", "sessions"],
    ["12:00", "13:00", "break"],
  ]) {
    const response = await admin({
      intent: "add-slot",
      starts: starts as string,
      ends: ends as string,
      kind: kind as string,
    });
    if (response.status !== 200) throw new Error(`slot ${starts}: ${response.status}`);
  }
  const pitcher = await joinAs(server.url, slug, "Wanda");
  const response = await pitcher.post(`/e/${slug}/pitch?index`, {
    title: "Build a robot",
    description: "Two hours, hands on.",
    span: "2",
    needs: "whiteboard",
    remoteUrl: "https://stream.example.org/robot",
  });
  if (response.status !== 302) throw new Error(`pitch: ${response.status}`);
});

afterAll(async () => {
  await attendee?.close();
  await organiser?.close();
  await server?.stop();
});

describe("a two-slot session placed from a phone", () => {
  it("places it with the dialog and the phone list shows it in both slots", async () => {
    attendee = await openBrowser("phone");
    await attendee.page.goto(`${server.url}/e/${slug}`);
    await attendee.page.getByRole("textbox", { name: "Your name" }).fill("Phil");
    await attendee.page.getByRole("button", { name: "Join" }).click();
    await expect.poll(() => attendee.page.getByText("You joined as").isVisible()).toBe(true);
    await attendee.page.goto(`${server.url}/e/${slug}/grid`);
    await expect.poll(() => attendee.page.getByText("Live", { exact: true }).isVisible()).toBe(true);

    organiser = await openBrowser("phone");
    const page = organiser.page;
    await page.goto(organiserLink);
    await page.waitForURL(/\/admin$/);
    await page.goto(`${server.url}/e/${slug}/grid`);
    const schedule = page.getByRole("region", { name: "Schedule", exact: true });
    await expect.poll(() => schedule.isVisible()).toBe(true);
    await expect.poll(() => page.getByText("Live", { exact: true }).isVisible()).toBe(true);
    // The unscheduled list says what it takes and that no room has a whiteboard yet.
    await expect.poll(() => page.getByText("No room has whiteboard").isVisible()).toBe(true);

    await page.getByRole("button", { name: "Schedule Build a robot" }).click();
    const dialog = page.getByRole("dialog", { name: "Schedule Build a robot" });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await expect.poll(() => dialog.getByText("This session takes 2 consecutive slots").isVisible()).toBe(true);
    // Only 10:00 can start two slots before the lunch break.
    const options = await dialog.getByLabel("Time slot").locator("option").allTextContents();
    expect(options).toEqual(["10:00–12:00 (2 slots)"]);
    await dialog.getByLabel("Room").selectOption({ label: "Hall (100 seats), lacks whiteboard" });
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Place" }).click();

    const block = (p: typeof page, time: string) =>
      p.getByRole("region", { name: "Schedule", exact: true }).locator(".slot-block").filter({ hasText: time });
    for (const p of [page, attendee.page]) {
      await expect
        .poll(() => block(p, "10:00–11:00").getByRole("link", { name: "Build a robot" }).isVisible(), { timeout: 8000 })
        .toBe(true);
      await expect
        .poll(
          () =>
            block(p, "11:00–12:00")
              .getByText(/continues from 10:00/)
              .isVisible(),
          { timeout: 8000 },
        )
        .toBe(true);
      expect(await block(p, "11:00–12:00").getByRole("link", { name: "Build a robot" }).isVisible()).toBe(true);
    }
    // The organiser sees the missing whiteboard as a conflict on the session.
    await expect.poll(() => schedule.getByText("Needs whiteboard", { exact: true }).isVisible()).toBe(true);
    await expectAccessible(page);
    await expectAccessible(attendee.page);
    await page.screenshot({ path: "test-results/long-session-phone.png", fullPage: true });

    // The session page gives its time as the whole span and the remote link.
    await attendee.page.getByRole("link", { name: "Build a robot" }).first().click();
    await expect.poll(() => attendee.page.getByText("10:00–12:00, Hall").isVisible()).toBe(true);
    expect(await attendee.page.getByRole("link", { name: "Join remotely" }).getAttribute("href")).toBe(
      "https://stream.example.org/robot",
    );
    await expectAccessible(attendee.page);
  });
});
