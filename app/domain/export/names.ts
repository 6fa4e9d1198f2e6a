import { slugify, uniqueSlug } from "../slug";
import type { EventExport, ExportSession } from "./model";
import { datePart } from "./time";

/** File names and identifiers that exports derive from titles and slugs. */

/** An ASCII slug for a title; titles with no Latin letters or digits (emoji, Hebrew) get `session-N`. */
export function titleSlug(title: string, number: number, max = 50): string {
  const folded = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
  if (!/[a-z0-9]/.test(folded)) return `session-${number}`;
  return slugify(folded).slice(0, max).replace(/-+$/, "");
}

/** The day a session's post is dated: its slot's day, or the event's first day. */
export function postDay(session: ExportSession, event: EventExport["event"]): string {
  return session.placement ? datePart(session.placement.localStart) : event.date;
}

/** One post's file name, YYYY-MM-DD-slug.md. */
export function postFileName(session: ExportSession, event: EventExport["event"]): string {
  return `${postDay(session, event)}-${titleSlug(session.title, session.number)}.md`;
}

/**
 * Post file names, YYYY-MM-DD-slug.md (Hugo content/posts and Jekyll _posts
 * both accept it), unique within the export, by session id.
 */
export function postFileNames(model: EventExport): Map<string, string> {
  const taken = new Set<string>();
  const names = new Map<string, string>();
  for (const session of model.sessions) {
    const base = `${postDay(session, model.event)}-${titleSlug(session.title, session.number)}`;
    const unique = uniqueSlug(base, taken);
    taken.add(unique);
    names.set(session.id, `${unique}.md`);
  }
  return names;
}

/**
 * The c3voc acronym: the event's slug with underscores for hyphens (the JSON
 * Schema allows no hyphen after the first character), at least 4 characters.
 */
export function vocAcronym(slug: string): string {
  return slug.replace(/-/g, "_").padEnd(4, "_");
}

/** A c3voc event slug, acronym-N-title: unique by N, valid for both the XSD and the JSON Schema. */
export function vocSlug(acronym: string, session: ExportSession): string {
  const title = titleSlug(session.title, session.number, 40);
  return `${acronym}-${session.number}-${title.startsWith("session-") ? "session" : title}`;
}
