import type { LoaderFunctionArgs } from "@remix-run/node";
import { eventJson } from "../domain/export/eventJson";
import { exportModelFor, fileResponse } from "../services/exportHttp.server";

/** Everything about the event, for backup and for /import on another install. Organisers only. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const model = await exportModelFor(context, request, params.slug, { withBallots: true });
  return fileResponse(eventJson(model), "application/json; charset=utf-8", `${model.event.slug}.unconf.json`);
}
