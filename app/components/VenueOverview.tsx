import { formatRange } from "../domain/timeSlots";

import type { RoomView, SlotView } from "./grid/types";

export type { RoomView, SlotView };

export function slotDescription(slot: SlotView): string {
  const kind = slot.kind === "break" ? "Break" : slot.kind === "plenary" ? "Plenary" : "Sessions";
  return slot.label ? `${kind}: ${slot.label}` : kind;
}

/** The rooms and time slots of the day, as attendees see them. */
export function VenueOverview({ rooms, slots }: { rooms: RoomView[]; slots: SlotView[] }) {
  return (
    <div className="grid-2">
      <section className="card" aria-labelledby="rooms-heading">
        <h2 id="rooms-heading">Rooms</h2>
        {rooms.length === 0 ? (
          <p className="muted">No rooms yet.</p>
        ) : (
          <ul className="plain-list" aria-labelledby="rooms-heading">
            {rooms.map((room) => (
              <li key={room.id}>
                <span>{room.name}</span>
                <span className="muted">{room.capacity} seats</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="slots-heading">
        <h2 id="slots-heading">Time slots</h2>
        {slots.length === 0 ? (
          <p className="muted">No time slots yet.</p>
        ) : (
          <ul className="plain-list" aria-labelledby="slots-heading">
            {slots.map((slot) => (
              <li key={slot.id}>
                <span>{formatRange(slot)}</span>
                <span className="muted">{slotDescription(slot)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
