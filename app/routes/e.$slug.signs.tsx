import type { MetaFunction } from "@remix-run/node";
import { featureLabel } from "../domain/features";
import { coverage } from "../domain/spans";
import { formatRange, slotKindLabel } from "../domain/timeSlots";
import { useLiveEvent } from "../realtime/LiveChannel";
import { gridViewOf } from "../realtime/eventState";

export const meta: MetaFunction = () => [{ title: "Door signs · Unconf" }];

/** Printed, not clicked: the event layout leaves out its menu. */
export const handle = { bare: true };

function dayOf(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).toLocaleDateString("en-GB", {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
}

/**
 * One printable page per room, for its door: the room's sessions of the day
 * in time order, with the plenaries and breaks everyone shares. Follows the
 * grid live until printed.
 */
export default function DoorSigns() {
  const live = useLiveEvent();
  const { name, date } = live.facts.settings;
  const { rooms, slots, cells } = gridViewOf(live);
  const ordered = [...slots].sort((a, b) => (a.localStart < b.localStart ? -1 : a.localStart > b.localStart ? 1 : 0));
  // A long session is one line on the door, from its first slot to the end of its last.
  const covered = new Set<string>();
  const endOf = new Map<string, string>();
  for (const c of cells) {
    const ids = coverage(ordered, c.slotId, c.span).slotIds;
    for (const id of ids.slice(1)) covered.add(`${c.roomId}|${id}`);
    const last = ordered.find((s) => s.id === ids.at(-1));
    if (last) endOf.set(c.pitchId, last.localEnd);
  }
  return (
    <main id="main" className="signs">
      <h1 className="visually-hidden">Door signs for {name}</h1>
      <p className="signs-hint">One page per room: print this page (Ctrl+P) and put each sheet on its room's door.</p>
      {rooms.length === 0 ? <p>Add rooms in the organiser console first.</p> : null}
      {rooms.map((room) => (
        <section key={room.id} className="sign" aria-labelledby={`sign-${room.id}`}>
          <p className="sign-event">
            {name} · {dayOf(date)}
          </p>
          <h2 id={`sign-${room.id}`}>{room.name}</h2>
          {room.features.length ? <p className="sign-features">{room.features.map(featureLabel).join(" · ")}</p> : null}
          <ol className="sign-sessions">
            {ordered.map((slot) => {
              const here = cells.find((c) => c.slotId === slot.id && (slot.kind === "plenary" || c.roomId === room.id));
              if (slot.kind === "sessions" && (!here || covered.has(`${room.id}|${slot.id}`))) return null;
              return (
                <li key={slot.id}>
                  <span className="sign-time">
                    {formatRange({
                      localStart: slot.localStart,
                      localEnd: (here && endOf.get(here.pitchId)) || slot.localEnd,
                    })}
                  </span>
                  <span className="sign-title">
                    {here ? here.title : slotKindLabel(slot)}
                    {here && slot.kind === "plenary" ? (
                      <span className="sign-kind"> · {slotKindLabel(slot)}</span>
                    ) : null}
                  </span>
                </li>
              );
            })}
          </ol>
        </section>
      ))}
    </main>
  );
}
