import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse } from "../services/exportHttp.server";

/** The grid as c3voc schedule.json, for conference apps. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return exportResponse(context, request, params.slug, "schedule.json");
}
