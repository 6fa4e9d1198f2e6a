import type { LoaderFunctionArgs } from "@remix-run/node";
import { eventSnapshot } from "../services/facts.server";
import { loadViewer } from "../services/request.server";

/**
 * The event's snapshot for a page that missed a push (docs/realtime.md): the
 * facts shared by every viewer at the current version, the tallies this
 * viewer may see, and its own part.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await loadViewer(context, request, params.slug);
  if (!viewer.hasAccess) {
    return Response.json({ error: "This event is private: enter its passcode first." }, { status: 403 });
  }
  return Response.json(eventSnapshot(context, viewer), { headers: { "Cache-Control": "no-store" } });
}
