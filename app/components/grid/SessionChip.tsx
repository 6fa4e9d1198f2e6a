import { Link } from "@remix-run/react";
import { tallyText } from "../../domain/voting";
import { GoingLine } from "../pitches/GoingButton";
import { SessionMenu } from "./SessionMenu";
import { type CellView, type ConflictView, DragHandle } from "./types";

/**
 * A placed session, compact: its title links to the session page; one line
 * of tally and marks; organisers get one "Actions" menu (Move, Unschedule, Pin).
 */
export function SessionChip({
  slug,
  cell,
  conflicts,
  isOrganiser,
  onSchedule,
  view = "table",
  note,
}: {
  /** A line about its time, for a long session ("2 slots, until 12:00"). */
  note?: string;
  slug: string;
  cell: CellView;
  conflicts: ConflictView[];
  isOrganiser: boolean;
  onSchedule?: (pitchId: string) => void;
  view?: string;
}) {
  // One mark per label ("Host unavailable", "Needs projector"), its messages in the title.
  const kinds = [...new Set(conflicts.map((c) => c.label))];
  const hasMeta = cell.votes !== null || cell.myVote || (cell.pinned && isOrganiser);
  return (
    <div className={`chip${kinds.length ? " has-conflict" : ""}${cell.myVote ? " mine" : ""}`}>
      <Link to={`/e/${slug}/s/${cell.pitchId}`} className="chip-title" discover="none">
        {cell.title}
      </Link>
      {note ? <span className="chip-note muted">{note}</span> : null}
      {hasMeta || isOrganiser ? (
        <div className="chip-foot">
          <DragHandle />
          {hasMeta ? (
            <span className="chip-meta">
              {cell.votes !== null ? <span className="chip-tally">{tallyText(cell.votes)}</span> : null}
              {cell.myVote ? <span className="badge personal">My pick</span> : null}
              {cell.pinned && isOrganiser ? <span className="badge">Pinned</span> : null}
            </span>
          ) : null}
          {isOrganiser ? <SessionMenu cell={cell} view={view} onMove={onSchedule} /> : null}
        </div>
      ) : null}
      <GoingLine slug={slug} cell={cell} />
      {kinds.length ? (
        <ul className="conflict-marks" aria-label={`Conflicts for ${cell.title}`}>
          {kinds.map((kind) => (
            <li key={kind} className="badge warn" title={conflicts.find((c) => c.label === kind)?.message}>
              {kind}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
