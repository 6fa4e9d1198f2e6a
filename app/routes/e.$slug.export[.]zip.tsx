import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse } from "../services/exportHttp.server";

/** A post per session for a static site (Hugo content/posts, Jekyll-style names). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return exportResponse(context, request, params.slug, "posts.zip");
}
