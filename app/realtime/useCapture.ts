import { useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ItemView, SessionState } from "./contract";
import { useLive } from "./LiveChannel";
import { OUTBOX_EVENT, type PendingItem, readOutbox, updateOutbox } from "./outbox";
import { stampOf } from "./stamp";

export interface ShownItem extends ItemView {
  mine: boolean;
  own?: {
    text: string;
    blocker: string;
    impact: string;
    helped: string;
    saidBy: string;
    saidByConsent: boolean;
    mentionId?: string;
  } | null;
}

const ACK_TIMEOUT_MS = 5000;

/**
 * A session's captured items, live: the loader's list, plus items pushed by
 * the server, plus this browser's outbox for the session ("Not sent yet").
 * The event's outbox sender (LiveChannel) does the sending; an item it gets
 * acknowledged shows here at once as this person's own, editable.
 */
export function useCapture(slug: string, pitchId: string, fromLoader: ShownItem[], photoStamp?: string) {
  const { socket, state, epoch, onAcked } = useLive();
  const stampRef = useRef("");
  // The session's photos as the page shows them (usePhotos): a rejoin that finds others reloads too.
  const photoStampRef = useRef(photoStamp);
  photoStampRef.current = photoStamp;
  const revalidator = useRevalidator();
  const revalidateRef = useRef(revalidator.revalidate);
  revalidateRef.current = revalidator.revalidate;
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

  // The outbox is the truth for what waits: read it now and whenever it changes (this tab or another).
  useEffect(() => {
    const read = () => setPending(readOutbox(slug, pitchId));
    read();
    window.addEventListener(OUTBOX_EVENT, read);
    window.addEventListener("storage", read);
    return () => {
      window.removeEventListener(OUTBOX_EVENT, read);
      window.removeEventListener("storage", read);
    };
  }, [slug, pitchId]);

  useEffect(
    () =>
      onAcked((item, sent) => {
        if (sent.pitchId !== pitchId) return;
        const own = {
          text: sent.text,
          blocker: sent.blocker,
          impact: sent.impact,
          helped: sent.helped,
          saidBy: sent.saidBy,
          saidByConsent: sent.saidByConsent,
          mentionId: sent.mentionId ?? "",
        };
        setUpserts((current) => ({
          ...current,
          [item.id]: { item: { ...item, mine: true, own }, base: baseRef.current },
        }));
      }),
    [onAcked, pitchId],
  );

  // Follow the session after every (re)join. Nothing is replayed, so a page whose items are not
  // those of the stamp (it missed something while away) reloads them; one that missed nothing does not.
  // biome-ignore lint/correctness/useExhaustiveDependencies: epoch marks a new join
  useEffect(() => {
    if (!socket || state !== "live") return;
    socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck("session:watch", { pitchId })
      .then((result) => {
        if (!result.ok) return;
        setViewers(result.viewers);
        const { chathamHouse, notesLocked } = result;
        setSessionState({ state: { pitchId, chathamHouse, notesLocked }, base: baseRef.current });
        const photosMissed = photoStampRef.current !== undefined && result.photoStamp !== photoStampRef.current;
        if (result.stamp !== stampRef.current || photosMissed) {
          new Promise<void>((resolve) => resolve(revalidateRef.current())).catch(() => {});
        }
      })
      .catch(() => {});
  }, [socket, state, epoch, pitchId]);
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

  const enqueue = useCallback(
    (item: PendingItem) => updateOutbox(slug, pitchId, (items) => [...items, item]),
    [slug, pitchId],
  );

  const discard = useCallback(
    (id: string) => updateOutbox(slug, pitchId, (items) => items.filter((p) => p.id !== id)),
    [slug, pitchId],
  );

  /** Changes what an unsent item will say (it keeps its id, so it is still stored once). */
  const editPending = useCallback(
    (id: string, fields: Partial<Pick<PendingItem, "text" | "blocker" | "impact" | "helped">>) =>
      updateOutbox(slug, pitchId, (items) => items.map((p) => (p.id === id ? { ...p, ...fields } : p))),
    [slug, pitchId],
  );

  const items = useMemo(() => {
    const byId = new Map<string, ShownItem>();
    for (const item of fromLoader) byId.set(item.id, item);
    for (const { item, base } of Object.values(upserts)) {
      const known = byId.get(item.id);
      if (known && base !== fromLoader) continue;
      byId.set(item.id, { ...item, mine: known?.mine || item.mine, own: item.own ?? known?.own });
    }
    for (const id of removed) byId.delete(id);
    return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }, [fromLoader, upserts, removed]);

  stampRef.current = stampOf(items);
  const stored = new Set(items.map((i) => i.id));
  const pushedState = sessionState && sessionState.base === fromLoader ? sessionState.state : null;
  return {
    items,
    pending: pending.filter((p) => !stored.has(p.id)),
    viewers,
    enqueue,
    discard,
    editPending,
    /** The Chatham House rule and lock as pushed since the page data, or null. */
    pushedState,
  };
}
