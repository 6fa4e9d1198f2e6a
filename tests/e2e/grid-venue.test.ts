import { mkdirSync } from "node:fs";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Person, expectAccessible, openBrowser } from "../helpers/browser";
import { type HttpClient, createEvent } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";
import { EVENT, ROOMS, TOPICS, seedVenue, venueFacts } from "../helpers/venue";

/**
 * The grid of a real venue (issue 12): 12 rooms and 8 slots (two plenaries
 * and a lunch break among them) with 30 placed sessions, at 390x844,
 * 1280x800 and 1920x1080. Nothing but the grid's own scrolling box is wider
 * than the screen, every title is readable, an organiser rearranges the grid
 * on a phone, focus comes back after "Place", the drag announcements speak
 * titles, rooms and times, the printed poster carries no personal marks, and
 * axe (WCAG 2.2 A/AA) passes.
 */

let server: TestServer;
let slug: string;
let organiserLink: string;
let organiserHttp: HttpClient;
const people: Person[] = [];
let grid: string;

beforeAll(async () => {
  server = await startServer();
  const created = await createEvent(server.url, { name: EVENT, date: "2030-06-04", timeZone: "Europe/London" });
  slug = created.slug;
  organiserLink = created.organiserLink;
  organiserHttp = created.organiser;
  grid = `${server.url}/e/${slug}/grid`;
  await seedVenue(server.url, slug, created.organiser);
  mkdirSync("test-results", { recursive: true });
});

afterAll(async () => {
  for (const person of people.splice(0)) await person.close();
  await server?.stop();
});

async function organiserAt(size: "phone" | "desktop", viewport?: { width: number; height: number }) {
  const person = await openBrowser(size);
  people.push(person);
  if (viewport) await person.page.setViewportSize(viewport);
  await person.page.goto(organiserLink);
  await person.page.waitForURL(/\/admin$/);
  await person.page.goto(grid);
  await waitLive(person.page);
  return person;
}

async function waitLive(page: Page) {
  await expect.poll(() => page.getByText("Live", { exact: true }).isVisible(), { timeout: 10_000 }).toBe(true);
}

const table = (page: Page) => page.getByRole("table", { name: "Schedule" });
const phoneSchedule = (page: Page) => page.getByRole("region", { name: "Schedule", exact: true });

/**
 * Everything a person could have to scroll sideways for: the page's scroll
 * width and every element whose right edge passes the viewport, except what
 * sits inside the grid's own scrolling box.
 */
async function overflow(page: Page) {
  return page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const wide: string[] = [];
    for (const el of document.querySelectorAll("body *")) {
      if (el.closest(".grid-scroll") && !el.classList.contains("grid-scroll")) continue;
      // Text for screen readers only sits in a clipped 1 px box.
      if (el.closest(".visually-hidden")) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0) continue;
      if (box.right > viewport + 0.5) {
        const name = `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`;
        wide.push(`${name} right=${Math.round(box.right)} "${(el.textContent ?? "").slice(0, 40)}"`);
      }
    }
    // Text can spill out of a box that itself fits.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || (parent.closest(".grid-scroll") && !parent.classList.contains("grid-scroll"))) continue;
      if (parent.closest(".visually-hidden")) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const box of range.getClientRects()) {
        if (box.width > 0 && box.right > viewport + 0.5) {
          wide.push(
            `text in ${parent.tagName.toLowerCase()}.${[...parent.classList].join(".")} right=${Math.round(box.right)} "${(node.textContent ?? "").slice(0, 40)}"`,
          );
        }
      }
    }
    return { viewport, scrollWidth: document.documentElement.scrollWidth, wide };
  });
}

/**
 * Each visible title: its rendered width and how many characters a line
 * holds on average (a letter-per-line title has about 1).
 */
async function titleShapes(scope: Locator) {
  return scope.evaluate((root) => {
    const shapes: Array<{ title: string; width: number; perLine: number }> = [];
    const titles = ".chip-title, .slot-session-title, .unplaced-item > span, .display-title, .sign-title";
    for (const el of root.querySelectorAll<HTMLElement>(titles)) {
      if (el.getClientRects().length === 0) continue;
      const range = document.createRange();
      range.selectNodeContents(el.firstChild ?? el);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size || 1;
      const title = (el.firstChild?.textContent ?? "").trim();
      shapes.push({ title, width: el.getBoundingClientRect().width, perLine: title.length / lines });
    }
    return shapes;
  });
}

