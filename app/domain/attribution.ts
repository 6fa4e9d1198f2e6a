/**
 * The attribution rule (DESIGN.md, "Attribution"): the single place that
 * decides whether a person's name may be shown or exported.
 */

export interface ItemAttribution {
  saidBy: string | null;
  saidByConsent: boolean;
  /** Set when "Said by" links the item to someone who joined: then only their own choice counts. */
  mentionId?: string | null;
  mentionConsent?: "asked" | "named" | "anonymous";
}

/** Why a name may be shown: the person confirmed it, or (for someone not on Unconf) the note-taker ticked it. */
export type NameBasis = "confirmed by the person" | "ticked by the note-taker";

/** On which basis an item's speaker is named, or null when the name must be withheld. */
export function speakerBasis(item: ItemAttribution, session: { chathamHouse: boolean }): NameBasis | null {
  if (session.chathamHouse || !item.saidBy?.trim()) return null;
  if (item.mentionId) return item.mentionConsent === "named" ? "confirmed by the person" : null;
  return item.saidByConsent ? "ticked by the note-taker" : null;
}

/** A captured item's speaker, or null when the name must be withheld. */
export function speakerName(item: ItemAttribution, session: { chathamHouse: boolean }): string | null {
  return speakerBasis(item, session) ? (item.saidBy?.trim() ?? null) : null;
}

export interface PersonAttribution {
  name: string;
  nameInWriteups: boolean;
}

/** Inside the event, pages show the name a person joined with. */
export function displayName(person: PersonAttribution | null | undefined): string | null {
  const name = person?.name.trim();
  return name ? name : null;
}

/** Exports name a pitcher or note-taker only when they opted in, never under Chatham House. */
export function exportName(
  person: PersonAttribution | null | undefined,
  session: { chathamHouse: boolean },
): string | null {
  if (!person || session.chathamHouse || !person.nameInWriteups) return null;
  return displayName(person);
}
