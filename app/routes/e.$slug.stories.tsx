import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SanitisedHtml } from "../components/SanitisedHtml";
import { StoryList } from "../components/capture/Story";
import { eventStories } from "../services/capture.server";
import { requireViewer } from "../services/request.server";

export const meta: MetaFunction = () => [{ title: "Tips and blocker stories · Unconf" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = await requireViewer(context, request, params.slug);
  return { slug: viewer.event.slug, sessions: eventStories(context, viewer) };
}

/** Every tip and blocker story of the day, grouped by session. */
export default function Stories() {
  const { slug, sessions } = useLoaderData<typeof loader>();
  return (
    <main id="main" className="page">
      <h1>Tips and blocker stories</h1>
      <p className="muted">What blocks us, what it costs, and what helped: gathered from every session's notes.</p>
      {sessions.length === 0 ? <p>No tips or blocker stories have been captured yet.</p> : null}
      {sessions.map((session) => {
        const tips = session.items.filter((i) => i.kind === "tip");
        const stories = session.items.filter((i) => i.kind === "blocker");
        return (
          <section key={session.id} className="card" aria-labelledby={`stories-${session.id}`}>
            <h2 id={`stories-${session.id}`}>
              <Link to={`/e/${slug}/s/${session.id}`}>{session.title}</Link>
            </h2>
            {stories.length ? (
              <>
                <h3>Blocker stories</h3>
                {stories.map((story) => (
                  <StoryList
                    key={story.id}
                    className="item item-blocker"
                    html={{ blocker: story.blockerHtml, impact: story.impactHtml, helped: story.helpedHtml }}
                  >
                    {story.speaker ? <p className="muted said-by">Told by {story.speaker}</p> : null}
                  </StoryList>
                ))}
              </>
            ) : null}
            {tips.length ? (
              <>
                <h3>Tips</h3>
                <ul>
                  {tips.map((tip) => (
                    <li key={tip.id}>
                      <SanitisedHtml html={tip.textHtml} />
                      {tip.speaker ? <span className="muted"> ({tip.speaker})</span> : null}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </section>
        );
      })}
    </main>
  );
}
