import { type FormEvent, Suspense, lazy, useCallback, useEffect, useState } from "react";
import type { ShownPhoto } from "../../realtime/usePhotos";
import { limits } from "../../schemas/limits";
import { ConfirmDetails } from "../ConfirmDetails";

/**
 * The photo outbox (IndexedDB, uploads) and the list of photos waiting in it
 * load only when a photo is added or some wait: the session page stays light.
 */
const PendingPhotos = lazy(() => import("./PendingPhotos"));
const loadOutbox = () => import("../../realtime/photoOutbox");
const waitingKey = (slug: string) => `unconf:photos-waiting:${slug}`;

function newPhotoId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
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
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Photos waiting from an earlier visit (a hint kept by the outbox), or one added now: show the outbox.
  const [outboxShown, setOutboxShown] = useState(false);
  useEffect(() => {
    try {
      if (Number(window.localStorage.getItem(waitingKey(slug)) ?? 0) > 0) setOutboxShown(true);
    } catch {
      setOutboxShown(true);
    }
  }, [slug]);

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
      setOutboxShown(true);
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
      {outboxShown ? (
        <Suspense fallback={null}>
          <PendingPhotos slug={slug} pitchId={pitchId} />
        </Suspense>
      ) : null}
      {photos.length ? (
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
        </ul>
      ) : (
        <p className="muted">No photos yet.</p>
      )}
      {canAdd ? (
        <form
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
            <input id="photo-alt" type="text" name="alt" required maxLength={limits.photoAlt} autoComplete="off" />
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
