import type { LoaderFunctionArgs } from "@remix-run/node";
import { isServiceError, statusOf } from "../services/errors";
import { photoFile } from "../services/photos.server";
import { loadViewer } from "../services/request.server";

/**
 * A session photo: /e/:slug/photos/:id.jpg (web size) or :id.thumb.jpg, for
 * whoever may see the event. A photo never changes under its id, so it may be
 * cached for a year, but only by the browser (private events). Helmet adds
 * `X-Content-Type-Options: nosniff` to every answer (server.ts).
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await loadViewer(context, request, params.slug);
  try {
    const { body, etag } = photoFile(context, viewer, params.file);
    const headers = {
      "Content-Type": "image/jpeg",
      "Cache-Control": "private, max-age=31536000, immutable",
      ETag: etag,
    };
    if (request.headers.get("If-None-Match") === etag) return new Response(null, { status: 304, headers });
    return new Response(new Uint8Array(body), { headers: { ...headers, "Content-Length": String(body.byteLength) } });
  } catch (error) {
    if (!isServiceError(error)) throw error;
    return new Response(error.message, {
      status: statusOf[error.kind],
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
    });
  }
}
