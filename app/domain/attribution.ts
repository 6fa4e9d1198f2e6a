/**
 * The attribution rule (DESIGN.md, "Attribution"): the single place that
 * decides whether a person's name may be shown or exported.
 */

export interface ItemAttribution {
  saidBy: string | null;
  saidByConsent: boolean;
}

/** A captured item's speaker, or null when the name must be withheld. */
export function speakerName(item: ItemAttribution, session: { chathamHouse: boolean }): string | null {
  if (session.chathamHouse || !item.saidByConsent) return null;
  const name = item.saidBy?.trim();
  return name ? name : null;
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
