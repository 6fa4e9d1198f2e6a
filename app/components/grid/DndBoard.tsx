import {
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import { useFetcher } from "@remix-run/react";
import { GridBoard, type BoardProps } from "./GridBoard";
import type { BoardWrappers, DraggableProps, DropTargetProps } from "./types";

/**
 * The organiser's grid with drag and drop (dnd-kit: mouse, touch and
 * keyboard). Loaded lazily, so only organisers download it. A drop posts the
 * same "place" command as the dialog, with swap on.
 */
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
  return (
    <div ref={setNodeRef} style={style} className={`draggable${isDragging ? " is-dragging" : ""}`}>
      <button
        type="button"
        ref={setActivatorNodeRef}
        className="drag-handle"
        {...listeners}
        {...attributes}
        aria-label={`Drag ${title}`}
      >
        <span aria-hidden="true">⠿</span>
      </button>
      {children}
    </div>
  );
}

const wrappers: BoardWrappers = { DropTarget, Draggable };

export default function DndBoard(props: BoardProps) {
  const fetcher = useFetcher();
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 150, tolerance: 6 } }),
    useSensor(KeyboardSensor),
  );
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const target = over?.data.current as { roomId: string; slotId: string } | undefined;
    if (!target) return;
    fetcher.submit(
      { intent: "place", pitchId: String(active.id), roomId: target.roomId, slotId: target.slotId, swap: "true" },
      { method: "post" },
    );
  };
  const error = fetcher.state === "idle" ? (fetcher.data as { error?: string } | undefined)?.error : undefined;
  return (
    <DndContext sensors={sensors} onDragEnd={onDragEnd}>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <GridBoard {...props} wrappers={wrappers} />
    </DndContext>
  );
}
