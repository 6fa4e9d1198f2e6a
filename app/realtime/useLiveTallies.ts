import { useEffect, useRef, useState } from "react";
import { useLive } from "./LiveChannel";

/**
 * Vote counts kept live: starts from the loader's numbers and applies the
 * coalesced "votes:tallies" pushes on top. Fresh page data is the new
 * snapshot, so pushes layered on the old one are dropped.
 */
export function useLiveTallies(eventId: string, fromLoader: Record<string, number | null>) {
  const { onTallies } = useLive();
  const baseRef = useRef(fromLoader);
  baseRef.current = fromLoader;
  const [live, setLive] = useState<{ base: object; values: Record<string, number> }>({ base: fromLoader, values: {} });

  useEffect(
    () =>
      onTallies((update) => {
        if (update.eventId !== eventId) return;
        setLive((current) => {
          const base = baseRef.current;
          const values = current.base === base ? current.values : {};
          return { base, values: { ...values, ...update.tallies } };
        });
      }),
    [onTallies, eventId],
  );

  const values = live.base === fromLoader ? live.values : {};
  return (pitchId: string): number | null => {
    const base = fromLoader[pitchId];
    if (base === null || base === undefined) return values[pitchId] ?? null;
    return values[pitchId] ?? base;
  };
}
