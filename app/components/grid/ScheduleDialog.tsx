import { Form } from "@remix-run/react";
import { type FormEvent, useEffect, useRef } from "react";
import { featureLabel, missingFeatures } from "../../domain/features";
import { coverage, lastSlotId } from "../../domain/spans";
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
  pitch: { id: string; title: string; span?: number; needs?: string[] } | null;
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
  const span = pitch?.span ?? 1;
  // A long session starts only where its slots fit (consecutive session slots of one day).
  const placeable = slots.filter((s) => s.kind !== "break" && (span === 1 || coverage(slots, s.id, span).ok));
  const slotById = new Map(slots.map((s) => [s.id, s]));
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
          {span > 1 ? (
            <p className="muted" id="schedule-span-hint">
              This session takes {span} consecutive slots in one room: choose the slot it starts in.
            </p>
          ) : null}
          <div className="field">
            <label htmlFor="schedule-room">Room</label>
            <select id="schedule-room" name="roomId" defaultValue={current?.roomId} required>
              {rooms.map((room) => (
                <option key={room.id} value={room.id}>
                  {room.name} ({room.capacity} seats)
                  {missingFeatures(pitch.needs ?? [], room.features ?? []).length
                    ? `, lacks ${missingFeatures(pitch.needs ?? [], room.features ?? [])
                        .map(featureLabel)
                        .join(", ")
                        .toLowerCase()}`
                    : ""}
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
                  {span > 1
                    ? `${formatRange({
                        localStart: slot.localStart,
                        localEnd: slotById.get(lastSlotId(slots, slot.id, span))?.localEnd ?? slot.localEnd,
                      })} (${span} slots)`
                    : formatRange(slot)}
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
