import { featureLabel } from "../../domain/features";
import { tallyText } from "../../domain/voting";
import { focusIdOf } from "./focusAfterMove";
import { type BoardWrappers, DragHandle } from "./types";

export interface UnplacedView {
  id: string;
  title: string;
  votes: number | null;
  myVote: boolean;
  /** Slots it takes (a long session: 2 or more). */
  span?: number;
  needs?: string[];
  /** Needs no room offers. */
  unmet?: string[];
}

/** "Not scheduled yet": open pitches without a cell, most wanted first. */
export function UnplacedList({
  pitches,
  isOrganiser,
  onSchedule,
  wrappers,
}: {
  pitches: UnplacedView[];
  isOrganiser: boolean;
  onSchedule?: (pitchId: string) => void;
  wrappers: BoardWrappers;
}) {
  const { Draggable } = wrappers;
  return (
    <section className="card unplaced" aria-labelledby="unplaced-heading">
      <h2 id="unplaced-heading">Not scheduled yet</h2>
      {pitches.length === 0 ? <p className="muted">Every open pitch has a place.</p> : null}
      <ul className="plain-list" aria-labelledby="unplaced-heading">
        {pitches.map((pitch) => (
          <li key={pitch.id}>
            <Draggable pitchId={pitch.id} title={pitch.title}>
              <DragHandle />
              <span className="unplaced-item">
                <span>
                  {pitch.title}
                  {pitch.votes !== null ? <span className="muted"> · {tallyText(pitch.votes)}</span> : null}
                  {pitch.myVote ? <span className="badge personal">My pick</span> : null}
                  {(pitch.span ?? 1) > 1 ? <span className="muted"> · {pitch.span} slots</span> : null}
                  {pitch.needs?.length ? (
                    <span className="muted"> · needs {pitch.needs.map(featureLabel).join(", ").toLowerCase()}</span>
                  ) : null}
                  {isOrganiser && pitch.unmet?.length ? (
                    <span className="badge warn">
                      No room has {pitch.unmet.map(featureLabel).join(", ").toLowerCase()}
                    </span>
                  ) : null}
                </span>
                {isOrganiser ? (
                  <button
                    type="button"
                    className="small"
                    aria-label={`Schedule ${pitch.title}`}
                    data-focus-id={focusIdOf("schedule", pitch.id)}
                    onClick={() => onSchedule?.(pitch.id)}
                  >
                    Schedule
                  </button>
                ) : null}
              </span>
            </Draggable>
          </li>
        ))}
      </ul>
    </section>
  );
}
