import type { LoaderFunctionArgs } from "@remix-run/node";
import { peopleToMention } from "../services/attendees.server";
import { loadViewer } from "../services/request.server";

/**
 * The names people joined with, for "Said by" suggestions: picking one links
 * the note to that person, who then decides whether to be named. Asked for
 * once, when a note-taker starts typing a name, never by every page.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await loadViewer(context, request, params.slug);
  if (!viewer.hasAccess || !viewer.attendee) {
    return Response.json({ error: "Join the event first." }, { status: 403 });
  }
  return Response.json(peopleToMention(context, viewer), { headers: { "Cache-Control": "private, max-age=30" } });
}
