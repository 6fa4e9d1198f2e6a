import type { PhotoView } from "./contract";

/**
 * Photos taken but not yet stored by the server, kept in IndexedDB (a photo
 * is too large for localStorage) so they survive a reload, a lost connection
 * or a closed tab, and sent again with the same id (stored once). Loaded
 * only when a photo is added or some wait (the session page stays light).
 * A photo larger than PHOTO_OFFLINE_BYTES is sent at once and never kept.
 */

export const PHOTO_OFFLINE_BYTES = 5 * 1024 * 1024;
export const PHOTO_OUTBOX_EVENT = "unconf:photo-outbox";
export const PHOTO_ACKED_EVENT = "unconf:photo-acked";

export interface PendingPhoto {
  id: string;
  slug: string;
  pitchId: string;
  alt: string;
  blob: Blob;
  fileName: string;
  queuedAt: string;
  /** Set when the server refused the photo (not a network failure): shown, not retried. */
  error?: string;
}

export interface PhotoAcked {
  pitchId: string;
  photo: PhotoView;
}

const DB_NAME = "unconf-photos";
const STORE = "outbox";

/** How many photos wait, per event, mirrored in localStorage so a page knows without opening IndexedDB. */
export const waitingKey = (slug: string) => `unconf:photos-waiting:${slug}`;

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE, { keyPath: "id" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export async function listPendingPhotos(slug: string): Promise<PendingPhoto[]> {
  const all = (await withStore("readonly", (store) => store.getAll())) as PendingPhoto[];
  return all.filter((p) => p.slug === slug).sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

async function changed(slug: string) {
  try {
    const waiting = (await listPendingPhotos(slug)).length;
    if (waiting) window.localStorage.setItem(waitingKey(slug), String(waiting));
    else window.localStorage.removeItem(waitingKey(slug));
  } catch {
    // Storage blocked: the count is only a hint.
  }
  window.dispatchEvent(new CustomEvent(PHOTO_OUTBOX_EVENT, { detail: { slug } }));
}

export async function discardPhoto(slug: string, id: string): Promise<void> {
  await withStore("readwrite", (store) => store.delete(id));
  await changed(slug);
}

type SendResult = { ok: true } | { ok: false; retry: boolean; error: string };

/** One upload; `retry` when the network or the server's load is to blame, not the photo. */
async function upload(photo: Omit<PendingPhoto, "queuedAt" | "error">): Promise<SendResult> {
  const body = new FormData();
  body.set("intent", "add");
  body.set("id", photo.id);
  body.set("alt", photo.alt);
  body.set("photo", photo.blob, photo.fileName || "photo.jpg");
  let response: Response;
  try {
    response = await fetch(`/e/${encodeURIComponent(photo.slug)}/s/${encodeURIComponent(photo.pitchId)}/photos`, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
    });
  } catch {
    return { ok: false, retry: true, error: "No connection: the photo will be sent when it is back." };
  }
  let answer: { ok?: boolean; error?: string; photo?: PhotoView } = {};
  try {
    answer = await response.json();
  } catch {
    // A proxy's error page, or a 413 in plain text.
  }
  if (response.ok && answer.photo) {
    window.dispatchEvent(
      new CustomEvent<PhotoAcked>(PHOTO_ACKED_EVENT, { detail: { pitchId: photo.pitchId, photo: answer.photo } }),
    );
    return { ok: true };
  }
  if (response.status === 429 || response.status >= 500) {
    return { ok: false, retry: true, error: answer.error ?? "The server is busy: the photo will be sent again." };
  }
  if (response.status === 413) return { ok: false, retry: false, error: "This photo is too large to send." };
  return { ok: false, retry: false, error: answer.error ?? "The photo was not accepted." };
}

/**
 * Adds a photo: kept in the outbox first (when small enough) and sent. A
 * large one is sent directly; its failure is returned so the form keeps it.
 */
export async function addPhoto(
  photo: Omit<PendingPhoto, "queuedAt" | "error">,
): Promise<SendResult & { kept: boolean }> {
  if (photo.blob.size > PHOTO_OFFLINE_BYTES) {
    const result = await upload(photo);
    if (!result.ok && result.retry) {
      return {
        ...result,
        retry: false,
        kept: false,
        error: `No connection, and this photo is larger than ${PHOTO_OFFLINE_BYTES / 1024 / 1024} MB, too large to keep until it is back. Try again when you are online.`,
      };
    }
    return { ...result, kept: false };
  }
  await withStore("readwrite", (store) => store.put({ ...photo, queuedAt: new Date().toISOString() }));
  await changed(photo.slug);
  void sendWaitingPhotos(photo.slug);
  return { ok: true, kept: true };
}

let sending = false;

/** Sends every waiting photo of the event; false when some must wait for a later try. */
export async function sendWaitingPhotos(slug: string): Promise<boolean> {
  if (sending) return false;
  sending = true;
  try {
    for (const photo of await listPendingPhotos(slug)) {
      if (photo.error) continue;
      const result = await upload(photo);
      if (result.ok) {
        await withStore("readwrite", (store) => store.delete(photo.id));
      } else if (result.retry) {
        return false;
      } else {
        await withStore("readwrite", (store) => store.put({ ...photo, error: result.error }));
      }
      await changed(slug);
    }
    return true;
  } finally {
    sending = false;
  }
}
