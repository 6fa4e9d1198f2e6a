import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendarFeed } from "../services/calendarLinks.server";
import { text } from "../services/exportHttp.server";
import { publicOrigin } from "../services/request.server";

/**
 * A subscribed calendar: `/e/:slug/calendar/<token>.ics`. The token is the
 * only key (no cookie, no passcode: calendar apps have neither). Made from
 * the current data on every request; the ETag lets apps skip unchanged ones.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const feed = await calendarFeed(
    context,
    params.slug ?? "",
    params.file ?? "",
    publicOrigin(context, request),
    context.clientIp,
  );
  if (feed.kind === "missing") return noStore(text(feed.message, 404));
  if (feed.kind === "renewed") return noStore(text(feed.message, 410));
  const headers = {
    ETag: feed.etag,
    // Apps may keep it but must ask again each time; shared caches must not keep a private feed.
    "Cache-Control": "private, no-cache",
    "X-Robots-Tag": "noindex",
    "Referrer-Policy": "no-referrer",
  };
  const wanted = request.headers.get("If-None-Match")?.split(",") ?? [];
  if (wanted.some((tag) => tag.trim() === feed.etag)) {
    return new Response(null, { status: 304, headers });
  }
  return new Response(feed.body, {
    headers: {
      ...headers,
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `inline; filename="${feed.filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
    },
  });
}

function noStore(response: Response): Response {
  response.headers.set("Cache-Control", "no-store");
  response.headers.set("X-Robots-Tag", "noindex");
  return response;
}
