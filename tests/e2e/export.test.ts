import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frontMatterOf } from "../consumers";
import { type Person, expectAccessible, openBrowser } from "../helpers/browser";
import { type HttpClient, createEvent, joinAs } from "../helpers/http";
import { type TestServer, startServer } from "../helpers/server";

/**
 * The export pages in Chromium: the preview page downloads the edited post,
 * the standalone HTML opens with no request of its own, and /import turns an
 * uploaded file into a new event whose organiser console shows its link.
 */

let server: TestServer;
let slug: string;
let sessionId: string;
let organiser: HttpClient;
let person: Person;
const downloads = mkdtempSync(join(tmpdir(), "unconf-downloads-"));

beforeAll(async () => {
  server = await startServer();
  const created = await createEvent(server.url, { name: "Export camp", timeZone: "Europe/Berlin" });
  slug = created.slug;
  organiser = created.organiser;
  const ada = await joinAs(server.url, slug, "Ada", true);
  const response = await ada.post(`/e/${slug}/pitch?index`, {
    title: "Écrire en שלום & <b>",
    description: "An **intro**.",
  });
  if (response.status !== 302) throw new Error(`pitch answered ${response.status}`);
  sessionId = (response.headers.get("location") ?? "").split("#pitch-")[1] ?? "";
  person = await openBrowser("phone");
  await person.context.addCookies([...ada.cookies].map(([name, value]) => ({ name, value, url: server.url })));
});

afterAll(async () => {
  await person?.close();
  await server?.stop();
  rmSync(downloads, { recursive: true, force: true });
});

describe("export pages in the browser", () => {
  it("the preview page is accessible and downloads the edited post as Markdown and HTML", async () => {
    const { page } = person;
    await page.goto(`${server.url}/e/${slug}/s/${sessionId}/export`);
    await expectAccessible(page);
    await page.getByRole("textbox", { name: "Title" }).fill("Edited: yes");
    await page.getByRole("textbox", { name: "Introduction" }).fill("A new *introduction*.");

    const [markdown] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download Markdown" }).click(),
    ]);
    const mdPath = join(downloads, markdown.suggestedFilename());
    await markdown.saveAs(mdPath);
    const { data, body } = frontMatterOf(readFileSync(mdPath, "utf8"));
    expect(data.title).toBe("Edited: yes");
    expect(body.trimStart().startsWith("A new _introduction_.")).toBe(true);
    expect(page.url()).toBe(`${server.url}/e/${slug}/s/${sessionId}/export`);

    const [html] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download HTML" }).click(),
    ]);
    expect(html.suggestedFilename()).toMatch(/\.html$/);
    await html.saveAs(join(downloads, "post.html"));

    // An empty title is stopped in the browser with a message, and nothing is downloaded.
    await page.getByRole("textbox", { name: "Title" }).fill("");
    await page.getByRole("button", { name: "Download Markdown" }).click();
    await expect.poll(() => page.getByText("Give the post a title.").count()).toBe(1);
  });

  it("the standalone HTML page opens with no request of its own", async () => {
    const page = await person.context.newPage();
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    const file = join(downloads, "unchanged.html");
    // A note with an image from another site, written straight into the database for this one export
    // (pages of the app would show it too; the export must make it a link).
    const writer = new Database(server.dbPath);
    const eventId = (writer.prepare("select id from events where slug = ?").get(slug) as { id: string }).id;
    writer
      .prepare("insert into captured_items (id, event_id, pitch_id, kind, text) values (?, ?, ?, 'note', ?)")
      .run("e2eimagenote01", eventId, sessionId, "Look: ![a tracker](https://tracker.invalid/pixel.png)");
    const response = await fetch(`${server.url}/e/${slug}/s/${sessionId}/export.html`, {
      headers: { Cookie: (await person.context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ") },
    });
    writeFileSync(file, await response.text());
    writer.prepare("update captured_items set hidden = 1 where id = ?").run("e2eimagenote01");
    writer.close();
    await page.goto(`file://${file}`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Écrire en שלום & <b>");
    expect(await page.getByRole("link", { name: "a tracker" }).getAttribute("href")).toBe(
      "https://tracker.invalid/pixel.png",
    );
    expect(requests).toEqual([`file://${file}`]);
    await page.screenshot({ path: join("test-results", "export-standalone-html.png"), fullPage: true });
    await page.close();
  });

  it("the session page links to the preview, and the exports page lists every format", async () => {
    const { page } = person;
    await page.goto(`${server.url}/e/${slug}/s/${sessionId}`);
    await page.getByRole("link", { name: "Preview and edit before export" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Preview and edit before export" }).count()).toBe(1);
    await page.goto(`${server.url}/e/${slug}/export`);
    await expectAccessible(page);
    for (const name of ["Calendar (iCalendar)", "Schedule XML (frab)", "WordPress import file (WXR)"]) {
      expect(await page.getByRole("link", { name }).count(), name).toBe(1);
    }
  });

  it("imports an uploaded event file and shows the new organiser link", async () => {
    const file = join(downloads, "event.unconf.json");
    writeFileSync(file, await (await organiser.get(`/e/${slug}/export.json`)).text());
    const importer = await openBrowser("desktop");
    try {
      const { page } = importer;
      await page.goto(`${server.url}/import`);
      await expectAccessible(page);
      await page.getByLabel("Export file").setInputFiles(file);
      await page.getByRole("button", { name: "Import event" }).click();
      await page.waitForURL(/\/e\/export-camp-2\/admin\?created=1$/);
      expect(await page.locator("#organiser-link").inputValue()).toContain("/e/export-camp-2/admin?key=");
      await page.goto(`${server.url}/e/export-camp-2`);
      expect(await page.getByRole("heading", { name: "Écrire en שלום & <b>" }).count()).toBe(1);
    } finally {
      await importer.close();
    }
  });
});
