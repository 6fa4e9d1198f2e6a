import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventJson } from "../../app/domain/export/eventJson";
import { sessionHtml } from "../../app/domain/export/html.server";
import { eventMarkdown, sessionMarkdown } from "../../app/domain/export/markdown.server";
import { frabXml } from "../../app/domain/export/schedule.server";
import { wxr } from "../../app/domain/export/wxr.server";
import { postsZip } from "../../app/domain/export/zip.server";
import { greedyGrid, scoreGrid, suggestGrid } from "../../app/domain/grid";
import { renderMarkdown } from "../../app/domain/markdown.server";
import { isServiceError } from "../../app/services/errors";
import { buildExportModel } from "../../app/services/export.server";
import { type ExportJob, inlineHeavyWork } from "../../app/services/heavyWork.server";
import type { Viewer } from "../../app/services/viewer.server";
import { WorkerPool } from "../../app/workers/pool.server";
import { type Db, closeDatabase, openDatabase } from "../../db/client";
import { events } from "../../db/schema";
import { generateEvent } from "../helpers/generateEvent";
import { type LargeEvent, writeLargeEvent } from "../helpers/largeEvent";
import { unzip } from "../consumers";

/**
 * Heavy jobs (exports, the preview, Suggest a grid, bulk rendering) give the
 * same answer in the worker pool as in-process, and the pool shares, bounds,
 * times out and survives failures as it says. The event is a small version of
 * the large one, in a real file (a worker cannot open an in-memory database).
 */

const ORIGIN = "https://unconf.example.org";
let dir: string;
let dbPath: string;
let db: Db;
let large: LargeEvent;
let pool: WorkerPool;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "unconf-heavy-unit-"));
  dbPath = join(dir, "event.sqlite");
  db = openDatabase(dbPath);
  large = writeLargeEvent(
    db.$client,
    { pitches: 30, attendees: 120, rooms: 4, slots: 4, sessionsWithItems: 12, items: 200 },
    { render: renderMarkdown },
  );
  pool = new WorkerPool({ entry: new URL("../../app/workers/heavy.worker.mjs", import.meta.url), databaseUrl: dbPath });
  await pool.ready();
}, 60_000);

afterAll(async () => {
  await pool?.close();
  closeDatabase(db);
  rmSync(dir, { recursive: true, force: true });
});

function model(sessionId?: string) {
  const event = db.select().from(events).where(eq(events.id, large.eventId)).get();
  if (!event) throw new Error("no event");
  const viewer: Viewer = { event, attendee: null, isOrganiser: true, hasAccess: true, ip: "x", organiserKey: null };
  return buildExportModel({ db }, viewer, ORIGIN, { withBallots: true, sessionId });
}

const job = (format: ExportJob["format"], more: Partial<ExportJob> = {}): ExportJob => ({
  kind: "export",
  format,
  eventId: large.eventId,
  origin: ORIGIN,
  ...more,
});

/** generatedAt is the time of the export: equal files up to that instant. */
const sameUpToTime = (text: string) =>
  text
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, "T")
    .replace(/\w{3}, \d\d \w{3} \d{4} [\d:]+ \+0000/g, "D");

describe("export jobs", { timeout: 60_000 }, () => {
  it("give in the worker thread the files the renderers give in-process", async () => {
    const m = model();
    const expected: Record<string, string> = {
      "event.md": eventMarkdown(m),
      wxr: wxr(m),
      "event.json": eventJson(m),
      "schedule.xml": frabXml(m),
    };
    for (const [format, body] of Object.entries(expected)) {
      const file = await pool.run(job(format as ExportJob["format"], { withBallots: format === "event.json" }));
      expect(sameUpToTime(file.body as string), format).toBe(sameUpToTime(body));
    }
    const zip = await pool.run(job("posts.zip"));
    expect(zip.body).toBeInstanceOf(Uint8Array);
    expect(zip.contentType).toBe("application/zip");
    const posts = Object.keys(unzip(zip.body as Uint8Array)).filter((n) => n.startsWith("content/posts/"));
    expect(posts.sort()).toEqual(
      Object.keys(unzip(postsZip(m)))
        .filter((n) => n.startsWith("content/posts/"))
        .sort(),
    );
  });

  it("read only one session for a session export, with the number, name and text of the whole event's", async () => {
    const whole = model();
    const session = whole.sessions.find((s) => s.id === large.busiestPitchId);
    if (!session) throw new Error("busiest session missing");
    expect(model(session.id).sessions).toHaveLength(1);
    const md = await pool.run(job("session.md", { sessionId: session.id }));
    expect(md.body).toBe(sessionMarkdown(whole, session));
    expect(md.filename).toMatch(/^2026-12-01-session-1-.*\.md$/);
    const html = await inlineHeavyWork(db).run(job("session.html", { sessionId: session.id }));
    expect(html.body).toBe(sessionHtml(whole, session));
    const edited = await pool.run(job("session.md", { sessionId: session.id, edits: { title: "Edited" } }));
    expect(edited.body).toContain('title: "Edited"');
  });

  it("answer a missing session or event with a not-found refusal from either side", async () => {
    for (const heavy of [pool, inlineHeavyWork(db)]) {
      const refused = await heavy.run(job("session.md", { sessionId: "nope" })).catch((e: unknown) => e);
      expect(isServiceError(refused) && refused.kind).toBe("not_found");
      const noEvent = await heavy.run(job("wxr", { eventId: "nope" })).catch((e: unknown) => e);
      expect(isServiceError(noEvent) && noEvent.kind).toBe("not_found");
    }
  });

  it("build the preview page's data", async () => {
    const preview = await pool.run({
      kind: "preview",
      eventId: large.eventId,
      origin: ORIGIN,
      sessionId: large.busiestPitchId,
    });
    expect(preview.session.id).toBe(large.busiestPitchId);
    expect(preview.bodyHtml).toContain("<h4>");
  });
});

