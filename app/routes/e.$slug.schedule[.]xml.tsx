import type { LoaderFunctionArgs } from "@remix-run/node";
import { frabXml } from "../domain/export/schedule.server";
import { exportModelFor, fileResponse } from "../services/exportHttp.server";

/** The grid as frab schedule XML (c3voc schema), for conference apps. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const model = await exportModelFor(context, request, params.slug);
  return fileResponse(frabXml(model), "application/xml; charset=utf-8", `${model.event.slug}-schedule.xml`, "inline");
}
