import { useEffect, useState } from "react";
import { draftText, isEmptyDraft, readDraft } from "../../realtime/outbox";

/**
 * While a session's notes are locked, what this person was typing stays in
 * the browser; it is shown to copy elsewhere, and comes back in the form
 * when the notes are unlocked.
 */
export function LockedDraft({ slug, pitchId }: { slug: string; pitchId: string }) {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    const draft = readDraft(slug, pitchId);
    setText(draft && !isEmptyDraft(draft) ? draftText(draft) : null);
  }, [slug, pitchId]);
  return (
    <div className="notice" role="status">
      {text === null ? (
        <p>The notes of this session are locked: they can be read but not changed.</p>
      ) : (
        <>
          <p id="locked-draft-label">Notes are locked: your draft is kept and can be copied.</p>
          <textarea className="locked-draft" readOnly value={text} rows={4} aria-labelledby="locked-draft-label" />
        </>
      )}
    </div>
  );
}