describe("other jobs", { timeout: 60_000 }, () => {
  it("suggest the grid the scheduler suggests, with its scores", async () => {
    // Small enough that the scheduler finishes well inside its time budget, so both runs agree.
    const input = generateEvent({ seed: 3, pitches: 16, rooms: 4, slots: 4, attendees: 60 });
    const result = await pool.run({ kind: "suggest", input, current: [] });
    const cells = suggestGrid(input);
    expect(result.cells).toEqual(cells);
    expect(result.score).toEqual(scoreGrid(cells, input.rooms, input.pitches));
    expect(result.baselineScore).toEqual(scoreGrid(greedyGrid(input), input.rooms, input.pitches));
    expect(result.currentScore.placed).toBe(0);
  });

  it("render Markdown as the page renderer does, in order", async () => {
    const sources = ["**a**", "", "<script>x</script>b", "[c](javascript:alert(1))"];
    expect(await pool.run({ kind: "render", sources })).toEqual(sources.map(renderMarkdown));
  });

  it("render the stories page's sessions", async () => {
    const sessions = await pool.run({ kind: "stories", eventId: large.eventId });
    expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) expect(s.html).toMatch(/<h3>(Blocker stories|Tips)<\/h3>/);
  });
});

describe("the worker pool", { timeout: 60_000 }, () => {
  it("shares one run between identical exports asked for at once", async () => {
    const [a, b] = [pool.run(job("wxr")), pool.run(job("wxr"))];
    expect(a).toBe(b);
    await a;
  });

  it("refuses jobs beyond its queue at once, as rate limited", async () => {
    const small = new WorkerPool({
      entry: new URL("../../app/workers/heavy.worker.mjs", import.meta.url),
      databaseUrl: dbPath,
      maxQueued: 1,
    });
    try {
      await small.ready();
      const input = generateEvent({ seed: 4, pitches: 60, rooms: 6, slots: 6, attendees: 300 });
      const first = small.run({ kind: "suggest", input, current: [] });
      const second = small.run({ kind: "suggest", input, current: [] });
      const third = await small.run({ kind: "suggest", input, current: [] }).catch((e: unknown) => e);
      expect(isServiceError(third) && third.kind).toBe("rate_limited");
      await Promise.all([first, second]);
    } finally {
      await small.close();
    }
  }, 60_000);

  it("stops a job past its time limit and goes on with a new thread", async () => {
    const impatient = new WorkerPool({
      entry: new URL("../../app/workers/heavy.worker.mjs", import.meta.url),
      databaseUrl: dbPath,
      timeoutMs: 200,
    });
    try {
      await impatient.ready();
      // 3 MB of Markdown: well over a second of rendering even on a fast, idle machine.
      const sources = Array.from(
        { length: 3000 },
        (_, i) => `Note ${i}: ${"some **bold** words and `code`, ".repeat(30)}`,
      );
      const stopped = await impatient.run({ kind: "render", sources }).catch((e: unknown) => e);
      expect(isServiceError(stopped) ? stopped.message : stopped).toMatch(/too long/);
      // A new thread takes the next job (its clock starts once it has loaded).
      expect(await impatient.run({ kind: "render", sources: [""] })).toEqual([""]);
    } finally {
      await impatient.close();
    }
  }, 60_000);

  it("fails queued and running jobs when closed", async () => {
    const closing = new WorkerPool({
      entry: new URL("../../app/workers/heavy.worker.mjs", import.meta.url),
      databaseUrl: dbPath,
    });
    const input = generateEvent({ seed: 6, pitches: 60, rooms: 6, slots: 6, attendees: 300 });
    const running = closing.run({ kind: "suggest", input, current: [] }).catch((e: unknown) => e);
    await closing.close();
    expect(String(await running)).toMatch(/shutting down/);
    await expect(closing.run({ kind: "render", sources: [] })).rejects.toThrow(/closed/);
  }, 60_000);
});
