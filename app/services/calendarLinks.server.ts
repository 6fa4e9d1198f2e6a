import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { type CalendarLink, calendarLinks } from "../../db/schema";
import { calendarScopeSchema } from "../schemas/people";
import { myCalendar } from "./calendar.server";
import type { ServiceContext } from "./context.server";
import { heavyWorkOf } from "./heavyWork.server";
import { newId } from "./ids.server";
import { validate } from "./validate";
import { type Viewer, findAttendee, findEventBySlug, requireAttendee } from "./viewer.server";

/**
 * Private calendar feeds a phone subscribes to: `/e/:slug/calendar/<token>.ics`,
 * one link per attendee for their own sessions ("mine") and one for the whole
 * schedule ("event", which also serves a private event without its passcode:
 * the link is the key). A token is a 16-character selector that finds the row
 * and a 43-character verifier (256 random bits) compared in constant time.
 * "Renew link" makes a new token; the old one then answers 410.
 */

export type CalendarScope = CalendarLink["scope"];

const SELECTOR_LENGTH = 16;
const TOKEN_PATTERN = /^([A-Za-z0-9_-]{16})([A-Za-z0-9_-]{43})$/;

function newToken(): { selector: string; verifier: string } {
  return {
    selector: randomBytes(12).toString("base64url"),
    verifier: randomBytes(32).toString("base64url"),
  };
}

function activeLink(ctx: Pick<ServiceContext, "db">, attendeeId: string, scope: CalendarScope) {
  return ctx.db
    .select()
    .from(calendarLinks)
    .where(
      and(eq(calendarLinks.attendeeId, attendeeId), eq(calendarLinks.scope, scope), isNull(calendarLinks.renewedAt)),
    )
    .get();
}

export interface CalendarLinkView {
  https: string;
  webcal: string;
}

function viewOf(origin: string, slug: string, link: CalendarLink): CalendarLinkView {
  const https = `${origin}/e/${slug}/calendar/${link.selector}${link.verifier}.ics`;
  return { https, webcal: https.replace(/^https?:/, "webcal:") };
}

/** This attendee's current links (null where none was made yet). Shown only to their owner. */
export function calendarLinksOf(
  ctx: Pick<ServiceContext, "db">,
  viewer: Viewer,
  origin: string,
): Record<CalendarScope, CalendarLinkView | null> {
  const me = requireAttendee(viewer);
  const view = (scope: CalendarScope) => {
    const link = activeLink(ctx, me.id, scope);
    return link ? viewOf(origin, viewer.event.slug, link) : null;
  };
  return { mine: view("mine"), event: view("event") };
}

/**
 * Makes this attendee's link for `scope`, or with `renew` replaces it: the
 * old token keeps its row, marked renewed, so its feed answers 410.
 */
export async function makeCalendarLink(
  ctx: ServiceContext,
  viewer: Viewer,
  input: unknown,
  options: { renew: boolean },
): Promise<string> {
  const me = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: me.id });
  const { scope } = validate(calendarScopeSchema, input);
  const what = scope === "mine" ? "my sessions" : "the whole schedule";
  return ctx.db.transaction(
    (tx) => {
      const current = tx
        .select()
        .from(calendarLinks)
        .where(
          and(eq(calendarLinks.attendeeId, me.id), eq(calendarLinks.scope, scope), isNull(calendarLinks.renewedAt)),
        )
        .get();
      if (current && !options.renew) return `You already have a link for ${what}.`;
      if (current)
        tx.update(calendarLinks)
          .set({ renewedAt: new Date().toISOString() })
          .where(eq(calendarLinks.id, current.id))
          .run();
      tx.insert(calendarLinks)
        .values({ id: newId(), eventId: viewer.event.id, attendeeId: me.id, scope, ...newToken() })
        .run();
      return current
        ? `New link for ${what}. The old one has stopped working: subscribe again with the new one.`
        : `Your private link for ${what} is ready.`;
    },
    { behavior: "immediate" },
  );
}

export type FeedResult =
  | { kind: "ok"; body: string; etag: string; filename: string }
  | { kind: "missing"; message: string }
  | { kind: "renewed"; message: string };

const MISSING =
  "There is no calendar at this link. Check that it was copied whole, or make a new one on the event's Subscribe page.";
const RENEWED =
  "This calendar link was renewed and no longer works. Open the event's Subscribe page for the new link and subscribe again.";

function sameVerifier(given: string, stored: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(stored);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A weak validator over what the feed says (not DTSTAMP, which is the time of the request). */
export function feedEtag(body: string): string {
  const stable = body.replace(/^DTSTAMP:[^\r\n]*\r?\n/gm, "");
  return `W/"${createHash("sha256").update(stable).digest("base64url").slice(0, 27)}"`;
}

/**
 * The feed for `file` ("<token>.ics"), built from the current data on every
 * request (so it follows each change); the token alone grants access.
 */
export async function calendarFeed(
  ctx: ServiceContext,
  slug: string,
  file: string,
  origin: string,
  ip: string,
): Promise<FeedResult> {
  const match = TOKEN_PATTERN.exec(file.endsWith(".ics") ? file.slice(0, -4) : "");
  const event = findEventBySlug(ctx, slug);
  if (!match || !event) return { kind: "missing", message: MISSING };
  const [, selector = "", verifier = ""] = match;
  const link = ctx.db
    .select()
    .from(calendarLinks)
    .where(and(eq(calendarLinks.selector, selector), eq(calendarLinks.eventId, event.id)))
    .get();
  if (!link || selector.length !== SELECTOR_LENGTH || !sameVerifier(verifier, link.verifier))
    return { kind: "missing", message: MISSING };
  if (link.renewedAt) return { kind: "renewed", message: RENEWED };
  const attendee = findAttendee(ctx, event.id, link.attendeeId);
  if (!attendee) return { kind: "missing", message: MISSING };
  let body: string;
  if (link.scope === "mine") {
    // The link's owner, with access: the token stands in for their cookie (and a private event's passcode).
    const viewer: Viewer = { event, attendee, isOrganiser: false, hasAccess: true, ip, organiserKey: null };
    body = myCalendar(ctx, viewer, origin);
  } else {
    const file = await heavyWorkOf(ctx).run({ kind: "export", format: "schedule.ics", eventId: event.id, origin });
    body = typeof file.body === "string" ? file.body : Buffer.from(file.body).toString("utf8");
  }
  return {
    kind: "ok",
    body,
    etag: feedEtag(body),
    filename: `${event.slug}-${link.scope === "mine" ? "my-sessions" : "schedule"}.ics`,
  };
}
