import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { sessionHtml } from "../domain/export/html.server";
import { applyEdits } from "../domain/export/model";
import { postFileName } from "../domain/export/names";
import { exportModelFor, fileResponse, postEditsFrom, sessionOf } from "../services/exportHttp.server";

/** One session as a standalone HTML page (no external requests); POST carries the preview page's edits. */
function htmlName(markdownName: string): string {
  return markdownName.replace(/\.md$/, ".html");
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const model = await exportModelFor(context, request, params.slug);
  const session = sessionOf(model, params.sessionId);
  return fileResponse(
    sessionHtml(model, session),
    "text/html; charset=utf-8",
    htmlName(postFileName(session, model.event)),
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const model = await exportModelFor(context, request, params.slug);
  const session = applyEdits(sessionOf(model, params.sessionId), await postEditsFrom(request));
  return fileResponse(
    sessionHtml(model, session),
    "text/html; charset=utf-8",
    htmlName(postFileName(session, model.event)),
  );
}
