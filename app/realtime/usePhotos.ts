import { useEffect, useMemo, useState } from "react";
import type { PhotoView } from "./contract";
import { useLive } from "./LiveChannel";
import { photoStampOf } from "./stamp";

export interface ShownPhoto extends PhotoView {
  /** Added by this person: they may remove it. */
  mine: boolean;
}

/** The photo outbox's acknowledgement event (photoOutbox.ts), named here so this hook does not load that module. */
const PHOTO_ACKED_EVENT = "unconf:photo-acked";

/**
 * A session's photos, live: the loader's list, plus photos pushed since
 * (`photo:added`), minus removed ones (`photo:removed`); this person's own
 * uploads are marked theirs as soon as the server stores them.
 */
export function usePhotos(pitchId: string, fromLoader: ShownPhoto[]) {
  const { socket } = useLive();
  const [added, setAdded] = useState<Record<string, { photo: ShownPhoto; base: ShownPhoto[] }>>({});
  const [removed, setRemoved] = useState<Set<string>>(new Set());

  useEffect(() => {
    const onAcked = (event: Event) => {
      const detail = (event as CustomEvent<{ pitchId: string; photo: PhotoView }>).detail;
      if (detail?.pitchId !== pitchId) return;
      setAdded((current) => ({ ...current, [detail.photo.id]: { photo: { ...detail.photo, mine: true }, base: [] } }));
    };
    window.addEventListener(PHOTO_ACKED_EVENT, onAcked);
    return () => window.removeEventListener(PHOTO_ACKED_EVENT, onAcked);
  }, [pitchId]);

  useEffect(() => {
    if (!socket) return;
    const onAdded = (u: { pitchId: string; photo: PhotoView }) => {
      if (u.pitchId !== pitchId) return;
      setAdded((current) => ({
        ...current,
        [u.photo.id]: { photo: { ...u.photo, mine: current[u.photo.id]?.photo.mine ?? false }, base: [] },
      }));
    };
    const onRemoved = (u: { pitchId: string; photoId: string }) => {
      if (u.pitchId === pitchId) setRemoved((current) => new Set(current).add(u.photoId));
    };
    socket.on("photo:added", onAdded);
    socket.on("photo:removed", onRemoved);
    return () => {
      socket.off("photo:added", onAdded);
      socket.off("photo:removed", onRemoved);
    };
  }, [socket, pitchId]);

  const photos = useMemo(() => {
    const byId = new Map<string, ShownPhoto>();
    for (const photo of fromLoader) byId.set(photo.id, photo);
    for (const { photo } of Object.values(added)) {
      const known = byId.get(photo.id);
      byId.set(photo.id, { ...photo, mine: Boolean(known?.mine || photo.mine) });
    }
    for (const id of removed) byId.delete(id);
    return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }, [fromLoader, added, removed]);

  /** Forget a photo at once (this person removed it; the push follows). */
  const forget = (id: string) => setRemoved((current) => new Set(current).add(id));

  return { photos, stamp: photoStampOf(photos.map((p) => p.id)), forget };
}
