import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ItemView, SessionState } from "./contract";
import { useLive } from "./LiveChannel";
import { type PendingItem, readOutbox, writeOutbox } from "./outbox";

export interface ShownItem extends ItemView {
  mine: boolean;
  own?: {
    text: string;
    blocker: string;
    impact: string;
    helped: string;
    saidBy: string;
    saidByConsent: boolean;
  } | null;
}

const ACK_TIMEOUT_MS = 5000;
const RETRY_MS = 4000;

/**
 * A session's captured items, live: the loader's list, plus items pushed by
 * the server, plus this browser's outbox ("Not sent yet"). The outbox is sent
 * over the socket whenever the event channel is live; an acknowledgement that
 * times out means the connection cannot be trusted (half-open sockets are
 * common on venue Wi-Fi), so the socket is reconnected and the item re-sent
 * with the same id.
 */
export function useCapture(slug: string, pitchId: string, fromLoader: ShownItem[]) {
  const { socket, state, epoch } = useLive();
  const [pending, setPending] = useState<PendingItem[]>([]);
  // Each pushed item remembers which page data it arrived on top of: once fresher page data holds
  // the same item, the page data wins (it reflects later changes such as the Chatham House rule).
  const [upserts, setUpserts] = useState<Record<string, { item: ShownItem; base: ShownItem[] }>>({});
  const baseRef = useRef(fromLoader);
  baseRef.current = fromLoader;
  const [removed, setRemoved] = useState<Set<string>>(new Set());
  const [viewers, setViewers] = useState<number | null>(null);
  // The rule and lock as last pushed, over the page data they arrived on (fresher page data wins).
  const [sessionState, setSessionState] = useState<{ state: SessionState; base: ShownItem[] } | null>(null);
  const flushing = useRef(false);
  const pendingRef = useRef<PendingItem[]>([]);

  const savePending = useCallback(
    (next: PendingItem[]) => {
      pendingRef.current = next;
      setPending(next);
      writeOutbox(slug, pitchId, next);
    },
    [slug, pitchId],
  );

  useEffect(() => {
    const stored = readOutbox(slug, pitchId);
    pendingRef.current = stored;
    setPending(stored);
  }, [slug, pitchId]);

  const flush = useCallback(async () => {
    if (!socket || state !== "live" || flushing.current) return;
    flushing.current = true;
    try {
      for (const item of pendingRef.current.filter((p) => !p.error)) {
        const { queuedAt: _queuedAt, error: _error, ...payload } = item;
        let result: Awaited<ReturnType<typeof socket.emitWithAck<"item:add">>>;
        try {
          result = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("item:add", payload);
        } catch {
          socket.disconnect().connect();
          return;
        }
        if (result.ok) {
          setUpserts((current) => ({
            ...current,
            [item.id]: { item: { ...result.item, mine: true }, base: baseRef.current },
          }));
          savePending(pendingRef.current.filter((p) => p.id !== item.id));
        } else if (/^Slow down/.test(result.error)) {
          return;
        } else {
          savePending(pendingRef.current.map((p) => (p.id === item.id ? { ...p, error: result.error } : p)));
        }
      }
    } finally {
      flushing.current = false;
    }
  }, [socket, state, savePending]);

  // Follow the session after every (re)join, then send what waits.
  // biome-ignore lint/correctness/useExhaustiveDependencies: epoch marks a new join
  useEffect(() => {
    if (!socket || state !== "live") return;
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck("session:watch", { pitchId })
      .then((result) => {
        if (result.ok) setViewers(result.viewers);
      })
      .catch(() => {});
    void flush();
  }, [socket, state, epoch, pitchId, flush]);

  useEffect(() => {
    if (!socket) return;
    const onUpsert = (u: { pitchId: string; item: ItemView }) => {
      if (u.pitchId !== pitchId) return;
      setUpserts((current) => ({
        ...current,
        [u.item.id]: { item: { ...u.item, mine: current[u.item.id]?.item.mine ?? false }, base: baseRef.current },
      }));
    };
    const onRemoved = (u: { pitchId: string; itemId: string }) => {
      if (u.pitchId === pitchId) setRemoved((current) => new Set(current).add(u.itemId));
    };
    const onPresence = (u: { pitchId: string; viewers: number }) => {
      if (u.pitchId === pitchId) setViewers(u.viewers);
    };
    const onState = (u: SessionState) => {
      if (u.pitchId !== pitchId) return;
      setSessionState({ state: u, base: baseRef.current });
      const items = u.items;
      if (!items) return;
      setUpserts((current) => {
        const next = { ...current };
        for (const item of items) {
          next[item.id] = { item: { ...item, mine: current[item.id]?.item.mine ?? false }, base: baseRef.current };
        }
        return next;
      });
    };
    socket.on("session:state", onState);
    socket.on("item:upserted", onUpsert);
    socket.on("item:removed", onRemoved);
    socket.on("session:presence", onPresence);
    return () => {
      socket.off("session:state", onState);
      socket.off("item:upserted", onUpsert);
      socket.off("item:removed", onRemoved);
      socket.off("session:presence", onPresence);
    };
  }, [socket, pitchId]);

  // While something waits, keep trying (a rate limit or a lost connection clears by itself).
  useEffect(() => {
    if (!pending.some((p) => !p.error)) return;
    const timer = setInterval(() => void flush(), RETRY_MS);
    return () => clearInterval(timer);
  }, [pending, flush]);

  const enqueue = useCallback(
    (item: PendingItem) => {
      savePending([...pendingRef.current, item]);
      void flush();
    },
    [savePending, flush],
  );

  const discard = useCallback(
    (id: string) => savePending(pendingRef.current.filter((p) => p.id !== id)),
    [savePending],
  );

  const items = useMemo(() => {
    const byId = new Map<string, ShownItem>();
    for (const item of fromLoader) byId.set(item.id, item);
    for (const { item, base } of Object.values(upserts)) {
      const known = byId.get(item.id);
      if (known && base !== fromLoader) continue;
      byId.set(item.id, { ...item, mine: known?.mine || item.mine, own: known?.own });
    }
    for (const id of removed) byId.delete(id);
    return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }, [fromLoader, upserts, removed]);

  const stored = new Set(items.map((i) => i.id));
  const pushedState = sessionState && sessionState.base === fromLoader ? sessionState.state : null;
  return {
    items,
    pending: pending.filter((p) => !stored.has(p.id)),
    viewers,
    enqueue,
    discard,
    /** The Chatham House rule and lock as pushed since the page data, or null. */
    pushedState,
  };
}
