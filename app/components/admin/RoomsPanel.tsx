import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { featureLabel } from "../../domain/features";
import type { RoomInput } from "../../schemas/event";
import { limits } from "../../schemas/limits";
import type { FormReply } from "../../utils/forms";
import { Field, FormErrors } from "../Field";
import type { RoomView } from "../VenueOverview";
import { EditRoom } from "./EditForms";
import { RemoveButton } from "./RemoveButton";

export function RoomsPanel({
  rooms,
  placed,
  addReply,
  removeReply,
}: {
  rooms: RoomView[];
  placed: Record<string, number>;
  addReply?: FormReply;
  removeReply?: FormReply;
}) {
  const [form, fields] = useForm<RoomInput>({ id: "add-room", lastResult: addReply?.result });
  return (
    <section className="card" aria-labelledby="admin-rooms-heading">
      <h2 id="admin-rooms-heading">Rooms</h2>
      {rooms.length === 0 ? <p className="muted">No rooms yet: add the first one below.</p> : null}
      <ul className="plain-list" aria-label="Rooms">
        {rooms.map((room) => (
          <li key={room.id}>
            <span>
              {room.name}{" "}
              <span className="muted">
                ({room.capacity} seats{room.features?.length ? ` · ${room.features.map(featureLabel).join(", ")}` : ""}
                {room.remoteUrl ? " · remote link" : ""})
              </span>
            </span>
            <EditRoom room={room} />
            <RemoveButton
              what={`room ${room.name}`}
              intent="remove-room"
              field={{ name: "roomId", value: room.id }}
              holds={placed[room.id] ?? 0}
            />
          </li>
        ))}
      </ul>
      <FormErrors errors={removeReply?.result.error?.[""] ?? undefined} id="remove-room-error" />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="add-room" />
        <FormErrors errors={form.errors} id={form.errorId} />
        <div className="row">
          <Field label="Room name" field={fields.name}>
            <input
              {...getInputProps(fields.name, { type: "text" })}
              maxLength={limits.roomName}
              required
              autoComplete="off"
            />
          </Field>
          <Field label="Capacity" field={fields.capacity}>
            <input {...getInputProps(fields.capacity, { type: "number" })} min={1} max={100000} step={1} required />
          </Field>
        </div>
        <button type="submit">Add room</button>
      </Form>
    </section>
  );
}
