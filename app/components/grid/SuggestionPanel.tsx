import { Form, useNavigation } from "@remix-run/react";
import { formatRange } from "../../domain/timeSlots";
import type { RoomView, SlotView } from "./types";

export interface Score {
  keptAway: number;
  overCapacity: number;
  pitcherClashes: number;
  placed: number;
}

export interface SuggestionView {
  version: string;
  cells: Array<{ pitchId: string; roomId: string; slotId: string }>;
  score: Score;
  currentScore: Score;
  baselineScore: Score;
}

function ScoreRow({ label, score }: { label: string; score: Score }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{score.placed}</td>
      <td>{score.keptAway}</td>
      <td>{score.overCapacity}</td>
    </tr>
  );
}

/** "Suggest a grid" and its preview: the suggestion's score beside the current grid's, then "Apply suggestion". */
export function SuggestionPanel({
  suggestion,
  rooms,
  slots,
  titles,
}: {
  suggestion: SuggestionView | null;
  rooms: RoomView[];
  slots: SlotView[];
  titles: Record<string, string>;
}) {
  const navigation = useNavigation();
  const busy = navigation.formData?.get("intent") === "suggest";
  const roomName = new Map(rooms.map((r) => [r.id, r.name]));
  return (
    <section className="card" aria-labelledby="suggest-heading">
      <h2 id="suggest-heading">Automatic grid</h2>
      <p className="hint">
        Places the most wanted pitches so that as few attendees as possible lose a session they voted for, with the
        biggest rooms for the most wanted sessions. Pinned sessions stay where they are.
      </p>
      <Form method="post">
        <input type="hidden" name="intent" value="suggest" />
        <button type="submit" className="secondary" disabled={busy}>
          Suggest a grid
        </button>
      </Form>
      {suggestion ? (
        <div className="suggestion" aria-live="polite">
          <table className="score-table">
            <caption>Suggestion compared with the current grid</caption>
            <thead>
              <tr>
                <td />
                <th scope="col">Sessions placed</th>
                <th scope="col">Choices lost to clashes</th>
                <th scope="col">Sessions over capacity</th>
              </tr>
            </thead>
            <tbody>
              <ScoreRow label="Suggestion" score={suggestion.score} />
              <ScoreRow label="Current grid" score={suggestion.currentScore} />
              <ScoreRow label="Simple fill (most votes first)" score={suggestion.baselineScore} />
            </tbody>
          </table>
          <h3>Suggested placements</h3>
          <ul className="plain-list" aria-label="Suggested placements">
            {slots
              .filter((slot) => suggestion.cells.some((c) => c.slotId === slot.id))
              .flatMap((slot) =>
                suggestion.cells
                  .filter((c) => c.slotId === slot.id)
                  .map((c) => (
                    <li key={c.pitchId}>
                      <span>{titles[c.pitchId] ?? "?"}</span>
                      <span className="muted">
                        {formatRange(slot)}, {roomName.get(c.roomId)}
                      </span>
                    </li>
                  )),
              )}
          </ul>
          <Form method="post">
            <input type="hidden" name="intent" value="apply" />
            <input type="hidden" name="version" value={suggestion.version} />
            <input type="hidden" name="cells" value={JSON.stringify(suggestion.cells)} />
            <button type="submit">Apply suggestion</button>
          </Form>
        </div>
      ) : null}
    </section>
  );
}
