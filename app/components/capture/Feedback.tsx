import { useFetcher } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { FeedbackSummary } from "../../realtime/contract";
import { useLive } from "../../realtime/LiveChannel";
import { FEEDBACK_COMMENT_MAX } from "../../schemas/photo";
import { FeedbackFigures } from "../admin/FeedbackPanel";

export interface PageFeedback {
  on: boolean;
  offered: boolean;
  opensAt: string | null;
  mine: { rating: number; comment: string } | null;
  summary: FeedbackSummary | null;
}

const RATINGS = [
  [1, "1 (not useful)"],
  [2, "2"],
  [3, "3"],
  [4, "4"],
  [5, "5 (very useful)"],
] as const;

/** "Give feedback" for attendees once the session started; the count, average and comments for its host and organisers. */
export function Feedback({ pitchId, feedback }: { pitchId: string; feedback: PageFeedback }) {
  const fetcher = useFetcher<{ error?: string; notice?: string }>();
  const { socket } = useLive();
  const [pushed, setPushed] = useState<FeedbackSummary | null>(null);
  useEffect(() => {
    if (!socket || !feedback.summary) return;
    const onSummary = (u: { pitchId: string; summary: FeedbackSummary }) => {
      if (u.pitchId === pitchId) setPushed(u.summary);
    };
    socket.on("feedback:summary", onSummary);
    return () => {
      socket.off("feedback:summary", onSummary);
    };
  }, [socket, pitchId, feedback.summary]);
  const summary = pushed ?? feedback.summary;
  const answer = fetcher.state === "idle" ? fetcher.data : undefined;
  if (!feedback.on && !summary?.count) return null;
  return (
    <section className="card feedback" aria-labelledby="feedback-heading">
      <h2 id="feedback-heading">{feedback.offered ? "Give feedback" : "Feedback"}</h2>
      {summary ? (
        <div className="feedback-summary">
          <p>
            For the host and organisers only: <FeedbackFigures summary={summary} />.
          </p>
          {summary.comments.length ? (
            <ul aria-label="Feedback comments">
              {summary.comments.map((comment, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: comments are anonymous and may repeat
                <li key={i}>{comment}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {feedback.offered ? (
        <fetcher.Form method="post" className="feedback-form">
          <input type="hidden" name="intent" value="feedback" />
          <fieldset>
            <legend>Rating</legend>
            <div className="rating">
              {RATINGS.map(([value, label]) => (
                <label key={value} className="check">
                  <input
                    type="radio"
                    name="rating"
                    value={value}
                    required
                    defaultChecked={feedback.mine?.rating === value}
                  />
                  {label}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="field">
            <label htmlFor="feedback-comment">Comment</label>
            <textarea
              id="feedback-comment"
              name="comment"
              rows={3}
              maxLength={FEEDBACK_COMMENT_MAX}
              defaultValue={feedback.mine?.comment ?? ""}
              aria-describedby="feedback-hint"
            />
            <p className="hint" id="feedback-hint">
              Optional and anonymous: only the host and the organisers read it.
              {feedback.mine ? " Sending again replaces your earlier feedback." : ""}
            </p>
          </div>
          {answer?.error ? (
            <p className="form-error" role="alert">
              {answer.error}
            </p>
          ) : answer?.notice ? (
            <p className="notice" role="status">
              {answer.notice}
            </p>
          ) : null}
          <button type="submit">Send feedback</button>
        </fetcher.Form>
      ) : feedback.on && !summary ? (
        <p className="muted">Feedback opens when the session starts.</p>
      ) : null}
    </section>
  );
}
