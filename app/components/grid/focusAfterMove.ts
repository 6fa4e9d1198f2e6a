import { useCallback, useEffect, useRef, useState } from "react";
import type { CellView } from "./types";

/** Which control of a session to put focus on: its drag handle, its actions menu, or (unplaced) "Schedule". */
export type FocusTarget = "drag" | "menu";

/** Controls carry `data-focus-id="<kind>:<pitchId>"`; the grid renders a table and a phone list, one of them hidden. */
export function focusIdOf(kind: FocusTarget | "schedule", pitchId: string): string {
  return `${kind}:${pitchId}`;
}

function visibleControl(id: string): HTMLElement | null {
  for (const el of document.querySelectorAll<HTMLElement>(`[data-focus-id="${CSS.escape(id)}"]`)) {
    // Hidden copies (the table on a phone, the list on a laptop) have no layout box.
    if (el.getClientRects().length > 0) return el;
  }
  return null;
}

/** Focuses the session's control wherever it is now: placed (handle or menu) or not (its "Schedule" button). */
export function focusSession(pitchId: string, prefer: FocusTarget = "menu"): boolean {
  const order: Array<FocusTarget | "schedule"> =
    prefer === "drag" ? ["drag", "menu", "schedule"] : ["menu", "schedule"];
  for (const kind of order) {
    const el = visibleControl(focusIdOf(kind, pitchId));
    if (el) {
      el.focus();
      return true;
    }
  }
  return false;
}

interface Pending {
  pitchId: string;
  /** Where it was sent; null when nothing was sent (the dialog was cancelled). */
  target: { roomId: string; slotId: string } | null;
  prefer: FocusTarget;
  /** The answer seen when the request was made: a new one with an error settles it. */
  answer: unknown;
}

/**
 * After "Place" in the dialog or a keyboard drop, the moved session's control
 * is re-created in its new cell: focus it there once the grid shows the move,
 * or where it still is when the move was refused (or after 3 s).
 */
export function useFocusAfterMove(cells: CellView[], answer: { error?: string } | undefined, busy: boolean) {
  const [pending, setPending] = useState<Pending | null>(null);
  const answerRef = useRef(answer);
  answerRef.current = answer;

  const request = useCallback(
    (pitchId: string, target: Pending["target"], prefer: FocusTarget = "menu") =>
      setPending({ pitchId, target, prefer, answer: answerRef.current }),
    [],
  );

  useEffect(() => {
    if (!pending) return;
    const settle = () => {
      focusSession(pending.pitchId, pending.prefer);
      setPending(null);
    };
    const cell = cells.find((c) => c.pitchId === pending.pitchId);
    const arrived =
      cell && pending.target && cell.roomId === pending.target.roomId && cell.slotId === pending.target.slotId;
    const refused = !busy && answer !== pending.answer && Boolean(answer?.error);
    if (!pending.target || arrived || refused) {
      // After React has committed the moved session.
      const frame = requestAnimationFrame(settle);
      return () => cancelAnimationFrame(frame);
    }
    const timer = setTimeout(settle, 3000);
    return () => clearTimeout(timer);
  }, [pending, cells, answer, busy]);

  return request;
}
