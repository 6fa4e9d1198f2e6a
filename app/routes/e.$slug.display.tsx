import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import QRCode from "qrcode";
import { Fragment, useEffect, useState } from "react";
import { Announcement } from "../components/Announcement";
import { localNow, nowAndNext } from "../domain/clock";
import { cellsBySlot, lastSlotId } from "../domain/spans";
import { formatRange, formatTime, slotKindLabel } from "../domain/timeSlots";
import { useLiveEvent } from "../realtime/LiveChannel";
import { gridViewOf } from "../realtime/eventState";
import type { SlotFact } from "../realtime/facts";
import { publicOrigin, requireViewer } from "../services/request.server";

export const meta: MetaFunction = () => [{ title: "Now and next · Unconf" }];

/** The event layout leaves out its site menu for this page: it is for a wall, not for clicking. */
export const handle = { bare: true };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  const attendeeLink = `${publicOrigin(context, request)}/e/${viewer.event.slug}`;
  const qrSvg = await QRCode.toString(attendeeLink, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  return {
    now: localNow(viewer.event.timeZone),
    attendeeLink,
    qrDataUri: `data:image/svg+xml;base64,${Buffer.from(qrSvg).toString("base64")}`,
  };
}

/** The wall clock in the event's time zone, ticking so Now and Next move on by themselves. */
function useClock(timeZone: string, initial: string) {
  const [now, setNow] = useState(initial);
  useEffect(() => {
    const tick = () => setNow(localNow(timeZone));
    tick();
    const timer = setInterval(tick, 15_000);
    return () => clearInterval(timer);
  }, [timeZone]);
  return now;
}

/**
 * The projector view: Now and Next per room in type readable from the back of
 * a hall, the join link with its QR code, and the organisers' announcement;
 * kept live by the event's channel, with no menu to click.
 */
export default function Display() {
  const { now: initialNow, attendeeLink, qrDataUri } = useLoaderData<typeof loader>();
  const live = useLiveEvent();
  const { name, timeZone, slug } = live.facts.settings;
  const { rooms, slots, cells } = gridViewOf(live);
  const now = useClock(timeZone, initialNow);
  const { now: current, next } = nowAndNext(slots, now);
  const roomName = new Map(rooms.map((r) => [r.id, r.name]));
  const roomLink = new Map(rooms.map((r) => [r.id, r.remoteUrl]));
  const pitchLink = new Map(live.facts.pitches.map((p) => [p.id, p.remoteUrl]));
  const order = new Map(rooms.map((r, i) => [r.id, i]));
  const bySlot = cellsBySlot(cells, slots);
  const endOf = new Map(slots.map((s) => [s.id, s.localEnd]));

  // A long session shows in every slot it covers, with when it ends.
  const inSlot = (slot: SlotFact | null) =>
    slot
      ? [...(bySlot.get(slot.id) ?? [])].sort(
          (a, b) => (order.get(a.cell.roomId) ?? 0) - (order.get(b.cell.roomId) ?? 0),
        )
      : [];
  // A real venue (five rooms or more) gets the compact layout: Now and Next side by side, a line per room.
  const dense = Math.max(inSlot(current).length, inSlot(next).length) > 4;

  const block = (heading: "Now" | "Next", slot: SlotFact | null) => {
    const sessions = inSlot(slot);
    return (
      <section className="display-block" aria-labelledby={`display-${heading}`}>
        <h2 id={`display-${heading}`}>
          {heading}
          {slot ? <span className="display-time"> {formatRange(slot)}</span> : null}
          {slot && slot.kind !== "sessions" ? <span className="display-kind"> {slotKindLabel(slot)}</span> : null}
        </h2>
        {!slot ? (
          <p className="display-empty">
            {heading === "Now" ? "Nothing is running right now." : "Nothing more is scheduled today."}
          </p>
        ) : slot.kind === "break" ? null : sessions.length === 0 ? (
          <p className="display-empty">To be decided: watch this space.</p>
        ) : (
          <ul className="display-list">
            {sessions.map(({ cell: c, continues }) => {
              const link = pitchLink.get(c.pitchId) ?? (slot.kind === "plenary" ? null : roomLink.get(c.roomId));
              return (
                <li key={c.pitchId}>
                  <span className="display-room">{slot.kind === "plenary" ? "All rooms" : roomName.get(c.roomId)}</span>
                  <span className="display-title">
                    {c.title}
                    {c.span > 1 ? (
                      <span className="display-span">
                        {" "}
                        {continues ? "continues" : "runs"} until{" "}
                        {formatTime(endOf.get(lastSlotId(slots, c.slotId, c.span)) ?? "")}
                      </span>
                    ) : null}
                    {link ? (
                      <span className="display-remote">
                        Remote: {link.replace(/^https:\/\//, "").replace(/\/$/, "")}
                      </span>
                    ) : null}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    );
  };

  return (
    <main id="main" className={dense ? "display is-dense" : "display"}>
      <header className="display-head">
        <h1>{name}</h1>
        <p className="display-clock">
          <span className="visually-hidden">Time at the event: </span>
          {now.slice(11, 16)}
        </p>
      </header>
      <Announcement slug={slug} projector />
      <div className="display-body">
        <div className="display-now-next">
          {block("Now", current)}
          {block("Next", next)}
        </div>
        <aside className="display-join" aria-label="Join">
          <img src={qrDataUri} alt="QR code for the attendee link" width={260} height={260} />
          <p>
            Pitch, vote and take notes:
            <br />
            <strong className="display-link">
              {/* Line breaks after a slash, not inside the host name. */}
              {attendeeLink
                .replace(/^https?:\/\//, "")
                .split("/")
                .map((part, i, all) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
                  <Fragment key={i}>
                    {part}
                    {i < all.length - 1 ? (
                      <>
                        /<wbr />
                      </>
                    ) : null}
                  </Fragment>
                ))}
            </strong>
          </p>
        </aside>
      </div>
    </main>
  );
}
