import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse } from "../services/exportHttp.server";

/** The grid as frab schedule XML (c3voc schema), for conference apps. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return exportResponse(context, request, params.slug, "schedule.xml");
}
