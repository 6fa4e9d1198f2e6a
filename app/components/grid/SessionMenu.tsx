import { Form, Link } from "@remix-run/react";
import { type FocusEvent, type KeyboardEvent, useContext, useRef, useState } from "react";
import { focusIdOf } from "./focusAfterMove";
import type { CellView } from "./types";
import { UnscheduleContext } from "./UndoUnschedule";

/**
 * One disclosure per placed session for organisers: "Actions" opens Move,
 * Unschedule and Pin (or Unpin). Each button's name starts with its visible
 * label and carries the title ("Move TITLE"), so speech input and screen
 * readers agree (WCAG 2.5.3). Escape or leaving the menu closes it. Without
 * JavaScript the actions show open (see `noJsMenus`).
 */
export function SessionMenu({
  cell,
  view,
  onMove,
}: {
  cell: CellView;
  /** Which rendering of the grid this is in ("table" or "list"), to keep ids unique. */
  view: string;
  onMove?: (pitchId: string) => void;
}) {
  // Told as Unschedule is sent, so the board can offer "Undo".
  const onUnschedule = useContext(UnscheduleContext);
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const panelId = `actions-${view}-${cell.pitchId}`;
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape" && open) {
      event.stopPropagation();
      setOpen(false);
      toggle.current?.focus();
    }
  };
  const onBlur = (event: FocusEvent<HTMLDivElement>) => {
    if (open && !event.currentTarget.contains(event.relatedTarget as Node | null)) setOpen(false);
  };
  const pinLabel = cell.pinned ? "Unpin" : "Pin";
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape and focus leaving, delegated from the buttons inside
    <div className="session-menu" onKeyDown={onKeyDown} onBlur={onBlur}>
      <button
        ref={toggle}
        type="button"
        className="menu-toggle"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`Actions for ${cell.title}`}
        data-focus-id={focusIdOf("menu", cell.pitchId)}
        onClick={() => setOpen((was) => !was)}
      >
        Actions
        <span aria-hidden="true" className="menu-caret">
          ▾
        </span>
      </button>
      <div id={panelId} className="menu-panel" hidden={!open}>
        <button
          type="button"
          className="small secondary"
          aria-label={`Move ${cell.title}`}
          onClick={() => {
            setOpen(false);
            onMove?.(cell.pitchId);
          }}
        >
          Move
        </button>
        <Form method="post" className="inline-form" onSubmit={() => onUnschedule?.(cell)}>
          <input type="hidden" name="intent" value="unplace" />
          <input type="hidden" name="pitchId" value={cell.pitchId} />
          <button type="submit" className="small secondary" aria-label={`Unschedule ${cell.title}`}>
            Unschedule
          </button>
        </Form>
        <Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="pin" />
          <input type="hidden" name="pitchId" value={cell.pitchId} />
          <input type="hidden" name="pinned" value={String(!cell.pinned)} />
          <button type="submit" className="small secondary" aria-label={`${pinLabel} ${cell.title}`}>
            {pinLabel}
          </button>
        </Form>
        {/* The "I'm going" cap is set on the session page, beside its live count. */}
        <Link
          to={`../s/${cell.pitchId}#going`}
          relative="path"
          className="button small secondary"
          aria-label={`Going cap for ${cell.title}`}
          discover="none"
        >
          Going cap
        </Link>
      </div>
    </div>
  );
}

/** Without JavaScript the menus cannot open: show their actions and drop the toggles. */
export const noJsMenus = ".menu-panel[hidden]{display:flex}.menu-toggle{display:none}";
