import { useFetcher } from "@remix-run/react";
import { useState } from "react";
import type { PendingItem } from "../../realtime/outbox";
import type { ShownItem } from "../../realtime/useCapture";
import { type ItemKind, itemKinds, kindLabels } from "../../schemas/kinds";
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

function EditForm({ item, onDone }: { item: ShownItem; onDone: () => void }) {
  const fetcher = useFetcher<{ error?: string }>();
  const own = item.own;
  if (!own) return null;
  const error = fetcher.state === "idle" ? fetcher.data?.error : undefined;
  if (fetcher.state === "idle" && fetcher.data && !error) queueMicrotask(onDone);
  return (
    <fetcher.Form method="post" className="edit-item">
      <input type="hidden" name="intent" value="edit" />
      <input type="hidden" name="id" value={item.id} />
      <input type="hidden" name="kind" value={item.kind} />
      {item.kind === "blocker"
        ? storyFields.map((field) => (
            <div key={field.name} className="edit-field">
              <label htmlFor={`edit-${field.name}-${item.id}`}>{field.label}</label>
              <textarea
                id={`edit-${field.name}-${item.id}`}
                name={field.name}
                defaultValue={own[field.name]}
                rows={2}
              />
            </div>
          ))
        : null}
      <label htmlFor={`edit-text-${item.id}`}>Edit text</label>
      <textarea id={`edit-text-${item.id}`} name="text" defaultValue={own.text} rows={3} />
      <input type="hidden" name="saidBy" value={own.saidBy} />
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

function ItemActions({ item, canModerate, locked }: { item: ShownItem; canModerate: boolean; locked: boolean }) {
  const fetcher = useFetcher<{ error?: string }>();
  const [editing, setEditing] = useState(false);
  const label = kindLabels[item.kind].toLowerCase();
  if (editing) return <EditForm item={item} onDone={() => setEditing(false)} />;
  return (
    <div className="item-actions">
      {item.mine && item.own && !locked ? (
        <>
          <button
            type="button"
            className="small secondary"
            onClick={() => setEditing(true)}
            aria-label={`Edit this ${label}`}
          >
            Edit
          </button>
          <fetcher.Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="delete" />
            <input type="hidden" name="id" value={item.id} />
            <button type="submit" className="small danger" aria-label={`Delete this ${label}`}>
              Delete
            </button>
          </fetcher.Form>
        </>
      ) : null}
      {canModerate ? (
        <fetcher.Form method="post" className="inline-form">
          <input type="hidden" name="intent" value="hide" />
          <input type="hidden" name="id" value={item.id} />
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
  );
}

/** "Captured notes", live, filterable by kind; unsent items show as "Not sent yet". */
export function ItemList({
  items,
  pending,
  canModerate,
  locked,
  onDiscard,
}: {
  items: ShownItem[];
  pending: PendingItem[];
  canModerate: boolean;
  locked: boolean;
  onDiscard: (id: string) => void;
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
        {shown.map((item) => (
          <li key={item.id} className={`item item-${item.kind}`}>
            <span className="badge">{kindLabels[item.kind]}</span>
            <ItemBody item={item} />
            <p className="muted said-by">
              {item.speaker ? `Said by ${item.speaker}` : null}
              {item.edited ? <span> (edited)</span> : null}
            </p>
            <ItemActions item={item} canModerate={canModerate} locked={locked} />
          </li>
        ))}
        {waiting.map((item) => (
          <li key={item.id} className={`item item-${item.kind} pending`}>
            <span className="badge">{kindLabels[item.kind]}</span>
            <span className="badge warn">{item.error ? "Not sent" : "Not sent yet"}</span>
            <p className="pending-text">{item.kind === "blocker" ? item.blocker : item.text}</p>
            {item.error ? (
              <>
                <p className="form-error">{item.error}</p>
                <button type="button" className="small secondary" onClick={() => onDiscard(item.id)}>
                  Discard
                </button>
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
