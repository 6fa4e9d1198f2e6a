import { and, eq } from "drizzle-orm";
import { timeSlots, unavailability } from "../../db/schema";
import { availabilitySchema } from "../schemas/event";
import { audit } from "./audit.server";
import type { ServiceContext } from "./context.server";
import { ServiceError } from "./errors";
import { nextVersion, publishChange } from "./facts.server";
import { validate } from "./validate";
import { listTimeSlots } from "./venue.server";
import { type Viewer, requireAttendee } from "./viewer.server";

/**
 * Hosts' availability: the slots an attendee cannot make. A session they host
 * placed there is flagged ("Host unavailable"), and "Suggest a grid" never
 * puts it there. Each attendee sees and changes only their own.
 */

export interface AvailabilitySlot {
  id: string;
  localStart: string;
  localEnd: string;
  kind: "sessions" | "plenary";
  label: string;
  unavailable: boolean;
}

/** The slots a session can be in (not breaks), each with this attendee's mark. */
export function myAvailability(ctx: Pick<ServiceContext, "db">, viewer: Viewer): AvailabilitySlot[] {
  const attendee = requireAttendee(viewer);
  const marked = new Set(
    ctx.db
      .select({ slotId: unavailability.slotId })
      .from(unavailability)
      .where(and(eq(unavailability.attendeeId, attendee.id), eq(unavailability.eventId, viewer.event.id)))
      .all()
      .map((r) => r.slotId),
  );
  return listTimeSlots(ctx, viewer.event.id)
    .filter((s) => s.kind !== "break")
    .map((s) => ({
      id: s.id,
      localStart: s.localStart,
      localEnd: s.localEnd,
      kind: s.kind as "sessions" | "plenary",
      label: s.label,
      unavailable: marked.has(s.id),
    }));
}

/** Replaces the set of slots this attendee cannot make; the grid's conflicts follow. */
export async function setAvailability(
  ctx: ServiceContext,
  viewer: Viewer,
  input: unknown,
): Promise<{ unavailable: string[] }> {
  const attendee = requireAttendee(viewer);
  await ctx.limiter.consume({ ip: viewer.ip, attendeeId: attendee.id });
  const { unavailable } = validate(availabilitySchema, input);
  const eventId = viewer.event.id;
  const wanted = [...new Set(unavailable)];
  const version = ctx.db.transaction(
    (tx) => {
      const slots = new Map(
        tx
          .select({ id: timeSlots.id, kind: timeSlots.kind })
          .from(timeSlots)
          .where(eq(timeSlots.eventId, eventId))
          .all()
          .map((s) => [s.id, s.kind]),
      );
      for (const id of wanted) {
        const kind = slots.get(id);
        if (!kind) {
          const message =
            "One of those time slots is not part of this event (it may have been removed). Reload and try again.";
          throw new ServiceError("invalid", message, { unavailable: [message] });
        }
        if (kind === "break") {
          const message = "A break holds no sessions: there is nothing to be unavailable for.";
          throw new ServiceError("invalid", message, { unavailable: [message] });
        }
      }
      const mine = and(eq(unavailability.attendeeId, attendee.id), eq(unavailability.eventId, eventId));
      const before = new Set(
        tx
          .select({ slotId: unavailability.slotId })
          .from(unavailability)
          .where(mine)
          .all()
          .map((r) => r.slotId),
      );
      if (before.size === wanted.length && wanted.every((id) => before.has(id))) return null;
      tx.delete(unavailability).where(mine).run();
      if (wanted.length) {
        tx.insert(unavailability)
          .values(wanted.map((slotId) => ({ attendeeId: attendee.id, slotId, eventId })))
          .run();
      }
      // The audit names no one: how many slots, not whose.
      audit(tx, { eventId, action: "availability.set", detail: { slots: wanted.length } });
      return nextVersion(tx, eventId);
    },
    { behavior: "immediate" },
  );
  // Which slots a host cannot make shows only through the conflicts it causes.
  if (version !== null) publishChange(ctx, eventId, version, { grid: true });
  return { unavailable: wanted };
}
