import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse } from "../services/exportHttp.server";

/** One session as a Markdown blog post; POST carries the preview page's edited title and introduction. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return exportResponse(context, request, params.slug, "session.md", { sessionId: params.sessionId ?? "" });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  return exportResponse(context, request, params.slug, "session.md", {
    sessionId: params.sessionId ?? "",
    postedEdits: true,
  });
}
