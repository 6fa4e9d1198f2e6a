import type { LoaderFunctionArgs } from "@remix-run/node";
import { postsZip } from "../domain/export/zip.server";
import { exportModelFor, fileResponse } from "../services/exportHttp.server";

/** A post per session for a static site (Hugo content/posts, Jekyll-style names). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const model = await exportModelFor(context, request, params.slug);
  return fileResponse(postsZip(model), "application/zip", `${model.event.slug}-posts.zip`);
}
