import { useRevalidator } from "@remix-run/react";
import { type ReactNode, createContext, useContext, useEffect, useMemo, useRef, useState } from "react";
import type { EventChanged, TallyUpdate } from "./contract";
import type { ClientSocket } from "./socket.client";

export type LiveState = "connecting" | "live" | "reconnecting" | "offline";

interface LiveValue {
  state: LiveState;
  /** Goes up after every successful event:join, so pages can re-subscribe to their own rooms. */
  epoch: number;
  socket: ClientSocket | null;
  /** Subscribe to coalesced vote tallies; returns the unsubscribe function. */
  onTallies(listener: (update: TallyUpdate) => void): () => void;
  onChange(listener: (change: EventChanged) => void): () => void;
}

const LiveContext = createContext<LiveValue>({
  state: "connecting",
  epoch: 0,
  socket: null,
  onTallies: () => () => {},
  onChange: () => () => {},
});

export const useLive = () => useContext(LiveContext);

const JOIN_TIMEOUT_MS = 5000;
const REVALIDATE_DEBOUNCE_MS = 80;
const JOIN_RETRY_MS = 5000;

/**
 * Follows one event live. After every (re)connect it joins the event's room
 * and reloads the page data, because broadcasts missed while away are not
 * replayed: the loaders are the snapshot. Changes announced by the server
 * make it reload too, a few at a time.
 *
 * `identityKey` changes when this browser joins or becomes organiser over
 * HTTP; the socket then reconnects so the server sees the new cookie.
 */
export function LiveChannel({
  slug,
  identityKey,
  children,
}: {
  slug: string;
  identityKey: string;
  children: ReactNode;
}) {
  const [state, setState] = useState<LiveState>("connecting");
  const [epoch, setEpoch] = useState(0);
  const [socket, setSocket] = useState<ClientSocket | null>(null);
  const revalidator = useRevalidator();
  const revalidateRef = useRef(revalidator.revalidate);
  revalidateRef.current = revalidator.revalidate;
  const tallyListeners = useRef(new Set<(update: TallyUpdate) => void>());
  const changeListeners = useRef(new Set<(change: EventChanged) => void>());
  const lastIdentity = useRef(identityKey);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const revalidateSoon = () => {
      clearTimeout(timer);
      // A navigation that starts meanwhile aborts the reload (and loads fresh data itself): not an error.
      timer = setTimeout(() => {
        new Promise<void>((resolve) => resolve(revalidateRef.current())).catch(() => {});
      }, REVALIDATE_DEBOUNCE_MS);
    };

    let active: ClientSocket | null = null;
    const onConnect = () => {
      active?.timeout(JOIN_TIMEOUT_MS).emit("event:join", { slug }, (err, result) => {
        if (cancelled) return;
        if (err || !result.ok) {
          setState("reconnecting");
          // A join that timed out may be a half-open socket: start over. A refused one is tried again later.
          if (err) active?.disconnect().connect();
          else retryTimer = setTimeout(onConnect, JOIN_RETRY_MS);
          return;
        }
        setState("live");
        setEpoch((n) => n + 1);
        // The page's data is the snapshot; anything that changed between loading it and joining is fetched now.
        revalidateSoon();
      });
    };
    const onDisconnect = () => !cancelled && setState("reconnecting");
    const onChanged = (change: EventChanged) => {
      for (const listener of changeListeners.current) listener(change);
      revalidateSoon();
    };
    const onTallies = (update: TallyUpdate) => {
      for (const listener of tallyListeners.current) listener(update);
    };
    const onOffline = () => setState("offline");

    import("./socket.client").then(({ getSocket }) => {
      if (cancelled) return;
      active = getSocket();
      setSocket(active);
      active.on("connect", onConnect);
      active.on("disconnect", onDisconnect);
      active.on("event:changed", onChanged);
      active.on("votes:tallies", onTallies);
      window.addEventListener("offline", onOffline);
      if (active.connected) onConnect();
    });

    return () => {
      cancelled = true;
      clearTimeout(timer);
      clearTimeout(retryTimer);
      window.removeEventListener("offline", onOffline);
      if (active) {
        active.off("connect", onConnect);
        active.off("disconnect", onDisconnect);
        active.off("event:changed", onChanged);
        active.off("votes:tallies", onTallies);
      }
    };
  }, [slug]);

  useEffect(() => {
    if (lastIdentity.current === identityKey) return;
    lastIdentity.current = identityKey;
    socket?.disconnect().connect();
  }, [identityKey, socket]);

  const value = useMemo<LiveValue>(
    () => ({
      state,
      epoch,
      socket,
      onTallies(listener) {
        tallyListeners.current.add(listener);
        return () => tallyListeners.current.delete(listener);
      },
      onChange(listener) {
        changeListeners.current.add(listener);
        return () => changeListeners.current.delete(listener);
      },
    }),
    [state, epoch, socket],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

const labels: Record<LiveState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

/** The visible connection state, announced politely when it changes. */
export function LiveIndicator() {
  const { state } = useLive();
  return (
    <span className="live" data-state={state} role="status" aria-live="polite">
      {labels[state]}
    </span>
  );
}
