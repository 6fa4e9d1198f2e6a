import { Link } from "@remix-run/react";

/** Where the pages for the day are, with a line each on what they are for. */
export function DayPanel({ slug }: { slug: string }) {
  const base = `/e/${slug}`;
  return (
    <section className="card" aria-labelledby="day-heading">
      <h2 id="day-heading">On the day</h2>
      <ul className="link-list">
        <li>
          <Link to={`${base}/display`}>Projector view</Link>
          <span className="muted">
            {" "}
            Now and next per room, the join link and QR code, announcements: for the hall screen.
          </span>
        </li>
        <li>
          <Link to={`${base}/signs`}>Door signs</Link>
          <span className="muted"> One printable page per room with its sessions of the day.</span>
        </li>
        <li>
          <Link to={`${base}/grid`}>Print the grid</Link>
          <span className="muted">
            {" "}
            Open the grid and print it (Ctrl+P): an A3 poster with the event's name and date.
          </span>
        </li>
        <li>
          <Link to={`${base}/export`}>Exports</Link>
          <span className="muted"> Blog posts, the schedule for calendars and apps, and a backup of everything.</span>
        </li>
        <li>
          <Link to="/import">Import an event</Link>
          <span className="muted"> Start a new event from a backup file.</span>
        </li>
      </ul>
    </section>
  );
}

/** Right after creating an event: what to do next, ticked off as it gets done. */
export function Checklist({ rooms, slots, votingOpen }: { rooms: number; slots: number; votingOpen: boolean }) {
  const steps = [
    { done: rooms > 0, text: "Add the rooms (name and how many people fit)." },
    { done: slots > 0, text: "Add the time slots of the day, breaks and plenaries included." },
    { done: false, text: "Share the attendee link or show the QR code: people join with just a name." },
    { done: votingOpen, text: "Open voting once the pitches are in, then build the grid." },
  ];
  return (
    <section className="card" aria-labelledby="checklist-heading">
      <h2 id="checklist-heading">Next steps</h2>
      <ol className="checklist">
        {steps.map((step) => (
          <li key={step.text} className={step.done ? "done" : undefined}>
            {step.done ? <span className="visually-hidden">Done: </span> : null}
            {step.text}
          </li>
        ))}
      </ol>
    </section>
  );
}
