import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderItemHtml, renderMarkdown, storedHtml } from "../../app/domain/markdown.server";
import { itemView } from "../../app/services/capture.server";
import type { HeavyWork } from "../../app/services/heavyWork.server";
import { backfillStoredHtml } from "../../app/services/storedHtml.server";
import { type Db, closeDatabase, openDatabase } from "../../db/client";
import { capturedItems, events, pitches } from "../../db/schema";

/**
 * Markdown is rendered once, when written: readers use the stored HTML, rows
 * from before the HTML columns are rendered on read until the start-up
 * backfill fills them in, and the backfill never overwrites an edit made
 * while it runs.
 */

let db: Db;

beforeEach(() => {
  db = openDatabase(":memory:");
  db.insert(events)
    .values({ id: "e1", slug: "camp", name: "Camp", date: "2026-12-01", timeZone: "UTC", organiserKeyHash: "h" })
    .run();
  db.insert(pitches)
    .values([
      { id: "p1", eventId: "e1", title: "One", description: "About **one**" },
      { id: "p2", eventId: "e1", title: "Two", description: "" },
      { id: "p3", eventId: "e1", title: "Three", description: "Done", descriptionHtml: "<p>Done (stored)</p>" },
    ])
    .run();
});

afterEach(() => closeDatabase(db));

function addItem(id: string, text: string, more: Partial<typeof capturedItems.$inferInsert> = {}) {
  db.insert(capturedItems)
    .values({ id, eventId: "e1", pitchId: "p1", kind: "note", text, ...more })
    .run();
}

const htmlOf = (id: string) => db.select().from(capturedItems).where(eq(capturedItems.id, id)).get()?.html;

/** Renders as the worker would, but a macrotask later, so the test can write in between. */
function slowRenderer(onFirst?: () => void): HeavyWork & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    run: (async (job: { kind: string; sources: string[] }) => {
      calls.push(job.sources.length);
      if (calls.length === 1) onFirst?.();
      await new Promise((r) => setTimeout(r, 1));
      return job.sources.map(renderMarkdown);
    }) as HeavyWork["run"],
    close: async () => {},
  };
}

describe("stored HTML", () => {
  it("is what pages show, and is rendered on read only while a row waits for the backfill", () => {
    addItem("i1", "typed *once*", { html: { text: "<p>stored</p>", blocker: "", impact: "", helped: "" } });
    addItem("i2", "typed *later*");
    const row = (id: string) => db.select().from(capturedItems).where(eq(capturedItems.id, id)).get();
    expect(itemView(row("i1") as never, { chathamHouse: false }).textHtml).toBe("<p>stored</p>");
    expect(itemView(row("i2") as never, { chathamHouse: false }).textHtml).toBe("<p>typed <em>later</em></p>");
    expect(storedHtml("  ", "")).toBe("");
    expect(renderItemHtml({ text: "a", blocker: null })).toEqual({
      text: "<p>a</p>",
      blocker: "",
      impact: "",
      helped: "",
    });
  });
});

describe("backfillStoredHtml", () => {
  it("fills in every older item and description, in batches, and leaves stored and blank ones alone", async () => {
    addItem("i1", "first **note**");
    addItem("i2", "", { kind: "blocker", blocker: "Slow *builds*", impact: "", helped: "Caching" });
    addItem("i3", "already", { html: { text: "<p>kept</p>", blocker: "", impact: "", helped: "" } });
    addItem("i4", "   ");
    addItem("i5", "fifth");
    const heavy = slowRenderer();
    const done = await backfillStoredHtml(db, heavy, { batch: 2 });
    expect(done).toEqual({ items: 3, pitches: 1 });
    // Two rows (four fields each) per batch: i1+i2, then i5.
    expect(heavy.calls).toEqual([8, 4, 1]);
    expect(htmlOf("i1")?.text).toBe("<p>first <strong>note</strong></p>");
    expect(htmlOf("i2")).toEqual({
      text: "",
      blocker: "<p>Slow <em>builds</em></p>",
      impact: "",
      helped: "<p>Caching</p>",
    });
    expect(htmlOf("i3")?.text).toBe("<p>kept</p>");
    expect(htmlOf("i4")?.text).toBe("");
    expect(htmlOf("i5")?.text).toBe("<p>fifth</p>");
    const descriptions = db.select({ id: pitches.id, html: pitches.descriptionHtml }).from(pitches).all();
    expect(descriptions).toEqual([
      { id: "p1", html: "<p>About <strong>one</strong></p>" },
      { id: "p2", html: "" },
      { id: "p3", html: "<p>Done (stored)</p>" },
    ]);
    // A second start finds nothing to do.
    expect(await backfillStoredHtml(db, slowRenderer())).toEqual({ items: 0, pitches: 0 });
  });

  it("keeps an edit made while the batch was being rendered", async () => {
    addItem("i1", "before");
    const heavy = slowRenderer(() => {
      db.update(capturedItems)
        .set({ text: "after *edit*", html: renderItemHtml({ text: "after *edit*" }) })
        .where(eq(capturedItems.id, "i1"))
        .run();
    });
    expect(await backfillStoredHtml(db, heavy)).toEqual({ items: 0, pitches: 1 });
    expect(htmlOf("i1")?.text).toBe("<p>after <em>edit</em></p>");
  });
});
