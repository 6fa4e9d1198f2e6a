import { Form } from "@remix-run/react";
import type { FormReply } from "../../utils/forms";
import { FormErrors } from "../Field";

interface BurstView {
  id: string;
  from: string;
  to: string;
  attendees: number;
  votes: number;
  pitches: Array<{ id: string; title: string; votes: number }>;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Suspicious bursts of votes: many attendees who joined from one network
 * within moments of each other, and the votes they cast. A venue whose doors
 * open behind one address can look the same, so the organiser decides.
 */
export function BurstsPanel({ bursts, timeZone, reply }: { bursts: BurstView[]; timeZone: string; reply?: FormReply }) {
  const time = (iso: string) =>
    new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(
      new Date(iso),
    );
  const day = (iso: string) =>
    new Intl.DateTimeFormat("en-GB", { timeZone, dateStyle: "medium" }).format(new Date(iso));
  return (
    <section className="card" aria-labelledby="bursts-heading">
      <h2 id="bursts-heading">Suspicious bursts of votes</h2>
      <p className="muted">
        Many new attendees joining from one network within seconds of each other, and voting, can be a script stuffing
        the vote. It can also be a room of people on the venue's Wi-Fi: check before removing.
      </p>
      <FormErrors errors={reply?.result.error?.[""] ?? reply?.result.error?.burstId ?? undefined} id="burst-error" />
      {bursts.length === 0 ? (
        <p>No bursts seen.</p>
      ) : (
        <ul className="plain-list" aria-label="Bursts of votes">
          {bursts.map((burst) => (
            <li key={burst.id}>
              <p>
                <strong>
                  {plural(burst.attendees, "attendee", "attendees")} joined from one network, {day(burst.from)}{" "}
                  {time(burst.from)} to {time(burst.to)}
                </strong>
                , and cast {plural(burst.votes, "vote", "votes")}:
              </p>
              <ul aria-label={`Pitches voted for by the burst from ${time(burst.from)}`}>
                {burst.pitches.map((pitch) => (
                  <li key={pitch.id}>
                    {pitch.title} <span className="muted">({plural(pitch.votes, "vote", "votes")})</span>
                  </li>
                ))}
              </ul>
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="remove-burst" />
                <input type="hidden" name="burstId" value={burst.id} />
                <button
                  type="submit"
                  className="danger"
                  aria-label={`Remove these votes: the ${plural(burst.votes, "vote", "votes")} of the burst from ${time(burst.from)}`}
                >
                  Remove these votes
                </button>
              </Form>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
