import { nanoid } from "nanoid";

/**
 * Items typed but not yet acknowledged by the server, kept in localStorage so
 * they survive a reload or a dead battery. Each carries the id the server
 * will store it under: sending it twice stores it once.
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
  queuedAt: string;
  /** Set when the server refused the item (not a network failure): shown, not retried. */
  error?: string;
}

export function newItemId(): string {
  return nanoid(21);
}

function key(slug: string, pitchId: string) {
  return `unconf:outbox:${slug}:${pitchId}`;
}

export function readOutbox(slug: string, pitchId: string): PendingItem[] {
  try {
    const raw = window.localStorage.getItem(key(slug, pitchId));
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? (parsed as PendingItem[]).filter((p) => typeof p?.id === "string") : [];
  } catch {
    return [];
  }
}

export function writeOutbox(slug: string, pitchId: string, items: PendingItem[]): void {
  try {
    if (items.length) window.localStorage.setItem(key(slug, pitchId), JSON.stringify(items));
    else window.localStorage.removeItem(key(slug, pitchId));
  } catch {
    // Storage full or blocked (private mode): the items stay in memory for this page.
  }
}
