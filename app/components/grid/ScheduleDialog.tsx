import { Form } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { formatRange } from "../../domain/timeSlots";
import type { RoomView, SlotView } from "./types";

/**
 * The keyboard and single-pointer alternative to dragging: choose a room and
 * a time slot, then "Place". A native <dialog>, so focus is trapped and
 * Escape closes it.
 */
export function ScheduleDialog({
  pitch,
  rooms,
  slots,
  current,
  onClose,
}: {
  pitch: { id: string; title: string } | null;
  rooms: RoomView[];
  slots: SlotView[];
  current?: { roomId: string; slotId: string };
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (pitch && !dialog.open) dialog.showModal();
    if (!pitch && dialog.open) dialog.close();
  }, [pitch]);
  const placeable = slots.filter((s) => s.kind !== "break");
  return (
    <dialog ref={ref} aria-labelledby="schedule-dialog-title" onClose={onClose} className="schedule-dialog">
      {pitch ? (
        <Form method="post" onSubmit={() => ref.current?.close()}>
          <h2 id="schedule-dialog-title">Schedule {pitch.title}</h2>
          <input type="hidden" name="intent" value="place" />
          <input type="hidden" name="pitchId" value={pitch.id} />
          <div className="field">
            <label htmlFor="schedule-room">Room</label>
            <select id="schedule-room" name="roomId" defaultValue={current?.roomId} required>
              {rooms.map((room) => (
                <option key={room.id} value={room.id}>
                  {room.name} ({room.capacity} seats)
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="schedule-slot">Time slot</label>
            <select id="schedule-slot" name="slotId" defaultValue={current?.slotId} required>
              {placeable.map((slot) => (
                <option key={slot.id} value={slot.id}>
                  {formatRange(slot)}
                  {slot.kind === "plenary" ? " (plenary)" : ""}
                </option>
              ))}
            </select>
          </div>
          <label className="check">
            <input type="checkbox" name="swap" value="true" />
            If the cell is taken, swap the two sessions
          </label>
          <div className="row">
            <button type="submit">Place</button>
            <button type="button" className="secondary" onClick={() => ref.current?.close()}>
              Cancel
            </button>
          </div>
        </Form>
      ) : null}
    </dialog>
  );
}
