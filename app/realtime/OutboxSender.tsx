import { useEffect } from "react";
import type { ClientSocket } from "./socket.client";
import { type AckedListener, useOutboxSender } from "./useOutboxSender";

/**
 * The outbox sender as a component, loaded by LiveChannel only when it is
 * needed (something queued for the event, or a session page where notes are
 * taken), so the event page and the grid do not download it (issue 9: the
 * pages' 130 KB budget). Acknowledged items go to LiveChannel's listeners.
 */
export default function OutboxSender({
  slug,
  socket,
  live,
  onAcked,
}: {
  slug: string;
  socket: ClientSocket | null;
  live: boolean;
  onAcked: AckedListener;
}) {
  const sender = useOutboxSender(slug, socket, live);
  useEffect(() => sender.onAcked(onAcked), [sender.onAcked, onAcked]);
  return null;
}
