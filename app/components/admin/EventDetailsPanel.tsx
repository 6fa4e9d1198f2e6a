import { Form } from "@remix-run/react";
import { limits } from "../../schemas/limits";

/** The event's name, date and time zone, changeable after creation; slots move with the date. */
export function EventDetailsPanel({
  name,
  date,
  timeZone,
  timeZones,
  error,
}: {
  name: string;
  date: string;
  timeZone: string;
  timeZones: string[];
  error?: string;
}) {
  return (
    <section className="card" aria-labelledby="details-heading">
      <h2 id="details-heading">Event</h2>
      <Form method="post">
        <input type="hidden" name="intent" value="edit-event" />
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="field">
          <label htmlFor="details-name">Event name</label>
          <input id="details-name" name="name" defaultValue={name} maxLength={limits.eventName ?? 120} required />
        </div>
        <div className="row">
          <div className="field">
            <label htmlFor="details-date">Date</label>
            <input id="details-date" name="date" type="date" defaultValue={date} required />
          </div>
          <div className="field">
            <label htmlFor="details-zone">Time zone</label>
            <select id="details-zone" name="timeZone" defaultValue={timeZone}>
              {timeZones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p className="hint">Changing the date moves every time slot to the new day; sessions stay where they are.</p>
        <button type="submit" className="secondary">
          Save event details
        </button>
      </Form>
    </section>
  );
}
