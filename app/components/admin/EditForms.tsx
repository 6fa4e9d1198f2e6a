import { Form, useActionData, useNavigation } from "@remix-run/react";
import { type RefObject, useEffect, useRef } from "react";
import { STANDARD_FEATURES, isStandardFeature } from "../../domain/features";
import { formatRange } from "../../domain/timeSlots";
import { limits } from "../../schemas/limits";
import { replyFor } from "../../utils/forms";
import type { RoomView, SlotView } from "../VenueOverview";

/**
 * Where focus goes after "Save": the form closes and its "Edit" opener takes
 * focus back (the name it says may have changed); a refused change keeps the
 * form open with focus on its first field, next to the message at the top.
 */
function useFocusAfterSave(intent: string, field: string, id: string) {
  const details = useRef<HTMLDetailsElement>(null);
  const navigation = useNavigation();
  const answer = replyFor(useActionData(), intent);
  const mine = navigation.formData?.get("intent") === intent && navigation.formData?.get(field) === id;
  const saving = useRef(false);
  useEffect(() => {
    if (mine) {
      saving.current = true;
      return;
    }
    if (!saving.current || navigation.state !== "idle") return;
    saving.current = false;
    const el = details.current;
    if (!el) return;
    if (answer?.result.status === "error") {
      el.querySelector<HTMLInputElement>("input:not([type=hidden])")?.focus();
    } else {
      el.open = false;
      el.querySelector("summary")?.focus();
    }
  }, [mine, navigation.state, answer]);
  return details as RefObject<HTMLDetailsElement>;
}

/**
 * Edit in place: a room's name and seats, a slot's times, kind and label.
 * What is placed stays placed (the server refuses a change that would break
 * it, and says why). Closed by default, so the console stays short.
 */
export function EditRoom({ room }: { room: RoomView }) {
  const id = `edit-room-${room.id}`;
  const details = useFocusAfterSave("edit-room", "roomId", room.id);
  return (
    <details className="edit-in-place" ref={details}>
      <summary className="button small secondary" aria-label={`Edit room ${room.name}`}>
        Edit
      </summary>
      <Form method="post" className="row" aria-label={`Edit room ${room.name}`}>
        <input type="hidden" name="intent" value="edit-room" />
        <input type="hidden" name="roomId" value={room.id} />
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} name="name" defaultValue={room.name} maxLength={limits.roomName} required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-seats`}>Seats</label>
          <input id={`${id}-seats`} name="capacity" type="number" min={1} max={100000} defaultValue={room.capacity} />
        </div>
        <fieldset className="features">
          <legend>Features</legend>
          {STANDARD_FEATURES.map((f) => (
            <label key={f.id} className="check">
              <input type="checkbox" name="features" value={f.id} defaultChecked={room.features?.includes(f.id)} />
              {f.label}
            </label>
          ))}
          <div className="field">
            <label htmlFor={`${id}-other`}>Other features</label>
            <input
              id={`${id}-other`}
              name="features"
              defaultValue={(room.features ?? []).filter((f) => !isStandardFeature(f)).join(", ")}
              aria-describedby={`${id}-other-hint`}
              maxLength={330}
              autoComplete="off"
            />
            <p className="hint" id={`${id}-other-hint`}>
              Your own tags, separated by commas (“sofas, kitchen”).
            </p>
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-remote`}>Remote link</label>
          <input
            id={`${id}-remote`}
            name="remoteUrl"
            type="url"
            inputMode="url"
            placeholder="https://"
            defaultValue={room.remoteUrl ?? ""}
            aria-describedby={`${id}-remote-hint`}
            maxLength={500}
          />
          <p className="hint" id={`${id}-remote-hint`}>
            A video call, stream or chat for this room's sessions (https only).
          </p>
        </div>
        <SaveButton label="Save room" />
      </Form>
    </details>
  );
}

export function EditSlot({ slot }: { slot: SlotView }) {
  const id = `edit-slot-${slot.id}`;
  const range = formatRange(slot);
  const details = useFocusAfterSave("edit-slot", "slotId", slot.id);
  return (
    <details className="edit-in-place" ref={details}>
      <summary className="button small secondary" aria-label={`Edit time slot ${range}`}>
        Edit
      </summary>
      <Form method="post" className="row" aria-label={`Edit time slot ${range}`}>
        <input type="hidden" name="intent" value="edit-slot" />
        <input type="hidden" name="slotId" value={slot.id} />
        <input type="hidden" name="day" value={slot.localStart.slice(0, 10)} />
        <div className="field">
          <label htmlFor={`${id}-from`}>From</label>
          <input id={`${id}-from`} name="starts" type="time" defaultValue={slot.localStart.slice(11, 16)} required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-until`}>Until</label>
          <input id={`${id}-until`} name="ends" type="time" defaultValue={slot.localEnd.slice(11, 16)} required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select id={`${id}-kind`} name="kind" defaultValue={slot.kind}>
            <option value="sessions">Sessions (one per room)</option>
            <option value="break">Break</option>
            <option value="plenary">Plenary (one for all rooms)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-label`}>Label</label>
          <input id={`${id}-label`} name="label" defaultValue={slot.label} maxLength={limits.slotLabel} />
        </div>
        <SaveButton label="Save time slot" />
      </Form>
    </details>
  );
}

function SaveButton({ label }: { label: string }) {
  const busy = useNavigation().state === "submitting";
  return (
    <button type="submit" className="small" disabled={busy}>
      {label}
    </button>
  );
}
