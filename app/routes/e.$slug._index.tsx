import { type ActionFunctionArgs, type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { JoinForm } from "../components/JoinForm";
import { VenueOverview } from "../components/VenueOverview";
import { joinSchema } from "../schemas/attendee";
import { joinEvent } from "../services/attendees.server";
import { requireViewer, setIdentityEntry } from "../services/request.server";
import { listRooms, listTimeSlots } from "../services/venue.server";
import { replyFor } from "../utils/forms";
import { handleForm } from "../utils/forms.server";

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  const eventId = viewer.event.id;
  return {
    attendee: viewer.attendee
      ? { name: viewer.attendee.name, nameInWriteups: viewer.attendee.nameInWriteups }
      : null,
    rooms: listRooms(context, eventId).map(({ id, name, capacity }) => ({ id, name, capacity })),
    slots: listTimeSlots(context, eventId).map(({ id, localStart, localEnd, kind, label }) => ({
      id,
      localStart,
      localEnd,
      kind,
      label,
    })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  const formData = await request.formData();
  let cookie = "";
  const reply = await handleForm(formData, "join", joinSchema, async (value) => {
    const attendee = await joinEvent(context, viewer, value);
    cookie = await setIdentityEntry(context, request, "a", viewer.event.id, attendee.id);
  });
  if (cookie) throw redirect(`/e/${viewer.event.slug}`, { headers: { "Set-Cookie": cookie } });
  return reply;
}

export default function EventPage() {
  const { attendee, rooms, slots } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const joinReply = replyFor(actionData, "join");
  return (
    <main id="main" className="page">
      {attendee ? (
        <details className="card">
          <summary>
            You joined as <strong>{attendee.name || "an anonymous attendee"}</strong>
            {attendee.nameInWriteups ? " (named in write-ups)" : " (not named in write-ups)"}. Change
          </summary>
          <JoinForm reply={joinReply} current={attendee} />
        </details>
      ) : (
        <section className="card" aria-labelledby="join-heading">
          <h1 id="join-heading">Join this event</h1>
          <p>Pick a name so people can find you. No account, no email.</p>
          <JoinForm reply={joinReply} />
        </section>
      )}
      <VenueOverview rooms={rooms} slots={slots} />
    </main>
  );
}
