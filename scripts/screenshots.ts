/**
 * Regenerates the screenshots in docs/ (described in docs/screenshots.md):
 * the organiser's grid of a 12-room venue at 1280 and 1920 wide, the
 * projector view at 1920x1080, the door signs, the printed A3 poster (a PDF
 * from Chromium and a PNG of its first page through pdftoppm), the organiser
 * console, and the event and session pages on a phone.
 *
 * Runs the BUILT server on a free port with a throwaway database, seeds the
 * venue through the same HTTP commands people send, and drives Debian's
 * Chromium. Usage: `npm run build && npm run screenshots` (about a minute).
 */
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { type Person, openBrowser } from "../tests/helpers/browser";
import { createEvent } from "../tests/helpers/http";
import { startServer } from "../tests/helpers/server";
import { EVENT, TOPICS, seedVenue, venueFacts } from "../tests/helpers/venue";

const docs = resolve(import.meta.dirname, "../docs");
const out = (name: string) => resolve(docs, name);
// The event's day, and a moment in its 10:30 slot, so "Now" and "Next" both show sessions.
const DAY = "2030-06-04";
const DURING = new Date("2030-06-04T10:40:00+01:00");

// The links on the pages read as a real install's would.
const server = await startServer({ PUBLIC_URL: "https://camp.example.org" });
const people: Person[] = [];
try {
  const { organiser, slug, organiserLink } = await createEvent(server.url, {
    name: EVENT,
    date: DAY,
    timeZone: "Europe/London",
  });
  await seedVenue(server.url, slug, organiser);
  const announced = await organiser.post(`/e/${slug}/admin`, {
    intent: "announce",
    text: "Lunch is in the atrium from 12:15. Room B has moved upstairs.",
  });
  if (announced.status !== 200) throw new Error(`announce: ${announced.status}`);
  const facts = await venueFacts(organiser, slug);
  const opening = facts.pitches.find((p) => p.title === TOPICS[0]);
  const event = `${server.url}/e/${slug}`;

  const open = async (size: "phone" | "desktop", viewport?: { width: number; height: number }) => {
    const person = await openBrowser(size);
    people.push(person);
    if (viewport) await person.page.setViewportSize(viewport);
    await person.page.clock.setFixedTime(DURING);
    return person.page;
  };
  const settle = async (page: Page) => {
    await page.waitForLoadState("networkidle");
    await page.evaluate(() => document.fonts.ready);
  };
  const asOrganiser = async (page: Page) => {
    await page.goto(organiserLink.replace(/^https?:\/\/[^/]+/, server.url));
    await page.waitForURL(/\/admin$/);
  };

  // The organiser's grid at 1280 and 1920, then the console.
  const laptop = await open("desktop");
  await asOrganiser(laptop);
  await laptop.goto(`${event}/grid`);
  await laptop.getByRole("button", { name: `Drag ${TOPICS[1]}` }).waitFor();
  await settle(laptop);
  await laptop.screenshot({ path: out("screenshot-grid.png") });
  await laptop.setViewportSize({ width: 1920, height: 1080 });
  await laptop.screenshot({ path: out("screenshot-grid-1920.png") });

  // The poster: Chromium's PDF of the printed grid, and its first page as a PNG.
  await laptop.emulateMedia({ media: "print" });
  await laptop.pdf({ path: out("grid-poster.pdf"), format: "A3", landscape: true, printBackground: true });
  await laptop.emulateMedia({ media: "screen" });
  if (existsSync("/usr/bin/pdftoppm")) {
    execFileSync("pdftoppm", [
      "-png",
      "-r",
      "60",
      "-f",
      "1",
      "-l",
      "1",
      "-singlefile",
      out("grid-poster.pdf"),
      out("screenshot-grid-poster"),
    ]);
  }

  await laptop.setViewportSize({ width: 1280, height: 800 });
  await laptop.goto(`${event}/admin`);
  await settle(laptop);
  await laptop.screenshot({ path: out("screenshot-admin.png") });

  // Door signs: the screen view, and the printed sheets as a PDF (one A4 page per room).
  await laptop.goto(`${event}/signs`);
  await settle(laptop);
  await laptop.screenshot({ path: out("screenshot-signs.png") });
  await laptop.emulateMedia({ media: "print" });
  await laptop.pdf({ path: out("door-signs.pdf"), format: "A4", printBackground: true });
  if (existsSync("/usr/bin/pdftoppm")) {
    execFileSync("pdftoppm", [
      "-png",
      "-r",
      "50",
      "-f",
      "1",
      "-l",
      "1",
      "-singlefile",
      out("door-signs.pdf"),
      out("screenshot-sign-printed"),
    ]);
  }
  rmSync(out("door-signs.pdf"));

  // The projector in the main hall.
  const wall = await open("desktop", { width: 1920, height: 1080 });
  await wall.goto(`${event}/display`);
  await wall.getByRole("heading", { name: /^Now/ }).waitFor();
  await wall.getByRole("region", { name: "Announcement" }).getByText("Lunch is in the atrium").waitFor();
  await settle(wall);
  await wall.screenshot({ path: out("screenshot-display-1920.png") });

  // An attendee's phone: the event page after joining, and the opening plenary's session page.
  const phone = await open("phone");
  await phone.goto(event);
  await phone.getByRole("textbox", { name: "Your name" }).fill("Poppy");
  await phone.getByRole("button", { name: "Join" }).click();
  await phone.getByText("You joined as").waitFor();
  const vote = phone.getByRole("button", { name: `Vote for ${TOPICS[4]}` });
  await vote.click();
  await phone.waitForFunction(
    (name) => document.querySelector(`[aria-label="${name}"]`)?.getAttribute("aria-pressed") === "true",
    `Vote for ${TOPICS[4]}`,
  );
  await phone.evaluate(() => window.scrollTo(0, 0));
  await settle(phone);
  await phone.screenshot({ path: out("screenshot-phone.png") });
  await phone.goto(`${event}/s/${opening?.id}`);
  await settle(phone);
  await phone.screenshot({ path: out("screenshot-session-phone.png") });

  console.log(`screenshots written to ${docs}`);
} finally {
  for (const person of people) await person.close();
  await server.stop();
}
