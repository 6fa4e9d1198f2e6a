import { useActionData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { useFocusAfterMove } from "./focusAfterMove";
import { GridTable, plainWrappers } from "./GridTable";
import { ScheduleDialog } from "./ScheduleDialog";
import { SlotList } from "./SlotList";
import type { BoardWrappers, CellView, ConflictView, RoomView, SlotView } from "./types";
import { UndoUnschedule, UnscheduleContext, useUndoUnschedule } from "./UndoUnschedule";
import { UnplacedList, type UnplacedView } from "./UnplacedList";

export interface BoardProps {
  slug: string;
  eventName: string;
  rooms: RoomView[];
  slots: SlotView[];
  cells: CellView[];
  unplaced: UnplacedView[];
  conflicts: ConflictView[];
  isOrganiser: boolean;
  nowSlotId: string | null;
  nextSlotId: string | null;
  wrappers?: BoardWrappers;
  /** Placed sessions' needs, so the dialog can say which rooms lack them. */
  needsOf?: Record<string, string[]>;
}

/**
 * The grid (table on wide screens, per-slot lists on phones) and the
 * "Not scheduled yet" list; organisers also get the schedule dialog (focus
 * comes back to the session after "Place" or "Cancel") and "Undo" for a few
 * seconds after an Unschedule.
 */
export function GridBoard(props: BoardProps) {
  const [scheduling, setScheduling] = useState<string | null>(null);
  const answer = useActionData() as { error?: string } | undefined;
  const busy = useNavigation().state !== "idle";
  const focusLater = useFocusAfterMove(props.cells, answer, busy);
  const undo = useUndoUnschedule(props.cells);
  const wrappers = props.wrappers ?? plainWrappers;
  const titles = new Map<string, string>([
    ...props.cells.map((c): [string, string] => [c.pitchId, c.title]),
    ...props.unplaced.map((p): [string, string] => [p.id, p.title]),
  ]);
  const current = props.cells.find((c) => c.pitchId === scheduling);
  const waiting = props.unplaced.find((p) => p.id === scheduling);
  const span = current?.span ?? waiting?.span ?? 1;
  const needs = waiting?.needs ?? props.needsOf?.[scheduling ?? ""] ?? [];
  const onSchedule = props.isOrganiser ? setScheduling : undefined;
  return (
    <UnscheduleContext.Provider value={props.isOrganiser ? undo.remember : null}>
      <div className="board">
        <div className="board-grid">
          <div className="wide-only">
            <GridTable {...props} wrappers={wrappers} onSchedule={onSchedule} />
          </div>
          <div className="narrow-only">
            <SlotList {...props} onSchedule={onSchedule} />
          </div>
        </div>
        <UnplacedList
          pitches={props.unplaced}
          isOrganiser={props.isOrganiser}
          onSchedule={onSchedule}
          wrappers={wrappers}
        />
        {props.isOrganiser ? (
          <ScheduleDialog
            pitch={scheduling ? { id: scheduling, title: titles.get(scheduling) ?? "", span, needs } : null}
            rooms={props.rooms}
            slots={props.slots}
            current={current ? { roomId: current.roomId, slotId: current.slotId } : undefined}
            onClose={(sent) => {
              if (scheduling) focusLater(scheduling, sent ? { roomId: sent.roomId, slotId: sent.slotId } : null);
              setScheduling(null);
            }}
          />
        ) : null}
        {props.isOrganiser ? (
          <UndoUnschedule
            undo={undo.shown}
            onUndo={(back) => {
              undo.forget();
              focusLater(back.pitchId, { roomId: back.roomId, slotId: back.slotId });
            }}
            onLapse={undo.forget}
          />
        ) : null}
      </div>
    </UnscheduleContext.Provider>
  );
}
