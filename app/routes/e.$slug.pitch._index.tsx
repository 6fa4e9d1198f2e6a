import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { PitchForm } from "../components/pitches/PitchForm";
import { pitchSchema } from "../schemas/pitch";
import { newId } from "../services/ids.server";
import { createPitch } from "../services/pitches.server";
import { asResponse, requireViewer } from "../services/request.server";
import { needsVocabulary } from "../services/venue.server";
import { requireAttendee } from "../services/viewer.server";
import { replyFor } from "../utils/forms";
import { handleForm } from "../utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Pitch a session · Unconf" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  if (!viewer.attendee) throw redirect(`/e/${viewer.event.slug}`);
  // Made once per form shown: a form sent twice (double tap, retry) pitches once.
  return {
    slug: viewer.event.slug,
    pitchingOpen: viewer.event.pitchingOpen || viewer.isOrganiser,
    clientId: newId(),
    vocabulary: needsVocabulary(context, viewer.event.id),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  try {
    requireAttendee(viewer);
  } catch (error) {
    throw asResponse(error);
  }
  let pitchId = "";
  const reply = await handleForm(await request.formData(), "pitch", pitchSchema, async (value) => {
    pitchId = (await createPitch(context, viewer, value)).id;
  });
  if (pitchId) throw redirect(`/e/${viewer.event.slug}#pitch-${pitchId}`);
  return reply;
}

export default function NewPitch() {
  const { slug, pitchingOpen, clientId, vocabulary } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <main id="main" className="page narrow">
      <h1>Pitch a session</h1>
      {pitchingOpen ? (
        <section className="card">
          <PitchForm
            reply={replyFor(actionData, "pitch")}
            clientId={clientId}
            vocabulary={vocabulary}
            submitLabel="Submit pitch"
          />
        </section>
      ) : (
        <p className="form-error">Pitching is closed for this event.</p>
      )}
      <p>
        <Link to={`/e/${slug}`}>Back to the pitches</Link>
      </p>
    </main>
  );
}
