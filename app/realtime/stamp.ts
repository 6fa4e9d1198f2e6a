import type { ItemView } from "./contract";

/** A 32-bit FNV-1a hash, as hex: short, and the same on server and browser. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}

/**
 * A session's items in one short string, made the same way by the server (the
 * `session:watch` ack) and by a page from what it shows: it changes when an
 * item is added, edited or removed, or when a name appears or goes (consent,
 * Chatham House), so a page that missed a push while away knows to reload.
 */
export function stampOf(items: ReadonlyArray<Pick<ItemView, "id" | "changedAt" | "speaker">>): string {
  const lines = items.map((item) => `${item.id}|${item.changedAt}|${item.speaker ?? ""}`);
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `${items.length}:${fnv(lines.join("\n"))}`;
}

/** A session's photos in one short string (their ids): a page that missed a photo push while away reloads. */
export function photoStampOf(ids: readonly string[]): string {
  return `${ids.length}:${fnv([...ids].sort().join("\n"))}`;
}