function expectReadable(shapes: Array<{ title: string; width: number; perLine: number }>, minimum: number) {
  expect(shapes.length).toBeGreaterThanOrEqual(minimum);
  for (const shape of shapes) {
    // More than a few characters wide, and lines of words, not of letters.
    expect(shape.width, `width of “${shape.title}”`).toBeGreaterThan(70);
    expect(shape.perLine, `characters per line of “${shape.title}”`).toBeGreaterThanOrEqual(
      Math.min(8, shape.title.length),
    );
  }
}

async function expectNoSidewaysPage(page: Page) {
  const { viewport, scrollWidth, wide } = await overflow(page);
  expect(wide, `elements wider than the ${viewport}px viewport`).toEqual([]);
  expect(scrollWidth).toBeLessThanOrEqual(viewport);
}

/** WCAG contrast ratio of two computed `rgb(...)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r = 0, g = 0, bl = 0] = (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

async function dndAnnouncement(page: Page): Promise<string> {
  return (await page.locator('[id^="DndLiveRegion"]').textContent())?.trim() ?? "";
}

async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.getAttribute("aria-label") ?? el?.textContent?.trim() ?? "";
  });
}

describe("a grid for a real venue: 12 rooms, 8 slots", () => {
  it("at 1280x800: a sideways-scrolling grid with the times and rooms in view, readable titles, axe passes", async () => {
    const { page } = await organiserAt("desktop");
    await expect.poll(() => table(page).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole("button", { name: `Drag ${TOPICS[1]}` }).isVisible()).toBe(true);
    await page.screenshot({ path: "test-results/grid-venue-1280.png" });
    await expectNoSidewaysPage(page);
    const box = page.locator(".grid-scroll");
    const scroll = await box.evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
    expect(scroll.scroll).toBeGreaterThan(scroll.client);
    expectReadable(await titleShapes(table(page)), 31);
    expectReadable(await titleShapes(page.getByRole("region", { name: "Not scheduled yet" })), 3);

    // One menu per session: no stacked Move / Unschedule / Pin buttons in the cells until it opens.
    const chip = table(page)
      .locator(".chip")
      .filter({ hasText: TOPICS[2] as string });
    expect(await chip.getByRole("button", { name: `Unschedule ${TOPICS[2]}` }).isVisible()).toBe(false);
    await chip.getByRole("button", { name: `Actions for ${TOPICS[2]}` }).click();
    for (const name of [`Move ${TOPICS[2]}`, `Unschedule ${TOPICS[2]}`, `Pin ${TOPICS[2]}`]) {
      expect(await chip.getByRole("button", { name, exact: true }).isVisible()).toBe(true);
    }
    await page.keyboard.press("Escape");
    await expect.poll(() => focusedName(page)).toBe(`Actions for ${TOPICS[2]}`);
    // The focus ring stands out at least 3:1 from the page and from the cards (WCAG 1.4.11).
    const {
      ring,
      style,
      page: pageColour,
      card,
    } = await page.evaluate(() => {
      const colour = (el: Element, property: "outlineColor" | "backgroundColor") => getComputedStyle(el)[property];
      return {
        ring: colour(document.activeElement as Element, "outlineColor"),
        style: getComputedStyle(document.activeElement as Element).outlineStyle,
        page: colour(document.documentElement, "backgroundColor"),
        card: colour(document.querySelector(".card") as Element, "backgroundColor"),
      };
    });
    expect(style).toBe("solid");
    expect(contrast(ring, pageColour)).toBeGreaterThanOrEqual(3);
    expect(contrast(ring, card)).toBeGreaterThanOrEqual(3);
    expect(await chip.getByRole("button", { name: `Move ${TOPICS[2]}` }).isVisible()).toBe(false);

    // "Next" sits on the opening plenary's row and does not run into "Plenary, all rooms".
    const next = table(page).getByRole("rowheader").getByText("Next", { exact: true });
    const plenary = table(page).getByText("Plenary, all rooms");
    const a = await next.boundingBox();
    const b = await plenary.boundingBox();
    if (!a || !b) throw new Error("no Next badge or plenary label");
    expect(a.x + a.width).toBeLessThanOrEqual(b.x);

    // Scrolled to the last rooms: the time column and the room headers stay in view.
    await box.evaluate((el) => el.scrollTo({ left: el.scrollWidth, top: 200 }));
    const timeColumn = await table(page).getByRole("rowheader").nth(3).boundingBox();
    const boxLeft = (await box.boundingBox())?.x ?? 0;
    expect(Math.abs((timeColumn?.x ?? -100) - boxLeft)).toBeLessThan(3);
    const lastRoom = table(page).getByRole("columnheader", { name: /Room L/ });
    const boxTop = (await box.boundingBox())?.y ?? 0;
    expect(Math.abs(((await lastRoom.boundingBox())?.y ?? -100) - boxTop)).toBeLessThan(3);
    await page.screenshot({ path: "test-results/grid-venue-1280-scrolled.png" });
    await box.evaluate((el) => el.scrollTo({ left: 0, top: 0 }));
    await expectAccessible(page);
  });

  it("at 1280x800: drags with the keyboard from cell to cell, announced in words, focus stays on the session", async () => {
    const page = people[0]?.page as Page;
    const title = TOPICS[6] as string; // Room F at 09:30; Room G at 09:30 is free
    const handle = page.getByRole("button", { name: `Drag ${title}` });
    await handle.focus();
    await page.keyboard.press("Space");
    await expect.poll(() => dndAnnouncement(page)).toBe(`Picked up ${title} from Room F at 09:30.`);
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => dndAnnouncement(page)).toBe(`${title} is over Room G at 09:30.`);
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => dndAnnouncement(page)).toBe(`${title} is over Room F at 09:30.`);
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => dndAnnouncement(page)).toBe(`${title} is over Room E at 09:30, which holds ${TOPICS[5]}.`);
    await page.keyboard.press("ArrowUp");
    await expect
      .poll(() => dndAnnouncement(page))
      .toBe(`${title} is over the plenary at 09:00 (all rooms), which holds ${TOPICS[0]}.`);
    await page.keyboard.press("Escape");
    await expect.poll(() => dndAnnouncement(page)).toBe(`Moving ${title} was cancelled. It stays where it was.`);

    await handle.focus();
    await page.keyboard.press("Space");
    await expect.poll(() => dndAnnouncement(page)).toBe(`Picked up ${title} from Room F at 09:30.`);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => dndAnnouncement(page)).toBe(`${title} is over Room G at 10:30.`);
    await page.keyboard.press("Space");
    await expect.poll(() => dndAnnouncement(page)).toBe(`${title} was placed in Room G at 10:30.`);
    const row = table(page).getByRole("row", { name: /^10:30–11:15/ });
    await expect.poll(() => row.getByRole("cell").nth(6).getByRole("link", { name: title }).isVisible()).toBe(true);
    // No raw ids anywhere in what was said.
    expect(await dndAnnouncement(page)).not.toMatch(/draggable|droppable|[A-Za-z0-9_-]{20,}/);
    await expect.poll(() => focusedName(page)).toBe(`Drag ${title}`);

    // From "Not scheduled yet": the first arrow goes to a cell in view, and the pitch is named, never its id.
    await page.getByRole("button", { name: "Drag Career ladders" }).focus();
    await page.keyboard.press("Space");
    await expect.poll(() => dndAnnouncement(page)).toBe("Picked up Career ladders.");
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => dndAnnouncement(page)).toMatch(/^Career ladders is over [\w ]+ at \d\d:\d\d/);
    await page.keyboard.press("Escape");
    await expect.poll(() => dndAnnouncement(page)).toBe("Moving Career ladders was cancelled. It stays where it was.");
  });

  it("at 1280x800: focus comes back to the session after Place and after Cancel", async () => {
    const page = people[0]?.page as Page;
    const title = "Unplaced: side projects";
    await page.getByRole("button", { name: `Schedule ${title}` }).click();
    let dialog = page.getByRole("dialog", { name: `Schedule ${title}` });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => focusedName(page)).toBe(`Schedule ${title}`);

    await page.getByRole("button", { name: `Schedule ${title}` }).click();
    dialog = page.getByRole("dialog", { name: `Schedule ${title}` });
    await dialog.getByLabel("Room").selectOption({ label: "Room H (20 seats)" });
    await dialog.getByLabel("Time slot").selectOption({ label: "11:30–12:15" });
    await dialog.getByRole("button", { name: "Place" }).click();
    const row = table(page).getByRole("row", { name: /^11:30–12:15/ });
    await expect.poll(() => row.getByRole("cell").nth(7).getByRole("link", { name: title }).isVisible()).toBe(true);
    await expect.poll(() => focusedName(page)).toBe(`Actions for ${title}`);

    // Moving a placed one: "Move TITLE" opens "Move TITLE"; focus follows it to its new cell.
    const toggle = page.getByRole("button", { name: `Actions for ${title}` });
    await toggle.click();
    await expect.poll(() => toggle.getAttribute("aria-expanded")).toBe("true");
    await page.getByRole("button", { name: `Move ${title}` }).click();
    dialog = page.getByRole("dialog", { name: `Move ${title}` });
    await dialog.getByLabel("Room").selectOption({ label: "Room L (10 seats)" });
    await dialog.getByLabel("Time slot").selectOption({ label: "14:00–14:45" });
    await dialog.getByRole("button", { name: "Place" }).click();
    const later = table(page).getByRole("row", { name: /^14:00–14:45/ });
    await expect.poll(() => later.getByRole("cell").nth(11).getByRole("link", { name: title }).isVisible()).toBe(true);
    await expect.poll(() => focusedName(page)).toBe(`Actions for ${title}`);
    await expectAccessible(page);
    await people.shift()?.close();
  });

  it("at 1920x1080: the whole venue is readable and nothing but the grid box is wider than the screen", async () => {
    const { page } = await organiserAt("desktop", { width: 1920, height: 1080 });
    await expect.poll(() => page.getByRole("button", { name: `Drag ${TOPICS[1]}` }).isVisible()).toBe(true);
    await page.screenshot({ path: "test-results/grid-venue-1920.png" });
    await expectNoSidewaysPage(page);
    expectReadable(await titleShapes(table(page)), 31);
    await expectAccessible(page);
    await people.pop()?.close();
  });

  it("at 390x844: an organiser moves, swaps, pins and unschedules sessions on a phone", async () => {
    const { page } = await organiserAt("phone");
    const list = phoneSchedule(page);
    await expect.poll(() => list.isVisible()).toBe(true);
    expect(await table(page).isVisible()).toBe(false);
    await page.screenshot({ path: "test-results/grid-venue-phone.png", fullPage: true });
    await page.screenshot({ path: "test-results/grid-venue-phone-top.png" });
    await expectNoSidewaysPage(page);
    expectReadable(await titleShapes(list), 31);
    expectReadable(await titleShapes(page.getByRole("region", { name: "Not scheduled yet" })), 1);
    // The long unplaced title wraps; its Schedule button stays on screen.
    const long = TOPICS[32] as string;
    const schedule = await page.getByRole("button", { name: `Schedule ${long}` }).boundingBox();
    expect((schedule?.x ?? 999) + (schedule?.width ?? 0)).toBeLessThanOrEqual(390);
    // Headings go h1 "Schedule", then h2 per slot: no level skipped.
    const levels = await page.evaluate(() =>
      [...document.querySelectorAll("main h1, main h2, main h3, main h4")]
        .filter((h) => h.getClientRects().length > 0)
        .map((h) => Number(h.tagName.slice(1))),
    );
    for (const [i, level] of levels.entries()) expect(level - (levels[i - 1] ?? 0)).toBeLessThanOrEqual(1);
    await expectAccessible(page);

    const slotBlock = (time: string) => list.locator(".slot-block").filter({ hasText: time });
    const sessionIn = (time: string, title: string) =>
      slotBlock(time)
        .getByRole("listitem")
        .filter({ has: page.getByRole("link", { name: title, exact: true }) });
    const act = async (title: string, action: string) => {
      const toggle = list.getByRole("button", { name: `Actions for ${title}` });
      // After Pin the menu stays open, focus on its button (now "Unpin").
      if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
      await expect.poll(() => toggle.getAttribute("aria-expanded")).toBe("true");
      await list.getByRole("button", { name: `${action} ${title}`, exact: true }).click();
    };

    // Move: Room B at 09:30 to Room H at 13:00 (free).
    const moved = TOPICS[2] as string;
    await act(moved, "Move");
    let dialog = page.getByRole("dialog", { name: `Move ${moved}` });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel("Room").selectOption({ label: "Room H (20 seats)" });
    await dialog.getByLabel("Time slot").selectOption({ label: "13:00–13:45" });
    await dialog.getByRole("button", { name: "Place" }).click();
    await expect.poll(() => sessionIn("13:00–13:45", moved).textContent()).toContain("Room H");
    expect(await sessionIn("09:30–10:15", moved).count()).toBe(0);
    await expect.poll(() => focusedName(page)).toBe(`Actions for ${moved}`);

    // Swap: the moved one onto Room C at 09:30, which holds another session; that one takes Room H at 13:00.
    const other = TOPICS[3] as string;
    await act(moved, "Move");
    dialog = page.getByRole("dialog", { name: `Move ${moved}` });
    await dialog.getByLabel("Room").selectOption({ label: "Room C (40 seats)" });
    await dialog.getByLabel("Time slot").selectOption({ label: "09:30–10:15" });
    await dialog.getByLabel("If the cell is taken, swap the two sessions").check();
    await dialog.getByRole("button", { name: "Place" }).click();
    await expect.poll(() => sessionIn("09:30–10:15", moved).textContent()).toContain("Room C");
    await expect.poll(() => sessionIn("13:00–13:45", other).textContent()).toContain("Room H");
    await expect.poll(() => focusedName(page)).toBe(`Actions for ${moved}`);

    // Pin, then the button says (and is named) Unpin.
    await list.getByRole("button", { name: `Actions for ${moved}` }).click();
    await page.screenshot({ path: "test-results/grid-venue-phone-menu.png" });
    await list.getByRole("button", { name: `Actions for ${moved}` }).click();
    await act(moved, "Pin");
    await expect.poll(() => sessionIn("09:30–10:15", moved).textContent()).toContain("Pinned");
    await expect.poll(() => list.getByRole("button", { name: `Unpin ${moved}`, exact: true }).isVisible()).toBe(true);
    expect(await list.getByRole("button", { name: `Pin ${moved}`, exact: true }).count()).toBe(0);

    // Unschedule offers "Undo" (focused, in a polite status), which puts it back where it was, pin included.
    const waiting = page.getByRole("region", { name: "Not scheduled yet" });
    const undoBar = page.getByRole("status").filter({ has: page.getByRole("button", { name: "Undo" }) });
    await act(moved, "Unschedule");
    await expect.poll(() => waiting.getByRole("button", { name: `Schedule ${moved}` }).isVisible()).toBe(true);
    await expect.poll(() => undoBar.textContent()).toContain(`Unscheduled “${moved}”.`);
    await expect.poll(() => focusedName(page)).toBe("Undo");
    await page.screenshot({ path: "test-results/grid-venue-phone-undo.png" });
    await expectNoSidewaysPage(page);
    await expectAccessible(page);
    await undoBar.getByRole("button", { name: "Undo" }).click();
    await expect.poll(() => sessionIn("09:30–10:15", moved).textContent()).toContain("Room C");
    expect(await sessionIn("09:30–10:15", moved).textContent()).toContain("Pinned");
    await expect.poll(() => focusedName(page)).toBe(`Actions for ${moved}`);
    expect(await waiting.getByRole("button", { name: `Schedule ${moved}` }).count()).toBe(0);
    await expect.poll(() => undoBar.count()).toBe(0);

    // Unschedule and let the offer lapse: the session stays under "Not scheduled yet", and focus lands on it.
    await act(other, "Unschedule");
    await expect.poll(() => waiting.getByRole("button", { name: `Schedule ${other}` }).isVisible()).toBe(true);
    expect(await sessionIn("13:00–13:45", other).count()).toBe(0);
    await expect.poll(() => focusedName(page)).toBe("Undo");
    // Kept while focus is on it; focus leaving for nowhere lets it go.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await expect.poll(() => undoBar.count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => focusedName(page)).toBe(`Schedule ${other}`);
    await expectNoSidewaysPage(page);
  });

  it("prints an A3 poster titled with the event and its day, without anyone's personal marks", async () => {
    // An attendee who voted: the screen shows "My pick" and "Next"; the poster shows neither.
    const person = await openBrowser("desktop");
    people.push(person);
    const { page } = person;
    await page.goto(`${server.url}/e/${slug}`);
    await page.getByRole("textbox", { name: "Your name" }).fill("Poppy");
    await page.getByRole("button", { name: "Join" }).click();
    await expect.poll(() => page.getByText("You joined as").isVisible()).toBe(true);
    await page.getByRole("button", { name: `Vote for ${TOPICS[4]}` }).click();
    await expect
      .poll(() => page.getByRole("button", { name: `Vote for ${TOPICS[4]}` }).getAttribute("aria-pressed"))
      .toBe("true");
    await page.goto(grid);
    await waitLive(page);
    expect(await table(page).getByText("My pick").first().isVisible()).toBe(true);
    expect(await table(page).getByText("Next", { exact: true }).isVisible()).toBe(true);
    await expectAccessible(page);

    await page.emulateMedia({ media: "print" });
    expect(await page.getByText(EVENT, { exact: true }).last().isVisible()).toBe(true);
    expect(await page.getByText("Schedule · Tuesday 4 June 2030").isVisible()).toBe(true);
    for (const mark of ["My pick", "Next", "Now", "Pinned"]) {
      expect(await table(page).getByText(mark, { exact: true }).first().isVisible(), mark).toBe(false);
    }
    expect(await page.getByRole("region", { name: "Not scheduled yet" }).isVisible()).toBe(false);
    await page.pdf({
      path: "test-results/grid-venue-poster.pdf",
      format: "A3",
      landscape: true,
      printBackground: true,
      preferCSSPageSize: true,
    });
    await page.emulateMedia({ media: "screen" });
  });
});

/** A moment in the venue's 10:30 slot (Europe/London in June is UTC+1), for the projector's Now and Next. */
const DURING = new Date("2030-06-04T10:40:00+01:00");
const BEFORE = new Date("2030-06-04T08:50:00+01:00");

