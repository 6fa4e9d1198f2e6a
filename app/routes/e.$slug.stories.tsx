import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SanitisedHtml } from "../components/SanitisedHtml";
import { heavyWorkOf } from "../services/heavyWork.server";
import { requireViewer } from "../services/request.server";

export const meta: MetaFunction = () => [{ title: "Tips and blocker stories · Unconf" }];

/**
 * Each session's stories and tips come as markup made in a worker thread
 * (SessionStories, from the HTML stored with each note), so a day's thousands
 * of notes cost the request's thread one string per session.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  const sessions = await heavyWorkOf(context).run({ kind: "stories", eventId: viewer.event.id });
  return { slug: viewer.event.slug, sessions };
}

/** Every tip and blocker story of the day, grouped by session. */
export default function Stories() {
  const { slug, sessions } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
      <h1>Tips and blocker stories</h1>
      <p className="muted">What blocks us, what it costs, and what helped: gathered from every session's notes.</p>
      {sessions.length === 0 ? <p>No tips or blocker stories have been captured yet.</p> : null}
      {sessions.map((session) => (
        <section key={session.id} className="card" aria-labelledby={`stories-${session.id}`}>
          <h2 id={`stories-${session.id}`}>
            <Link to={`/e/${slug}/s/${session.id}`}>{session.title}</Link>
          </h2>
          <SanitisedHtml className="stories" html={session.html} />
        </section>
      ))}
    </main>
  );
}
