import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import type { PendingPhoto } from "../../realtime/photoOutbox";
import type { ShownPhoto } from "../../realtime/usePhotos";
import { PHOTO_ALT_MAX } from "../../schemas/photo";
import { ConfirmDetails } from "../ConfirmDetails";

type Outbox = typeof import("../../realtime/photoOutbox");

/** The photo outbox (IndexedDB, uploads) loads only when a photo is added or some wait: the session page stays light. */
let outboxModule: Promise<Outbox> | null = null;
const loadOutbox = () => {
  outboxModule ??= import("../../realtime/photoOutbox");
  return outboxModule;
};

const OUTBOX_EVENT = "unconf:photo-outbox";
const waitingKey = (slug: string) => `unconf:photos-waiting:${slug}`;

function newPhotoId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** This event's photos waiting to be sent, read from the outbox whenever it changes; sent again on a backoff. */
function usePendingPhotos(slug: string, pitchId: string) {
  const [pending, setPending] = useState<PendingPhoto[]>([]);
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    const read = async () => {
      let waiting = false;
      try {
        waiting = Number(window.localStorage.getItem(waitingKey(slug)) ?? 0) > 0;
      } catch {
        waiting = true;
      }
      if (!waiting && !outboxModule) {
        setPending([]);
        return;
      }
      const outbox = await loadOutbox();
      const list = await outbox.listPendingPhotos(slug).catch(() => []);
      if (!cancelled) setPending(list);
    };
    const trySend = async () => {
      clearTimeout(timer);
      const outbox = outboxModule ? await outboxModule : null;
      if (!outbox || cancelled) return;
      const list = await outbox.listPendingPhotos(slug).catch(() => []);
      if (!list.some((p) => !p.error)) return;
      const done = await outbox.sendWaitingPhotos(slug).catch(() => false);
      attempt = done ? 0 : attempt + 1;
      if (!done && !cancelled) timer = setTimeout(trySend, Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)));
    };
    const onChange = () => void read();
    const onOnline = () => void trySend();
    void read().then(trySend);
    window.addEventListener(OUTBOX_EVENT, onChange);
    window.addEventListener("online", onOnline);
    window.addEventListener("focus", onOnline);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      window.removeEventListener(OUTBOX_EVENT, onChange);
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

/**
 * The session's photos: a live list of thumbnails (each links to its web
 * size, with the uploader's description as alt text), "Add photo" with
 * "Describe the photo", and the photos still waiting to be sent. Works
 * without JavaScript as a plain multipart form.
 */
export function Photos({
  slug,
  pitchId,
  photos,
  canAdd,
  canModerate,
  lockedNote,
  fallbackId,
  onRemoved,
}: {
  slug: string;
  pitchId: string;
  photos: ShownPhoto[];
  canAdd: boolean;
  canModerate: boolean;
  lockedNote: string | null;
  fallbackId: string;
  onRemoved: (id: string) => void;
}) {
  const base = `/e/${slug}/s/${pitchId}/photos`;
  const pending = usePendingPhotos(slug, pitchId);
  const unsent = pending.filter((p) => !p.error).length;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const onSubmit = useCallback(
    async (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      const form = event.currentTarget;
      const data = new FormData(form);
      const file = data.get("photo");
      const alt = String(data.get("alt") ?? "").trim();
      if (!(file instanceof Blob) || file.size === 0)
        return setError("Choose a photo first (take one, or pick a file).");
      if (!alt) return setError("Describe the photo: say what it shows, for people who cannot see it.");
      setError(null);
      setBusy(true);
      try {
        const outbox = await loadOutbox();
        const result = await outbox.addPhoto({
          id: newPhotoId(),
          slug,
          pitchId,
          alt,
          blob: file,
          fileName: (file as File).name ?? "photo.jpg",
        });
        if (result.ok || result.kept) form.reset();
        else setError(result.error);
      } catch {
        setError("This browser could not keep the photo. Try again, or use the form without JavaScript.");
      } finally {
        setBusy(false);
      }
    },
    [slug, pitchId],
  );

  const remove = async (event: FormEvent<HTMLFormElement>, id: string) => {
    event.preventDefault();
    const body = new URLSearchParams({ intent: "remove", id });
    const response = await fetch(base, { method: "POST", body, headers: { Accept: "application/json" } }).catch(
      () => null,
    );
    if (response?.ok) onRemoved(id);
    else setError(response ? ((await response.json().catch(() => null))?.error ?? "Not removed.") : "No connection.");
  };

  return (
    <section className="card photos" aria-labelledby="photos-heading">
      <h2 id="photos-heading">Photos</h2>
      {unsent > 0 ? (
        <p className="badge warn" role="status">
          {unsent} {unsent === 1 ? "photo" : "photos"} not sent yet
        </p>
      ) : null}
      {photos.length || pending.length ? (
        <ul className="photo-list" aria-label="Photos">
          {photos.map((photo) => (
            <li key={photo.id}>
              <figure>
                <a href={`/e/${slug}/photos/${photo.id}.jpg`}>
                  <img
                    src={`/e/${slug}/photos/${photo.id}.thumb.jpg`}
                    alt={photo.alt}
                    width={photo.thumbWidth}
                    height={photo.thumbHeight}
                    loading="lazy"
                    className="photo-thumb"
                  />
                </a>
                <figcaption>{photo.alt}</figcaption>
              </figure>
              {photo.mine || canModerate ? (
                <ConfirmDetails
                  label="Remove"
                  name={`Remove photo: ${photo.alt}`}
                  question="Remove this photo for everyone?"
                >
                  <form method="post" action={base} onSubmit={(event) => void remove(event, photo.id)}>
                    <input type="hidden" name="intent" value="remove" />
                    <input type="hidden" name="id" value={photo.id} />
                    <button type="submit" className="small danger">
                      Yes, remove it
                    </button>
                  </form>
                </ConfirmDetails>
              ) : null}
            </li>
          ))}
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
                  <button
                    type="button"
                    className="small secondary"
                    onClick={() => void loadOutbox().then((o) => o.discardPhoto(slug, photo.id))}
                  >
                    Discard
                  </button>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No photos yet.</p>
      )}
      {canAdd ? (
        <form
          ref={formRef}
          method="post"
          action={base}
          encType="multipart/form-data"
          className="photo-form"
          onSubmit={(event) => void onSubmit(event)}
        >
          <input type="hidden" name="intent" value="add" />
          <input type="hidden" name="id" value={fallbackId} />
          <div className="field">
            <label htmlFor="photo-file">Photo</label>
            <input id="photo-file" type="file" name="photo" accept="image/*" required aria-describedby="photo-hint" />
            <p className="hint" id="photo-hint">
              Take a picture or choose one (JPEG, PNG, WebP, AVIF; HEIC only if the phone shares it as JPEG). Location
              and camera details are removed.
            </p>
          </div>
          <div className="field">
            <label htmlFor="photo-alt">Describe the photo</label>
            <input id="photo-alt" type="text" name="alt" required maxLength={PHOTO_ALT_MAX} autoComplete="off" />
          </div>
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" disabled={busy}>
            Add photo
          </button>
        </form>
      ) : lockedNote ? (
        <p className="muted">{lockedNote}</p>
      ) : null}
    </section>
  );
}
