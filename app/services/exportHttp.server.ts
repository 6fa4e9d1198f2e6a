import { parseWithZod } from "@conform-to/zod";
import type { AppLoadContext } from "@remix-run/node";
import { type EventExport, type ExportSession, type PostEdits, findSession } from "../domain/export/model";
import { postEditsSchema } from "../schemas/export";
import { type ExportOptions, buildExportModel } from "./export.server";
import { asResponse, loadViewer, publicOrigin } from "./request.server";

/** Glue for the export resource routes: who may export, and file responses. */

/**
 * The export model for whoever asks: anyone who can see the event (a private
 * event needs its passcode first); `withBallots` needs an organiser. Refusals
 * are thrown as plain-text responses that say what to do.
 */
export async function exportModelFor(
  context: AppLoadContext,
  request: Request,
  slug: string | undefined,
  options: ExportOptions = {},
): Promise<EventExport> {
  const viewer = await loadViewer(context, request, slug);
  if (!viewer.hasAccess) {
    throw text("This event is private: open the event page and enter its passcode first.", 403);
  }
  try {
    return buildExportModel(context, viewer, publicOrigin(context, request), options);
  } catch (error) {
    throw asResponse(error);
  }
}

export function sessionOf(model: EventExport, sessionId: string | undefined): ExportSession {
  const session = sessionId ? findSession(model, sessionId) : undefined;
  if (!session) throw text("There is no such session in this event (it may have been withdrawn or hidden).", 404);
  return session;
}

export function text(message: string, status: number): Response {
  return new Response(message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

/** A file answer: `attachment` downloads it, otherwise it is served for apps to read (feeds). */
export function fileResponse(
  body: string | Uint8Array,
  contentType: string,
  filename: string,
  disposition: "attachment" | "inline" = "attachment",
): Response {
  // A Uint8Array from fflate is typed over ArrayBufferLike; Blob takes it as it is.
  return new Response(typeof body === "string" ? body : new Blob([body as Uint8Array<ArrayBuffer>]), {
    headers: {
      "Content-Type": contentType,
      "Content-Disposition": `${disposition}; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "Cache-Control": "private, no-store",
    },
  });
}

/**
 * The title and introduction posted from the preview page. The page checks
 * them in the browser with the same schema; a request that still fails is
 * refused with each problem named.
 */
export async function postEditsFrom(request: Request): Promise<PostEdits> {
  const submission = parseWithZod(await request.formData(), { schema: postEditsSchema });
  if (submission.status !== "success") {
    const labels: Record<string, string> = { title: "Title", introduction: "Introduction" };
    const problems = Object.entries(submission.error ?? {}).flatMap(([field, messages]) =>
      (messages ?? []).map((message) => `${labels[field] ?? field}: ${message}`),
    );
    throw text(`The post was not exported. ${problems.join(" ")}`, 400);
  }
  return submission.value;
}
