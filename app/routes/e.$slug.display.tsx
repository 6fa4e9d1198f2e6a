import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { type TimedSlot, localNow, nowAndNext } from "../domain/clock";
import { formatRange } from "../domain/timeSlots";
import { useLiveEvent } from "../realtime/LiveChannel";
import { gridViewOf } from "../realtime/eventState";
import { requireViewer } from "../services/request.server";

export const meta: MetaFunction = () => [{ title: "Now and next · Unconf" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  return { now: localNow(viewer.event.timeZone) };
}

/** The projector view: what is on now and next, in large type, kept live by the layout's channel. */
export default function Display() {
  const live = useLiveEvent();
  const { name, timeZone } = live.facts.settings;
  const { rooms, slots, cells } = gridViewOf(live);
  const data = { name, timeZone, rooms, slots, cells };
  const [now, setNow] = useState(useLoaderData<typeof loader>().now);
  useEffect(() => {
    const timer = setInterval(() => setNow(localNow(data.timeZone)), 30_000);
    return () => clearInterval(timer);
  }, [data.timeZone]);
  const { now: current, next } = nowAndNext(data.slots, now);
  const roomName = new Map(data.rooms.map((r) => [r.id, r.name]));
  const order = new Map(data.rooms.map((r, i) => [r.id, i]));

  const block = (heading: string, slot: (TimedSlot & { kind: string; label: string }) | null) => (
    <section className="display-block" aria-labelledby={`display-${heading}`}>
      <h2 id={`display-${heading}`}>
        {heading}
        {slot ? <span className="display-time"> {formatRange(slot)}</span> : null}
      </h2>
      {!slot ? (
        <p className="muted">{heading === "Now" ? "Nothing is running right now." : "Nothing more is scheduled."}</p>
      ) : slot.kind === "break" ? (
        <p className="display-break">{slot.label || "Break"}</p>
      ) : (
        <ul className="display-list">
          {data.cells
            .filter((c) => c.slotId === slot.id)
            .sort((a, b) => (order.get(a.roomId) ?? 0) - (order.get(b.roomId) ?? 0))
            .map((c) => (
              <li key={c.pitchId}>
                <span className="display-room">{slot.kind === "plenary" ? "All rooms" : roomName.get(c.roomId)}</span>
                <span className="display-title">{c.title}</span>
              </li>
            ))}
        </ul>
      )}
    </section>
  );

  return (
    <main id="main" className="page display">
      <h1 className="visually-hidden">{data.name}: now and next</h1>
      <p className="display-clock">
        <span className="visually-hidden">Time at the event: </span>
        {now.slice(11, 16)}
      </p>
      {block("Now", current)}
      {block("Next", next)}
    </main>
  );
}
