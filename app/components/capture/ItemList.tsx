import { useFetcher } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import type { PendingItem } from "../../realtime/outbox";
import type { ShownItem } from "../../realtime/useCapture";
import { type ItemKind, itemKinds, kindLabels } from "../../schemas/kinds";
import { ConfirmDetails } from "../ConfirmDetails";
import { SanitisedHtml } from "../SanitisedHtml";
import { StoryList, storyFields } from "./Story";

function ItemBody({
  item,
}: {
  item: Pick<ShownItem, "kind" | "textHtml" | "blockerHtml" | "impactHtml" | "helpedHtml">;
}) {
  return (
    <>
      {item.kind === "blocker" ? (
        <StoryList html={{ blocker: item.blockerHtml, impact: item.impactHtml, helped: item.helpedHtml }} />
      ) : null}
      {item.textHtml ? (
        item.kind === "quote" ? (
          <blockquote>
            <SanitisedHtml html={item.textHtml} />
          </blockquote>
        ) : (
          <SanitisedHtml html={item.textHtml} />
        )
      ) : null}
    </>
  );
}

type Own = NonNullable<ShownItem["own"]>;

/**
 * Edits one's own item, sent or not: an unsent item's outbox entry changes
 * (same id, so it is still stored once); a stored one is saved like the edit
 * form posts it. The same form stays open if the item is stored meanwhile.
 */
