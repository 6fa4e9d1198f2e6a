import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { sessionMarkdown } from "../domain/export/markdown.server";
import { applyEdits } from "../domain/export/model";
import { postFileName } from "../domain/export/names";
import { exportModelFor, fileResponse, postEditsFrom, sessionOf } from "../services/exportHttp.server";

/** One session as a Markdown blog post; POST carries the preview page's edited title and introduction. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const model = await exportModelFor(context, request, params.slug);
  const session = sessionOf(model, params.sessionId);
  return fileResponse(
    sessionMarkdown(model, session),
    "text/markdown; charset=utf-8",
    postFileName(session, model.event),
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const model = await exportModelFor(context, request, params.slug);
  const session = applyEdits(sessionOf(model, params.sessionId), await postEditsFrom(request));
  return fileResponse(
    sessionMarkdown(model, session),
    "text/markdown; charset=utf-8",
    postFileName(session, model.event),
  );
}
