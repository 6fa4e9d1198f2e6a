import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { formatRange } from "../../domain/timeSlots";
import type { TimeSlotInput } from "../../schemas/event";
import { limits } from "../../schemas/limits";
import type { FormReply } from "../../utils/forms";
import { Field, FormErrors } from "../Field";
import { type SlotView, slotDescription } from "../VenueOverview";
import { EditSlot } from "./EditForms";
import { RemoveButton } from "./RemoveButton";

export function SlotsPanel({
  slots,
  eventDate,
  placed,
  addReply,
  removeReply,
}: {
  slots: SlotView[];
  eventDate: string;
  placed: Record<string, number>;
  addReply?: FormReply;
  removeReply?: FormReply;
}) {
  const [form, fields] = useForm<TimeSlotInput>({
    id: "add-slot",
    lastResult: addReply?.result,
    defaultValue: { day: eventDate, kind: "sessions" },
  });
  const multiDay = slots.some((s) => !s.localStart.startsWith(eventDate));
  return (
    <section className="card" aria-labelledby="admin-slots-heading">
      <h2 id="admin-slots-heading">Time slots</h2>
      {slots.length === 0 ? <p className="muted">No time slots yet: add the first one below.</p> : null}
      <ul className="plain-list" aria-label="Time slots">
        {slots.map((slot) => (
          <li key={slot.id}>
            <span>
              {multiDay ? `${slot.localStart.slice(0, 10)} ` : ""}
              {formatRange(slot)} <span className="muted">{slotDescription(slot)}</span>
            </span>
            <EditSlot slot={slot} />
            <RemoveButton
              what={`time slot ${formatRange(slot)}`}
              intent="remove-slot"
              field={{ name: "slotId", value: slot.id }}
              holds={placed[slot.id] ?? 0}
            />
          </li>
        ))}
      </ul>
      <FormErrors errors={removeReply?.result.error?.[""] ?? undefined} id="remove-slot-error" />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="add-slot" />
        <FormErrors errors={form.errors} id={form.errorId} />
        <div className="row">
          <Field label="Day" field={fields.day}>
            <input {...getInputProps(fields.day, { type: "date" })} />
          </Field>
          <Field label="Starts" field={fields.starts}>
            <input {...getInputProps(fields.starts, { type: "time" })} required />
          </Field>
          <Field label="Ends" field={fields.ends}>
            <input {...getInputProps(fields.ends, { type: "time" })} required />
          </Field>
        </div>
        <div className="row">
          <Field label="Kind of slot" field={fields.kind}>
            <select {...getSelectProps(fields.kind)}>
              <option value="sessions">Sessions (one per room)</option>
              <option value="break">Break</option>
              <option value="plenary">Plenary (one for all rooms)</option>
            </select>
          </Field>
          <Field label="Label (optional)" field={fields.label}>
            <input {...getInputProps(fields.label, { type: "text" })} maxLength={limits.slotLabel} autoComplete="off" />
          </Field>
        </div>
        <button type="submit">Add time slot</button>
      </Form>
    </section>
  );
}
