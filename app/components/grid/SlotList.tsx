import { Link } from "@remix-run/react";
import { formatRange, slotKindLabel } from "../../domain/timeSlots";
import { SlotMarker } from "./GridTable";
import type { CellView, RoomView, SlotView } from "./types";

/** The grid on a phone: one list per time slot instead of a squeezed table. */
export function SlotList({
  slug,
  rooms,
  slots,
  cells,
  nowSlotId,
  nextSlotId,
}: {
  slug: string;
  rooms: RoomView[];
  slots: SlotView[];
  cells: CellView[];
  nowSlotId: string | null;
  nextSlotId: string | null;
}) {
  const roomName = new Map(rooms.map((r) => [r.id, r.name]));
  const order = new Map(rooms.map((r, i) => [r.id, i]));
  return (
    <section aria-label="Schedule" className="slot-list">
      {slots.map((slot) => {
        const here = cells
          .filter((c) => c.slotId === slot.id)
          .sort((a, b) => (order.get(a.roomId) ?? 0) - (order.get(b.roomId) ?? 0));
        return (
          <div key={slot.id} className={`slot-block${slot.id === nowSlotId ? " is-now" : ""}`}>
            <h3>
              {formatRange(slot)} <SlotMarker slotId={slot.id} nowSlotId={nowSlotId} nextSlotId={nextSlotId} />
            </h3>
            {slot.kind !== "sessions" ? <p className="muted">{slotKindLabel(slot)}</p> : null}
            {slot.kind === "break" ? null : here.length === 0 ? (
              <p className="muted">Nothing scheduled yet.</p>
            ) : (
              <ul className="plain-list">
                {here.map((cell) => (
                  <li key={cell.pitchId}>
                    <Link to={`/e/${slug}/s/${cell.pitchId}`} discover="none">
                      {cell.title}
                    </Link>
                    <span className="muted">
                      {slot.kind === "plenary" ? "All rooms" : roomName.get(cell.roomId)}
                      {cell.myVote ? " · My pick" : ""}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </section>
  );
}
