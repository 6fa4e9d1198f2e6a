import { parseWithZod } from "@conform-to/zod";
import type { AppLoadContext } from "@remix-run/node";
import type { PostEdits } from "../domain/export/model";
import { postEditsSchema } from "../schemas/export";
import { isServiceError } from "./errors";
import { type ExportFormat, type PreviewOutput, heavyWorkOf } from "./heavyWork.server";
import { asResponse, loadViewer, publicOrigin, requireViewer } from "./request.server";
import { requireOrganiser } from "./viewer.server";

/**
 * Glue for the export resource routes: who may export, then the file, made
 * by a worker thread (app/services/heavyWork.server.ts) so that a large
 * event's export never stalls the server for everyone else.
 */

export interface ExportRequest {
  /** Organisers only: the whole-event file with anonymous ballots. */
  withBallots?: boolean;
  /** A session's post (session.md, session.html). */
  sessionId?: string;
  /** Read the preview page's title and introduction from the posted form (after the access checks). */
  postedEdits?: boolean;
}

/**
 * One export as a file response, for anyone who can see the event (a private
 * event needs its passcode first); `withBallots` needs an organiser. Refusals
 * are thrown as plain-text responses that say what to do.
 */
export async function exportResponse(
  context: AppLoadContext,
  request: Request,
  slug: string | undefined,
  format: ExportFormat,
  options: ExportRequest = {},
): Promise<Response> {
  const viewer = await loadViewer(context, request, slug);
  if (!viewer.hasAccess) {
    throw text("This event is private: open the event page and enter its passcode first.", 403);
  }
  let edits: PostEdits | undefined;
  try {
    if (options.withBallots) requireOrganiser(viewer);
  } catch (error) {
    throw refusal(error);
  }
  if (options.postedEdits) edits = await postEditsFrom(request);
  try {
    const file = await heavyWorkOf(context).run({
      kind: "export",
      format,
      eventId: viewer.event.id,
      origin: publicOrigin(context, request),
      withBallots: options.withBallots,
      sessionId: options.sessionId,
      edits,
      photosDir: context.photosDir,
    });
    return fileResponse(file.body, file.contentType, file.filename, file.disposition);
  } catch (error) {
    throw refusal(error);
  }
}

/** The preview page's data for one session, read and rendered off the request's thread. */
export async function previewFor(
  context: AppLoadContext,
  request: Request,
  slug: string | undefined,
  sessionId: string | undefined,
): Promise<PreviewOutput> {
  const viewer = await requireViewer(context, request, slug);
  try {
    return await heavyWorkOf(context).run({
      kind: "preview",
      eventId: viewer.event.id,
      origin: publicOrigin(context, request),
      sessionId: sessionId ?? "",
    });
  } catch (error) {
    throw refusal(error);
  }
}

function refusal(error: unknown): unknown {
  if (isServiceError(error)) return text(error.message, (asResponse(error) as Response).status);
  return error;
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
