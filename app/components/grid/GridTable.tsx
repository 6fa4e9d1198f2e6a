import type { CSSProperties, ReactNode } from "react";
import { featureLabel } from "../../domain/features";
import { coverage } from "../../domain/spans";
import { formatRange, formatTime, slotKindLabel } from "../../domain/timeSlots";
import { SessionChip } from "./SessionChip";
import type { BoardWrappers, CellView, ConflictView, RoomView, SlotView } from "./types";

const Plain = ({ children }: { children: ReactNode }) => <>{children}</>;
export const plainWrappers: BoardWrappers = { DropTarget: Plain, Draggable: Plain };

export interface GridProps {
  slug: string;
  /** For the printed poster's title. */
  eventName: string;
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

/** "Now" and "Next" are the reader's moment, not the schedule's: hidden on paper. */
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

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** A day as people say it, "Tuesday 4 June 2030": no Intl, so the server and every browser agree. */
export function formatDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  if (!y || !m || !d) return day;
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  return `${weekday} ${d} ${MONTHS[m - 1]} ${y}`;
}

/** One slot's start as the drag announcements say it: "11:00", with the day when the event has several. */
export function slotMoment(slot: SlotView, slots: SlotView[]): string {
  const days = new Set(slots.map((s) => s.localStart.slice(0, 10)));
  const time = formatTime(slot.localStart);
  return days.size > 1 ? `${time} on ${formatDay(slot.localStart.slice(0, 10))}` : time;
}

/** One day of the grid as a table: rooms across, time slots down, inside a box that scrolls sideways. */
function DayTable({ caption, day, slots, ...props }: GridProps & { caption: string; day: string }) {
  const { rooms, cells, conflicts, isOrganiser, slug, onSchedule, nowSlotId, nextSlotId, eventName } = props;
  const { DropTarget, Draggable } = props.wrappers ?? plainWrappers;
  const cellAt = (roomId: string, slotId: string) => cells.filter((c) => c.roomId === roomId && c.slotId === slotId);
  const endOf = (cell: CellView) => {
    const ids = coverage(slots, cell.slotId, cell.span).slotIds;
    return slots.find((s) => s.id === ids.at(-1))?.localEnd ?? "";
  };
  const chip = (cell: CellView) => (
    <Draggable key={cell.pitchId} pitchId={cell.pitchId} title={cell.title}>
      <SessionChip
        slug={slug}
        cell={cell}
        note={cell.span > 1 ? `${cell.span} slots, until ${formatTime(endOf(cell))}` : undefined}
        conflicts={conflictsFor(conflicts, cell.pitchId)}
        isOrganiser={isOrganiser}
        onSchedule={onSchedule}
      />
    </Draggable>
  );
  const columns = { "--rooms": Math.max(1, rooms.length) } as CSSProperties;
  // Long sessions: the cell where one starts spans the rows it covers (until a session that starts in it, a conflict).
  const rowSpans = new Map<string, number>();
  const coveredCells = new Set<string>();
  for (const room of rooms) {
    slots.forEach((slot, i) => {
      const key = `${room.id}|${slot.id}`;
      if (coveredCells.has(key) || slot.kind !== "sessions") return;
      const longest = Math.max(1, ...cellAt(room.id, slot.id).map((c) => c.span));
      if (longest === 1) return;
      const ids = coverage(slots, slot.id, longest).slotIds;
      let rows = 1;
      for (const next of slots.slice(i + 1, i + ids.length)) {
        if (!ids.includes(next.id) || cellAt(room.id, next.id).length) break;
        coveredCells.add(`${room.id}|${next.id}`);
        rows++;
      }
      if (rows > 1) rowSpans.set(key, rows);
    });
  }
  return (
    <>
      <div className="poster-title">
        <p className="poster-event">{eventName}</p>
        <p className="poster-day">Schedule · {formatDay(day)}</p>
      </div>
      {/* Focusable so keyboard users can scroll it; named apart from the phone list's "Schedule" region. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus (WCAG 2.1.1) */}
      <section className="grid-scroll" aria-label={`${caption} grid`} tabIndex={0} style={columns}>
        <table className="grid-table">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <td className="corner" />
              {rooms.map((room) => (
                <th key={room.id} scope="col">
                  {room.name}
                  <span className="muted capacity">{room.capacity} seats</span>
                  {room.features?.length ? (
                    <span className="muted room-features">{room.features.map(featureLabel).join(" · ")}</span>
                  ) : null}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {slots.map((slot) => (
              <tr key={slot.id} className={`slot-${slot.kind}${slot.id === nowSlotId ? " is-now" : ""}`}>
                <th scope="row">
                  {formatRange(slot)} <SlotMarker slotId={slot.id} nowSlotId={nowSlotId} nextSlotId={nextSlotId} />
                  {slot.kind === "sessions" && slot.label ? (
                    <span className="muted slot-label">{slot.label}</span>
                  ) : null}
                </th>
                {slot.kind === "break" ? (
                  <td colSpan={Math.max(1, rooms.length)} className="break-cell">
                    <span className="row-label">{slotKindLabel(slot)}</span>
                  </td>
                ) : slot.kind === "plenary" ? (
                  <td colSpan={Math.max(1, rooms.length)} className="plenary-cell">
                    <DropTarget roomId={rooms[0]?.id ?? ""} slotId={slot.id}>
                      <span className="plenary-label">{slotKindLabel(slot)}</span>
                      {cells.filter((c) => c.slotId === slot.id).map(chip)}
                    </DropTarget>
                  </td>
                ) : (
                  rooms.map((room) =>
                    coveredCells.has(`${room.id}|${slot.id}`) ? null : (
                      <td
                        key={room.id}
                        rowSpan={rowSpans.get(`${room.id}|${slot.id}`)}
                        className={rowSpans.has(`${room.id}|${slot.id}`) ? "long-cell" : undefined}
                      >
                        <DropTarget roomId={room.id} slotId={slot.id}>
                          {cellAt(room.id, slot.id).map(chip)}
                        </DropTarget>
                      </td>
                    ),
                  )
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

/** The grid as tables, one a day; caption "Schedule" (with the day when there are several). */
export function GridTable(props: GridProps) {
  const days = [...new Set(props.slots.map((s) => s.localStart.slice(0, 10)))].sort();
  if (days.length <= 1) return <DayTable {...props} caption="Schedule" day={days[0] ?? ""} />;
  return (
    <>
      {days.map((day) => (
        <div key={day} className="grid-day">
          <DayTable
            {...props}
            slots={props.slots.filter((s) => s.localStart.startsWith(day))}
            caption={`Schedule, ${day}`}
            day={day}
          />
        </div>
      ))}
    </>
  );
}
