import { Form } from "@remix-run/react";
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { type Draft, type PendingItem, newItemId, readDraft, writeDraft } from "../../realtime/outbox";
import { type ItemKind, itemKinds, kindLabels } from "../../schemas/kinds";
import { limits } from "../../schemas/limits";
import { storyFields } from "./Story";
import { usePeople } from "./usePeople";

const draftFields = ["text", "blocker", "impact", "helped", "saidBy"] as const;

/**
 * The note-taker's form. Keyboard first: Ctrl/Cmd+Enter adds, focus goes
 * back to "Text" ("Blocker" for a blocker story) and the kind stays as
 * chosen. With JavaScript, items go to the outbox (sent live, kept if
 * offline) and what is being typed is kept as a draft in the browser, so a
 * reload, a crash or a lock loses nothing; without it, the form posts.
 */
export function CaptureForm({
  slug,
  pitchId,
  fallbackId,
  onAdd,
  initial,
}: {
  slug: string;
  pitchId: string;
  fallbackId: string;
  onAdd: (item: PendingItem) => void;
  /** What was typed in a form posted without JavaScript that the server refused. */
  initial?: Record<string, string>;
}) {
  const [kind, setKind] = useState<ItemKind>(
    itemKinds.includes(initial?.kind as ItemKind) ? (initial?.kind as ItemKind) : "note",
  );
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const { people, load: loadPeople, mentionOf } = usePeople(slug);
  const [typed, setTyped] = useState("");
  const linked = people.find((p) => p.label === typed.trim()) ?? null;
  const query = typed.trim().toLocaleLowerCase();
  const suggestions =
    query && !linked ? people.filter((p) => p.label.toLocaleLowerCase().startsWith(query)).slice(0, 5) : [];

  // Bring back what was being typed here before (the server-rendered form cannot know it).
  useEffect(() => {
    const draft = readDraft(slug, pitchId);
    const form = formRef.current;
    if (!draft || !form || initial) return;
    setKind(draft.kind);
    for (const name of draftFields) {
      const field = form.elements.namedItem(name);
      if ((field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) && !field.value)
        field.value = draft[name];
    }
    const consent = form.elements.namedItem("saidByConsent");
    if (consent instanceof HTMLInputElement) consent.checked = draft.saidByConsent;
  }, [slug, pitchId, initial]);

  function currentDraft(form: HTMLFormElement, chosen: ItemKind = kind): Draft {
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? "");
    return {
      kind: chosen,
      text: value("text"),
      blocker: value("blocker"),
      impact: value("impact"),
      helped: value("helped"),
      saidBy: value("saidBy"),
      saidByConsent: data.get("saidByConsent") === "on",
    };
  }

  function saveDraft(chosen?: ItemKind) {
    if (formRef.current) writeDraft(slug, pitchId, currentDraft(formRef.current, chosen));
  }

  function focusFirst(chosen: ItemKind) {
    const form = formRef.current;
    const target = chosen === "blocker" ? form?.elements.namedItem("blocker") : textRef.current;
    if (target instanceof HTMLElement) target.focus();
  }

  function submit(event?: FormEvent) {
    event?.preventDefault();
    const form = formRef.current;
    if (!form) return;
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? "").trim();
    const item: PendingItem = {
      id: newItemId(),
      pitchId,
      kind,
      text: value("text"),
      blocker: kind === "blocker" ? value("blocker") : "",
      impact: kind === "blocker" ? value("impact") : "",
      helped: kind === "blocker" ? value("helped") : "",
      saidBy: value("saidBy"),
      saidByConsent: data.get("saidByConsent") === "on",
      mentionId: mentionOf(value("saidBy")),
      queuedAt: new Date().toISOString(),
    };
    if (kind === "blocker" ? !item.blocker : !item.text) {
      setError(kind === "blocker" ? "Say what the blocker was." : "Type the text first.");
      focusFirst(kind);
      return;
    }
    setError(null);
    onAdd(item);
    // Added, but unnamed: say so while the speaker is still in the room to ask.
    setNotice(
      item.mentionId
        ? `Added. ${item.saidBy} decides whether to be named: they see this note under “Your mentions”.`
        : item.saidBy && !item.saidByConsent
          ? `Added. ${item.saidBy} will not be named: ask them, or tick “They agreed to be named” and edit the note.`
          : null,
    );
    for (const name of draftFields) {
      const field = form.elements.namedItem(name);
      if (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) field.value = "";
    }
    const consent = form.elements.namedItem("saidByConsent");
    if (consent instanceof HTMLInputElement) consent.checked = false;
    writeDraft(slug, pitchId, null);
    setTyped("");
    focusFirst(kind);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) submit(event);
  }

  return (
    <Form
      method="post"
      ref={formRef}
      onSubmit={submit}
      onKeyDown={onKeyDown}
      onInput={() => saveDraft()}
      className="card capture-form"
      aria-labelledby="capture-heading"
    >
      <h2 id="capture-heading">Capture</h2>
      <input type="hidden" name="intent" value="add" />
      <input type="hidden" name="id" value={fallbackId} />
      <input type="hidden" name="pitchId" value={pitchId} />
      <fieldset className="kinds">
        <legend>Kind</legend>
        {itemKinds.map((k) => (
          <label key={k} className="kind-option">
            <input
              type="radio"
              name="kind"
              value={k}
              checked={kind === k}
              onChange={() => {
                setKind(k);
                saveDraft(k);
              }}
            />
            {kindLabels[k]}
          </label>
        ))}
      </fieldset>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <p className="notice" role="status" hidden={!notice}>
        {notice}
      </p>
      <div className="field">
        <label htmlFor="capture-text">Text</label>
        <textarea
          id="capture-text"
          name="text"
          ref={textRef}
          rows={3}
          maxLength={limits.itemText}
          aria-describedby="capture-hint"
          defaultValue={initial?.text}
        />
        <p className="hint" id="capture-hint">
          {kind === "blocker" ? "Optional for a blocker story: a one-line summary. " : ""}
          Markdown works. Ctrl+Enter (⌘+Enter) adds.
        </p>
      </div>
      {/* Always in the page, so a blocker story can be posted without JavaScript; CSS shows it for that kind. */}
      <div className="blocker-fields">
        {storyFields.map((field) => (
          <div key={field.name} className="field">
            <label htmlFor={`capture-${field.name}`}>{field.label}</label>
            <textarea
              id={`capture-${field.name}`}
              name={field.name}
              rows={2}
              maxLength={2000}
              placeholder={field.hint}
              defaultValue={initial?.[field.name]}
            />
          </div>
        ))}
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor="capture-said-by">Said by</label>
          <input
            id="capture-said-by"
            name="saidBy"
            type="text"
            maxLength={80}
            autoComplete="off"
            aria-describedby="said-by-hint"
            onFocus={loadPeople}
            onInput={(event) => setTyped(event.currentTarget.value)}
            defaultValue={initial?.saidBy}
          />
          <p className="hint" id="said-by-hint">
            Stays private unless they agree to be named. Pick someone who joined and they decide for themselves.
          </p>
          {suggestions.length ? (
            <ul className="suggestions" aria-label="People who joined">
              {suggestions.map((person) => (
                <li key={person.id}>
                  <button
                    type="button"
                    className="small secondary"
                    onClick={() => {
                      const field = formRef.current?.elements.namedItem("saidBy");
                      if (field instanceof HTMLInputElement) field.value = person.label;
                      setTyped(person.label);
                      saveDraft();
                    }}
                  >
                    {person.label}
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          {linked ? (
            <p className="hint" role="status">
              Linked to {linked.label}, who joined: they choose whether to be named.
            </p>
          ) : null}
        </div>
        <label className="check">
          <input type="checkbox" name="saidByConsent" defaultChecked={initial?.saidByConsent === "on"} />
          They agreed to be named
        </label>
      </div>
      <button type="submit">Add</button>
    </Form>
  );
}
