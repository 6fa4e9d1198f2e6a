import { useEffect, useState } from "react";
import {
  PHOTO_OUTBOX_EVENT,
  type PendingPhoto,
  discardPhoto,
  listPendingPhotos,
  sendWaitingPhotos,
} from "../../realtime/photoOutbox";

/** This event's photos waiting to be sent, read from the outbox whenever it changes; sent again on a backoff. */
function usePendingPhotos(slug: string, pitchId: string) {
  const [pending, setPending] = useState<PendingPhoto[]>([]);
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    const read = async () => {
      const list = await listPendingPhotos(slug).catch(() => []);
      if (!cancelled) setPending(list);
    };
    const trySend = async () => {
      clearTimeout(timer);
      if (cancelled) return;
      const list = await listPendingPhotos(slug).catch(() => []);
      if (!list.some((p) => !p.error)) return;
      const done = await sendWaitingPhotos(slug).catch(() => false);
      attempt = done ? 0 : attempt + 1;
      if (!done && !cancelled) timer = setTimeout(trySend, Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)));
    };
    const onChange = () => void read();
    const onOnline = () => void trySend();
    void read().then(trySend);
    window.addEventListener(PHOTO_OUTBOX_EVENT, onChange);
    window.addEventListener("online", onOnline);
    window.addEventListener("focus", onOnline);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      window.removeEventListener(PHOTO_OUTBOX_EVENT, onChange);
      window.removeEventListener("online", onOnline);
      window.removeEventListener("focus", onOnline);
    };
  }, [slug]);
  return pending.filter((p) => p.pitchId === pitchId);
}

function PendingPreview({ photo }: { photo: PendingPhoto }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const made = URL.createObjectURL(photo.blob);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [photo.blob]);
  return url ? <img src={url} alt={photo.alt} className="photo-thumb" /> : null;
}

/** The photos of this session still in the outbox: "N photos not sent yet", each with its state. */
export default function PendingPhotos({ slug, pitchId }: { slug: string; pitchId: string }) {
  const pending = usePendingPhotos(slug, pitchId);
  const unsent = pending.filter((p) => !p.error).length;
  if (pending.length === 0) return null;
  return (
    <>
      {unsent > 0 ? (
        <p className="badge warn" role="status">
          {unsent} {unsent === 1 ? "photo" : "photos"} not sent yet
        </p>
      ) : null}
      <ul className="photo-list" aria-label="Photos not sent yet">
        {pending.map((photo) => (
          <li key={photo.id} className="pending">
            <figure>
              <PendingPreview photo={photo} />
              <figcaption>
                {photo.alt} <span className="badge warn">{photo.error ? "Not sent" : "Not sent yet"}</span>
              </figcaption>
            </figure>
            {photo.error ? (
              <>
                <p className="form-error">{photo.error}</p>
                <button type="button" className="small secondary" onClick={() => void discardPhoto(slug, photo.id)}>
                  Discard
                </button>
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}
