import { useFetcher } from "@remix-run/react";
import { limits } from "../../schemas/limits";
import type { PageFeedback } from "./Feedback";

const RATINGS = [
  [1, "1 (not useful)"],
  [2, "2"],
  [3, "3"],
  [4, "4"],
  [5, "5 (very useful)"],
] as const;

/** A rating from 1 to 5 and an optional comment; sending again replaces this person's earlier feedback. */
export default function FeedbackForm({ mine }: { mine: PageFeedback["mine"] }) {
  const fetcher = useFetcher<{ error?: string; notice?: string }>();
  const answer = fetcher.state === "idle" ? fetcher.data : undefined;
  return (
    <fetcher.Form method="post" className="feedback-form">
      <input type="hidden" name="intent" value="feedback" />
      <fieldset>
        <legend>Rating</legend>
        <div className="rating">
          {RATINGS.map(([value, label]) => (
            <label key={value} className="check">
              <input type="radio" name="rating" value={value} required defaultChecked={mine?.rating === value} />
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
          maxLength={limits.feedbackComment}
          defaultValue={mine?.comment ?? ""}
          aria-describedby="feedback-hint"
        />
        <p className="hint" id="feedback-hint">
          Optional and anonymous: only the host and the organisers read it.
          {mine ? " Sending again replaces your earlier feedback." : ""}
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
  );
}
