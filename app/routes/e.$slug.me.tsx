import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { SanitisedHtml } from "../components/SanitisedHtml";
import { formatDay } from "../components/grid/GridTable";
import { formatRange } from "../domain/timeSlots";
import { kindLabels } from "../schemas/kinds";
import { myAvailability, setAvailability } from "../services/availability.server";
import { myMentions, setMentionConsent } from "../services/capture.server";
import { myCoHostInvitations, respondCoHost } from "../services/coHosts.server";
import { isServiceError, statusOf } from "../services/errors";
import { requireViewer } from "../services/request.server";

export const meta: MetaFunction = () => [{ title: "Your mentions · Unconf" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  return {
    slug: viewer.event.slug,
    joined: viewer.attendee !== null,
    mentions: viewer.attendee ? myMentions(context, viewer) : [],
    availability: viewer.attendee ? myAvailability(context, viewer) : [],
    invitations: viewer.attendee ? myCoHostInvitations(context, viewer) : [],
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  const formData = await request.formData();
  const form = Object.fromEntries(formData);
  try {
    if (form.intent === "availability") {
      const { unavailable } = await setAvailability(context, viewer, { unavailable: formData.getAll("unavailable") });
      const n = unavailable.length;
      return {
        error: undefined,
        notice: n === 0 ? "Saved: you can make every slot." : `Saved: you cannot make ${n} slot${n === 1 ? "" : "s"}.`,
      };
    }
    if (form.intent === "cohost") return { error: undefined, notice: await respondCoHost(context, viewer, form) };
    await setMentionConsent(context, viewer, form);
    return { error: undefined };
  } catch (error) {
    if (!isServiceError(error)) throw error;
    return data({ error: error.message }, { status: statusOf[error.kind] });
  }
}

type Invitation = ReturnType<typeof useLoaderData<typeof loader>>["invitations"][number];

/** One co-host invitation: only the invited person answers it, and may step down later. */
function InvitationCard({ slug, invitation }: { slug: string; invitation: Invitation }) {
  const fetcher = useFetcher<typeof action>();
  const pending = fetcher.formData?.get("choice");
  const status = pending === "accept" ? "accepted" : pending === "decline" ? "declined" : invitation.status;
  const headingId = `invitation-${invitation.pitchId}`;
  return (
    <article className="card mention" aria-labelledby={headingId}>
      <h3 id={headingId}>
        <Link to={`/e/${slug}/s/${invitation.pitchId}`}>{invitation.title}</Link>
      </h3>
      <p className="muted">
        {invitation.pitcherName ? `${invitation.pitcherName} asks` : "The pitcher asks"} you to co-host this session.
      </p>
      <p role="status">
        {status === "accepted"
          ? "You co-host this session: your name shows with it, and you can edit it."
          : status === "declined"
            ? "You declined: your name does not show with this session."
            : "Not answered yet: nobody else sees this invitation."}
      </p>
      <fetcher.Form method="post" className="row">
        <input type="hidden" name="intent" value="cohost" />
        <input type="hidden" name="pitchId" value={invitation.pitchId} />
        <button
          type="submit"
          name="choice"
          value="accept"
          aria-pressed={status === "accepted"}
          aria-label={`Accept co-hosting ${invitation.title}`}
        >
          Accept
        </button>
        <button
          type="submit"
          name="choice"
          value="decline"
          className="secondary"
          aria-pressed={status === "declined"}
          aria-label={`Decline co-hosting ${invitation.title}`}
        >
          Decline
        </button>
      </fetcher.Form>
      {fetcher.state === "idle" && fetcher.data?.error ? (
        <p className="form-error" role="alert">
          {fetcher.data.error}
        </p>
      ) : null}
    </article>
  );
}

type Mention = ReturnType<typeof useLoaderData<typeof loader>>["mentions"][number];

/** One note that names me, with my choice: only I can make it, and I can change it at any time. */
function MentionCard({ slug, mention }: { slug: string; mention: Mention }) {
  const fetcher = useFetcher<typeof action>();
  const pending = fetcher.formData?.get("choice");
  const choice = typeof pending === "string" ? pending : mention.choice;
  const headingId = `mention-${mention.id}`;
  return (
    <article className="card mention" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {kindLabels[mention.kind]} in <Link to={`/e/${slug}/s/${mention.sessionId}`}>{mention.sessionTitle}</Link>
      </h2>
      {mention.kind === "blocker" ? <SanitisedHtml html={mention.blockerHtml} /> : null}
      {mention.textHtml ? <SanitisedHtml html={mention.textHtml} /> : null}
      <p className="muted">
        Noted by {mention.notedBy ?? "an anonymous attendee"}, as said by “{mention.saidBy}”.
      </p>
      <p role="status">
        {choice === "named"
          ? mention.chathamHouse
            ? "You chose to be named, but this session is under the Chatham House rule: no one is named."
            : "You are named with this note, on every page and in write-ups."
          : "You are not named with this note: it shows without a name."}
      </p>
      <fetcher.Form method="post" className="row">
        <input type="hidden" name="id" value={mention.id} />
        <button type="submit" name="choice" value="named" aria-pressed={choice === "named"}>
          Name me
        </button>
        <button type="submit" name="choice" value="anonymous" className="secondary" aria-pressed={choice !== "named"}>
          Keep me anonymous
        </button>
      </fetcher.Form>
      {fetcher.state === "idle" && fetcher.data?.error ? (
        <p className="form-error" role="alert">
          {fetcher.data.error}
        </p>
      ) : null}
    </article>
  );
}

type AvailabilityRow = ReturnType<typeof useLoaderData<typeof loader>>["availability"][number];

/** The slots this attendee cannot make: a session they host is never suggested there, and is flagged if placed there. */
function Availability({ slots }: { slots: AvailabilityRow[] }) {
  const fetcher = useFetcher<typeof action>();
  const manyDays = new Set(slots.map((s) => s.localStart.slice(0, 10))).size > 1;
  const answer = fetcher.state === "idle" ? fetcher.data : undefined;
  return (
    <section className="card" id="availability" aria-labelledby="availability-heading">
      <h2 id="availability-heading">When you can host</h2>
      {slots.length === 0 ? (
        <p className="muted">The organisers have not added time slots yet.</p>
      ) : (
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="availability" />
          <fieldset>
            <legend>Slots you cannot make</legend>
            <p className="hint">
              A session you pitched is not scheduled in these, and the organisers see a conflict if it is placed there.
            </p>
            {slots.map((slot) => (
              <label key={slot.id} className="check">
                <input type="checkbox" name="unavailable" value={slot.id} defaultChecked={slot.unavailable} />
                {manyDays ? `${formatDay(slot.localStart.slice(0, 10))}, ` : ""}
                {formatRange(slot)}
                {slot.label ? ` ${slot.label}` : ""}
                {slot.kind === "plenary" ? " (plenary)" : ""}
              </label>
            ))}
          </fieldset>
          <button type="submit" disabled={fetcher.state !== "idle"}>
            Save availability
          </button>
          {answer?.error ? (
            <p className="form-error" role="alert">
              {answer.error}
            </p>
          ) : null}
          <p role="status">{answer && "notice" in answer ? answer.notice : null}</p>
        </fetcher.Form>
      )}
    </section>
  );
}

export default function YourMentions() {
  const { slug, joined, mentions, availability, invitations } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
      <h1>Your mentions</h1>
      <p className="muted">
        Notes that quote you. Until you choose “Name me”, each shows without your name, in every page and every
        write-up. You can change your mind at any time.
      </p>
      {!joined ? (
        <p>
          <Link to={`/e/${slug}`}>Join the event</Link> to see the notes that name you.
        </p>
      ) : mentions.length === 0 ? (
        <p>No note names you yet.</p>
      ) : (
        mentions.map((mention) => <MentionCard key={mention.id} slug={slug} mention={mention} />)
      )}
      {invitations.length ? (
        <section id="invitations" aria-labelledby="invitations-heading">
          <h2 id="invitations-heading">Co-host invitations</h2>
          {invitations.map((invitation) => (
            <InvitationCard key={invitation.pitchId} slug={slug} invitation={invitation} />
          ))}
        </section>
      ) : null}
      {joined ? <Availability slots={availability} /> : null}
    </main>
  );
}
