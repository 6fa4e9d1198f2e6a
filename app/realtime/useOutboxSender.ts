import { useCallback, useEffect, useRef } from "react";
import type { ItemView } from "./contract";
import { OUTBOX_EVENT, type PendingItem, readEventOutbox, retryDelay, sameContent, updateOutbox } from "./outbox";
import type { ClientSocket } from "./socket.client";

const ACK_TIMEOUT_MS = 5000;

export type AckedListener = (item: ItemView, sent: PendingItem) => void;

/**
 * Empties the event's outboxes (every session) over the socket, whatever the
 * browser says about being online: at once when the channel is live, when the
 * browser comes back online, gets focus or becomes visible, when something is
 * queued, and on a backoff timer while anything waits. A missed
 * acknowledgement means the connection cannot be trusted (half-open sockets
 * are common on venue Wi-Fi): the socket is reconnected and the item sent
 * again with the same id on the new connection, which the server stores once.
 */
export function useOutboxSender(slug: string, socket: ClientSocket | null, live: boolean) {
  const ackedListeners = useRef(new Set<AckedListener>());
  const sending = useRef(false);
  const attempt = useRef(0);
  const liveRef = useRef(live);
  liveRef.current = live;

  const flush = useCallback(async () => {
    if (!socket || !liveRef.current || sending.current) return;
    sending.current = true;
    try {
      for (const item of readEventOutbox(slug).filter((p) => !p.error)) {
        if (item.stored) {
          if (!(await sendEdit(slug, item))) return;
          continue;
        }
        const { queuedAt: _queuedAt, error: _error, stored: _stored, ...payload } = item;
        let result: Awaited<ReturnType<typeof socket.emitWithAck<"item:add">>>;
        try {
          result = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("item:add", payload);
        } catch {
          attempt.current++;
          socket.disconnect().connect();
          return;
        }
        if (result.ok) {
          attempt.current = 0;
          let current: PendingItem | undefined;
          updateOutbox(slug, item.pitchId, (items) => {
            current = items.find((p) => p.id === item.id);
            // Edited while on its way: what was stored is the old text, so the edit goes next.
            if (current && !sameContent(current, item))
              return items.map((p) => (p === current ? { ...p, stored: true } : p));
            return items.filter((p) => p.id !== item.id);
          });
          for (const listener of ackedListeners.current) listener(result.item, item);
        } else if (/^Slow down/.test(result.error)) {
          attempt.current++;
          return;
        } else {
          updateOutbox(slug, item.pitchId, (items) =>
            items.map((p) => (p.id === item.id ? { ...p, error: result.error } : p)),
          );
        }
      }
    } finally {
      sending.current = false;
    }
  }, [slug, socket]);

  // At once when the channel is (back) live.
  useEffect(() => {
    if (live) void flush();
  }, [live, flush]);

  // When something is queued, the network comes back, or the person returns to the page.
  useEffect(() => {
    const now = () => void flush();
    const onVisible = () => document.visibilityState === "visible" && now();
    window.addEventListener(OUTBOX_EVENT, now);
    window.addEventListener("online", now);
    window.addEventListener("focus", now);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      window.removeEventListener(OUTBOX_EVENT, now);
      window.removeEventListener("online", now);
      window.removeEventListener("focus", now);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [flush]);

  // While anything waits, try again on a backoff, whatever the browser reports.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      if (readEventOutbox(slug).some((p) => !p.error)) {
        if (!liveRef.current && socket && !socket.connected) socket.connect();
        void flush();
      }
      timer = setTimeout(tick, retryDelay(attempt.current));
    };
    timer = setTimeout(tick, retryDelay(0));
    return () => clearTimeout(timer);
  }, [slug, socket, flush]);

  const onAcked = useCallback((listener: AckedListener) => {
    ackedListeners.current.add(listener);
    return () => {
      ackedListeners.current.delete(listener);
    };
  }, []);

  return { flush, onAcked };
}

/**
 * An edit of an item that is already stored, over HTTP as the edit form posts
 * it. True when it is done with (saved, or refused and marked); false to try later.
 */
async function sendEdit(slug: string, item: PendingItem): Promise<boolean> {
  const body = new URLSearchParams({
    intent: "edit",
    id: item.id,
    kind: item.kind,
    text: item.text,
    blocker: item.blocker,
    impact: item.impact,
    helped: item.helped,
    saidBy: item.saidBy,
    mentionId: item.mentionId ?? "",
  });
  if (item.saidByConsent) body.set("saidByConsent", "on");
  let response: Response;
  try {
    response = await fetch(`/e/${encodeURIComponent(slug)}/s/${encodeURIComponent(item.pitchId)}.data`, {
      method: "POST",
      body,
    });
  } catch {
    return false;
  }
  if (response.status === 429 || response.status >= 500) return false;
  updateOutbox(slug, item.pitchId, (items) =>
    response.ok
      ? items.filter((p) => p.id !== item.id)
      : items.map((p) => (p.id === item.id ? { ...p, error: "This edit was not saved. Copy it and try again." } : p)),
  );
  return true;
}