async function openAt(url: string, size: "phone" | "desktop", viewport?: { width: number; height: number }) {
  const person = await openBrowser(size);
  people.push(person);
  if (viewport) await person.page.setViewportSize(viewport);
  await person.page.goto(url);
  return person.page;
}

const announcement = (page: Page) => page.getByRole("region", { name: "Announcement" });

describe("the rest of the organiser's day at the same venue", () => {
  it("an announcement reaches two phones and the projector at once; the projector fits a 1080p wall", async () => {
    const organiser = await openAt(organiserLink.replace(/^http:\/\/[^/]+/, server.url), "desktop");
    await organiser.waitForURL(/\/admin$/);
    const phoneA = await openAt(`${server.url}/e/${slug}`, "phone");
    const phoneB = await openAt(grid, "phone");
    await waitLive(phoneA);
    await waitLive(phoneB);
    const wall = await openBrowser("desktop");
    people.push(wall);
    const projector = wall.page;
    await projector.setViewportSize({ width: 1920, height: 1080 });
    await projector.clock.setFixedTime(DURING);
    await projector.goto(`${server.url}/e/${slug}/display`);
    const now = projector.getByRole("heading", { name: /^Now/ });
    await expect.poll(() => now.textContent(), { timeout: 15_000 }).toContain("10:30–11:15");

    const text = "Lunch is in the atrium from 12:15. Room B has moved upstairs.";
    await organiser.getByRole("textbox", { name: "Announcement" }).fill(text);
    const sent = Date.now();
    await organiser.getByRole("button", { name: "Announce" }).click();
    // Pushed, not polled: a generous wait, so a busy machine does not fail it; the time taken is logged.
    for (const page of [phoneA, phoneB, projector]) {
      await expect.poll(() => announcement(page).getByText(text).isVisible(), { timeout: 10_000 }).toBe(true);
    }
    console.info(`venue: announcement on two phones and the projector ${Date.now() - sent} ms after Announce`);

    // The wall: no site menu, the join QR code, Now and Next for every room on one 1080p screen.
    expect(await projector.getByRole("navigation").count()).toBe(0);
    expect(await projector.getByRole("img", { name: "QR code for the attendee link" }).isVisible()).toBe(true);
    const next = projector.getByRole("heading", { name: /^Next/ });
    expect(await next.textContent()).toContain("11:30–12:15");
    const nowList = projector.getByRole("region", { name: /^Now/ }).getByRole("listitem");
    const nextList = projector.getByRole("region", { name: /^Next/ }).getByRole("listitem");
    expect(await nowList.count()).toBeGreaterThanOrEqual(6);
    expect(await nextList.count()).toBeGreaterThanOrEqual(6);
    for (const item of [...(await nowList.all()), ...(await nextList.all())]) {
      const box = await item.boundingBox();
      expect((box?.y ?? 9999) + (box?.height ?? 0), (await item.textContent()) ?? "").toBeLessThanOrEqual(1080);
    }
    await projector.screenshot({ path: "test-results/grid-venue-display-1920.png" });
    await expectNoSidewaysPage(projector);
    expectReadable(await titleShapes(projector.locator("main")), 12);
    await expectAccessible(projector);

    // Before the day starts, Next is the opening plenary, named as such.
    await projector.clock.setFixedTime(BEFORE);
    await projector.reload();
    await expect.poll(() => next.textContent(), { timeout: 15_000 }).toContain("09:00–09:30");
    expect(await next.textContent()).toContain("Plenary, all rooms");
    expect(await projector.getByRole("region", { name: /^Next/ }).textContent()).toContain(TOPICS[0]);
    await expectAccessible(phoneA);
    for (const page of [phoneA, phoneB]) await expectNoSidewaysPage(page);
    while (people.length) await people.pop()?.close();
  });

  it("door signs: a page per room with its sessions, plenaries and the break; one upright A4 sheet per room", async () => {
    const page = await openAt(`${server.url}/e/${slug}/signs`, "desktop");
    for (const [room] of ROOMS) {
      await expect.poll(() => page.getByRole("region", { name: room, exact: true }).isVisible()).toBe(true);
    }
    const main = page.getByRole("region", { name: "Main Hall", exact: true });
    for (const line of [TOPICS[0], "Plenary, all rooms", TOPICS[1], "Break: Lunch", "Closing circle (all rooms)"]) {
      expect(
        await main
          .getByText(line as string)
          .first()
          .isVisible(),
        line,
      ).toBe(true);
    }
    // A room with nothing of its own still shows what everyone shares.
    const library = page.getByRole("region", { name: "Library", exact: true });
    expect(await library.getByRole("listitem").count()).toBe(3);
    await page.screenshot({ path: "test-results/grid-venue-signs.png" });
    await expectNoSidewaysPage(page);
    expectReadable(await titleShapes(page.locator("main")), 12 * 3);
    await expectAccessible(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await expectNoSidewaysPage(page);
    await expectAccessible(page);

    await page.emulateMedia({ media: "print" });
    const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString("latin1");
    const pages = pdf.match(/\/Type\s*\/Page\b(?!s)/g) ?? [];
    expect(pages.length).toBe(ROOMS.length);
    // A4 upright: 595 x 842 points.
    const box = pdf.match(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/);
    expect(Math.round(Number(box?.[1]))).toBe(595);
    expect(Math.round(Number(box?.[2]))).toBe(842);
    await people.pop()?.close();
  });

  it("the event and session pages on a phone: nothing wider than the screen, the plenary named, focus after Edit", async () => {
    const page = await openAt(`${server.url}/e/${slug}`, "phone");
    await page.getByRole("textbox", { name: "Your name" }).fill("Quinn");
    await page.getByRole("button", { name: "Join" }).click();
    await expect.poll(() => page.getByText("You joined as").isVisible()).toBe(true);
    expect(await page.getByRole("heading", { level: 1 }).count()).toBe(1);
    await expectNoSidewaysPage(page);
    await expectAccessible(page);

    const { pitches } = await venueFacts(organiserHttp, slug);
    const opening = pitches.find((p) => p.title === TOPICS[0]);
    await page.goto(`${server.url}/e/${slug}/s/${opening?.id}`);
    await waitLive(page);
    expect(await page.getByText("09:00–09:30, Plenary, all rooms").isVisible()).toBe(true);
    await expectNoSidewaysPage(page);
    await expectAccessible(page);

    // A note's "Edit" puts focus in the editor; "Save" puts it back on "Edit".
    await page.getByRole("textbox", { name: "Text", exact: true }).fill("Bring a water bottle, with a tpyo");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const notes = page.getByRole("list", { name: "Captured notes" });
    const item = notes.getByRole("listitem").filter({ hasText: "Bring a water bottle" });
    await expect.poll(() => item.getByText("Not sent yet").count(), { timeout: 10_000 }).toBe(0);
    await item.getByRole("button", { name: "Edit this note" }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id ?? "")).toMatch(/^edit-text-/);
    await page.getByRole("textbox", { name: "Edit text" }).fill("Bring a water bottle");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => notes.getByText("Bring a water bottle", { exact: true }).isVisible()).toBe(true);
    await expect.poll(() => focusedName(page)).toBe("Edit this note");
    // Deleting asks first.
    await item.locator(`summary[aria-label="Delete this note…"]`).click();
    expect(await item.getByText("Delete this note for everyone?").isVisible()).toBe(true);
    await item.getByRole("button", { name: "Delete this note", exact: true }).click();
    await expect.poll(() => notes.getByText("Bring a water bottle").count(), { timeout: 10_000 }).toBe(0);

    // The other pages an attendee reaches from here.
    for (const path of ["/stories", "/me", "/pitch"]) {
      await page.goto(`${server.url}/e/${slug}${path}`);
      await expect.poll(() => page.getByRole("heading", { level: 1 }).count(), { message: path }).toBe(1);
      await expectNoSidewaysPage(page);
      await expectAccessible(page);
    }
    // Withdrawing one's own pitch asks first.
    const title = "Quinn's corridor chat";
    await page.getByRole("textbox", { name: "Title" }).fill(title);
    await page.getByRole("button", { name: "Submit pitch" }).click();
    await page.waitForURL(new RegExp(`/e/${slug}([?#].*)?$`));
    await page.locator(`summary[aria-label="Withdraw ${title}…"]`).click();
    expect(await page.getByText(/^Withdraw your pitch\?/).isVisible()).toBe(true);
    await page.getByRole("button", { name: `Withdraw ${title}`, exact: true }).click();
    await expect.poll(() => page.getByRole("heading", { name: title }).count(), { timeout: 10_000 }).toBe(0);
    await people.pop()?.close();
  });

  it("the new-event form takes the browser's time zone, and UTC (listed first) for a browser set to UTC", async () => {
    for (const [browserZone, shown] of [
      ["Europe/London", "Europe/London"],
      ["Etc/UTC", "UTC"],
      ["America/Sao_Paulo", "America/Sao_Paulo"],
    ]) {
      const person = await openBrowser("desktop", { timezoneId: browserZone });
      people.push(person);
      const { page } = person;
      await page.goto(server.url);
      const zone = page.getByRole("combobox", { name: "Time zone" });
      await expect.poll(() => zone.inputValue(), { message: browserZone }).toBe(shown);
      expect(await zone.locator("option").first().textContent()).toBe("UTC");
      if (shown === "UTC") await expectAccessible(page);
      await people.pop()?.close();
    }
  });

  it("the console: axe passes, focus comes back to Edit after Save, a refused edit keeps the form, removing asks first", async () => {
    const { page } = await organiserAt("desktop");
    await page.goto(`${server.url}/e/${slug}/admin`);
    await expectNoSidewaysPage(page);
    await expectAccessible(page);
    const opener = (name: string) => page.locator(`summary[aria-label="${name}"]`);

    // Findable: "On the day" links each place an organiser needs during the event.
    const day = page.getByRole("region", { name: "On the day" });
    for (const [name, href] of [
      ["Projector view", `/e/${slug}/display`],
      ["Door signs", `/e/${slug}/signs`],
      ["Print the grid", `/e/${slug}/grid`],
      ["Exports", `/e/${slug}/export`],
      ["Import an event", "/import"],
    ]) {
      expect(await day.getByRole("link", { name }).getAttribute("href"), name).toBe(href);
    }

    await opener("Edit room Room L").click();
    const form = page.getByRole("form", { name: "Edit room Room L" });
    await form.getByLabel("Name").fill("Room L (quiet)");
    await form.getByRole("button", { name: "Save room" }).click();
    await expect.poll(() => focusedName(page)).toBe("Edit room Room L (quiet)");
    expect(
      await opener("Edit room Room L (quiet)").evaluate((el) => (el.parentElement as HTMLDetailsElement).open),
    ).toBe(false);

    // Turning a slot that holds sessions into a break is refused; the form stays open with focus in it.
    await opener("Edit time slot 10:30–11:15").click();
    const slotForm = page.getByRole("form", { name: "Edit time slot 10:30–11:15" });
    await slotForm.getByLabel("Kind").selectOption("break");
    await slotForm.getByRole("button", { name: "Save time slot" }).click();
    await expect.poll(() => page.getByRole("alert").first().isVisible()).toBe(true);
    await expect.poll(() => focusedName(page)).toBe("");
    expect(await page.evaluate(() => document.activeElement?.id ?? "")).toMatch(/-from$/);

    // Remove asks first, and says what happens to the sessions.
    await opener("Remove room Library…").click();
    const libraryItem = page.getByRole("list", { name: "Rooms" }).getByRole("listitem").filter({ hasText: "Library" });
    expect(await libraryItem.getByText("Remove it for good?").isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Yes, remove room Library" }).isVisible()).toBe(true);
    await opener("Remove time slot 10:30–11:15…").click();
    const slotItem = page
      .getByRole("list", { name: "Time slots" })
      .getByRole("listitem")
      .filter({ hasText: "10:30–11:15" });
    expect(await slotItem.getByText(/^It holds \d+ sessions\. Removing it moves them back/).isVisible()).toBe(true);
    await expectAccessible(page);
  });
});
