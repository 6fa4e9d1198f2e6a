import { type ActionFunctionArgs, redirect } from "@remix-run/node";
import { isServiceError, statusOf } from "../services/errors";
import { addPhoto, removePhoto } from "../services/photos.server";
import { asResponse, requireViewer } from "../services/request.server";

/**
 * Session photos: POST a multipart form with `intent=add` (`id`, `alt`,
 * `photo`) or `intent=remove` (`id`). The body's size is capped as it
 * arrives (MAX_PHOTO_SIZE, server.ts). Answers JSON for the page's uploader;
 * a form posted without JavaScript goes back to the session page.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "add");
  const fields = {
    id: form.get("id") ?? undefined,
    pitchId: params.sessionId ?? "",
    alt: form.get("alt") ?? undefined,
    photo: form.get("photo") ?? undefined,
  };
  const plainForm = (request.headers.get("Accept") ?? "").includes("text/html");
  try {
    let result: object = { removed: true };
    if (intent === "remove") await removePhoto(context, viewer, { id: fields.id });
    else result = await addPhoto(context, viewer, fields);
    if (plainForm) return redirect(`/e/${viewer.event.slug}/s/${params.sessionId}`, 303);
    return Response.json({ ok: true, ...result });
  } catch (error) {
    if (!isServiceError(error)) throw asResponse(error);
    const status = statusOf[error.kind];
    if (plainForm)
      return new Response(error.message, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    return Response.json({ ok: false, error: error.message, fieldErrors: error.fieldErrors }, { status });
  }
}
