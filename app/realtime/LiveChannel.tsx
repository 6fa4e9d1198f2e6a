import { Link, useMatches } from "@remix-run/react";
import {
  type ReactNode,
  Suspense,
  createContext,
  lazy,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import type { GoingUpdate, TallyUpdate } from "./contract";
import {
  type LiveEvent,
  applyEventPatch,
  applyGoing,
  applyTallies,
  stepFor,
  withConflicts,
  withMyGoing,
  withMyVote,
} from "./eventState";
import type { EventFacts, EventPatchPush, GoingCount, GoingMark } from "./facts";
import { OUTBOX_EVENT, readEventOutbox, unsentCount, unsentText } from "./outbox";
import type { ClientSocket } from "./socket.client";
import type { AckedListener } from "./useOutboxSender";

/** Loaded when needed: something queued for this event, or a session page (where notes are taken). */
const OutboxSender = lazy(() => import("./OutboxSender"));
/** The session page's route id (app/routes/e.$slug.s.$sessionId.tsx). */
const SESSION_ROUTE = "routes/e.$slug.s.$sessionId";

export type LiveState = "connecting" | "live" | "reconnecting" | "offline";

interface LiveValue {
  state: LiveState;
  /** Goes up after every successful event:join, so pages can re-subscribe to their own rooms. */
  epoch: number;
  socket: ClientSocket | null;
  /** The event as this page shows it: the snapshot plus every push since. */
  event: LiveEvent | null;
  /** Record this viewer's own acknowledged vote (its ack is the only news of it). */
  setMyVote(pitchId: string, voted: boolean): void;
  /** Record this viewer's own "I'm going" marks and the session's counts from an ack. */
  setMyGoing(marks: GoingMark[], counts?: { pitchId: string; counts: GoingCount }): void;
  /** Called after each applied push (the organiser console reloads its own data). */
  onPatch(listener: () => void): () => void;
  /** Called when the outbox sender got an item acknowledged (its own page shows it at once, editable). */
  onAcked(listener: AckedListener): () => void;
}

const LiveContext = createContext<LiveValue>({
  state: "connecting",
  epoch: 0,
  socket: null,
  event: null,
  setMyVote: () => {},
  setMyGoing: () => {},
  onPatch: () => () => {},
  onAcked: () => () => {},
});

export const useLive = () => useContext(LiveContext);

/** The event state; only inside an event's pages. */
export function useLiveEvent(): LiveEvent {
  const { event } = useLive();
  if (!event) throw new Error("useLiveEvent outside an event's LiveChannel");
  return event;
}

const JOIN_TIMEOUT_MS = 5000;
const JOIN_RETRY_MS = 5000;
/** Spreads refetches after a gap, and joins after a server restart, so a full hall does not arrive at once. */
const GAP_JITTER_MS = 1000;
const JOIN_JITTER_MS = 1500;
const REFETCH_RETRY_MS = 3000;

const jitter = (max: number) => Math.floor(Math.random() * max);

/**
 * Follows one event live. The page starts from the loader's snapshot; each
 * `event:patch` push carries one committed change, applied in version order.
 * Only a page that missed a version (or rejoins at another version) refetches
 * its snapshot, once, after a random delay. Tallies arrive coalesced.
 *
 * `identityKey` changes when this browser joins or becomes organiser over
 * HTTP; the socket then reconnects so the server sees the new cookie.
 */
export function LiveChannel({
  slug,
  identityKey,
  snapshot,
  children,
}: {
  slug: string;
  identityKey: string;
  snapshot: LiveEvent;
  children: ReactNode;
}) {
  const [state, setState] = useState<LiveState>("connecting");
  const [epoch, setEpoch] = useState(0);
  const [socket, setSocket] = useState<ClientSocket | null>(null);
  const [event, setEvent] = useState<LiveEvent>(snapshot);
  const eventRef = useRef(event);
  eventRef.current = event;
  const patchListeners = useRef(new Set<() => void>());
  const lastIdentity = useRef(identityKey);
  // The first join, and the one after this person's own join or organiser link, go at once; only
  // rejoins after a drop (a server restart: everyone at once) wait a random moment.
  const joinAtOnce = useRef(true);
  const lastSnapshot = useRef(snapshot);

  // Fresh loader data (after this viewer's own action, or a navigation): newer facts win, personal parts always.
  if (lastSnapshot.current !== snapshot) {
    lastSnapshot.current = snapshot;
    const current = eventRef.current;
    const next =
      snapshot.facts.version >= current.facts.version ? snapshot : { ...current, personal: snapshot.personal };
    eventRef.current = next;
    setEvent(next);
  }

  useEffect(() => {
    let cancelled = false;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let refetchTimer: ReturnType<typeof setTimeout> | undefined;
    let joinTimer: ReturnType<typeof setTimeout> | undefined;
    let refetching = false;
    let buffered: EventPatchPush[] = [];
    const controller = new AbortController();
    joinAtOnce.current = true;

    const commit = (next: LiveEvent) => {
      eventRef.current = next;
      setEvent(next);
    };

    const applyInOrder = (pushes: EventPatchPush[]): boolean => {
      let current = eventRef.current;
      let applied = false;
      for (const push of [...pushes].sort((a, b) => a.version - b.version)) {
        const step = stepFor(current.facts.version, push.version);
        if (step === "stale") continue;
        if (step === "gap") {
          if (applied) commit(current);
          return false;
        }
        current = applyEventPatch(current, push.patch, push.version);
        applied = true;
      }
      if (applied) {
        commit(current);
        for (const listener of patchListeners.current) listener();
      }
      return true;
    };

    const refetch = (delay: number) => {
      if (refetching) return;
      refetching = true;
      refetchTimer = setTimeout(async () => {
        try {
          const response = await fetch(`/e/${encodeURIComponent(slug)}/state.json`, {
            headers: { Accept: "application/json" },
            signal: controller.signal,
          });
          if (!response.ok) throw new Error(`state.json answered ${response.status}`);
          const { eventSnapshot } = await import("./facts");
          const fresh = eventSnapshot.parse(await response.json());
          if (cancelled) return;
          refetching = false;
          const pending = buffered;
          buffered = [];
          commit(fresh.facts.version >= eventRef.current.facts.version ? fresh : eventRef.current);
          for (const listener of patchListeners.current) listener();
          if (!applyInOrder(pending)) refetch(jitter(GAP_JITTER_MS));
        } catch {
          // Aborted because the page went away, or the network is down: try again later if still here.
          if (cancelled) return;
          refetching = false;
          refetch(REFETCH_RETRY_MS + jitter(GAP_JITTER_MS));
        }
      }, delay);
    };

    let active: ClientSocket | null = null;
    const join = () => {
      active?.timeout(JOIN_TIMEOUT_MS).emit("event:join", { slug }, (err, result) => {
        if (cancelled) return;
        if (err || !result.ok) {
          setState("reconnecting");
          // A join that timed out may be a half-open socket: start over. A refused one is tried again later.
          if (err) active?.disconnect().connect();
          else retryTimer = setTimeout(join, JOIN_RETRY_MS);
          return;
        }
        setState("live");
        setEpoch((n) => n + 1);
        // Load the push parser now, not on the first push (when every phone would ask for it at once).
        void import("./facts");
        if (result.version !== eventRef.current.facts.version) {
          refetch(jitter(GAP_JITTER_MS));
        } else {
          commit({ ...eventRef.current, tallies: result.tallies ?? eventRef.current.tallies, going: result.going });
        }
      });
    };
    // The first join goes at once; a rejoin (after a drop or a server restart) waits a random moment.
    const onConnect = () => {
      clearTimeout(joinTimer);
      if (joinAtOnce.current) {
        joinAtOnce.current = false;
        join();
      } else {
        joinTimer = setTimeout(join, jitter(JOIN_JITTER_MS));
      }
    };
    const onDisconnect = () => !cancelled && setState("reconnecting");
    const onPatch = async (raw: unknown) => {
      const { eventPatchPush } = await import("./facts");
      const parsed = eventPatchPush.safeParse(raw);
      if (cancelled || !parsed.success || parsed.data.eventId !== eventRef.current.facts.eventId) return;
      if (refetching) {
        buffered.push(parsed.data);
        return;
      }
      if (!applyInOrder([parsed.data])) {
        buffered.push(parsed.data);
        refetch(jitter(GAP_JITTER_MS));
      }
    };
    const onTallies = (update: TallyUpdate) => {
      if (update.eventId !== eventRef.current.facts.eventId) return;
      commit({ ...eventRef.current, tallies: applyTallies(eventRef.current.tallies, update.tallies) });
    };
    const onConflicts = (update: { eventId: string; version: number; conflicts: EventFacts["conflicts"] }) => {
      if (update.eventId !== eventRef.current.facts.eventId) return;
      commit(withConflicts(eventRef.current, update.version, update.conflicts));
    };
    const onMentions = ({ count }: { count: number }) => {
      const current = eventRef.current;
      commit({ ...current, personal: { ...current.personal, mentions: count } });
    };
    const onInvitations = ({ count }: { count: number }) => {
      const current = eventRef.current;
      commit({ ...current, personal: { ...current.personal, invitations: count } });
    };
    const onGoing = (update: GoingUpdate) => {
      if (update.eventId !== eventRef.current.facts.eventId) return;
      commit({ ...eventRef.current, going: applyGoing(eventRef.current.going, update.counts) });
    };
    const onMyGoing = (update: { eventId: string; marks: GoingMark[] }) => {
      const current = eventRef.current;
      if (update.eventId !== current.facts.eventId) return;
      commit({ ...current, personal: withMyGoing(current.personal, update.marks) });
    };
    const onOffline = () => setState("offline");
    // Back online: the old connection may be half-open and never say so. Start a fresh one and rejoin.
    const onOnline = () => {
      if (cancelled || !active) return;
      setState("reconnecting");
      active.disconnect().connect();
    };

    import("./socket.client").then(({ getSocket }) => {
      if (cancelled) return;
      active = getSocket();
      setSocket(active);
      active.on("connect", onConnect);
      active.on("disconnect", onDisconnect);
      active.on("event:patch", onPatch);
      active.on("votes:tallies", onTallies);
      active.on("mentions:count", onMentions);
      active.on("cohost:invitations", onInvitations);
      active.on("going:counts", onGoing);
      active.on("going:mine", onMyGoing);
      active.on("grid:conflicts", onConflicts);
      window.addEventListener("offline", onOffline);
      window.addEventListener("online", onOnline);
      if (active.connected) onConnect();
    });

    return () => {
      cancelled = true;
      controller.abort();
      clearTimeout(retryTimer);
      clearTimeout(refetchTimer);
      clearTimeout(joinTimer);
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("online", onOnline);
      if (active) {
        active.off("connect", onConnect);
        active.off("disconnect", onDisconnect);
        active.off("event:patch", onPatch);
        active.off("votes:tallies", onTallies);
        active.off("mentions:count", onMentions);
        active.off("cohost:invitations", onInvitations);
        active.off("going:counts", onGoing);
        active.off("going:mine", onMyGoing);
        active.off("grid:conflicts", onConflicts);
      }
    };
  }, [slug]);

  useEffect(() => {
    if (lastIdentity.current === identityKey) return;
    lastIdentity.current = identityKey;
    joinAtOnce.current = true;
    socket?.disconnect().connect();
  }, [identityKey, socket]);

  // The outbox sender, once needed: on a session page, or as soon as anything of this event is queued.
  const onSessionPage = useMatches().some((m) => m.id === SESSION_ROUTE);
  // Never during hydration (a lazy component there suspends a boundary the server did not render): after it.
  const [senderNeeded, setSenderNeeded] = useState(false);
  useEffect(() => {
    if (senderNeeded) return;
    const check = () => {
      if (onSessionPage || readEventOutbox(slug).length > 0) setSenderNeeded(true);
    };
    check();
    window.addEventListener(OUTBOX_EVENT, check);
    window.addEventListener("storage", check);
    return () => {
      window.removeEventListener(OUTBOX_EVENT, check);
      window.removeEventListener("storage", check);
    };
  }, [slug, onSessionPage, senderNeeded]);
  const ackedListeners = useRef(new Set<AckedListener>());
  const onAcked = useCallback((listener: AckedListener) => {
    ackedListeners.current.add(listener);
    return () => {
      ackedListeners.current.delete(listener);
    };
  }, []);
  const acked = useCallback<AckedListener>((item, sent) => {
    for (const listener of ackedListeners.current) listener(item, sent);
  }, []);

  const value = useMemo<LiveValue>(
    () => ({
      state,
      epoch,
      socket,
      event,
      setMyVote(pitchId, voted) {
        const current = eventRef.current;
        const personal = withMyVote(current.personal, pitchId, voted);
        if (personal === current.personal) return;
        eventRef.current = { ...current, personal };
        setEvent(eventRef.current);
      },
      setMyGoing(marks, counts) {
        const current = eventRef.current;
        eventRef.current = {
          ...current,
          personal: withMyGoing(current.personal, marks),
          going: counts ? applyGoing(current.going, { [counts.pitchId]: counts.counts }) : current.going,
        };
        setEvent(eventRef.current);
      },
      onPatch(listener) {
        patchListeners.current.add(listener);
        return () => patchListeners.current.delete(listener);
      },
      onAcked,
    }),
    [state, epoch, socket, event, onAcked],
  );
  return (
    <LiveContext.Provider value={value}>
      {children}
      {senderNeeded ? (
        <Suspense fallback={null}>
          <OutboxSender slug={slug} socket={socket} live={state === "live"} onAcked={acked} />
        </Suspense>
      ) : null}
    </LiveContext.Provider>
  );
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

/** "N notes not sent yet" in the header of every page of the event, until the outbox is empty. */
export function UnsentNotes({ slug }: { slug: string }) {
  const [count, setCount] = useState(0);
  useEffect(() => {
    const read = () => setCount(unsentCount(readEventOutbox(slug)));
    read();
    window.addEventListener(OUTBOX_EVENT, read);
    window.addEventListener("storage", read);
    return () => {
      window.removeEventListener(OUTBOX_EVENT, read);
      window.removeEventListener("storage", read);
    };
  }, [slug]);
  return (
    <span className="unsent" role="status" aria-live="polite">
      {count > 0 ? unsentText(count) : ""}
    </span>
  );
}

/** "Co-host invitations (N)": on every page of the event for someone invited to co-host, until they answer. */
export function InvitationsLink({ slug }: { slug: string }) {
  const { event } = useLive();
  const count = event?.personal.invitations ?? 0;
  if (!event?.personal.attendee || count === 0) return null;
  return (
    <Link className="mentions-link" to={`/e/${slug}/me#invitations`}>
      Co-host invitations ({count})
    </Link>
  );
}

/** "Your mentions (N)": on every page of the event for someone named in notes, to give or withhold consent. */
export function MentionsLink({ slug }: { slug: string }) {
  const { event } = useLive();
  const count = event?.personal.mentions ?? 0;
  if (!event?.personal.attendee || count === 0) return null;
  return (
    <Link className="mentions-link" to={`/e/${slug}/me`}>
      Your mentions ({count})
    </Link>
  );
}
