import { type ActionFunctionArgs, type LoaderFunctionArgs, data, redirect } from "@remix-run/node";
import { useActionData, useParams } from "@remix-run/react";
import { PasscodeForm } from "../components/PasscodeForm";
import { isServiceError, statusOf } from "../services/errors";
import { enterPasscode } from "../services/events.server";
import { loadViewer, setIdentityEntry } from "../services/request.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await loadViewer(context, request, params.slug);
  if (viewer.hasAccess) throw redirect(`/e/${viewer.event.slug}`);
  return null;
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await loadViewer(context, request, params.slug);
  let tag: string;
  try {
    tag = await enterPasscode(context, viewer, Object.fromEntries(await request.formData()));
  } catch (error) {
    if (isServiceError(error)) return data({ error: error.message }, { status: statusOf[error.kind] });
    throw error;
  }
  const cookie = await setIdentityEntry(context, request, "p", viewer.event.id, tag);
  throw redirect(`/e/${viewer.event.slug}`, { headers: { "Set-Cookie": cookie } });
}

export default function Passcode() {
  const { slug = "" } = useParams();
  const actionData = useActionData<typeof action>();
  return <PasscodeForm slug={slug} error={actionData?.error} />;
}
