import { Form } from "@remix-run/react";
import { type FormEvent, useEffect, useRef } from "react";
import { formatRange } from "../../domain/timeSlots";
import { formatDay } from "./GridTable";
import type { RoomView, SlotView } from "./types";

export interface Placement {
  pitchId: string;
  roomId: string;
  slotId: string;
}

/**
 * The keyboard and single-pointer alternative to dragging: choose a room and
 * a time slot, then "Place". Titled "Schedule TITLE" for a pitch without a
 * place and "Move TITLE" for a placed one. A native <dialog>, so focus is
 * trapped and Escape closes it; the board puts focus back on the session
 * afterwards (`onClose` says where it was sent, or null when cancelled).
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
  onClose: (sent: Placement | null) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const sent = useRef<Placement | null>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (pitch && !dialog.open) {
      sent.current = null;
      dialog.showModal();
    }
    if (!pitch && dialog.open) dialog.close();
  }, [pitch]);
  const placeable = slots.filter((s) => s.kind !== "break");
  const manyDays = new Set(slots.map((s) => s.localStart.slice(0, 10))).size > 1;
  const verb = current ? "Move" : "Schedule";
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const form = new FormData(event.currentTarget);
    sent.current = {
      pitchId: String(form.get("pitchId")),
      roomId: String(form.get("roomId")),
      slotId: String(form.get("slotId")),
    };
    ref.current?.close();
  };
  return (
    <dialog
      ref={ref}
      aria-labelledby="schedule-dialog-title"
      onClose={() => onClose(sent.current)}
      className="schedule-dialog"
    >
      {pitch ? (
        <Form method="post" onSubmit={onSubmit}>
          <h2 id="schedule-dialog-title">
            {verb} {pitch.title}
          </h2>
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
                  {manyDays ? `${formatDay(slot.localStart.slice(0, 10))}, ` : ""}
                  {formatRange(slot)}
                  {slot.kind === "plenary" ? " (plenary)" : ""}
                </option>
              ))}
            </select>
          </div>
          {current ? (
            <label className="check">
              <input type="checkbox" name="swap" value="true" />
              If the cell is taken, swap the two sessions
            </label>
          ) : null}
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
