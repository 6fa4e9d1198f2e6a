import { Form } from "@remix-run/react";
import type { FormReply } from "../../utils/forms";
import { FormErrors } from "../Field";

interface ModerationPitch {
  id: string;
  title: string;
  status: "open" | "hidden" | "merged" | "withdrawn";
  hiddenReason: string | null;
  votes: number;
}

/** Hide a pitch (with a reason for the audit log), show it again, or merge two pitches. */
export function ModerationPanel({
  pitches,
  hideReply,
  mergeReply,
}: {
  pitches: ModerationPitch[];
  hideReply?: FormReply;
  mergeReply?: FormReply;
}) {
  const open = pitches.filter((p) => p.status === "open");
  return (
    <section className="card" aria-labelledby="moderation-heading">
      <h2 id="moderation-heading">Moderation</h2>
      {pitches.length === 0 ? <p className="muted">No pitches yet.</p> : null}
      <FormErrors
        errors={hideReply?.result.error?.[""] ?? hideReply?.result.error?.reason ?? undefined}
        id="hide-error"
      />
      <ul className="plain-list" aria-label="Pitches to moderate">
        {pitches.map((pitch) => (
          <li key={pitch.id}>
            <span>
              {pitch.title}{" "}
              <span className="muted">
                ({pitch.votes} {pitch.votes === 1 ? "vote" : "votes"})
              </span>
              {pitch.status === "hidden" ? <span className="badge">Hidden: {pitch.hiddenReason}</span> : null}
            </span>
            {pitch.status === "hidden" ? (
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="unhide-pitch" />
                <input type="hidden" name="pitchId" value={pitch.id} />
                <button type="submit" className="secondary" aria-label={`Show ${pitch.title} again`}>
                  Show again
                </button>
              </Form>
            ) : (
              <details>
                <summary className="button secondary" aria-label={`Hide ${pitch.title}…`}>
                  Hide…
                </summary>
                <Form method="post" className="row">
                  <input type="hidden" name="intent" value="hide-pitch" />
                  <input type="hidden" name="pitchId" value={pitch.id} />
                  <div className="field">
                    <label htmlFor={`reason-${pitch.id}`}>Reason for hiding {pitch.title}</label>
                    <input id={`reason-${pitch.id}`} name="reason" type="text" required maxLength={200} />
                  </div>
                  <button type="submit" className="danger">
                    Hide pitch
                  </button>
                </Form>
              </details>
            )}
          </li>
        ))}
      </ul>
      {open.length >= 2 ? (
        <Form method="post">
          <h3>Merge two pitches</h3>
          <p className="hint">
            The first pitch&apos;s votes move to the second (someone who voted for both keeps one vote) and its notes
            follow.
          </p>
          <input type="hidden" name="intent" value="merge-pitches" />
          <FormErrors
            errors={mergeReply?.result.error?.[""] ?? mergeReply?.result.error?.intoId ?? undefined}
            id="merge-error"
          />
          <div className="row">
            <div className="field">
              <label htmlFor="merge-from">Merge</label>
              <select id="merge-from" name="fromId" required>
                {open.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.title}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="merge-into">Into</label>
              <select id="merge-into" name="intoId" required defaultValue={open[1]?.id}>
                {open.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.title}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <button type="submit" className="secondary">
            Merge pitches
          </button>
        </Form>
      ) : null}
    </section>
  );
}
