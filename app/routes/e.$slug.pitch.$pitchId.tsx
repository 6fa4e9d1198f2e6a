import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { PitchForm } from "../components/pitches/PitchForm";
import { editPitchSchema } from "../schemas/pitch";
import { editPitch, getOwnPitch } from "../services/pitches.server";
import { asResponse, requireViewer } from "../services/request.server";
import { replyFor } from "../utils/forms";
import { handleForm } from "../utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Edit your pitch · Unconf" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  try {
    const pitch = getOwnPitch(context, viewer, params.pitchId ?? "");
    return {
      slug: viewer.event.slug,
      pitch: { id: pitch.id, title: pitch.title, description: pitch.description, tags: pitch.tags },
    };
  } catch (error) {
    throw asResponse(error);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  const formData = await request.formData();
  formData.set("pitchId", params.pitchId ?? "");
  let saved = false;
  const reply = await handleForm(formData, "pitch", editPitchSchema, async (value) => {
    await editPitch(context, viewer, value);
    saved = true;
  });
  if (saved) throw redirect(`/e/${viewer.event.slug}#pitch-${params.pitchId}`);
  return reply;
}

export default function EditPitch() {
  const { slug, pitch } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <main id="main" className="page narrow">
      <h1>Edit your pitch</h1>
      <section className="card">
        <PitchForm reply={replyFor(actionData, "pitch")} initial={pitch} submitLabel="Save changes" />
      </section>
      <p>
        <Link to={`/e/${slug}`}>Back to the pitches</Link>
      </p>
    </main>
  );
}
