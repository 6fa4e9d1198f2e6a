import { useFetcher } from "@remix-run/react";
import { useEffect } from "react";
import { goingText } from "../../domain/going";
import { useLive } from "../../realtime/LiveChannel";
import type { GoingCount, GoingMark } from "../../realtime/facts";

/**
 * "I'm going" for one placed session: a toggle that sends the wanted state
 * (so a retry changes nothing more), with the live count beside it. Works as a
 * plain form post without JavaScript. Marking another session in the same
 * slot moves the mark there (the server does it; the answer says so).
 */
export function GoingButton({
  slug,
  pitchId,
  title,
  status,
  counts,
  cap,
  compact = false,
}: {
  slug: string;
  pitchId: string;
  title: string;
  status: GoingMark["status"] | null;
  counts: GoingCount;
  cap: number | null;
  compact?: boolean;
}) {
  const fetcher = useFetcher<{
    intent: string;
    error?: string;
    pitchId?: string;
    mine?: GoingMark[];
    counts?: GoingCount;
  }>({ key: `going-${pitchId}` });
  const { setMyGoing } = useLive();
  // The answer is this person's own news of the mark (the page does not reload for it).
  useEffect(() => {
    const answer = fetcher.data;
    if (answer?.pitchId === pitchId && answer.mine && answer.counts)
      setMyGoing(answer.mine, { pitchId, counts: answer.counts });
  }, [fetcher.data, pitchId, setMyGoing]);
  const pending = fetcher.formData?.get("going");
  const marked = pending === undefined || pending === null ? status !== null : pending === "true";
  const error = fetcher.state === "idle" ? fetcher.data?.error : undefined;
  return (
    <fetcher.Form method="post" action={`/e/${slug}/s/${pitchId}`} className="going-form">
      <input type="hidden" name="intent" value="going" />
      <input type="hidden" name="going" value={String(!marked)} />
      <button
        type="submit"
        className={marked ? (compact ? "small going" : "going") : compact ? "small secondary" : "secondary"}
        aria-pressed={marked}
        aria-label={`I'm going to ${title}`}
      >
        <span aria-hidden="true">{marked ? (status === "waiting" ? "✓ Waiting list" : "✓ Going") : "I'm going"}</span>
      </button>
      <span className="going-count">{goingText(counts, cap)}</span>
      {status === "waiting" && !compact ? (
        <span className="muted"> You are on the waiting list: you move up by yourself when a place frees.</span>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fetcher.Form>
  );
}

/**
 * A placed session's "I'm going" in the grid (table cell or phone list): the
 * toggle with its count for someone who joined, the count alone otherwise.
 */
export function GoingLine({
  slug,
  cell,
}: {
  slug: string;
  cell: {
    pitchId: string;
    title: string;
    going: GoingCount;
    goingCap: number | null;
    myGoing: GoingMark["status"] | null;
  };
}) {
  const joined = Boolean(useLive().event?.personal.attendee);
  if (joined)
    return (
      <GoingButton
        slug={slug}
        pitchId={cell.pitchId}
        title={cell.title}
        status={cell.myGoing}
        counts={cell.going}
        cap={cell.goingCap}
        compact
      />
    );
  if (cell.going.going + cell.going.waiting === 0 && cell.goingCap === null) return null;
  return <span className="going-count">{goingText(cell.going, cell.goingCap)}</span>;
}
