import type { LoaderFunctionArgs } from "@remix-run/node";
import { scheduleCalendar } from "../services/export.server";
import { exportModelFor, fileResponse } from "../services/exportHttp.server";

/** The grid as an iCalendar feed, in the event's time zone. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const model = await exportModelFor(context, request, params.slug);
  return fileResponse(
    scheduleCalendar(model),
    "text/calendar; charset=utf-8",
    `${model.event.slug}-schedule.ics`,
    "inline",
  );
}
