import { Link } from "@remix-run/react";
import { cellsBySlot } from "../../domain/spans";
import { formatRange, formatTime, slotKindLabel } from "../../domain/timeSlots";
import { tallyText } from "../../domain/voting";
import { GoingLine } from "../pitches/GoingButton";
import { SlotMarker, formatDay } from "./GridTable";
import { SessionMenu } from "./SessionMenu";
import type { CellView, ConflictView, RoomView, SlotView } from "./types";

/**
 * The grid on a phone: one list per time slot instead of a squeezed table.
 * Organisers get the same actions as in the table (Move opens the schedule
 * dialog, Unschedule, Pin), so the grid can be rearranged from a corridor.
 */
export function SlotList({
  slug,
  rooms,
  slots,
  cells,
  isOrganiser,
  nowSlotId,
  nextSlotId,
  onSchedule,
  conflicts = [],
}: {
  conflicts?: ConflictView[];
  slug: string;
  rooms: RoomView[];
  slots: SlotView[];
  cells: CellView[];
  isOrganiser: boolean;
  nowSlotId: string | null;
  nextSlotId: string | null;
  onSchedule?: (pitchId: string) => void;
}) {
  const roomName = new Map(rooms.map((r) => [r.id, r.name]));
  const order = new Map(rooms.map((r, i) => [r.id, i]));
  const days = new Set(slots.map((s) => s.localStart.slice(0, 10)));
  const bySlot = cellsBySlot(cells, slots);
  const startOf = new Map(slots.map((s) => [s.id, s.localStart]));
  return (
    <section aria-label="Schedule" className="slot-list">
      {slots.map((slot) => {
        const here = [...(bySlot.get(slot.id) ?? [])].sort(
          (a, b) => (order.get(a.cell.roomId) ?? 0) - (order.get(b.cell.roomId) ?? 0),
        );
        return (
          <div key={slot.id} className={`slot-block${slot.id === nowSlotId ? " is-now" : ""}`}>
            {/* h2: the page's h1 is "Schedule", and nothing sits between them. */}
            <h2 className="slot-heading">
              {days.size > 1 ? `${formatDay(slot.localStart.slice(0, 10))}, ` : ""}
              {formatRange(slot)} <SlotMarker slotId={slot.id} nowSlotId={nowSlotId} nextSlotId={nextSlotId} />
            </h2>
            {slot.kind !== "sessions" || slot.label ? (
              <p className="muted slot-kind">{slot.kind === "sessions" ? slot.label : slotKindLabel(slot)}</p>
            ) : null}
            {slot.kind === "break" ? null : here.length === 0 ? (
              <p className="muted">Nothing scheduled yet.</p>
            ) : (
              <ul className="plain-list slot-sessions">
                {here.map(({ cell, continues }) => (
                  <li key={cell.pitchId} className={cell.myVote ? "mine" : undefined}>
                    <span className="slot-session">
                      <Link to={`/e/${slug}/s/${cell.pitchId}`} className="slot-session-title" discover="none">
                        {cell.title}
                      </Link>
                      <span className="muted">
                        {slot.kind === "plenary" ? "All rooms" : roomName.get(cell.roomId)}
                        {cell.votes !== null ? ` · ${tallyText(cell.votes)}` : ""}
                        {cell.myVote ? <span className="personal"> · My pick</span> : null}
                        {cell.pinned && isOrganiser ? " · Pinned" : ""}
                        {continues ? ` · continues from ${formatTime(startOf.get(cell.slotId) ?? "")}` : ""}
                        {!continues && cell.span > 1 ? ` · ${cell.span} slots` : ""}
                      </span>
                      <GoingLine slug={slug} cell={cell} />
                    </span>
                    {isOrganiser && !continues ? <SessionMenu cell={cell} view="list" onMove={onSchedule} /> : null}
                    {!continues ? <ConflictMarks cell={cell} conflicts={conflicts} /> : null}
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </section>
  );
}

/** The labels of the conflicts a session is in ("Host unavailable", "Needs projector"), as on the table's chips. */
function ConflictMarks({ cell, conflicts }: { cell: CellView; conflicts: ConflictView[] }) {
  const labels = [...new Set(conflicts.filter((c) => c.pitchIds.includes(cell.pitchId)).map((c) => c.label))];
  if (labels.length === 0) return null;
  return (
    <ul className="conflict-marks" aria-label={`Conflicts for ${cell.title}`}>
      {labels.map((label) => (
        <li key={label} className="badge warn">
          {label}
        </li>
      ))}
    </ul>
  );
}
