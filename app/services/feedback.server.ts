import { and, desc, eq } from "drizzle-orm";
import { type Event, type Pitch, feedback, pitches, placements, timeSlots } from "../../db/schema";
import { localToInstant } from "../domain/clock";
import type { FeedbackSummary } from "../realtime/contract";
import { feedbackSchema } from "../schemas/photo";
import type { Tx } from "./audit.server";
import { findSession } from "./capture.server";
import type { ServiceContext } from "./context.server";
import { ServiceError } from "./errors";
import { validate } from "./validate";
import { type Viewer, requireAttendee } from "./viewer.server";

/**
 * Feedback to a session's host: a rating from 1 to 5 and an optional comment,
 * one per attendee per session (giving it again replaces it), anonymous.
 * Only the host (the pitcher) and the organisers ever see it: it is in no
 * push to anyone else, no state.json and no public export (the organiser's
 * export.json carries it).
 */

type Db = ServiceContext["db"] | Tx;

/** When a session starts, as an instant; null when it is not placed. */
export function sessionStart(db: Db, event: Pick<Event, "timeZone">, pitchId: string): Date | null {
  const slot = db
    .select({ localStart: timeSlots.localStart })
    .from(placements)
    .innerJoin(timeSlots, eq(timeSlots.id, placements.slotId))
    .where(eq(placements.pitchId, pitchId))
    .get();
  return slot ? localToInstant(slot.localStart, event.timeZone) : null;
}

/** Whether the viewer may read a session's feedback: its host and the organisers. */
export function canSeeFeedback(viewer: Viewer, pitch: Pick<Pitch, "attendeeId">): boolean {
  return viewer.isOrganiser || (viewer.attendee !== null && pitch.attendeeId === viewer.attendee.id);
}

export function feedbackSummary(db: Db, pitchId: string): FeedbackSummary {
  const rows = db
    .select({ rating: feedback.rating, comment: feedback.comment })
    .from(feedback)
    .where(eq(feedback.pitchId, pitchId))
    .orderBy(desc(feedback.updatedAt), desc(feedback.createdAt))
    .all();
  const total = rows.reduce((sum, row) => sum + row.rating, 0);
  return {
    count: rows.length,
    average: rows.length ? Math.round((total / rows.length) * 10) / 10 : null,
    comments: rows.map((row) => row.comment).filter((comment) => comment.trim() !== ""),
  };
}

/** Why feedback cannot be given now, or null when it can. */
function closedReason(db: Db, event: Event, pitch: Pitch, now: Date): string | null {
  if (!event.feedbackOn) return "Feedback is switched off for this event.";
  if (pitch.status !== "open") return "This session was merged into another one: give feedback there.";
  const start = sessionStart(db, event, pitch.id);
  if (!start) return "This session is not scheduled yet: feedback opens when it starts.";
  if (start.getTime() > now.getTime()) return "Feedback opens when the session starts.";
  return null;
}

/** What the session page shows about feedback to this viewer. */
export function feedbackForPage(
  ctx: Pick<ServiceContext, "db">,
  viewer: Viewer,
  pitch: Pitch,
  now = new Date(),
): {
  on: boolean;
  offered: boolean;
  opensAt: string | null;
  mine: { rating: number; comment: string } | null;
  summary: FeedbackSummary | null;
} {
  const start = sessionStart(ctx.db, viewer.event, pitch.id);
  const offered = viewer.attendee !== null && closedReason(ctx.db, viewer.event, pitch, now) === null;
  const mine = viewer.attendee
    ? (ctx.db
        .select({ rating: feedback.rating, comment: feedback.comment })
        .from(feedback)
        .where(and(eq(feedback.pitchId, pitch.id), eq(feedback.attendeeId, viewer.attendee.id)))
        .get() ?? null)
    : null;
  return {
    on: viewer.event.feedbackOn,
    offered,
    opensAt: start ? start.toISOString() : null,
    mine,
    summary: canSeeFeedback(viewer, pitch) ? feedbackSummary(ctx.db, pitch.id) : null,
  };
}

/** Gives (or replaces) this attendee's feedback on a session. */
export async function giveFeedback(ctx: ServiceContext, viewer: Viewer, input: unknown, now = new Date()) {
  const attendee = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: attendee.id });
  const data = validate(feedbackSchema, input);
  const { pitch, summary } = ctx.db.transaction(
    (tx) => {
      const pitch = findSession(tx, viewer, data.pitchId);
      const reason = closedReason(tx, viewer.event, pitch, now);
      if (reason) throw new ServiceError("forbidden", reason);
      const at = now.toISOString();
      tx.insert(feedback)
        .values({
          eventId: viewer.event.id,
          pitchId: pitch.id,
          attendeeId: attendee.id,
          rating: data.rating,
          comment: data.comment,
        })
        .onConflictDoUpdate({
          target: [feedback.pitchId, feedback.attendeeId],
          set: { rating: data.rating, comment: data.comment, updatedAt: at },
        })
        .run();
      return { pitch, summary: feedbackSummary(tx, pitch.id) };
    },
    { behavior: "immediate" },
  );
  ctx.publish.feedback(viewer.event.id, pitch.attendeeId, pitch.id, summary);
  return "Thank you: your feedback was saved.";
}

/** The organiser console's table: every session with feedback, with its count, average and comments. */
export function eventFeedback(ctx: Pick<ServiceContext, "db">, eventId: string) {
  const sessions = ctx.db
    .select({ id: pitches.id, title: pitches.title })
    .from(pitches)
    .where(and(eq(pitches.eventId, eventId), eq(pitches.status, "open")))
    .all();
  const withFeedback = new Set(
    ctx.db
      .selectDistinct({ pitchId: feedback.pitchId })
      .from(feedback)
      .where(eq(feedback.eventId, eventId))
      .all()
      .map((row) => row.pitchId),
  );
  return sessions
    .filter((session) => withFeedback.has(session.id))
    .map((session) => ({ ...session, summary: feedbackSummary(ctx.db, session.id) }))
    .sort((a, b) => a.title.localeCompare(b.title));
}
