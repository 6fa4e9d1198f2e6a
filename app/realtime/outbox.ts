import { nanoid } from "nanoid";

/**
 * Items typed but not yet acknowledged by the server, kept in localStorage so
 * they survive a reload, a navigation or a dead battery. Each carries the id
 * the server will store it under: sending it twice stores it once. One sender
 * per tab (useOutboxSender) empties every session's outbox of the event.
 */
export interface PendingItem {
  id: string;
  pitchId: string;
  kind: "note" | "tip" | "blocker" | "quote" | "action";
  text: string;
  blocker: string;
  impact: string;
  helped: string;
  saidBy: string;
  saidByConsent: boolean;
  /** The person who joined, picked from the "Said by" suggestions: they decide whether to be named. */
  mentionId?: string;
  queuedAt: string;
  /** Set when the server refused the item (not a network failure): shown, not retried. */
  error?: string;
  /** Already stored, then edited before its acknowledgement came: sent as an edit, not an add. */
  stored?: boolean;
}

/** The parts a note-taker typed: two versions of an item differ when these do. */
export function sameContent(a: PendingItem, b: PendingItem): boolean {
  return (
    a.kind === b.kind &&
    a.text === b.text &&
    a.blocker === b.blocker &&
    a.impact === b.impact &&
    a.helped === b.helped &&
    a.saidBy === b.saidBy &&
    a.saidByConsent === b.saidByConsent &&
    (a.mentionId ?? "") === (b.mentionId ?? "")
  );
}

/** What a note-taker is typing in one session, kept so that nothing is lost to a reload or a lock. */
export interface Draft {
  kind: PendingItem["kind"];
  text: string;
  blocker: string;
  impact: string;
  helped: string;
  saidBy: string;
  saidByConsent: boolean;
}

export function newItemId(): string {
  return nanoid(21);
}

const prefix = (slug: string) => `unconf:outbox:${slug}:`;
const key = (slug: string, pitchId: string) => `${prefix(slug)}${pitchId}`;
const draftKey = (slug: string, pitchId: string) => `unconf:draft:${slug}:${pitchId}`;

/** Fired on this window whenever an outbox changes (other tabs get the browser's `storage` event). */
export const OUTBOX_EVENT = "unconf:outbox";

function parseList(raw: string | null): PendingItem[] {
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? (parsed as PendingItem[]).filter((p) => typeof p?.id === "string") : [];
  } catch {
    return [];
  }
}

export function readOutbox(slug: string, pitchId: string): PendingItem[] {
  try {
    return parseList(window.localStorage.getItem(key(slug, pitchId)));
  } catch {
    return [];
  }
}

/** Every waiting item of the event, all sessions. */
export function readEventOutbox(slug: string): PendingItem[] {
  const items: PendingItem[] = [];
  try {
    const storage = window.localStorage;
    for (let i = 0; i < storage.length; i++) {
      const name = storage.key(i);
      if (name?.startsWith(prefix(slug))) items.push(...parseList(storage.getItem(name)));
    }
  } catch {
    // Storage blocked: nothing was kept.
  }
  return items.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

export function writeOutbox(slug: string, pitchId: string, items: PendingItem[]): void {
  try {
    if (items.length) window.localStorage.setItem(key(slug, pitchId), JSON.stringify(items));
    else window.localStorage.removeItem(key(slug, pitchId));
  } catch {
    // Storage full or blocked (private mode): the items stay in memory for this page.
  }
  window.dispatchEvent(new CustomEvent(OUTBOX_EVENT, { detail: { slug, pitchId } }));
}

/** Changes one session's outbox from what is stored now (another tab may have changed it). */
export function updateOutbox(slug: string, pitchId: string, change: (items: PendingItem[]) => PendingItem[]): void {
  writeOutbox(slug, pitchId, change(readOutbox(slug, pitchId)));
}

/** Items that will still be sent (not refused). */
export function unsentCount(items: readonly PendingItem[]): number {
  return items.filter((p) => !p.error).length;
}

export function unsentText(n: number): string {
  return `${n} ${n === 1 ? "note" : "notes"} not sent yet`;
}

/** Waits between tries while items wait: 1 s, 2 s, 4 s ... at most 30 s. */
export function retryDelay(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, Math.min(attempt, 5)));
}

export function readDraft(slug: string, pitchId: string): Draft | null {
  try {
    const raw = window.localStorage.getItem(draftKey(slug, pitchId));
    const parsed = raw ? (JSON.parse(raw) as Partial<Draft>) : null;
    if (!parsed || typeof parsed !== "object") return null;
    return {
      kind: parsed.kind ?? "note",
      text: String(parsed.text ?? ""),
      blocker: String(parsed.blocker ?? ""),
      impact: String(parsed.impact ?? ""),
      helped: String(parsed.helped ?? ""),
      saidBy: String(parsed.saidBy ?? ""),
      saidByConsent: parsed.saidByConsent === true,
    };
  } catch {
    return null;
  }
}

export function isEmptyDraft(draft: Draft | null): boolean {
  return !draft || !(draft.text || draft.blocker || draft.impact || draft.helped || draft.saidBy);
}

export function writeDraft(slug: string, pitchId: string, draft: Draft | null): void {
  try {
    if (isEmptyDraft(draft)) window.localStorage.removeItem(draftKey(slug, pitchId));
    else window.localStorage.setItem(draftKey(slug, pitchId), JSON.stringify(draft));
  } catch {
    // Storage full or blocked: the draft lives only in the form.
  }
}

/** The draft as one text a person can copy elsewhere. */
export function draftText(draft: Draft): string {
  return [draft.blocker, draft.impact, draft.helped, draft.text, draft.saidBy ? `Said by ${draft.saidBy}` : ""]
    .filter(Boolean)
    .join("\n\n");
}