function ItemEditor({
  id,
  kind,
  own,
  stored,
  onEditPending,
  onDone,
}: {
  id: string;
  kind: ItemKind;
  own: Own;
  stored: boolean;
  onEditPending: (id: string, fields: Partial<Own>) => void;
  onDone: () => void;
}) {
  const fetcher = useFetcher<{ error?: string }>();
  const error = fetcher.state === "idle" ? fetcher.data?.error : undefined;
  if (fetcher.state === "idle" && fetcher.data && !error) queueMicrotask(onDone);
  return (
    <fetcher.Form
      method="post"
      className="edit-item"
      onSubmit={(event) => {
        if (stored) return;
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        const value = (name: string) => String(data.get(name) ?? "").trim();
        onEditPending(id, {
          text: value("text"),
          ...(kind === "blocker"
            ? { blocker: value("blocker"), impact: value("impact"), helped: value("helped") }
            : {}),
        });
        onDone();
      }}
    >
      <input type="hidden" name="intent" value="edit" />
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="kind" value={kind} />
      {kind === "blocker"
        ? storyFields.map((field) => (
            <div key={field.name} className="edit-field">
              <label htmlFor={`edit-${field.name}-${id}`}>{field.label}</label>
              <textarea id={`edit-${field.name}-${id}`} name={field.name} defaultValue={own[field.name]} rows={2} />
            </div>
          ))
        : null}
      <label htmlFor={`edit-text-${id}`}>Edit text</label>
      <textarea id={`edit-text-${id}`} name="text" defaultValue={own.text} rows={3} />
      <input type="hidden" name="saidBy" value={own.saidBy} />
      <input type="hidden" name="mentionId" value={own.mentionId ?? ""} />
      {own.saidByConsent ? <input type="hidden" name="saidByConsent" value="on" /> : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="small">
          Save
        </button>
        <button type="button" className="small secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </fetcher.Form>
  );
}

function ownOf(pending: PendingItem): Own {
  const { text, blocker, impact, helped, saidBy, saidByConsent, mentionId } = pending;
  return { text, blocker, impact, helped, saidBy, saidByConsent, mentionId };
}

/** One captured item, stored or still in the outbox; keyed by its id, so editing survives it being sent. */
function ItemRow({
  item,
  pending,
  canModerate,
  locked,
  onDiscard,
  onEditPending,
}: {
  item: ShownItem | null;
  pending: PendingItem | null;
  canModerate: boolean;
  locked: boolean;
  onDiscard: (id: string) => void;
  onEditPending: (id: string, fields: Partial<Own>) => void;
}) {
  const fetcher = useFetcher<{ error?: string }>();
  const [editing, setEditing] = useState(false);
  // Focus follows the edit: into the editor when it opens, back to "Edit" when it closes (saved or cancelled).
  const row = useRef<HTMLLIElement>(null);
  const opened = useRef(false);
  useEffect(() => {
    if (editing) row.current?.querySelector<HTMLElement>(".edit-item textarea")?.focus();
    else if (opened.current) row.current?.querySelector<HTMLElement>("[data-edit-button]")?.focus();
    opened.current = editing;
  }, [editing]);
  const id = (item?.id ?? pending?.id) as string;
  const kind = (item?.kind ?? pending?.kind) as ItemKind;
  const label = kindLabels[kind].toLowerCase();
  const ownNow = item?.own ?? (pending ? ownOf(pending) : null);
  // A push or a reload can carry the item for a moment without its author's fields: the open editor
  // stays mounted through that (remounting it lost its save and left it open).
  const lastOwn = useRef(ownNow);
  if (ownNow) lastOwn.current = ownNow;
  const own = editing ? (ownNow ?? lastOwn.current) : ownNow;
  const mine = item ? item.mine : true;
  return (
    <li ref={row} className={`item item-${kind}${item ? "" : " pending"}`}>
      <span className="badge">{kindLabels[kind]}</span>
      {pending && !item ? <span className="badge warn">{pending.error ? "Not sent" : "Not sent yet"}</span> : null}
      {editing && own ? (
        <ItemEditor
          id={id}
          kind={kind}
          own={own}
          stored={item !== null}
          onEditPending={onEditPending}
          onDone={() => setEditing(false)}
        />
      ) : item ? (
        <>
          <ItemBody item={item} />
          <p className="muted said-by">
            {item.speaker ? `Said by ${item.speaker}` : null}
            {item.edited ? <span> (edited)</span> : null}
          </p>
        </>
      ) : pending ? (
        <p className="pending-text">{pending.kind === "blocker" ? pending.blocker : pending.text}</p>
      ) : null}
      {pending?.error && !item ? (
        <>
          <p className="form-error">{pending.error}</p>
          <button type="button" className="small secondary" onClick={() => onDiscard(id)}>
            Discard
          </button>
        </>
      ) : null}
      {editing ? null : (
        <div className="item-actions">
          {mine && own && !locked && !pending?.error ? (
            <>
              <button
                type="button"
                className="small secondary"
                onClick={() => setEditing(true)}
                aria-label={`Edit this ${label}`}
                data-edit-button
              >
                Edit
              </button>
              {item ? (
                <ConfirmDetails
                  label="Delete"
                  name={`Delete this ${label}…`}
                  question={`Delete this ${label} for everyone?`}
                >
                  <fetcher.Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="delete" />
                    <input type="hidden" name="id" value={id} />
                    <button type="submit" className="small danger" aria-label={`Delete this ${label}`}>
                      Delete
                    </button>
                  </fetcher.Form>
                </ConfirmDetails>
              ) : (
                <button
                  type="button"
                  className="small danger"
                  onClick={() => onDiscard(id)}
                  aria-label={`Delete this ${label}`}
                >
                  Delete
                </button>
              )}
            </>
          ) : null}
          {canModerate && item ? (
            <fetcher.Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="hide" />
              <input type="hidden" name="id" value={id} />
              <button type="submit" className="small secondary" aria-label={`Hide this ${label}`}>
                Hide
              </button>
            </fetcher.Form>
          ) : null}
          {fetcher.state === "idle" && fetcher.data?.error ? (
            <p className="form-error" role="alert">
              {fetcher.data.error}
            </p>
          ) : null}
        </div>
      )}
    </li>
  );
}

/** "Captured notes", live, filterable by kind; unsent items show as "Not sent yet". */
export function ItemList({
  items,
  pending,
  canModerate,
  locked,
  onDiscard,
  onEditPending,
}: {
  items: ShownItem[];
  pending: PendingItem[];
  canModerate: boolean;
  locked: boolean;
  onDiscard: (id: string) => void;
  onEditPending: (id: string, fields: Partial<Own>) => void;
}) {
  const [filter, setFilter] = useState<ItemKind | "all">("all");
  const shown = filter === "all" ? items : items.filter((i) => i.kind === filter);
  const waiting = filter === "all" ? pending : pending.filter((p) => p.kind === filter);
  return (
    <section className="card" aria-labelledby="captured-heading">
      <h2 id="captured-heading">Captured notes</h2>
      <fieldset className="filters">
        <legend className="visually-hidden">Show</legend>
        {(["all", ...itemKinds] as const).map((k) => (
          <button
            key={k}
            type="button"
            className="small secondary"
            aria-pressed={filter === k}
            onClick={() => setFilter(k)}
          >
            {k === "all" ? "All" : kindLabels[k]}
            {k === "all" ? ` (${items.length})` : ` (${items.filter((i) => i.kind === k).length})`}
          </button>
        ))}
      </fieldset>
      {shown.length === 0 && waiting.length === 0 ? <p className="muted">Nothing captured yet.</p> : null}
      <ul className="items" aria-label="Captured notes" aria-live="polite">
        {[...shown.map((item) => ({ item, pending: null })), ...waiting.map((p) => ({ item: null, pending: p }))].map(
          (row) => (
            <ItemRow
              key={(row.item ?? row.pending)?.id}
              item={row.item}
              pending={row.pending}
              canModerate={canModerate}
              locked={locked}
              onDiscard={onDiscard}
              onEditPending={onEditPending}
            />
          ),
        )}
      </ul>
    </section>
  );
}
