import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import type { Db } from "../../db/client";
import { events } from "../../db/schema";
import { eventJson } from "../domain/export/eventJson";
import { sessionBodyHtml, sessionHtml } from "../domain/export/html.server";
import { eventMarkdown, listOfNames, sessionMarkdown, whereAndWhen } from "../domain/export/markdown.server";
import type { NameBasis } from "../domain/attribution";
import { type EventExport, type ExportSession, type PostEdits, applyEdits, findSession } from "../domain/export/model";
import { postFileName } from "../domain/export/names";
import { c3vocJson, frabXml } from "../domain/export/schedule.server";
import { wxr } from "../domain/export/wxr.server";
import { postsZip } from "../domain/export/zip.server";
import { type Cell, type GridScore, type ScheduleInput, greedyGrid, scoreGrid, suggestGrid } from "../domain/grid";
import { renderMarkdown } from "../domain/markdown.server";
import { SessionStories } from "../components/capture/SessionStories";
import { readEventStories } from "./capture.server";
import { ServiceError } from "./errors";
import { type CheckedImport, checkImport } from "./importCheck";
import { readExportModel, scheduleCalendar } from "./export.server";
import { photoPaths } from "./photoFiles.server";

/**
 * Work that grows with the event (exports, "Suggest a grid", rendering many
 * notes' Markdown) as plain jobs: data in, data out, so the same function runs
 * in a worker thread (app/workers/) in the server, and in-process where there
 * is no worker (unit tests, an in-memory database). A job that reads the
 * database gets only ids: the worker reads through its own read-only
 * connection, so nothing large is copied between threads and the request's
 * thread does none of the reading either. Who may ask is decided before a job
 * is made.
 */

export type ExportFormat =
  | "event.md"
  | "posts.zip"
  | "wxr"
  | "event.json"
  | "schedule.ics"
  | "schedule.xml"
  | "schedule.json"
  | "session.md"
  | "session.html";

export interface ExportJob {
  kind: "export";
  format: ExportFormat;
  eventId: string;
  origin: string;
  /** Organiser exports only (checked before the job is made). */
  withBallots?: boolean;
  /** The session of a session.md or session.html export. */
  sessionId?: string;
  /** The preview page's title and introduction. */
  edits?: PostEdits;
  /** Where the photos are (the zip, the standalone HTML and export.json carry their bytes). */
  photosDir?: string;
}

export interface ExportOutput {
  body: string | Uint8Array;
  contentType: string;
  filename: string;
  disposition: "attachment" | "inline";
}

/** The "Preview and edit before export" page's data for one session. */
export interface PreviewJob {
  kind: "preview";
  eventId: string;
  origin: string;
  sessionId: string;
}

export interface NamedInPost {
  name: string;
  basis: NameBasis | "chose to be named in write-ups";
}

export interface PreviewOutput {
  slug: string;
  eventName: string;
  session: {
    id: string;
    title: string;
    description: string;
    tags: string[];
    byline: string | null;
    whereAndWhen: string;
    chathamHouse: boolean;
  };
  /** Every person the post names, and on which basis, so a blogger can check before publishing. */
  named: NamedInPost[];
  bodyHtml: string;
}

export interface SuggestJob {
  kind: "suggest";
  input: ScheduleInput;
  /** The grid as it is, to score beside the suggestion. */
  current: Cell[];
}

export interface SuggestOutput {
  cells: Cell[];
  score: GridScore;
  currentScore: GridScore;
  baselineScore: GridScore;
}

/** The stories page's sessions: each one's blocker stories and tips as markup. */
export interface StoriesJob {
  kind: "stories";
  eventId: string;
}

export interface StoriesOutput {
  id: string;
  title: string;
  /** SessionStories rendered to static markup from the notes' stored HTML. */
  html: string;
}

/** Markdown sources rendered to sanitised HTML, in order (imports, the start-up backfill). */
export interface RenderJob {
  kind: "render";
  sources: string[];
}

/** An event file's text, parsed and checked (app/services/importCheck.ts). */
export interface ImportJob {
  kind: "import";
  source: string;
}

export type HeavyJob = ExportJob | PreviewJob | StoriesJob | SuggestJob | RenderJob | ImportJob;

export interface HeavyOutputs {
  export: ExportOutput;
  preview: PreviewOutput;
  stories: StoriesOutput[];
  suggest: SuggestOutput;
  render: string[];
  import: CheckedImport;
}

export type HeavyOutput<J extends HeavyJob> = HeavyOutputs[J["kind"]];

/** Runs heavy jobs: a worker-thread pool in the server, `inlineHeavyWork` elsewhere. */
export interface HeavyWork {
  run<J extends HeavyJob>(job: J): Promise<HeavyOutput<J>>;
  close(): Promise<void>;
}

type ReadDb = Pick<Db, "select" | "transaction">;

function eventModel(
  db: ReadDb,
  job: { eventId: string; origin: string },
  options: Parameters<typeof readExportModel>[3],
) {
  const event = db.select().from(events).where(eq(events.id, job.eventId)).get();
  if (!event) throw new ServiceError("not_found", "There is no event at this address.");
  return readExportModel(db, event, job.origin, options);
}

function oneSession(model: EventExport, sessionId: string | undefined) {
  const session = sessionId ? findSession(model, sessionId) : undefined;
  if (!session) {
    throw new ServiceError(
      "not_found",
      "There is no such session in this event (it may have been withdrawn or hidden).",
    );
  }
  return session;
}

/** Formats that carry the photos themselves, not links to them. */
const WITH_PHOTO_BYTES: ReadonlySet<ExportFormat> = new Set(["posts.zip", "session.html", "event.json"]);

