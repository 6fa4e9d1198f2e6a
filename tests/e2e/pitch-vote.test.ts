import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Person, expectAccessible, openBrowser } from "../helpers/browser";
import { createEvent } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";

let server: TestServer;
let slug: string;
let organiserLink: string;
let organiser: Person;
const attendees: Person[] = [];
const dialogs: string[] = [];

beforeAll(async () => {
  server = await startServer();
  const created = await createEvent(server.url, { name: "Vote Camp" });
  slug = created.slug;
  organiserLink = created.organiserLink;
});

afterAll(async () => {
  for (const person of [...attendees, organiser]) await person?.close();
  await server?.stop();
});

const pageOf = (i: number) => (attendees[i] as Person).page;
const article = (page: Page, title: string) => page.getByRole("article", { name: title });

async function pitch(page: Page, title: string, description: string) {
  await page.getByRole("link", { name: "Pitch a session" }).click();
  await page.getByRole("textbox", { name: "Title" }).fill(title);
  await page.getByRole("textbox", { name: "Description" }).fill(description);
  await page.getByRole("button", { name: "Submit pitch" }).click();
  await page.waitForURL(/\/e\/[^/]+#pitch-/);
}

describe("three attendees pitch and vote from their phones", () => {
  it("lets an organiser set a budget of 2 and three people join by name", async () => {
    organiser = await openBrowser("desktop");
    await organiser.page.goto(organiserLink);
    await organiser.page.waitForURL(/\/admin$/);
    await organiser.page.getByRole("spinbutton", { name: "Votes per attendee" }).fill("2");
    await organiser.page.getByRole("button", { name: "Save voting settings" }).click();
    await expect.poll(() => organiser.page.getByText("Voting settings saved.").isVisible()).toBe(true);
    for (const name of ["Ana", "Bo", "Cy"]) {
      const person = await openBrowser("phone");
      person.page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await person.page.goto(`${server.url}/e/${slug}`);
      await person.page.getByRole("textbox", { name: "Your name" }).fill(name);
      await person.page.getByRole("button", { name: "Join" }).click();
      await expect.poll(() => person.page.getByText("You joined as").isVisible()).toBe(true);
      await expect.poll(() => person.page.getByText("Live", { exact: true }).isVisible()).toBe(true);
      attendees.push(person);
    }
  });

  it("shows each new pitch on every phone without a reload", async () => {
    await pitch(pageOf(0), "Alpha", "First *idea*");
    await expectAccessible(pageOf(0));
    await pitch(pageOf(1), "Beta", "Second idea");
    await pitch(
      pageOf(2),
      "Gamma <script>window.__xss = 1</script>",
      "[click](javascript:alert(1)) <img src=x onerror=alert(2)>",
    );
    for (let i = 0; i < 3; i++) {
      for (const title of ["Alpha", "Beta", "Gamma <script>window.__xss = 1</script>"]) {
        await expect.poll(() => article(pageOf(i), title).isVisible(), { timeout: 5000 }).toBe(true);
      }
    }
    // The script in the title is text, the javascript: link and the onerror handler are gone.
    const gamma = article(pageOf(0), "Gamma <script>window.__xss = 1</script>");
    expect(await gamma.locator("a[href^='javascript']").count()).toBe(0);
    expect(await gamma.locator("img").count()).toBe(0);
    expect(await pageOf(0).evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  });

  it("refuses votes until voting opens, then shows tallies live on every phone", async () => {
    const voteAlpha = pageOf(0).getByRole("button", { name: "Vote for Alpha" });
    expect(await voteAlpha.count()).toBe(0);
    await expect.poll(() => pageOf(0).getByText("Voting is closed.").isVisible()).toBe(true);

    await organiser.page.getByRole("button", { name: "Open voting" }).click();
    await expect.poll(() => pageOf(0).getByText("2 votes left").isVisible(), { timeout: 5000 }).toBe(true);

    await voteAlpha.click();
    await expect.poll(() => voteAlpha.getAttribute("aria-pressed")).toBe("true");
    for (let i = 0; i < 3; i++) {
      await expect
        .poll(() => article(pageOf(i), "Alpha").getByText("1 vote", { exact: true }).isVisible(), { timeout: 5000 })
        .toBe(true);
    }
    await pageOf(0).getByRole("button", { name: "Vote for Beta" }).click();
    await expect.poll(() => pageOf(0).getByText("0 votes left").isVisible()).toBe(true);
    await expect
      .poll(() => article(pageOf(2), "Beta").getByText("1 vote", { exact: true }).isVisible(), { timeout: 5000 })
      .toBe(true);
    await expectAccessible(pageOf(0));
  });

  it("enforces the budget with a clear message and an unchanged tally", async () => {
    const gammaTitle = "Gamma <script>window.__xss = 1</script>";
    await pageOf(0)
      .getByRole("button", { name: `Vote for ${gammaTitle}` })
      .click();
    await expect
      .poll(() => article(pageOf(0), gammaTitle).getByRole("alert").textContent())
      .toMatch(/used all 2 of your votes/);
    await expect
      .poll(() =>
        pageOf(0)
          .getByRole("button", { name: `Vote for ${gammaTitle}` })
          .getAttribute("aria-pressed"),
      )
      .toBe("false");
    expect(await article(pageOf(1), gammaTitle).getByText("0 votes", { exact: true }).isVisible()).toBe(true);
    // Taking a vote back frees it.
    await pageOf(0).getByRole("button", { name: "Vote for Beta" }).click();
    await expect.poll(() => pageOf(0).getByText("1 vote left").isVisible()).toBe(true);
    await expect
      .poll(() => article(pageOf(1), "Beta").getByText("0 votes", { exact: true }).isVisible(), { timeout: 5000 })
      .toBe(true);
  });

  it("hides tallies from attendees during a blind vote but not from organisers, and shows them at close", async () => {
    await organiser.page.getByRole("checkbox", { name: /Blind voting/ }).check();
    await organiser.page.getByRole("button", { name: "Save voting settings" }).click();
    await expect.poll(() => organiser.page.getByText("Voting settings saved.").isVisible()).toBe(true);
    await expect
      .poll(() => article(pageOf(2), "Alpha").getByText("Tally hidden").isVisible(), { timeout: 5000 })
      .toBe(true);

    await pageOf(1).getByRole("button", { name: "Vote for Alpha" }).click();
    await expect
      .poll(() => pageOf(1).getByRole("button", { name: "Vote for Alpha" }).getAttribute("aria-pressed"))
      .toBe("true");
    const orgEventPage = await openBrowser("desktop");
    try {
      await orgEventPage.context.addCookies(await organiser.context.cookies());
      await orgEventPage.page.goto(`${server.url}/e/${slug}`);
      await expect
        .poll(() => article(orgEventPage.page, "Alpha").getByText("2 votes", { exact: true }).isVisible())
        .toBe(true);
    } finally {
      await orgEventPage.close();
    }
    await pageOf(2).waitForTimeout(300);
    expect(await article(pageOf(2), "Alpha").getByText("2 votes").count()).toBe(0);

    await organiser.page.getByRole("button", { name: "Close voting" }).click();
    await expect
      .poll(() => article(pageOf(2), "Alpha").getByText("2 votes", { exact: true }).isVisible(), { timeout: 5000 })
      .toBe(true);
    await expect.poll(() => pageOf(2).getByText("Voting is closed.").isVisible()).toBe(true);
    // Closed: most votes first.
    const first = pageOf(2).getByRole("article").first();
    expect(await first.getAttribute("aria-labelledby")).toBe(
      await article(pageOf(2), "Alpha").getAttribute("aria-labelledby"),
    );
    await expectAccessible(pageOf(2));
    await pageOf(2).screenshot({ path: "test-results/pitch-vote-phone.png", fullPage: true });
    expect(dialogs).toEqual([]);
  });
});
