import type { LoaderFunctionArgs } from "@remix-run/node";
import { wxr } from "../domain/export/wxr.server";
import { exportModelFor, fileResponse } from "../services/exportHttp.server";

/** The write-ups as a WordPress import file (WXR 1.2), one draft post per session. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const model = await exportModelFor(context, request, params.slug);
  return fileResponse(wxr(model), "application/rss+xml; charset=utf-8", `${model.event.slug}.wordpress.xml`);
}