/** Reads each photo's web size into the model (a missing file leaves the photo as a link). */
function withPhotoBytes(model: EventExport, eventId: string, photosDir: string): EventExport {
  for (const session of model.sessions) {
    for (const photo of session.photos) {
      try {
        photo.data = new Uint8Array(readFileSync(photoPaths(photosDir, eventId, photo.id).web));
      } catch {
        // Removed meanwhile, or the file was lost: the export links to it instead.
      }
    }
  }
  return model;
}

function exportFile(db: ReadDb, job: ExportJob): ExportOutput {
  const sessionScoped = job.format === "session.md" || job.format === "session.html";
  const read = eventModel(db, job, {
    withBallots: job.withBallots,
    sessionId: sessionScoped ? (job.sessionId ?? "") : undefined,
  });
  const model =
    job.photosDir && WITH_PHOTO_BYTES.has(job.format) ? withPhotoBytes(read, job.eventId, job.photosDir) : read;
  const slug = model.event.slug;
  const file = (body: string | Uint8Array, contentType: string, filename: string, disposition = "attachment") => ({
    body,
    contentType,
    filename,
    disposition: disposition as ExportOutput["disposition"],
  });
  switch (job.format) {
    case "event.md":
      return file(eventMarkdown(model), "text/markdown; charset=utf-8", `${slug}.md`);
    case "posts.zip":
      return file(postsZip(model), "application/zip", `${slug}-posts.zip`);
    case "wxr":
      return file(wxr(model), "application/rss+xml; charset=utf-8", `${slug}.wordpress.xml`);
    case "event.json":
      return file(eventJson(model), "application/json; charset=utf-8", `${slug}.unconf.json`);
    case "schedule.ics":
      return file(scheduleCalendar(model), "text/calendar; charset=utf-8", `${slug}-schedule.ics`, "inline");
    case "schedule.xml":
      return file(frabXml(model), "application/xml; charset=utf-8", `${slug}-schedule.xml`, "inline");
    case "schedule.json":
      return file(c3vocJson(model), "application/json; charset=utf-8", `${slug}-schedule.json`, "inline");
    case "session.md": {
      const session = applyEdits(oneSession(model, job.sessionId), job.edits);
      return file(sessionMarkdown(model, session), "text/markdown; charset=utf-8", postFileName(session, model.event));
    }
    case "session.html": {
      const session = applyEdits(oneSession(model, job.sessionId), job.edits);
      const name = postFileName(session, model.event).replace(/\.md$/, ".html");
      return file(sessionHtml(model, session), "text/html; charset=utf-8", name);
    }
  }
}

/** Everyone a session's post names, each once per basis, in the order the post names them. */
export function namedInPost(session: ExportSession): NamedInPost[] {
  const named: NamedInPost[] = [];
  const add = (name: string | null | undefined, basis: NamedInPost["basis"]) => {
    if (name && !named.some((n) => n.name === name && n.basis === basis)) named.push({ name, basis });
  };
  for (const author of session.authors) add(author, "chose to be named in write-ups");
  for (const item of session.items) if (item.saidByBasis) add(item.saidBy, item.saidByBasis);
  return named;
}

function preview(db: ReadDb, job: PreviewJob): PreviewOutput {
  const model = eventModel(db, job, { sessionId: job.sessionId });
  const session = oneSession(model, job.sessionId);
  return {
    slug: model.event.slug,
    eventName: model.event.name,
    session: {
      id: session.id,
      title: session.title,
      description: session.description,
      tags: session.tags,
      byline: session.authors.length ? `By ${listOfNames(session.authors)}` : null,
      whereAndWhen: whereAndWhen(session, model.event),
      chathamHouse: session.chathamHouse,
    },
    named: namedInPost(session),
    // The preview's title is an h3, so the post's sections sit at h4.
    bodyHtml: sessionBodyHtml(session, 4),
  };
}

function suggest(job: SuggestJob): SuggestOutput {
  const { input, current } = job;
  const cells = suggestGrid(input);
  const context = { slots: input.slots, unavailable: input.unavailable };
  return {
    cells,
    score: scoreGrid(cells, input.rooms, input.pitches, context),
    currentScore: scoreGrid(current, input.rooms, input.pitches, context),
    baselineScore: scoreGrid(greedyGrid(input), input.rooms, input.pitches, context),
  };
}

/** Runs one job to completion (synchronously: in a worker, that blocks only the worker). */
export function runHeavyJob<J extends HeavyJob>(db: ReadDb, job: J): HeavyOutput<J> {
  switch (job.kind) {
    case "export":
      return exportFile(db, job) as HeavyOutput<J>;
    case "preview":
      return preview(db, job) as HeavyOutput<J>;
    case "stories":
      return readEventStories(db, job.eventId).map((session) => ({
        id: session.id,
        title: session.title,
        html: renderToStaticMarkup(createElement(SessionStories, { items: session.items })),
      })) as HeavyOutput<J>;
    case "suggest":
      return suggest(job) as HeavyOutput<J>;
    case "render":
      return job.sources.map((source) => renderMarkdown(source)) as HeavyOutput<J>;
    case "import":
      return checkImport(job.source) as HeavyOutput<J>;
    default:
      throw new Error(`Unknown job ${(job as { kind: string }).kind}`);
  }
}

/**
 * The same jobs in the calling thread, for unit tests and in-memory
 * databases (a worker cannot open those). It blocks the event loop for as
 * long as the job takes, so the server uses the worker pool.
 */
export function inlineHeavyWork(db: ReadDb): HeavyWork {
  return {
    run: async (job) => runHeavyJob(db, job),
    close: async () => {},
  };
}

/** The context's pool, or in-process work when there is none. */
export function heavyWorkOf(ctx: { db: Db; heavy?: HeavyWork }): HeavyWork {
  return ctx.heavy ?? inlineHeavyWork(ctx.db);
}
