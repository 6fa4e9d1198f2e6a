import { type ActionFunctionArgs, data, redirect } from "@remix-run/node";
import { Link, type ShouldRevalidateFunction, useActionData } from "@remix-run/react";
import { JoinForm } from "../components/JoinForm";
import { VenueOverview } from "../components/VenueOverview";
import { PitchCard } from "../components/pitches/PitchCard";
import { votesLeftText } from "../domain/voting";
import { useLiveEvent } from "../realtime/LiveChannel";
import { boardView } from "../realtime/eventState";
import { joinSchema } from "../schemas/attendee";
import { pitchIdSchema } from "../schemas/pitch";
import { joinEvent } from "../services/attendees.server";
import { isServiceError, statusOf } from "../services/errors";
import { setVote, withdrawPitch } from "../services/pitches.server";
import { requireViewer, setIdentityEntry } from "../services/request.server";
import { replyFor } from "../utils/forms";
import { handleForm } from "../utils/forms.server";

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  if (intent === "vote") {
    // Answered with data, not a redirect, so the vote button's fetcher stays on the page.
    try {
      return { intent, ...(await setVote(context, viewer, Object.fromEntries(formData))) };
    } catch (error) {
      if (!isServiceError(error)) throw error;
      return data({ intent, error: error.message }, { status: statusOf[error.kind] });
    }
  }
  if (intent === "withdraw") {
    return handleForm(formData, intent, pitchIdSchema, async (value) => {
      await withdrawPitch(context, viewer, value);
      return "Your pitch was withdrawn.";
    });
  }
  if (intent !== "join") return data({ intent, error: "Unknown action." }, { status: 400 });
  let cookie = "";
  const reply = await handleForm(formData, "join", joinSchema, async (value) => {
    const attendee = await joinEvent(context, viewer, value);
    cookie = await setIdentityEntry(context, request, "a", viewer.event.id, attendee.id);
  });
  if (cookie) throw redirect(`/e/${viewer.event.slug}`, { headers: { "Set-Cookie": cookie } });
  return reply;
}

export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  formData?.get("intent") === "vote" ? false : defaultShouldRevalidate;

function VotingStatus({
  votingOpen,
  votesLeft,
  joined,
  blind,
}: {
  votingOpen: boolean;
  votesLeft: number | null;
  joined: boolean;
  blind: boolean;
}) {
  if (!votingOpen) return <p className="status-line">Voting is closed.</p>;
  return (
    <p className="status-line" role="status">
      Voting is open. {joined && votesLeft !== null ? <strong>{votesLeftText(votesLeft)}</strong> : "Join to vote."}
      {blind ? " Tallies stay hidden until voting closes." : ""}
    </p>
  );
}

export default function EventPage() {
  const live = useLiveEvent();
  const { settings: event, rooms, slots } = live.facts;
  const attendee = live.personal.attendee;
  const board = boardView(live);
  const actionData = useActionData<typeof action>();
  const joinReply = replyFor(actionData, "join");
  const notice = actionData && "notice" in actionData ? actionData.notice : undefined;
  const formError = actionData && "error" in actionData ? actionData.error : undefined;
  const joined = attendee !== null;
  const canVote = joined && event.votingOpen;

  return (
    <main id="main" className="page">
      <h1 className="page-title">{event.name}</h1>
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
          <h2 id="join-heading">Join this event</h2>
          <p>Pick a name so people can find you. No account, no email.</p>
          <JoinForm reply={joinReply} />
        </section>
      )}

      <section aria-labelledby="pitches-heading">
        <div className="section-head">
          <h2 id="pitches-heading">Pitches</h2>
          {event.pitchingOpen && joined ? (
            <Link className="button" to={`/e/${event.slug}/pitch`}>
              Pitch a session
            </Link>
          ) : null}
        </div>
        {!event.pitchingOpen ? <p className="muted">Pitching is closed.</p> : null}
        <VotingStatus
          votingOpen={event.votingOpen}
          votesLeft={board.votesLeft}
          joined={joined}
          blind={event.blindVoting && !board.talliesVisible}
        />
        {notice ? (
          <p className="notice" role="status">
            {notice}
          </p>
        ) : null}
        {formError ? (
          <p className="form-error" role="alert">
            {formError}
          </p>
        ) : null}
        {board.pitches.length === 0 ? (
          <p className="muted">No pitches yet. {joined && event.pitchingOpen ? "Be the first!" : ""}</p>
        ) : (
          <div className="pitch-list">
            {board.pitches.map((pitch) => (
              <PitchCard
                key={pitch.id}
                slug={event.slug}
                pitch={pitch}
                votes={pitch.votes}
                canVote={canVote}
                showVoteButton={joined && (event.votingOpen || pitch.voted)}
              />
            ))}
          </div>
        )}
        {board.merged.length ? (
          <ul className="plain-list merged" aria-label="Merged pitches">
            {board.merged.map((m) => (
              <li key={m.id}>
                <span>
                  “{m.title}” was merged into <a href={`#pitch-${m.intoId}`}>{m.intoTitle}</a>.
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <VenueOverview rooms={rooms} slots={slots} />
      {joined ? (
        <p>
          <Link to={`/e/${event.slug}/calendar`}>Subscribe</Link>{" "}
          <span className="muted">to the schedule or your own sessions in your phone's calendar</span>
        </p>
      ) : null}
    </main>
  );
}
