/**
 * Room features and session needs share one vocabulary: five standard
 * features, and whatever short tags organisers give their rooms. A need is
 * met by a room that has every feature the session needs.
 */

export const STANDARD_FEATURES = [
  { id: "step-free", label: "Step-free access" },
  { id: "hearing-loop", label: "Hearing loop" },
  { id: "projector", label: "Projector" },
  { id: "whiteboard", label: "Whiteboard" },
  { id: "quiet", label: "Quiet" },
] as const;

export type StandardFeature = (typeof STANDARD_FEATURES)[number]["id"];

export const FEATURE_MAX_LENGTH = 30;
export const FEATURES_MAX = 10;

const standardIds = new Set<string>(STANDARD_FEATURES.map((f) => f.id));

export function isStandardFeature(id: string): boolean {
  return standardIds.has(id);
}

/** One feature as typed ("Hearing Loop ", "sofa  corner") in its stored form: trimmed, lower case, single spaces. */
export function normaliseFeature(value: string): string {
  return value.trim().toLowerCase().replace(/\s+/g, " ");
}

/** How a feature is shown: the standard label, or the organiser's own tag as written. */
export function featureLabel(id: string): string {
  return STANDARD_FEATURES.find((f) => f.id === id)?.label ?? id;
}

/** What a room lacks for a session: the needs it does not have, in the session's order. */
export function missingFeatures(needs: readonly string[], features: readonly string[]): string[] {
  if (needs.length === 0) return [];
  const has = new Set(features);
  return needs.filter((n) => !has.has(n));
}

/** Needs that no room of the event offers (shown to organisers beside the pitch). */
export function unmetNeeds(needs: readonly string[], rooms: ReadonlyArray<{ features: readonly string[] }>): string[] {
  return needs.filter((need) => !rooms.some((room) => room.features.includes(need)));
}

/** "Needs projector", "Needs step-free access and hearing loop": the conflict's label on a cell. */
export function needsLabel(missing: readonly string[]): string {
  const words = missing.map((m) => (isStandardFeature(m) ? featureLabel(m).toLowerCase() : m));
  if (words.length <= 1) return `Needs ${words[0] ?? ""}`;
  return `Needs ${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** The vocabulary a pitch may choose from: the standard features, then the rooms' own tags. */
export function featureVocabulary(rooms: ReadonlyArray<{ features: readonly string[] }>): string[] {
  const own = new Set<string>();
  for (const room of rooms) for (const f of room.features) if (!standardIds.has(f)) own.add(f);
  return [...STANDARD_FEATURES.map((f) => f.id as string), ...[...own].sort()];
}
