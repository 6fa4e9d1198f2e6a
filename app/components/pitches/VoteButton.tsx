import { useFetcher } from "@remix-run/react";
import { useEffect } from "react";
import { useLive } from "../../realtime/LiveChannel";

/**
 * A toggle that sends the wanted state (vote or take back), so a retry never
 * double-counts. Works as a plain form post without JavaScript; with it, the
 * button shows the new state at once while the request is on its way.
 */
export function VoteButton({
  slug,
  pitchId,
  title,
  voted,
  disabled,
}: {
  slug: string;
  pitchId: string;
  title: string;
  voted: boolean;
  disabled: boolean;
}) {
  const fetcher = useFetcher<{ intent: string; error?: string; pitchId?: string; voted?: boolean }>({
    key: `vote-${pitchId}`,
  });
  const { setMyVote } = useLive();
  // The answer is the voter's own news of the vote (the page does not reload for it).
  useEffect(() => {
    const answer = fetcher.data;
    if (answer?.pitchId === pitchId && typeof answer.voted === "boolean") setMyVote(pitchId, answer.voted);
  }, [fetcher.data, pitchId, setMyVote]);
  const pending = fetcher.formData?.get("vote");
  const pressed = pending === undefined || pending === null ? voted : pending === "true";
  const error = fetcher.state === "idle" ? fetcher.data?.error : undefined;
  return (
    <fetcher.Form method="post" action={`/e/${slug}?index`} className="vote-form">
      <input type="hidden" name="intent" value="vote" />
      <input type="hidden" name="pitchId" value={pitchId} />
      <input type="hidden" name="vote" value={String(!pressed)} />
      <button
        type="submit"
        className={pressed ? "vote voted" : "vote secondary"}
        aria-pressed={pressed}
        aria-label={`Vote for ${title}`}
        disabled={disabled}
      >
        <span aria-hidden="true">{pressed ? "✓ Voted" : "Vote"}</span>
      </button>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fetcher.Form>
  );
}
