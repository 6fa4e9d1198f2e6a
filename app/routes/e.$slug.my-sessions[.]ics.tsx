import type { LoaderFunctionArgs } from "@remix-run/node";
import { myCalendar } from "../services/calendar.server";
import { asResponse, publicOrigin, requireViewer } from "../services/request.server";

/** The sessions I voted for, as a calendar file. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  try {
    const body = myCalendar(context, viewer, publicOrigin(context, request));
    return new Response(body, {
      headers: {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": `attachment; filename="${viewer.event.slug}-my-sessions.ics"`,
        "Cache-Control": "private, no-store",
      },
    });
  } catch (error) {
    throw asResponse(error);
  }
}
