import {
  type Announcements,
  type Collision,
  type CollisionDetection,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  type KeyboardCoordinateGetter,
  PointerSensor,
  type ScreenReaderInstructions,
  TouchSensor,
  type UniqueIdentifier,
  pointerWithin,
  rectIntersection,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import { useFetcher } from "@remix-run/react";
import { useRef } from "react";
import { focusIdOf, useFocusAfterMove } from "./focusAfterMove";
import { type BoardProps, GridBoard } from "./GridBoard";
import { slotMoment } from "./GridTable";
import { type BoardWrappers, DragHandleContext, type DraggableProps, type DropTargetProps } from "./types";

/**
 * The organiser's grid with drag and drop (dnd-kit: mouse, touch and
 * keyboard). Loaded lazily, so only organisers download it. A drop posts the
 * same "place" command as the dialog, with swap on. Screen readers hear
 * titles, rooms and times ("Alpha is over Room B at 11:00"), never ids, and
 * the arrow keys move a picked-up session from cell to cell.
 */
interface Cell {
  roomId: string;
  slotId: string;
}

function DropTarget({ roomId, slotId, children }: DropTargetProps) {
  const { setNodeRef, isOver } = useDroppable({ id: `${roomId}|${slotId}`, data: { roomId, slotId } });
  return (
    <div ref={setNodeRef} className={`drop-target${isOver ? " is-over" : ""}`}>
      {children}
    </div>
  );
}

function Draggable({ pitchId, title, children }: DraggableProps) {
  const { setNodeRef, setActivatorNodeRef, listeners, attributes, transform, isDragging } = useDraggable({
    id: pitchId,
  });
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined;
  const handle = (
    <button
      type="button"
      ref={setActivatorNodeRef}
      className="drag-handle"
      {...listeners}
      {...attributes}
      aria-label={`Drag ${title}`}
      data-focus-id={focusIdOf("drag", pitchId)}
    >
      <span aria-hidden="true">⠿</span>
    </button>
  );
  return (
    <div ref={setNodeRef} style={style} className={`draggable${isDragging ? " is-dragging" : ""}`}>
      <DragHandleContext.Provider value={handle}>{children}</DragHandleContext.Provider>
    </div>
  );
}

const wrappers: BoardWrappers = { DropTarget, Draggable };

type Step = [number, number];
const steps: Record<string, Step> = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };

/**
 * Arrow keys jump to the next cell in that direction (not 25 px): the
 * nearest drop target whose centre lies that way, preferring the same row
 * (or column), so a plenary row spanning all rooms is reached from any room.
 * The dragged session's centre lands on the cell's centre.
 */
export const cellToCell: KeyboardCoordinateGetter = (event, { context }) => {
  const step = steps[event.code];
  const { collisionRect, droppableRects, droppableContainers } = context;
  if (!step || !collisionRect) return undefined;
  event.preventDefault();
  const [dx, dy] = step;
  const cx = collisionRect.left + collisionRect.width / 2;
  const cy = collisionRect.top + collisionRect.height / 2;
  let best: { x: number; y: number; score: number } | null = null;
  for (const container of droppableContainers.getEnabled()) {
    const r = droppableRects.get(container.id);
    if (!r) continue;
    const rx = r.left + r.width / 2;
    const ry = r.top + r.height / 2;
    // From the "Not scheduled yet" list, go to a cell one can see, not one scrolled out of the grid's box.
    if (!context.over) {
      const box = container.node.current?.closest(".grid-scroll")?.getBoundingClientRect();
      if (box && (rx < box.left || rx > box.right || ry < box.top || ry > box.bottom)) continue;
    }
    const along = dx * (rx - cx) + dy * (ry - cy);
    if (along <= 1) continue;
    // How far the cell is off the line of travel (0 when the line crosses it).
    const across = dx
      ? Math.max(0, r.top - cy, cy - (r.top + r.height))
      : Math.max(0, r.left - cx, cx - (r.left + r.width));
    const score = across * 10 + along;
    if (!best || score < best.score) best = { x: rx, y: ry, score };
  }
  if (!best) return undefined;
  return { x: best.x - collisionRect.width / 2, y: best.y - collisionRect.height / 2 };
};

type Rects = Parameters<CollisionDetection>[0]["droppableRects"];
type Containers = Parameters<CollisionDetection>[0]["droppableContainers"];

/**
 * Each cell as far as the grid's scrolling box shows it: a plenary row is
 * wider than the box, and cells scrolled out of it still have a place on the
 * page (under the "Not scheduled yet" list, say), where nothing may land.
 */
function shownRects(containers: Containers, rects: Rects): Rects {
  const shown: Rects = new Map();
  for (const container of containers) {
    const r = rects.get(container.id);
    if (!r) continue;
    const box = container.node.current?.closest(".grid-scroll")?.getBoundingClientRect();
    const left = Math.max(r.left, box?.left ?? r.left);
    const top = Math.max(r.top, box?.top ?? r.top);
    const right = Math.min(r.left + r.width, box?.right ?? r.left + r.width);
    const bottom = Math.min(r.top + r.height, box?.bottom ?? r.top + r.height);
    if (right <= left || bottom <= top) continue;
    shown.set(container.id, { left, top, right, bottom, width: right - left, height: bottom - top });
  }
  return shown;
}

/**
 * A pointer drops where it points. The keyboard's session is over the cell
 * that holds its centre (so picking one up from the list is over nothing yet).
 */
