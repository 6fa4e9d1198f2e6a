import { Form } from "@remix-run/react";
import type { FeedbackSummary } from "../../realtime/contract";
import { FeedbackFigures } from "../capture/Feedback";

/** Session feedback: switched on per event; the organisers see every session's responses here. */
export function FeedbackPanel({
  on,
  sessions,
}: {
  on: boolean;
  sessions: Array<{ id: string; title: string; summary: FeedbackSummary }>;
}) {
  return (
    <section className="card" aria-labelledby="feedback-heading">
      <h2 id="feedback-heading">Session feedback</h2>
      <p className="muted">
        {on
          ? "On: from its start, each scheduled session's page offers “Give feedback” (a rating from 1 to 5 and a comment, anonymous). Only its host and the organisers see the answers."
          : "Off: sessions do not ask for feedback."}
      </p>
      <Form method="post">
        <input type="hidden" name="on" value={on ? "false" : "true"} />
        <button type="submit" name="intent" value="feedback-setting" className={on ? "secondary" : undefined}>
          {on ? "Switch feedback off" : "Switch feedback on"}
        </button>
      </Form>
      {sessions.length ? <FeedbackList sessions={sessions} /> : on ? <p>No feedback yet.</p> : null}
    </section>
  );
}

export function FeedbackList({
  sessions,
}: {
  sessions: Array<{ id: string; title: string; summary: FeedbackSummary }>;
}) {
  return (
    <ul className="feedback-list">
      {sessions.map((session) => (
        <li key={session.id}>
          <strong>{session.title}</strong>: <FeedbackFigures summary={session.summary} />
          {session.summary.comments.length ? (
            <ul>
              {session.summary.comments.map((comment, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: comments are anonymous and may repeat
                <li key={i}>{comment}</li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
