import { Suspense, lazy, useEffect, useState } from "react";
import type { FeedbackSummary } from "../../realtime/contract";
import { useLive } from "../../realtime/LiveChannel";

export interface PageFeedback {
  on: boolean;
  offered: boolean;
  opensAt: string | null;
  mine: { rating: number; comment: string } | null;
  summary: FeedbackSummary | null;
}

/**
 * The form loads only where the event asks for feedback (the session page
 * stays light), once the page is hydrated: a lazy part still loading during
 * hydration would be interrupted by the first live push.
 */
const FeedbackForm = lazy(() => import("./FeedbackForm"));

export function FeedbackFigures({ summary }: { summary: FeedbackSummary }) {
  if (summary.count === 0) return <>no feedback yet</>;
  return (
    <>
      {summary.count} {summary.count === 1 ? "response" : "responses"}, average {summary.average?.toFixed(1)} out of 5
    </>
  );
}

/** "Give feedback" for attendees once the session started; the count, average and comments for its host and organisers. */
export function Feedback({ pitchId, feedback }: { pitchId: string; feedback: PageFeedback }) {
  const { socket } = useLive();
  const [pushed, setPushed] = useState<FeedbackSummary | null>(null);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
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
        hydrated ? (
          <Suspense fallback={null}>
            <FeedbackForm mine={feedback.mine} />
          </Suspense>
        ) : null
      ) : feedback.on && !summary ? (
        <p className="muted">Feedback opens when the session starts.</p>
      ) : null}
    </section>
  );
}
