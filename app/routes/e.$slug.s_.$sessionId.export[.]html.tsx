import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse } from "../services/exportHttp.server";

/** One session as a standalone HTML page (no external requests); POST carries the preview page's edits. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return exportResponse(context, request, params.slug, "session.html", { sessionId: params.sessionId ?? "" });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return exportResponse(context, request, params.slug, "session.html", {
    sessionId: params.sessionId ?? "",
    postedEdits: true,
  });
}