const collisionDetection: CollisionDetection = (args) => {
  const droppableRects = shownRects(args.droppableContainers, args.droppableRects);
  const droppableContainers = args.droppableContainers.filter((c) => droppableRects.has(c.id));
  const shown = { ...args, droppableRects, droppableContainers };
  if (args.pointerCoordinates) {
    const within = pointerWithin(shown);
    return within.length ? within : rectIntersection(shown);
  }
  const { collisionRect } = args;
  const cx = collisionRect.left + collisionRect.width / 2;
  const cy = collisionRect.top + collisionRect.height / 2;
  const hits: Array<Collision & { area: number }> = [];
  for (const container of droppableContainers) {
    const r = droppableRects.get(container.id);
    if (!r || cx < r.left || cx > r.left + r.width || cy < r.top || cy > r.top + r.height) continue;
    hits.push({ id: container.id, data: { droppableContainer: container, value: 0 }, area: r.width * r.height });
  }
  return hits.sort((a, b) => a.area - b.area);
};

const screenReaderInstructions: ScreenReaderInstructions = {
  draggable:
    "To move a session, press Space or Enter to pick it up, then use the arrow keys to go from cell to cell. " +
    "Press Space or Enter again to place it there, or Escape to leave it where it was. " +
    "The Schedule and Move buttons do the same with a form.",
};

export default function DndBoard(props: BoardProps) {
  const fetcher = useFetcher<{ error?: string }>();
  const focusLater = useFocusAfterMove(props.cells, fetcher.data, fetcher.state !== "idle");
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 150, tolerance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: cellToCell, scrollBehavior: "auto" }),
  );

  const titleOf = (id: UniqueIdentifier) =>
    props.cells.find((c) => c.pitchId === id)?.title ?? props.unplaced.find((p) => p.id === id)?.title ?? "The session";
  const placeOf = ({ roomId, slotId }: Cell) => {
    const slot = props.slots.find((s) => s.id === slotId);
    const at = slot ? slotMoment(slot, props.slots) : "";
    if (slot?.kind === "plenary") return `the plenary at ${at} (all rooms)`;
    return `${props.rooms.find((r) => r.id === roomId)?.name ?? "a room"} at ${at}`;
  };
  const cellOf = (over: { data: { current?: unknown } } | null) => over?.data.current as Cell | undefined;
  const occupant = (pitchId: UniqueIdentifier, { roomId, slotId }: Cell) => {
    const slot = props.slots.find((s) => s.id === slotId);
    return props.cells.find(
      (c) => c.pitchId !== pitchId && c.slotId === slotId && (slot?.kind === "plenary" || c.roomId === roomId),
    );
  };
  const isHome = (pitchId: UniqueIdentifier, { roomId, slotId }: Cell) => {
    const plenary = props.slots.find((s) => s.id === slotId)?.kind === "plenary";
    return props.cells.some((c) => c.pitchId === pitchId && c.slotId === slotId && (plenary || c.roomId === roomId));
  };

  const lastOver = useRef<UniqueIdentifier | null>(null);
  /** The drop target a placed session sits in (a plenary has one for the whole row, keyed by the first room). */
  const homeTargetId = (home: Cell) =>
    props.slots.find((s) => s.id === home.slotId)?.kind === "plenary"
      ? `${props.rooms[0]?.id ?? ""}|${home.slotId}`
      : `${home.roomId}|${home.slotId}`;
  const announcements: Announcements = {
    onDragStart: ({ active }) => {
      const home = props.cells.find((c) => c.pitchId === active.id);
      lastOver.current = home ? homeTargetId(home) : null;
      return `Picked up ${titleOf(active.id)}${home ? ` from ${placeOf(home)}` : ""}.`;
    },
    onDragOver: ({ active, over }) => {
      // Picking a session up puts it over its own cell: that is said once, by "Picked up".
      if ((over?.id ?? null) === lastOver.current) return undefined;
      lastOver.current = over?.id ?? null;
      const cell = cellOf(over);
      if (!cell) return `${titleOf(active.id)} is not over a cell.`;
      const other = occupant(active.id, cell);
      return `${titleOf(active.id)} is over ${placeOf(cell)}${other ? `, which holds ${other.title}` : ""}.`;
    },
    onDragEnd: ({ active, over }) => {
      const title = titleOf(active.id);
      const cell = cellOf(over);
      if (!cell) return `${title} was dropped outside the grid and stays where it was.`;
      if (isHome(active.id, cell)) return `${title} stays in ${placeOf(cell)}.`;
      const other = occupant(active.id, cell);
      const home = props.cells.find((c) => c.pitchId === active.id);
      if (other && !home) return `${title} was not placed: ${placeOf(cell)} already holds ${other.title}.`;
      if (other && home)
        return `${title} was placed in ${placeOf(cell)}, and ${other.title} moved to ${placeOf(home)}.`;
      return `${title} was placed in ${placeOf(cell)}.`;
    },
    onDragCancel: ({ active }) => `Moving ${titleOf(active.id)} was cancelled. It stays where it was.`,
  };

  const onDragEnd = ({ active, over, activatorEvent }: DragEndEvent) => {
    const target = cellOf(over);
    if (!target || isHome(active.id, target)) return;
    const pitchId = String(active.id);
    fetcher.submit(
      { intent: "place", pitchId, roomId: target.roomId, slotId: target.slotId, swap: "true" },
      { method: "post" },
    );
    // A keyboard user carries on from the session's handle in its new cell.
    if (activatorEvent instanceof KeyboardEvent) focusLater(pitchId, target, "drag");
  };
  const error = fetcher.state === "idle" ? fetcher.data?.error : undefined;
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collisionDetection}
      onDragEnd={onDragEnd}
      accessibility={{ announcements, screenReaderInstructions }}
    >
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <GridBoard {...props} wrappers={wrappers} />
    </DndContext>
  );
}
