import { eq } from "drizzle-orm";
import { type Attendee, attendees } from "../../db/schema";
import { joinSchema } from "../schemas/attendee";
import type { ServiceContext } from "./context.server";
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
  const attendee = viewer.attendee
    ? ctx.db
        .update(attendees)
        .set({ name: data.name, nameInWriteups: data.nameInWriteups })
        .where(eq(attendees.id, viewer.attendee.id))
        .returning()
        .get()
    : ctx.db
        .insert(attendees)
        .values({ id: newId(), eventId: viewer.event.id, name: data.name, nameInWriteups: data.nameInWriteups })
        .returning()
        .get();
  if (viewer.attendee) ctx.publish.changed(viewer.event.id, "pitches");
  return attendee;
}
