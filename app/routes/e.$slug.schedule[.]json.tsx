import type { LoaderFunctionArgs } from "@remix-run/node";
import { c3vocJson } from "../domain/export/schedule.server";
import { exportModelFor, fileResponse } from "../services/exportHttp.server";

/** The grid as c3voc schedule.json, for conference apps. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const model = await exportModelFor(context, request, params.slug);
  return fileResponse(
    c3vocJson(model),
    "application/json; charset=utf-8",
    `${model.event.slug}-schedule.json`,
    "inline",
  );
}
