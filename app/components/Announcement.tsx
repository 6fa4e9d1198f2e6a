import { useFetcher } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useLive } from "../realtime/LiveChannel";

const dismissedKey = (slug: string) => `unconf:dismissed-announcement:${slug}`;

/**
 * What the organisers tell everyone, on every page of the event (phones,
 * laptops, the projector), live. Read out politely by screen readers. An
 * attendee may dismiss it on their own phone; the next one shows again.
 */
export function Announcement({ slug, projector = false }: { slug: string; projector?: boolean }) {
  const { event } = useLive();
  const announcement = event?.facts.settings.announcement ?? null;
  const isOrganiser = event?.personal.isOrganiser ?? false;
  const [dismissed, setDismissed] = useState<string | null>(null);
  const fetcher = useFetcher<{ error?: string }>();
  useEffect(() => {
    try {
      setDismissed(window.localStorage.getItem(dismissedKey(slug)));
    } catch {
      // Storage blocked: nothing was dismissed.
    }
  }, [slug]);
  const shown = announcement && (projector || dismissed !== announcement.at) ? announcement : null;
  return (
    <section
      className={projector ? "announcement projector" : "announcement"}
      aria-label="Announcement"
      aria-live="polite"
    >
      {shown ? (
        <div className="announcement-body">
          <p>
            <strong className="visually-hidden">Announcement: </strong>
            {shown.text}
          </p>
          {projector ? null : isOrganiser ? (
            <fetcher.Form method="post" action={`/e/${slug}/admin`}>
              <input type="hidden" name="intent" value="clear-announcement" />
              <button type="submit" className="small secondary">
                Clear announcement
              </button>
            </fetcher.Form>
          ) : (
            <button
              type="button"
              className="small secondary"
              onClick={() => {
                setDismissed(shown.at);
                try {
                  window.localStorage.setItem(dismissedKey(slug), shown.at);
                } catch {
                  // Dismissed for this page only.
                }
              }}
            >
              Dismiss
            </button>
          )}
        </div>
      ) : null}
    </section>
  );
}
