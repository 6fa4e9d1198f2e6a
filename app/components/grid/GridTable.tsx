import type { ReactNode } from "react";
import { formatRange, slotKindLabel } from "../../domain/timeSlots";
import { SessionChip } from "./SessionChip";
import type { BoardWrappers, CellView, ConflictView, RoomView, SlotView } from "./types";

const Plain = ({ children }: { children: ReactNode }) => <>{children}</>;
export const plainWrappers: BoardWrappers = { DropTarget: Plain, Draggable: Plain };

export interface GridProps {
  slug: string;
  rooms: RoomView[];
  slots: SlotView[];
  cells: CellView[];
  conflicts: ConflictView[];
  isOrganiser: boolean;
  nowSlotId: string | null;
  nextSlotId: string | null;
  onSchedule?: (pitchId: string) => void;
  wrappers?: BoardWrappers;
}

export function SlotMarker({
  slotId,
  nowSlotId,
  nextSlotId,
}: {
  slotId: string;
  nowSlotId: string | null;
  nextSlotId: string | null;
}) {
  if (slotId === nowSlotId) return <span className="badge now">Now</span>;
  if (slotId === nextSlotId) return <span className="badge next">Next</span>;
  return null;
}

export function conflictsFor(conflicts: ConflictView[], pitchId: string) {
  return conflicts.filter((c) => c.pitchIds.includes(pitchId));
}

/** One day of the grid as a table: rooms across, time slots down. */
function DayTable({ caption, slots, ...props }: GridProps & { caption: string }) {
  const { rooms, cells, conflicts, isOrganiser, slug, onSchedule, nowSlotId, nextSlotId } = props;
  const { DropTarget, Draggable } = props.wrappers ?? plainWrappers;
  const cellAt = (roomId: string, slotId: string) => cells.filter((c) => c.roomId === roomId && c.slotId === slotId);
  const chip = (cell: CellView) => (
    <Draggable key={cell.pitchId} pitchId={cell.pitchId} title={cell.title}>
      <SessionChip
        slug={slug}
        cell={cell}
        conflicts={conflictsFor(conflicts, cell.pitchId)}
        isOrganiser={isOrganiser}
        onSchedule={onSchedule}
      />
    </Draggable>
  );
  return (
    <table className="grid-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <td />
          {rooms.map((room) => (
            <th key={room.id} scope="col">
              {room.name}
              <span className="muted capacity">{room.capacity} seats</span>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {slots.map((slot) => (
          <tr key={slot.id} className={`slot-${slot.kind}${slot.id === nowSlotId ? " is-now" : ""}`}>
            <th scope="row">
              {formatRange(slot)} <SlotMarker slotId={slot.id} nowSlotId={nowSlotId} nextSlotId={nextSlotId} />
              {slot.kind !== "break" && slot.label ? <span className="muted slot-label">{slot.label}</span> : null}
            </th>
            {slot.kind === "break" ? (
              <td colSpan={Math.max(1, rooms.length)} className="break-cell">
                {slotKindLabel(slot)}
              </td>
            ) : slot.kind === "plenary" ? (
              <td colSpan={Math.max(1, rooms.length)} className="plenary-cell">
                <DropTarget roomId={rooms[0]?.id ?? ""} slotId={slot.id}>
                  <span className="muted">{slotKindLabel(slot)}</span>
                  {cells.filter((c) => c.slotId === slot.id).map(chip)}
                </DropTarget>
              </td>
            ) : (
              rooms.map((room) => (
                <td key={room.id}>
                  <DropTarget roomId={room.id} slotId={slot.id}>
                    {cellAt(room.id, slot.id).map(chip)}
                  </DropTarget>
                </td>
              ))
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The grid as tables, one a day; caption "Schedule" (with the day when there are several). */
export function GridTable(props: GridProps) {
  const days = [...new Set(props.slots.map((s) => s.localStart.slice(0, 10)))];
  if (days.length <= 1) return <DayTable {...props} caption="Schedule" />;
  return (
    <>
      {days.map((day) => (
        <DayTable
          key={day}
          {...props}
          slots={props.slots.filter((s) => s.localStart.startsWith(day))}
          caption={`Schedule, ${day}`}
        />
      ))}
    </>
  );
}
