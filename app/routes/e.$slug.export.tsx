import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireViewer } from "../services/request.server";

/** Every export of the event in one place, with what each file is for. */

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  return { slug: viewer.event.slug, name: viewer.event.name, isOrganiser: viewer.isOrganiser };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Exports · ${data.name} · Unconf` : "Exports · Unconf" },
];

export default function Exports() {
  const { slug, isOrganiser } = useLoaderData<typeof loader>();
  const base = `/e/${slug}`;
  return (
    <main id="main" className="page narrow">
      <h1>Exports</h1>
      <p>
        Write-ups name only the people who agreed to be named, and nobody in a session under the Chatham House rule.
        Each session page also has its own Markdown and HTML exports, and a preview where you can edit the title and
        introduction first.
      </p>

      <section className="card" aria-labelledby="posts-heading">
        <h2 id="posts-heading">Write-ups</h2>
        <ul className="plain-list">
          <li>
            <a href={`${base}/export.md`}>Event write-up (Markdown)</a>
            <span className="muted">one post covering every session</span>
          </li>
          <li>
            <a href={`${base}/export.zip`}>Posts for a static site (zip)</a>
            <span className="muted">content/posts/YYYY-MM-DD-title.md for Hugo; Jekyll's _posts names too</span>
          </li>
          <li>
            <a href={`${base}/export.wxr`}>WordPress import file (WXR)</a>
            <span className="muted">Tools → Import → WordPress; one draft post per session</span>
          </li>
        </ul>
      </section>

      <section className="card" aria-labelledby="schedule-heading">
        <h2 id="schedule-heading">Schedule</h2>
        <ul className="plain-list">
          <li>
            <a href={`${base}/schedule.ics`}>Calendar (iCalendar)</a>
            <span className="muted">every scheduled session, in the event's time zone</span>
          </li>
          <li>
            <a href={`${base}/schedule.xml`}>Schedule XML (frab)</a>
            <span className="muted">for conference apps such as Giggity and EventFahrplan</span>
          </li>
          <li>
            <a href={`${base}/schedule.json`}>Schedule JSON (c3voc)</a>
            <span className="muted">the same, as schedule.json</span>
          </li>
        </ul>
      </section>

      {isOrganiser ? (
        <section className="card" aria-labelledby="backup-heading">
          <h2 id="backup-heading">Backup (organisers)</h2>
          <ul className="plain-list">
            <li>
              <a href={`${base}/export.json`}>The whole event (JSON)</a>
              <span className="muted">
                rooms, time slots, sessions, notes and anonymous votes; <a href="/import">import it</a> on another
                install
              </span>
            </li>
          </ul>
        </section>
      ) : null}
    </main>
  );
}
