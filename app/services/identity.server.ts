import { createHash, timingSafeEqual } from "node:crypto";
import { type Cookie, createCookie } from "@remix-run/node";
import { z } from "zod";

/**
 * Who a browser is, per event, with no accounts: one signed HttpOnly cookie
 * holding, for each event it has visited, the attendee id it joined as
 * (`a`), the organiser key it opened (`o`, so the admin page can show the
 * organiser link again; holding the cookie is holding the link) and a tag of
 * the passcode it entered (`p`). Changing the key or passcode revokes both.
 */
const identitySchema = z.object({
  a: z.record(z.string()).default({}),
  o: z.record(z.string()).default({}),
  p: z.record(z.string()).default({}),
});
export type Identity = z.infer<typeof identitySchema>;

/**
 * Browsers drop a cookie whose name and value pass 4,096 bytes, and with it
 * the join that made it so. The cookie is kept under this many bytes (the
 * `unconf=...` part, signed and encoded) by forgetting the least recently
 * used events first; the entry being written is never the one forgotten.
 */
export const MAX_COOKIE_BYTES = 3800;
const MAX_EVENTS_REMEMBERED = 30;

export function createIdentityCookie(secret: string): Cookie {
  return createCookie("unconf", {
    secrets: [secret],
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 60 * 60 * 24 * 400,
  });
}

export function emptyIdentity(): Identity {
  return { a: {}, o: {}, p: {} };
}

/** A missing, forged or malformed cookie reads as nobody. */
export async function readIdentity(cookie: Cookie, cookieHeader: string | null | undefined): Promise<Identity> {
  if (!cookieHeader) return emptyIdentity();
  try {
    const parsed = identitySchema.safeParse(await cookie.parse(cookieHeader));
    return parsed.success ? parsed.data : emptyIdentity();
  } catch {
    return emptyIdentity();
  }
}

const PARTS = ["a", "o", "p"] as const;

/** The map with `eventId` moved to the end (most recent), when it is there. */
function touch(map: Record<string, string>, eventId: string): Record<string, string> {
  if (!(eventId in map)) return map;
  const { [eventId]: value, ...rest } = map;
  return { ...rest, [eventId]: value as string };
}

function trim(map: Record<string, string>): Record<string, string> {
  const keys = Object.keys(map);
  if (keys.length <= MAX_EVENTS_REMEMBERED) return map;
  return Object.fromEntries(keys.slice(-MAX_EVENTS_REMEMBERED).map((k) => [k, map[k] as string]));
}

/**
 * Sets one entry and makes its event the most recent in every part (each
 * map's key order is oldest first), so trimming forgets other events first.
 */
export function withEntry(identity: Identity, part: keyof Identity, eventId: string, value: string): Identity {
  const next = { ...identity[part] };
  delete next[eventId];
  next[eventId] = value;
  const touched = { a: touch(identity.a, eventId), o: touch(identity.o, eventId), p: touch(identity.p, eventId) };
  return { ...touched, [part]: trim(next) };
}

/**
 * Forgets the oldest entry of the fullest part that has more than one (the
 * newest event is last in every part it is in, so it is never the one
 * dropped). Null when nothing more can go.
 */
function forgetOldest(identity: Identity): Identity | null {
  const part = [...PARTS]
    .filter((p) => Object.keys(identity[p]).length > 1)
    .sort((x, y) => Object.keys(identity[y]).length - Object.keys(identity[x]).length)[0];
  if (!part) return null;
  const [, ...rest] = Object.entries(identity[part]);
  return { ...identity, [part]: Object.fromEntries(rest) };
}

/** The Set-Cookie header for an identity, kept under MAX_COOKIE_BYTES (see there). */
export async function serializeIdentity(cookie: Cookie, identity: Identity, request: Request): Promise<string> {
  const options = { secure: new URL(request.url).protocol === "https:" };
  let current = identity;
  let header = await cookie.serialize(current, options);
  while (cookiePairBytes(header) > MAX_COOKIE_BYTES) {
    const smaller = forgetOldest(current);
    if (!smaller) break;
    current = smaller;
    header = await cookie.serialize(current, options);
  }
  return header;
}

/** The size of the `name=value` part of a Set-Cookie header, which browsers limit to 4,096 bytes. */
export function cookiePairBytes(setCookie: string): number {
  return Buffer.byteLength(setCookie.split(";")[0] ?? "");
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** A short tag of a stored hash, kept in the cookie to prove the secret was once shown. */
export function tagOf(hash: string): string {
  return hash.slice(0, 24);
}

export function sameSecret(givenSecret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(givenSecret), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sameTag(tag: string | undefined, storedHash: string | null): boolean {
  if (!tag || !storedHash) return false;
  const a = Buffer.from(tag);
  const b = Buffer.from(tagOf(storedHash));
  return a.length === b.length && timingSafeEqual(a, b);
}
