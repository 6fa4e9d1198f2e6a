import { type ComponentType, type ReactNode, createContext, useContext } from "react";

export interface RoomView {
  id: string;
  name: string;
  capacity: number;
  /** Features the room offers (absent: none known). */
  features?: string[];
  /** The room's video call, stream or chat. */
  remoteUrl?: string | null;
}

export interface SlotView {
  id: string;
  localStart: string;
  localEnd: string;
  kind: "sessions" | "break" | "plenary";
  label: string;
}

export interface CellView {
  pitchId: string;
  roomId: string;
  slotId: string;
  pinned: boolean;
  /** Slots it covers from `slotId` (a long session: 2 or more). */
  span: number;
  title: string;
  pitcherName: string | null;
  coHostNames: string[];
  votes: number | null;
  myVote: boolean;
  going: { going: number; waiting: number };
  goingCap: number | null;
  myGoing: "going" | "waiting" | null;
}

export type { ConflictFact as ConflictView } from "../../realtime/facts";

/** Wrappers the drag-and-drop layer puts around cells and sessions; plain by default. */
export interface DropTargetProps {
  roomId: string;
  slotId: string;
  children: ReactNode;
}
export interface DraggableProps {
  pitchId: string;
  title: string;
  children: ReactNode;
}
export interface BoardWrappers {
  DropTarget: ComponentType<DropTargetProps>;
  Draggable: ComponentType<DraggableProps>;
}

/**
 * The drag handle the drag-and-drop layer made for the session being
 * rendered: the session puts it where it fits (a chip in its footer, a list
 * item at its start), so the handle takes no column of its own in a cell.
 */
export const DragHandleContext = createContext<ReactNode>(null);
export function DragHandle() {
  return <>{useContext(DragHandleContext)}</>;
}
