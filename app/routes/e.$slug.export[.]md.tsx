import type { LoaderFunctionArgs } from "@remix-run/node";
import { eventMarkdown } from "../domain/export/markdown.server";
import { exportModelFor, fileResponse } from "../services/exportHttp.server";

/** The whole event as one write-up post. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const model = await exportModelFor(context, request, params.slug);
  return fileResponse(eventMarkdown(model), "text/markdown; charset=utf-8", `${model.event.slug}.md`);
}
