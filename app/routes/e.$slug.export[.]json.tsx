import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse } from "../services/exportHttp.server";

/** Everything about the event, for backup and for /import on another install. Organisers only. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return exportResponse(context, request, params.slug, "event.json", { withBallots: true });
}
