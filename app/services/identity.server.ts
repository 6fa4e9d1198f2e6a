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

function trim(map: Record<string, string>): Record<string, string> {
  const keys = Object.keys(map);
  if (keys.length <= MAX_EVENTS_REMEMBERED) return map;
  return Object.fromEntries(keys.slice(-MAX_EVENTS_REMEMBERED).map((k) => [k, map[k] as string]));
}

export function withEntry(identity: Identity, part: keyof Identity, eventId: string, value: string): Identity {
  const next = { ...identity[part] };
  delete next[eventId];
  next[eventId] = value;
  return { ...identity, [part]: trim(next) };
}

export function serializeIdentity(cookie: Cookie, identity: Identity, request: Request): Promise<string> {
  return cookie.serialize(identity, { secure: new URL(request.url).protocol === "https:" });
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
