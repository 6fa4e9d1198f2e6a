import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse } from "../services/exportHttp.server";

/** The grid as an iCalendar feed, in the event's time zone. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return exportResponse(context, request, params.slug, "schedule.ics");
}
