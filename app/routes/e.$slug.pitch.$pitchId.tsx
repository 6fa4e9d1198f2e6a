import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { CoHostsPanel } from "../components/pitches/CoHostsPanel";
import { PitchForm } from "../components/pitches/PitchForm";
import { editPitchSchema } from "../schemas/pitch";
import { coHostList, inviteCoHost, removeCoHost } from "../services/coHosts.server";
import { editPitch, getEditablePitch } from "../services/pitches.server";
import { asResponse, requireViewer } from "../services/request.server";
import { needsVocabulary } from "../services/venue.server";
import { replyFor } from "../utils/forms";
import { handleCommand, handleForm } from "../utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Edit your pitch · Unconf" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  try {
    const pitch = getEditablePitch(context, viewer, params.pitchId ?? "");
    return {
      slug: viewer.event.slug,
      pitch: {
        id: pitch.id,
        title: pitch.title,
        description: pitch.description,
        tags: pitch.tags,
        span: pitch.span,
        needs: pitch.needs,
        remoteUrl: pitch.remoteUrl,
      },
      vocabulary: needsVocabulary(context, viewer.event.id),
      ...coHostList(context, viewer, pitch.id),
    };
  } catch (error) {
    throw asResponse(error);
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  const formData = await request.formData();
  const pitchId = params.pitchId ?? "";
  const intent = String(formData.get("intent") ?? "pitch");
  if (intent === "invite-cohost" || intent === "remove-cohost") {
    const input = { pitchId, attendeeId: formData.get("attendeeId") ?? undefined };
    return handleCommand(intent, () =>
      intent === "invite-cohost" ? inviteCoHost(context, viewer, input) : removeCoHost(context, viewer, input),
    );
  }
  formData.set("pitchId", pitchId);
  let saved = false;
  const reply = await handleForm(formData, "pitch", editPitchSchema, async (value) => {
    await editPitch(context, viewer, value);
    saved = true;
  });
  if (saved) throw redirect(`/e/${viewer.event.slug}#pitch-${pitchId}`);
  return reply;
}

export default function EditPitch() {
  const { slug, pitch, vocabulary, coHosts, isPitcher } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const command =
    actionData && "intent" in actionData && String(actionData.intent).endsWith("-cohost")
      ? (actionData as { error?: string; notice?: string })
      : undefined;
  return (
    <main id="main" className="page narrow">
      <h1>Edit your pitch</h1>
      <section className="card">
        <PitchForm
          reply={replyFor(actionData, "pitch")}
          initial={pitch}
          vocabulary={vocabulary}
          submitLabel="Save changes"
        />
      </section>
      <CoHostsPanel
        slug={slug}
        coHosts={coHosts}
        isPitcher={isPitcher}
        error={command?.error}
        notice={command?.notice}
      />
      <p>
        Cannot make some of the time slots?{" "}
        <Link to={`/e/${slug}/me#availability`}>Mark the slots you cannot make</Link>, and your session will not be
        scheduled in them.
      </p>
      <p>
        <Link to={`/e/${slug}`}>Back to the pitches</Link>
      </p>
    </main>
  );
}
