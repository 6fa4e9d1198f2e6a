import { Form, Link } from "@remix-run/react";
import { tallyText } from "../../domain/voting";
import type { CellView, ConflictView } from "./types";

const conflictLabels: Record<ConflictView["kind"], string> = {
  "double-booked": "Double-booked",
  "pitcher-clash": "Pitcher clash",
  "over-capacity": "Over capacity",
  "voter-clash": "Voter clash",
};

/** A placed session: its title links to the session page; organisers get move, unschedule and pin. */
export function SessionChip({
  slug,
  cell,
  conflicts,
  isOrganiser,
  onSchedule,
}: {
  slug: string;
  cell: CellView;
  conflicts: ConflictView[];
  isOrganiser: boolean;
  onSchedule?: (pitchId: string) => void;
}) {
  const kinds = [...new Set(conflicts.map((c) => c.kind))];
  return (
    <div className={`chip${kinds.length ? " has-conflict" : ""}${cell.myVote ? " mine" : ""}`}>
      <Link to={`/e/${slug}/s/${cell.pitchId}`} className="chip-title" discover="none">
        {cell.title}
      </Link>
      <span className="chip-meta">
        {cell.votes !== null ? tallyText(cell.votes) : null}
        {cell.myVote ? <span className="badge">My pick</span> : null}
        {cell.pinned && isOrganiser ? <span className="badge">Pinned</span> : null}
      </span>
      {kinds.length ? (
        <ul className="conflict-marks" aria-label={`Conflicts for ${cell.title}`}>
          {kinds.map((kind) => (
            <li key={kind} className="badge warn" title={conflicts.find((c) => c.kind === kind)?.message}>
              {conflictLabels[kind]}
            </li>
          ))}
        </ul>
      ) : null}
      {isOrganiser ? (
        <div className="chip-actions">
          <button
            type="button"
            className="small secondary"
            aria-label={`Schedule ${cell.title}`}
            onClick={() => onSchedule?.(cell.pitchId)}
          >
            Move
          </button>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="unplace" />
            <input type="hidden" name="pitchId" value={cell.pitchId} />
            <button type="submit" className="small secondary" aria-label={`Unschedule ${cell.title}`}>
              Unschedule
            </button>
          </Form>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="pin" />
            <input type="hidden" name="pitchId" value={cell.pitchId} />
            <input type="hidden" name="pinned" value={String(!cell.pinned)} />
            <button
              type="submit"
              className="small secondary"
              aria-pressed={cell.pinned}
              aria-label={`Pin ${cell.title}`}
            >
              {cell.pinned ? "Unpin" : "Pin"}
            </button>
          </Form>
        </div>
      ) : null}
    </div>
  );
}
