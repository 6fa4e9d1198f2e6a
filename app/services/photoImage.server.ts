import sharp from "sharp";
import { ServiceError } from "./errors";
import { PHOTO_LIMITS } from "./photoFiles.server";

/**
 * The image work behind session photos (sharp over libvips): read only
 * formats this build decodes, refuse decompression bombs before decoding,
 * turn by the EXIF orientation, and write a web size and a thumbnail as
 * fresh JPEGs with no metadata at all (sharp drops EXIF, GPS, XMP, IPTC and
 * comments unless asked to keep them). sharp decodes in libuv's thread pool,
 * not on the event loop; a small queue keeps a burst of uploads from taking
 * every thread and core (the machine serves pages meanwhile).
 */

/** What the libvips in this install reads. HEIC needs a libvips built with libde265, which sharp's prebuilt one is not. */
const READABLE = new Set(["jpeg", "png", "webp", "gif", "tiff", "heif"]);

export function heicSupported(): boolean {
  return (sharp.format.heif?.input as { fileSuffix?: string[] } | undefined)?.fileSuffix?.includes(".heic") ?? false;
}

// One libvips thread per image: with the queue below, photo work takes at most one core.
sharp.concurrency(1);
sharp.cache(false);

export interface MadeImage {
  data: Buffer;
  width: number;
  height: number;
}

export interface MadePhoto {
  web: MadeImage;
  thumb: MadeImage;
}

const NOT_AN_IMAGE =
  "That file is not a photo this server can read. Send a JPEG, PNG, WebP, AVIF, GIF or TIFF image (HEIC: set the phone to take JPEG, or share the photo as JPEG).";

/** Reads, checks and re-encodes one upload (runs in libuv threads; call it through `photoQueue`). */
export async function makePhoto(input: Uint8Array): Promise<MadePhoto> {
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>["metadata"]>>;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new ServiceError("invalid", NOT_AN_IMAGE, { photo: [NOT_AN_IMAGE] });
  }
  if (!meta.format || !READABLE.has(meta.format)) {
    throw new ServiceError("invalid", NOT_AN_IMAGE, { photo: [NOT_AN_IMAGE] });
  }
  if (meta.format === "heif" && meta.compression !== "av1" && !heicSupported()) {
    const message =
      'HEIC photos cannot be read on this server. Set the phone\'s camera to "Most compatible" (JPEG), or share the photo as JPEG.';
    throw new ServiceError("invalid", message, { photo: [message] });
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1 || width * height > PHOTO_LIMITS.inputPixels) {
    const message = `That image is too large to process (${width} × ${height} pixels; at most ${PHOTO_LIMITS.inputPixels / 1_000_000} megapixels).`;
    throw new ServiceError("invalid", message, { photo: [message] });
  }
  const size = async (side: number): Promise<MadeImage> => {
    const { data, info } = await sharp(input, {
      limitInputPixels: PHOTO_LIMITS.inputPixels,
      failOn: "error",
      sequentialRead: true,
    })
      .rotate()
      .resize({ width: side, height: side, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: 82, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  };
  try {
    const web = await size(PHOTO_LIMITS.webSide);
    const thumb = await size(PHOTO_LIMITS.thumbSide);
    return { web, thumb };
  } catch {
    // A truncated or corrupt file reads its header fine and fails while decoding.
    throw new ServiceError("invalid", NOT_AN_IMAGE, { photo: [NOT_AN_IMAGE] });
  }
}

/** Runs at most `concurrency` jobs at once; refuses beyond `waiting` queued ones. */
export function limitedQueue(concurrency: number, waiting: number) {
  let running = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    if (running >= concurrency) return;
    const start = queue.shift();
    if (start) {
      running++;
      start();
    }
  };
  return function run<T>(job: () => Promise<T>): Promise<T> {
    if (queue.length >= waiting) {
      return Promise.reject(
        new ServiceError("rate_limited", "Slow down: the server is busy with other photos. Try again in a moment."),
      );
    }
    return new Promise<T>((resolvePromise, reject) => {
      queue.push(() => {
        job()
          .then(resolvePromise, reject)
          .finally(() => {
            running--;
            next();
          });
      });
      next();
    });
  };
}

/** The one image queue of the process. */
export const photoQueue = limitedQueue(1, PHOTO_LIMITS.queued);
