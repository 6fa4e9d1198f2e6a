import type { ItemView } from "../../realtime/contract";
import { SanitisedHtml } from "../SanitisedHtml";
import { StoryList } from "./Story";

/**
 * One session's blocker stories and tips, as the stories page lists them.
 * Rendered to static markup in a worker thread (app/services/heavyWork.server.ts):
 * at a large event the page holds thousands of notes, and rendering them with
 * React on the request's thread held the server up for a quarter of a second.
 */
export function SessionStories({ items }: { items: ItemView[] }) {
  const tips = items.filter((i) => i.kind === "tip");
  const stories = items.filter((i) => i.kind === "blocker");
  return (
    <>
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
    </>
  );
}
