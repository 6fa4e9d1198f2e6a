import { Form } from "@remix-run/react";
import { createContext, useCallback, useEffect, useRef, useState } from "react";
import { focusSession } from "./focusAfterMove";
import type { CellView } from "./types";

/** How long "Undo" stays offered after an Unschedule, unless focus or the pointer is on it. */
export const UNDO_MS = 10_000;

/** Set by the board: each session's Unschedule calls it as the command is sent. */
export const UnscheduleContext = createContext<((cell: CellView) => void) | null>(null);

/** What an Unschedule took away: enough to put the session back where it was, pin included. */
export type Unscheduled = Pick<CellView, "pitchId" | "title" | "roomId" | "slotId" | "pinned">;

/**
 * Remembers the last Unschedule so the board can offer "Undo". The offer is
 * shown once the grid no longer holds the session (the server agreed), and is
 * dropped when the session is placed again by any means.
 */
export function useUndoUnschedule(cells: CellView[]) {
  const [last, setLast] = useState<Unscheduled | null>(null);
  const placed = last ? cells.some((c) => c.pitchId === last.pitchId) : false;
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    if (!last) return;
    if (!placed) setSeen(true);
    // Placed again after it was gone (Undo, a drag, another organiser): nothing left to undo.
    else if (seen) {
      setLast(null);
      setSeen(false);
    }
  }, [last, placed, seen]);
  const remember = useCallback((cell: CellView) => {
    setSeen(false);
    setLast({
      pitchId: cell.pitchId,
      title: cell.title,
      roomId: cell.roomId,
      slotId: cell.slotId,
      pinned: cell.pinned,
    });
  }, []);
  const forget = useCallback(() => {
    setLast(null);
    setSeen(false);
  }, []);
  return { shown: last && seen && !placed ? last : null, remember, forget };
}

/**
 * "Unscheduled “TITLE”. Undo": a polite status with one button that
 * posts the same "place" command as the dialog, back to the old room and slot
 * (and pin). Focus goes to "Undo" when it appears (the menu that held
 * Unschedule is gone with the session). The offer lapses after UNDO_MS, but
 * not while focus or the pointer is on it (WCAG 2.2.1); if focus was then
 * nowhere, it goes to the session's "Schedule TITLE" button.
 */
export function UndoUnschedule({
  undo,
  onUndo,
  onLapse,
}: {
  undo: Unscheduled | null;
  onUndo: (undo: Unscheduled) => void;
  onLapse: () => void;
}) {
  const bar = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const pitchId = undo?.pitchId;
  useEffect(() => {
    if (!pitchId) return;
    button.current?.focus();
    let timer: ReturnType<typeof setTimeout>;
    const lapse = () => {
      const el = bar.current;
      if (el && (el.contains(document.activeElement) || el.matches(":hover"))) {
        timer = setTimeout(lapse, 1000);
        return;
      }
      onLapse();
      // Focus left for nowhere (the page was clicked): give it to the session, under "Not scheduled yet".
      if (document.activeElement === document.body) requestAnimationFrame(() => focusSession(pitchId));
    };
    timer = setTimeout(lapse, UNDO_MS);
    return () => clearTimeout(timer);
  }, [pitchId, onLapse]);
  return (
    <div ref={bar} className={`undo-bar${undo ? "" : " is-empty"}`} role="status">
      {undo ? (
        <>
          <span>Unscheduled “{undo.title}”.</span>
          <Form method="post" className="inline-form" onSubmit={() => onUndo(undo)}>
            <input type="hidden" name="intent" value="place" />
            <input type="hidden" name="pitchId" value={undo.pitchId} />
            <input type="hidden" name="roomId" value={undo.roomId} />
            <input type="hidden" name="slotId" value={undo.slotId} />
            <input type="hidden" name="pinned" value={String(undo.pinned)} />
            <button ref={button} type="submit" className="small">
              Undo
            </button>
          </Form>
        </>
      ) : null}
    </div>
  );
}
