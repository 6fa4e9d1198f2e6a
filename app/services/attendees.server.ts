import { and, asc, eq, inArray, ne } from "drizzle-orm";
import { type Attendee, attendees, pitches } from "../../db/schema";
import { joinSchema } from "../schemas/attendee";
import type { ServiceContext } from "./context.server";
import { recordJoin } from "./bursts.server";
import { nextVersion, publishChange } from "./facts.server";
import { newId } from "./ids.server";
import { validate } from "./validate";
import { type Viewer, requireAccess } from "./viewer.server";

/**
 * Joins the event with a name (blank is anonymous). Joining again from a
 * browser that already joined updates that attendee instead of making another.
 */
export async function joinEvent(ctx: ServiceContext, viewer: Viewer, input: unknown): Promise<Attendee> {
  requireAccess(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: viewer.attendee?.id });
  const data = validate(joinSchema, input);
  if (!viewer.attendee) await ctx.limiter.consumeNewAttendee(viewer.ip);
  const current = viewer.attendee;
  if (!current) {
    return ctx.db.transaction((tx) => {
      const row = tx
        .insert(attendees)
        .values({ id: newId(), eventId: viewer.event.id, name: data.name, nameInWriteups: data.nameInWriteups })
        .returning()
        .get();
      // Where from (a salted hash), so organisers can see a burst of joins and its votes.
      recordJoin(tx, viewer.event.id, row.id, viewer.ip);
      return row;
    });
  }
  const { attendee, renamed, version } = ctx.db.transaction((tx) => {
    const row = tx
      .update(attendees)
      .set({ name: data.name, nameInWriteups: data.nameInWriteups })
      .where(eq(attendees.id, current.id))
      .returning()
      .get();
    // A new name shows on this person's pitches: that is a change of the event's facts.
    const renamed =
      row.name === current.name
        ? []
        : tx
            .select({ id: pitches.id })
            .from(pitches)
            .where(and(eq(pitches.attendeeId, current.id), inArray(pitches.status, ["open", "merged"])))
            .all()
            .map((p) => p.id);
    return { attendee: row, renamed, version: renamed.length ? nextVersion(tx, viewer.event.id) : null };
  });
  if (version !== null) publishChange(ctx, viewer.event.id, version, { pitchIds: renamed });
  return attendee;
}

/** Everyone who joined with a name, for "Said by" suggestions: names and the ids a mention links to. */
export function peopleToMention(ctx: Pick<ServiceContext, "db">, viewer: Viewer): Array<{ id: string; name: string }> {
  requireAccess(viewer);
  return ctx.db
    .select({ id: attendees.id, name: attendees.name })
    .from(attendees)
    .where(and(eq(attendees.eventId, viewer.event.id), ne(attendees.name, "")))
    .orderBy(asc(attendees.name))
    .all();
}
